import Logging

/// Chooses the board's bus for a database.
public enum BoardBuses {
    /// In-process on SQLite (one instance); LISTEN/NOTIFY on PostgreSQL (any number of instances).
    /// A PostgreSQL bus delivers only while its ``PostgresBoardBus/run()`` runs: the server
    /// registers it as a lifecycle service.
    public static func make(for database: ClinicDatabase, logger: Logger) -> any BoardBus {
        switch database.engine {
        case .sqlite:
            return InProcessBoardBus()
        case .postgres:
            do {
                return try PostgresBoardBus(database: database, logger: logger)
            } catch {
                // The database opened this same URL, so this does not happen; stay usable if it does.
                logger.error("board bus falls back to this instance only", metadata: ["error": "\(error)"])
                return InProcessBoardBus()
            }
        }
    }
}
