import ClinicDomain
import Foundation

/// How the MLLP listener for monitor gateways runs. Off unless `mllpPort` is set; only the
/// addresses in `mllpGateways` may connect. The limits bound what one sender can hold: a frame
/// larger than `mllpMaxFrameBytes`, a frame not finished within `mllpFrameSeconds` of its start
/// (a slow sender), or a connection silent for `mllpIdleSeconds` is closed.
public struct MonitorListenerSettings: Sendable, Equatable {
    /// The port, or nil when the listener is off (the default).
    public var port: Int?
    /// The address to listen on.
    public var host = "127.0.0.1"
    /// Who may connect: addresses and CIDR ranges (IPv4 and IPv6).
    public var gateways = GatewayAllowList.loopback
    /// Largest frame accepted, in bytes.
    public var maxFrameBytes = 1 << 20
    /// Seconds a frame may take from its start byte to its end bytes.
    public var frameSeconds = 10
    /// Seconds a connection may stay silent between frames.
    public var idleSeconds = 300
    /// PEM certificate chain for TLS on the MLLP port; with `tlsKey`, the listener speaks TLS only.
    public var tlsCertificate: String?
    /// PEM private key for TLS.
    public var tlsKey: String?

    /// Default: off.
    public init() {}

    /// The settings' keys (flags, environment variables, config file), listed with the others.
    static let keys: [SettingKey] = [
        SettingKey(name: "mllpPort", help: "Port of the MLLP listener for monitor gateways (HL7 v2 PCD-01); off when unset (default off).") {
            $0.monitors.port = try SettingKey.parseNumber($1, as: "mllp-port", in: 1...65_535)
        },
        SettingKey(name: "mllpHost", help: "Address the MLLP listener binds (default 127.0.0.1).") { $0.monitors.host = $1 },
        SettingKey(name: "mllpGateways", help: "Comma-separated addresses or CIDR ranges allowed to connect to the MLLP listener (default 127.0.0.1,::1).") {
            $0.monitors.gateways = try GatewayAllowList(parsing: $1)
        },
        SettingKey(name: "mllpMaxFrameBytes", help: "Largest MLLP frame accepted, in bytes (default 1048576).") {
            $0.monitors.maxFrameBytes = try SettingKey.parseNumber($1, as: "mllp-max-frame-bytes", in: 1_024...(16 << 20))
        },
        SettingKey(name: "mllpFrameSeconds", help: "Seconds a frame may take to arrive before the connection is closed (default 10).") {
            $0.monitors.frameSeconds = try SettingKey.parseNumber($1, as: "mllp-frame-seconds", in: 1...600)
        },
        SettingKey(name: "mllpIdleSeconds", help: "Seconds an MLLP connection may stay silent before it is closed (default 300).") {
            $0.monitors.idleSeconds = try SettingKey.parseNumber($1, as: "mllp-idle-seconds", in: 5...86_400)
        },
        SettingKey(name: "mllpTlsCertificate", help: "PEM certificate chain: with mllp-tls-key, the MLLP listener speaks TLS only (default none).") {
            $0.monitors.tlsCertificate = $1.nilIfEmpty
        },
        SettingKey(name: "mllpTlsKey", help: "PEM private key for TLS on the MLLP listener (default none).") { $0.monitors.tlsKey = $1.nilIfEmpty },
    ]
}

/// The gateway addresses allowed to connect: exact addresses and CIDR ranges, IPv4 and IPv6 (an
/// IPv4 peer seen as an IPv4-mapped IPv6 address matches its IPv4 entries).
public struct GatewayAllowList: Sendable, Equatable, CustomStringConvertible {
    /// One entry: the network's bytes and prefix length.
    struct Entry: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int
        let text: String
    }

    let entries: [Entry]

    /// Loopback only, the safe default.
    public static let loopback = try! GatewayAllowList(parsing: "127.0.0.1,::1")

    /// Parses `text`: entries separated by commas, each an address or `address/prefix`.
    public init(parsing text: String) throws {
        var entries: [Entry] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pieces = part.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = Self.bytes(of: pieces[0]) else {
                throw SettingsError("mllp-gateways: '\(part)' is not an IP address or CIDR range")
            }
            var prefix = bytes.count * 8
            if pieces.count == 2 {
                guard let given = Int(pieces[1]), (0...bytes.count * 8).contains(given) else {
                    throw SettingsError("mllp-gateways: '\(part)' has a prefix length outside 0 to \(bytes.count * 8)")
                }
                prefix = given
            }
            entries.append(Entry(bytes: bytes, prefix: prefix, text: part))
        }
        guard !entries.isEmpty else { throw SettingsError("mllp-gateways must name at least one address") }
        self.entries = entries
    }

    /// True when `address` (as a socket reports it) may connect.
    public func allows(_ address: String) -> Bool {
        guard var bytes = Self.bytes(of: address) else { return false }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            bytes = Array(bytes[12...])   // IPv4-mapped
        }
        return entries.contains { entry in
            guard entry.bytes.count == bytes.count else { return false }
            var remaining = entry.prefix
            for index in bytes.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
                if bytes[index] & mask != entry.bytes[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    public var description: String { entries.map(\.text).joined(separator: ",") }

    /// The bytes of an IPv4 or IPv6 address, or nil.
    static func bytes(of text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, !text.contains(":") {
            let octets = parts.compactMap { part in part.count <= 3 && part.allSatisfy(\.isNumber) ? UInt8(part) : nil }
            return octets.count == 4 ? octets : nil
        }
        return ipv6(text)
    }

    /// Parses an IPv6 address (with `::` and an optional embedded IPv4 tail; a `%zone` is ignored).
    private static func ipv6(_ raw: String) -> [UInt8]? {
        let text = raw.split(separator: "%", maxSplits: 1).first.map(String.init) ?? raw
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = Self.bytes(of: String(piece)), v4.count == 4 {
                    bytes += v4
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xff)]
                }
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 16 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}
