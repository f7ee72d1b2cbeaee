import ClinicDomain

extension Migrations {
    /// Single-use recovery codes for two-factor sign-in, stored as keyed digests (HMAC under the
    /// server's code key), never in clear.
    static let createRecoveryCodes = Migration(version: 13, name: "create recovery codes", statements: [
        """
        CREATE TABLE two_factor_recovery_codes (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users (id),
            code_digest TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            used_at BIGINT,
            UNIQUE (user_id, code_digest)
        )
        """,
        "CREATE INDEX two_factor_recovery_codes_by_user ON two_factor_recovery_codes (user_id, used_at)",
    ])
}
