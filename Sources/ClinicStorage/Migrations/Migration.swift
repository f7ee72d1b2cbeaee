import ClinicDomain

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
    /// Statements that differ by engine (triggers), run after `statements`; spelled in ``SQLEngine``.
    public let engineStatements: @Sendable (SQLEngine) -> [String]

    /// Declares a migration.
    public init(version: Int, name: String, statements: [String],
                engineStatements: @escaping @Sendable (SQLEngine) -> [String] = { _ in [] }) {
        self.version = version
        self.name = name
        self.statements = statements
        self.engineStatements = engineStatements
    }
}

/// Every migration KetaClinic knows, oldest first.
public enum Migrations {
    /// The full list; its last version is the schema this binary expects.
    public static let all: [Migration] = [
        createClinics,
        createPatients,
        createAccounts,
        createAuditTrail,
        createIntakeRecord,
        createTreatmentPlans,
        createRatingScales,
        createSessionEvents,
        createSessionRecord,
        addRemsSettingDetails,
        indexSessionLookups,
        addAuditEntryMACs,
        createRecoveryCodes,
        createEmergencyAccessGrants,
        createSchedule,
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

    static let createAccounts = Migration(version: 3, name: "create accounts", statements: [
        "ALTER TABLE clinics ADD COLUMN require_admin_two_factor BOOLEAN NOT NULL DEFAULT FALSE",
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            must_change_password BOOLEAN NOT NULL,
            is_active BOOLEAN NOT NULL,
            totp_secret TEXT,
            totp_last_counter BIGINT NOT NULL DEFAULT 0,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            stage TEXT NOT NULL,
            csrf_token TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_seen_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            ended_at BIGINT,
            end_reason TEXT,
            ip_address TEXT NOT NULL,
            user_agent TEXT NOT NULL
        )
        """,
        "CREATE INDEX sessions_by_user ON sessions (user_id, ended_at)",
        """
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            name TEXT NOT NULL,
            scopes TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            token_prefix TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_used_at BIGINT,
            revoked_at BIGINT,
            revoked_by TEXT
        )
        """,
        "CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at)",
        """
        CREATE TABLE sign_in_attempts (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL,
            ip_address TEXT NOT NULL,
            attempted_at BIGINT NOT NULL,
            succeeded BOOLEAN NOT NULL
        )
        """,
        "CREATE INDEX sign_in_attempts_by_email ON sign_in_attempts (email, attempted_at)",
        "CREATE INDEX sign_in_attempts_by_ip ON sign_in_attempts (ip_address, attempted_at)",
    ])

    static let createAuditTrail = Migration(version: 4, name: "create audit trail", statements: [
        """
        CREATE TABLE audit_entries (
            sequence BIGINT PRIMARY KEY,
            occurred_at BIGINT NOT NULL,
            user_id TEXT,
            actor_name TEXT NOT NULL,
            role TEXT,
            request_id TEXT NOT NULL,
            ip_address TEXT NOT NULL,
            action TEXT NOT NULL,
            entity_type TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            patient_id TEXT,
            summary TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        "CREATE INDEX audit_entries_by_patient ON audit_entries (patient_id, sequence)",
        "CREATE INDEX audit_entries_by_user ON audit_entries (user_id, sequence)",
        "CREATE INDEX audit_entries_by_time ON audit_entries (occurred_at, sequence)",
        """
        CREATE TABLE audit_chain_head (
            id BIGINT PRIMARY KEY,
            last_sequence BIGINT NOT NULL,
            last_hash TEXT NOT NULL
        )
        """,
        "INSERT INTO audit_chain_head (id, last_sequence, last_hash) VALUES (1, 0, '\(AuditEntry.genesisHash)')",
    ], engineStatements: { $0.appendOnlyGuard(table: "audit_entries") })

    static let createIntakeRecord = Migration(version: 5, name: "create intake record", statements: [
        // Search keys: lower-cased names so a name prefix search is an index range on both engines.
        "ALTER TABLE patients ADD COLUMN family_key TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE patients ADD COLUMN given_key TEXT NOT NULL DEFAULT ''",
        "UPDATE patients SET family_key = LOWER(family_name), given_key = LOWER(given_name)",
        "CREATE INDEX patients_by_family_key ON patients (clinic_id, family_key, given_key, id)",
        "CREATE INDEX patients_by_birth ON patients (clinic_id, date_of_birth, family_key, given_key, id)",
        // Bumped with every change to the record; a signed screening remembers the value it saw.
        "ALTER TABLE patients ADD COLUMN record_revision BIGINT NOT NULL DEFAULT 0",
        "ALTER TABLE clinics ADD COLUMN screening_policy TEXT",
        "ALTER TABLE clinics ADD COLUMN resistance_policy TEXT",
        """
        CREATE TABLE patient_record_items (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            section TEXT NOT NULL,
            item_key TEXT NOT NULL,
            version INTEGER NOT NULL,
            payload TEXT,
            recorded_at BIGINT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_by_name TEXT NOT NULL,
            reason TEXT,
            UNIQUE (item_key, version)
        )
        """,
        "CREATE INDEX patient_record_items_by_patient ON patient_record_items (patient_id, section, item_key, version)",
        """
        CREATE TABLE screenings (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            version INTEGER NOT NULL,
            record_revision BIGINT NOT NULL,
            screened_on TEXT NOT NULL,
            jurisdiction TEXT NOT NULL,
            record_snapshot TEXT NOT NULL,
            policy_snapshot TEXT NOT NULL,
            result TEXT NOT NULL,
            review TEXT NOT NULL,
            decisions TEXT NOT NULL,
            signed_by TEXT NOT NULL,
            signed_by_name TEXT NOT NULL,
            signed_at BIGINT NOT NULL,
            UNIQUE (patient_id, version)
        )
        """,
    ], engineStatements: { engine in
        // Record items and signed screenings are never changed or removed, only added to.
        engine.appendOnlyGuard(table: "patient_record_items") + engine.appendOnlyGuard(table: "screenings")
    })

    static let createTreatmentPlans = Migration(version: 6, name: "create treatment plans", statements: [
        "ALTER TABLE clinics ADD COLUMN working_days TEXT NOT NULL DEFAULT 'mon,tue,wed,thu,fri'",
        // Every saved protocol version; the built-in library is version 1 until a clinic saves its own.
        """
        CREATE TABLE treatment_protocols (
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            protocol_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            body TEXT NOT NULL,
            saved_at BIGINT NOT NULL,
            saved_by TEXT NOT NULL,
            saved_by_name TEXT NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (clinic_id, protocol_id, version)
        )
        """,
        """
        CREATE TABLE treatment_plans (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            version INTEGER NOT NULL,
            protocol_id TEXT NOT NULL,
            protocol_version INTEGER NOT NULL,
            body TEXT NOT NULL,
            supersedes TEXT,
            signed_by TEXT NOT NULL,
            signed_by_name TEXT NOT NULL,
            signed_at BIGINT NOT NULL,
            UNIQUE (patient_id, version)
        )
        """,
        // Sessions a signed plan scheduled; the session workflow moves them through their states.
        """
        CREATE TABLE treatment_sessions (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            plan_id TEXT NOT NULL REFERENCES treatment_plans (id),
            number INTEGER NOT NULL,
            scheduled_on TEXT NOT NULL,
            state TEXT NOT NULL,
            planned_dose TEXT NOT NULL,
            updated_at BIGINT NOT NULL,
            UNIQUE (plan_id, number)
        )
        """,
        "CREATE INDEX treatment_sessions_by_day ON treatment_sessions (scheduled_on, state)",
        "CREATE INDEX treatment_sessions_by_patient ON treatment_sessions (patient_id, scheduled_on)",
    ], engineStatements: { engine in
        // Protocol versions and signed plans are never changed or removed, only added to.
        engine.appendOnlyGuard(table: "treatment_protocols") + engine.appendOnlyGuard(table: "treatment_plans")
    })

    static let createRatingScales = Migration(version: 7, name: "create rating scales", statements: [
        "ALTER TABLE clinics ADD COLUMN safety_policy TEXT",
        // Completed rating scales; a correction is a new row that amends an earlier one.
        """
        CREATE TABLE scale_responses (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            instrument TEXT NOT NULL,
            score TEXT NOT NULL,
            total INTEGER,
            administered_on TEXT NOT NULL,
            recorded_at BIGINT NOT NULL,
            source TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_by_name TEXT NOT NULL,
            amends TEXT,
            reason TEXT
        )
        """,
        "CREATE INDEX scale_responses_by_patient ON scale_responses (patient_id, instrument, administered_on)",
        // A response is corrected at most once; a later correction corrects the correction.
        "CREATE UNIQUE INDEX scale_responses_one_correction ON scale_responses (amends)",
        // One-time self-report links: only the code's digest is kept.
        """
        CREATE TABLE self_report_links (
            id TEXT PRIMARY KEY,
            code_digest TEXT NOT NULL UNIQUE,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            instruments TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            created_by TEXT NOT NULL,
            created_by_name TEXT NOT NULL,
            expires_at BIGINT NOT NULL,
            used_at BIGINT,
            failed_checks INTEGER NOT NULL DEFAULT 0,
            revoked_at BIGINT
        )
        """,
        "CREATE INDEX self_report_links_by_patient ON self_report_links (patient_id, created_at)",
        """
        CREATE TABLE safety_alerts (
            id TEXT PRIMARY KEY,
            patient_id TEXT NOT NULL REFERENCES patients (id),
            response_id TEXT NOT NULL REFERENCES scale_responses (id),
            instrument TEXT NOT NULL,
            detail TEXT NOT NULL,
            raised_at BIGINT NOT NULL,
            escalated_at BIGINT,
            acknowledgement TEXT
        )
        """,
        "CREATE INDEX safety_alerts_open ON safety_alerts (acknowledgement, raised_at)",
        "CREATE INDEX safety_alerts_by_patient ON safety_alerts (patient_id, raised_at)",
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "scale_responses")
    })

    static let createSessionEvents = Migration(version: 8, name: "create session events", statements: [
        // Every state change of a treatment session, in order, with who, when and any override.
        """
        CREATE TABLE treatment_session_events (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            sequence INTEGER NOT NULL,
            event TEXT NOT NULL,
            from_state TEXT NOT NULL,
            to_state TEXT NOT NULL,
            occurred_at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            actor_name TEXT NOT NULL,
            detail TEXT NOT NULL,
            override TEXT,
            UNIQUE (session_id, sequence)
        )
        """,
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "treatment_session_events")
    })

    static let createSessionRecord = Migration(version: 9, name: "create session record", statements: [
        "ALTER TABLE clinics ADD COLUMN session_policy TEXT",
        // The chair the patient sits in, kept on the session for the board (each change is also an entry).
        "ALTER TABLE treatment_sessions ADD COLUMN chair TEXT",
        // Checklist, administration, devices, side effects, discharge, note and amendments, REMS
        // submission: appended, never changed; a correction amends an earlier entry with a reason.
        """
        CREATE TABLE session_entries (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            recorded_at BIGINT NOT NULL,
            recorded_by TEXT NOT NULL,
            recorded_by_name TEXT NOT NULL,
            amends TEXT REFERENCES session_entries (id),
            reason TEXT
        )
        """,
        "CREATE INDEX session_entries_by_session ON session_entries (session_id, recorded_at)",
        "CREATE INDEX session_entries_by_kind ON session_entries (kind, recorded_at)",
        "CREATE UNIQUE INDEX session_entries_one_correction ON session_entries (amends)",
        // Vital signs, typed or posted by a monitor gateway; a correction is a new row.
        """
        CREATE TABLE session_vitals (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            taken_at BIGINT NOT NULL,
            recorded_at BIGINT NOT NULL,
            source TEXT NOT NULL,
            systolic INTEGER,
            diastolic INTEGER,
            heart_rate INTEGER,
            oxygen_saturation INTEGER,
            respiratory_rate INTEGER,
            temperature_decicelsius INTEGER,
            recorded_by TEXT NOT NULL,
            recorded_by_name TEXT NOT NULL,
            amends TEXT REFERENCES session_vitals (id),
            reason TEXT
        )
        """,
        "CREATE INDEX session_vitals_by_session ON session_vitals (session_id, taken_at)",
        "CREATE UNIQUE INDEX session_vitals_one_correction ON session_vitals (amends)",
        // Alerts raised by readings; the acknowledgement is filled once.
        """
        CREATE TABLE session_alerts (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL REFERENCES treatment_sessions (id),
            patient_id TEXT NOT NULL REFERENCES patients (id),
            vital_id TEXT NOT NULL REFERENCES session_vitals (id),
            code TEXT NOT NULL,
            message TEXT NOT NULL,
            raised_at BIGINT NOT NULL,
            escalated_at BIGINT,
            acknowledged_at BIGINT,
            acknowledged_by TEXT,
            acknowledged_by_name TEXT,
            action TEXT,
            note TEXT
        )
        """,
        "CREATE INDEX session_alerts_by_session ON session_alerts (session_id, raised_at)",
        "CREATE INDEX session_alerts_open ON session_alerts (acknowledged_at, raised_at)",
    ], engineStatements: { engine in
        engine.appendOnlyGuard(table: "session_entries") + engine.appendOnlyGuard(table: "session_vitals")
    })

    static let addRemsSettingDetails = Migration(version: 10, name: "add REMS setting details", statements: [
        // The healthcare setting's REMS details (kind, address, telephone, designated monitoring
        // provider) as JSON: what the Patient Monitoring Form needs beyond the clinic's settings.
        "ALTER TABLE clinics ADD COLUMN rems_details TEXT",
    ])

    static let indexSessionLookups = Migration(version: 11, name: "index session lookups", statements: [
        // A gateway's reading by chair finds the seated session with one indexed query.
        "CREATE INDEX treatment_sessions_by_chair ON treatment_sessions (chair, state)",
        // The board's summary of monitor readings asks which readings raised an alert.
        "CREATE INDEX session_alerts_by_reading ON session_alerts (vital_id)",
    ])
}
