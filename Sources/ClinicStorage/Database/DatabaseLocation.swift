import Foundation

/// Which database KetaClinic talks to, parsed from `--database`.
///
/// A file path (or `sqlite:PATH`, or a `file:` URL) is the embedded SQLite default (one app
/// instance); `postgres://user:pass@host:port/db` serves several app instances that share one
/// database.
public enum DatabaseLocation: Equatable, Sendable, CustomStringConvertible {
    /// An SQLite file at this path.
    case sqlite(path: String)
    /// A PostgreSQL server, by URL.
    case postgres(url: String)

    /// The default: `./ketaclinic.sqlite` in the working directory.
    public static let `default` = DatabaseLocation.sqlite(path: "./ketaclinic.sqlite")

    /// Parses a `--database` value; the error message says what forms are accepted.
    ///
    /// A plain file path (`clinic.sqlite`, `/var/lib/ketaclinic/clinic.sqlite`) and a `file:` URL
    /// (`file:clinic.sqlite`, `file:///var/lib/ketaclinic/clinic.sqlite`) are SQLite, as is
    /// `sqlite:PATH`; `postgres://` and `postgresql://` URLs are PostgreSQL. Anything else that
    /// looks like a URL (`mysql://…`, `postgress:…`) is refused rather than taken for a file name.
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
        } else if value.hasPrefix("file:") {
            self = .sqlite(path: try Self.fileURLPath(value, input: text))
        } else if value.isEmpty || Self.looksLikeURL(value) {
            throw DatabaseLocationError(input: text)
        } else {
            self = .sqlite(path: value)
        }
    }

    /// The path of a `file:` URL as SQLite reads one: `file:relative/path`, `file:/absolute`,
    /// `file:///absolute` or `file://localhost/absolute`, percent-escapes decoded; a query such as
    /// `?mode=ro` is ignored (KetaClinic always opens the database read-write).
    private static func fileURLPath(_ value: String, input: String) throws(DatabaseLocationError) -> String {
        var rest = String(value.dropFirst("file:".count))
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = String(rest[..<end]) }
        if rest.hasPrefix("//") {
            rest.removeFirst(2)
            guard let slash = rest.firstIndex(of: "/") else { throw DatabaseLocationError(input: input) }
            let host = rest[..<slash]
            guard host.isEmpty || host == "localhost" else { throw DatabaseLocationError(input: input) }
            rest = String(rest[slash...])
        }
        guard let path = rest.removingPercentEncoding, !path.isEmpty, path != "/" else {
            throw DatabaseLocationError(input: input)
        }
        return path
    }

    /// True for `scheme:` prefixes (letters, then letters, digits, `+`, `-` or `.`, then a colon):
    /// a URL of an engine KetaClinic does not speak, or a misspelt one.
    private static func looksLikeURL(_ value: String) -> Bool {
        guard let colon = value.firstIndex(of: ":"), colon != value.startIndex else { return false }
        let scheme = value[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
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

/// A `--database` value that is neither a file path, `sqlite:PATH`, a `file:` URL nor a
/// `postgres://` URL.
public struct DatabaseLocationError: Error, CustomStringConvertible {
    /// What was given.
    public let input: String
    public var description: String {
        "'\(input)' is not a database location: use a file path for SQLite (e.g. ./ketaclinic.sqlite, "
            + "sqlite:./ketaclinic.sqlite or file:///var/lib/ketaclinic/clinic.sqlite) "
            + "or postgres://user:password@host:port/database"
    }
}
