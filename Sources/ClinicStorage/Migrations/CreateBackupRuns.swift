extension Migrations {
    /// The log of database backups, scheduled and taken from the command line: when, where, how
    /// large, the SHA-256 of the file, and whether it succeeded. Administrators see it with each
    /// backup's age; the newest good one tells whether backups keep to the schedule.
    static let createBackupRuns = Migration(version: 50, name: "create backup runs", statements: [
        """
        CREATE TABLE backup_runs (
            id TEXT PRIMARY KEY,
            started_at BIGINT NOT NULL,
            finished_at BIGINT NOT NULL,
            trigger TEXT NOT NULL,
            succeeded BOOLEAN NOT NULL,
            file TEXT NOT NULL,
            bytes BIGINT NOT NULL,
            sha256 TEXT NOT NULL,
            message TEXT NOT NULL,
            host TEXT NOT NULL
        )
        """,
        "CREATE INDEX backup_runs_by_time ON backup_runs (finished_at)",
    ])
}
