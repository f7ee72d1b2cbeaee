import Foundation

/// Which database KetaClinic talks to, parsed from `--database`.
///
/// `sqlite:PATH` is the embedded default (one app instance); `postgres://user:pass@host:port/db`
/// serves several app instances that share one database.
public enum DatabaseLocation: Equatable, Sendable, CustomStringConvertible {
    /// An SQLite file at this path.
    case sqlite(path: String)
    /// A PostgreSQL server, by URL.
    case postgres(url: String)

    /// The default: `./ketaclinic.sqlite` in the working directory.
    public static let `default` = DatabaseLocation.sqlite(path: "./ketaclinic.sqlite")

    /// Parses a `--database` value; the error message says what forms are accepted.
    public init(parsing text: String) throws(DatabaseLocationError) {
        let value = text.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            guard let url = URL(string: value), url.host != nil, url.path.count > 1 else {
                throw DatabaseLocationError(input: text)
            }
            self = .postgres(url: value)
        } else if value.hasPrefix("sqlite:") {
            var path = String(value.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw DatabaseLocationError(input: text) }
            self = .sqlite(path: path)
        } else {
            throw DatabaseLocationError(input: text)
        }
    }

    /// The engine behind the location.
    public var engine: SQLEngine {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// Safe to print and log: a PostgreSQL password is masked.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard var parts = URLComponents(string: url) else { return "postgres://…" }
            if parts.password != nil { parts.password = "***" }
            return parts.string ?? "postgres://…"
        }
    }
}

/// A `--database` value that is neither `sqlite:PATH` nor a `postgres://` URL.
public struct DatabaseLocationError: Error, CustomStringConvertible {
    /// What was given.
    public let input: String
    public var description: String {
        "'\(input)' is not a database location: use sqlite:PATH (e.g. sqlite:./ketaclinic.sqlite) "
            + "or postgres://user:password@host:port/database"
    }
}
