import ClinicDomain

extension Migrations {
    /// Staff users, browser sessions, API tokens and sign-in attempts for throttling (version 3).
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
}
