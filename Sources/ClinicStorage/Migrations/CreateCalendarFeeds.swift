import ClinicDomain

extension Migrations {
    /// Calendar subscription feeds: one row per chair or staff feed, holding only the SHA-256 of its
    /// secret address and the first characters to tell feeds apart. Revoking stamps the row; it is
    /// never deleted, so the list keeps who made and who revoked each feed.
    static let createCalendarFeeds = Migration(version: 78, name: "create calendar feeds", statements: [
        """
        CREATE TABLE calendar_feeds (
            id TEXT PRIMARY KEY,
            clinic_id TEXT NOT NULL REFERENCES clinics (id),
            subject_kind TEXT NOT NULL,
            subject_id TEXT NOT NULL,
            subject_name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            token_prefix TEXT NOT NULL,
            created_by TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_read_at BIGINT,
            revoked_at BIGINT,
            revoked_by TEXT
        )
        """,
        "CREATE INDEX calendar_feeds_by_clinic ON calendar_feeds (clinic_id, created_at)",
    ])
}
