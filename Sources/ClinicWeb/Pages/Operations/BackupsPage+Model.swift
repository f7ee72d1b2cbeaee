import Foundation

/// The backups page for administrators: the backup policy, how old the newest good backup is
/// (with an alert when it is older than the policy), and the log of recent attempts.
public enum BackupsPage {
    /// One attempt in the log, ready to show.
    public struct Row: Sendable, Equatable {
        /// When it finished, in the clinic's time zone.
        public var finished: String
        /// How long ago, e.g. `5 h 20 min`.
        public var age: String
        /// `scheduled` or `command`.
        public var trigger: String
        /// True when the file was written and checked.
        public var succeeded: Bool
        /// The file.
        public var file: String
        /// Its size, e.g. `12.4 MB`.
        public var size: String
        /// Its SHA-256.
        public var sha256: String
        /// What happened (the error, when it failed).
        public var message: String

        /// Creates a row.
        public init(finished: String, age: String, trigger: String, succeeded: Bool, file: String, size: String,
                    sha256: String, message: String) {
            self.finished = finished
            self.age = age
            self.trigger = trigger
            self.succeeded = succeeded
            self.file = file
            self.size = size
            self.sha256 = sha256
            self.message = message
        }
    }

    /// The state of backups against the policy.
    public enum Standing: Sendable, Equatable {
        /// The newest good backup is within the policy; its age.
        case current(age: String)
        /// It is older than the policy allows; its age and the policy in words.
        case overdue(age: String, policy: String)
        /// There has never been a good backup.
        case never
    }

    /// What the page shows.
    public struct Model: Sendable, Equatable {
        /// The schedule in words (`every 6 h, keeping 28, in /var/backups/ketaclinic`), or nil when off.
        public var policy: String?
        /// The newest good backup against the policy.
        public var standing: Standing
        /// The newest attempts first.
        public var rows: [Row]
        /// `sqlite` or `postgres`.
        public var engine: String

        /// Creates the model.
        public init(policy: String?, standing: Standing, rows: [Row], engine: String) {
            self.policy = policy
            self.standing = standing
            self.rows = rows
            self.engine = engine
        }
    }
}
