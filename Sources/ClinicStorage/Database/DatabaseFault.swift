import Foundation
import PostgresKit
import SQLiteKit

/// A database error that is the database's condition rather than the request's fault: the
/// server is down or restarting, the disk is full, the file is locked by someone else.
///
/// Such a write was not committed (the writer answers only after `COMMIT`), so nothing a client
/// was told is stored has been lost; the request can be repeated once the condition passes. The
/// server answers these with `503 Service Unavailable` and `Retry-After` instead of a 500, and
/// the command line with a message saying what to do.
public enum DatabaseFault: Equatable, Sendable, CustomStringConvertible {
    /// The database server cannot be reached, closed the connection, or is starting or stopping.
    case unreachable
    /// The disk (or the database's quota) is full: no write can be stored until space returns.
    case diskFull
    /// Another process holds the SQLite file's lock longer than the busy timeout.
    case locked
    /// The operating system refused to read or write the database file.
    case storageError
    /// This server is shutting down and no longer takes database work.
    case shuttingDown

    /// Classifies `error`; nil for errors that are not the database's condition (a constraint,
    /// a bad query), which keep their own handling.
    public init?(classifying error: any Error) {
        switch error {
        case let sqlite as SQLiteError:
            guard let fault = Self.fault(sqlite.reason) else { return nil }
            self = fault
        case let postgres as PSQLError:
            guard let fault = Self.fault(postgres) else { return nil }
            self = fault
        case is PoolShutDownError:
            self = .shuttingDown
        case is WriteNotRunError, is ConnectionLostError:
            self = .unreachable
        case let io as IOError:
            self = io.errnoCode == ENOSPC ? .diskFull : .unreachable
        case is ChannelError:
            self = .unreachable
        default:
            let name = String(reflecting: type(of: error))
            // Connection set-up errors of NIO (e.g. `NIOConnectionError`) are not all public.
            guard name.contains("NIOConnectionError") || name.contains("ConnectionError") else { return nil }
            self = .unreachable
        }
    }

    /// A short stable name for logs and metrics.
    public var code: String {
        switch self {
        case .unreachable: "unreachable"
        case .diskFull: "disk-full"
        case .locked: "locked"
        case .storageError: "storage-error"
        case .shuttingDown: "shutting-down"
        }
    }

    /// Seconds a client should wait before trying again.
    public var retryAfterSeconds: Int {
        switch self {
        case .unreachable, .locked, .shuttingDown: 2
        case .diskFull, .storageError: 10
        }
    }

    /// What a member of staff or an operator reads: what happened, that nothing saved was lost,
    /// and what to do.
    public var description: String {
        switch self {
        case .unreachable:
            "The database cannot be reached at the moment. Nothing was saved by this request; "
                + "everything saved before is kept. Try again in a few seconds."
        case .diskFull:
            "The server's disk is full, so nothing new can be saved. Nothing was saved by this request; "
                + "everything saved before is kept. Ask the administrator to free disk space, then try again."
        case .locked:
            "The database file is locked by another program. Nothing was saved by this request. Try again shortly."
        case .storageError:
            "The server could not write to its database file. Nothing was saved by this request; "
                + "everything saved before is kept. Ask the administrator to check the disk."
        case .shuttingDown:
            "The server is restarting. Nothing was saved by this request. Try again in a few seconds."
        }
    }

    /// The message the command line prints when the database at `location` cannot be used at
    /// start: what is wrong and what to do about it.
    public func startupMessage(_ location: DatabaseLocation) -> String {
        switch self {
        case .locked:
            "the database \(location) is locked by another process (another KetaClinic server, or a program holding "
                + "its write lock such as an open sqlite3 session). One server uses an SQLite file at a time: stop the "
                + "other process and start again, or use PostgreSQL to run several instances"
        case .unreachable:
            "cannot reach the database \(location): check that PostgreSQL is running and accepts connections from this host"
        case .diskFull:
            "the disk holding the database \(location) is full: free some space and start again"
        case .storageError:
            "cannot read or write the database \(location): check the file's permissions, its folder and the disk"
        case .shuttingDown:
            "the database \(location) was closed while starting"
        }
    }

    private static func fault(_ reason: SQLiteError.Reason) -> DatabaseFault? {
        switch reason {
        case .full: .diskFull
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked, .lockedBySharedCache: .locked
        case .ioError, .ioErrorFailedWrite, .ioErrorFailedSync, .ioErrorFailedDirSync, .ioErrorFailedTruncate,
             .ioErrorFailedRead, .ioErrorIncompleteRead, .ioErrorFailedSharedMemSize, .ioErrorFailedSharedMemMap,
             .ioErrorFailedSharedMemOpen, .ioErrorFailedStat, .ioErrorFailedClose,
             .cantOpen, .readOnly, .readonlyCantLock, .readonlyDirectory:
            .storageError
        default: nil
        }
    }

    private static func fault(_ error: PSQLError) -> DatabaseFault? {
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            return .unreachable
        case .server:
            // SQLSTATE classes 08 (connection exception) and 57 (operator intervention: admin or
            // crash shutdown, cannot connect now); 53100 is disk_full, 53xxx other resources.
            guard let state = error.serverInfo?[.sqlState] else { return nil }
            if state == "53100" { return .diskFull }
            if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") { return .unreachable }
            return nil
        default:
            return nil
        }
    }
}
