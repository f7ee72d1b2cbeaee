/// One versioned step of the schema, written once in SQL that both engines accept
/// (see ``SQLEngine`` for the subset).
///
/// Names are verb-object ("create patients"). A migration that has shipped is never edited:
/// a change is a new migration.
public struct Migration: Sendable {
    /// Strictly increasing version; recorded in `schema_migrations`.
    public let version: Int
    /// What it does, in a few words.
    public let name: String
    /// The statements, run in order inside one transaction.
    public let statements: [String]

    /// Declares a migration.
    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Every migration KetaClinic knows, oldest first.
public enum Migrations {
    /// The full list; its last version is the schema this binary expects.
    public static let all: [Migration] = [
        createClinics,
        createPatients,
    ]

    /// The newest version this binary knows.
    public static var latestVersion: Int { all.last!.version }

    static let createClinics = Migration(version: 1, name: "create clinics", statements: [
        """
        CREATE TABLE clinics (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            jurisdiction TEXT NOT NULL,
            mrn_prefix TEXT NOT NULL,
            last_mrn_sequence BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
    ])

    static let createPatients = Migration(version: 2, name: "create patients", statements: [
        """
        CREATE TABLE patients (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            mrn TEXT NOT NULL,
            given_name TEXT NOT NULL,
            family_name TEXT NOT NULL,
            date_of_birth TEXT NOT NULL,
            sex_at_birth TEXT NOT NULL,
            gender_identity TEXT,
            registered_at BIGINT NOT NULL,
            UNIQUE (clinic_id, mrn)
        )
        """,
        "CREATE INDEX patients_by_name ON patients (clinic_id, family_name, given_name, id)",
    ])
}
