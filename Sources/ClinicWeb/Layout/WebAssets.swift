import Foundation

/// The app's own static files (stylesheet, icon, small scripts), loaded once from the bundle.
///
/// Pages link to them with a content fingerprint in the query (`/assets/app.css?v=1a2b…`), so
/// the server can let browsers cache them for a year and a new release is still fetched at once.
public final class WebAssets: Sendable {
    /// One file, ready to serve.
    public struct Asset: Sendable {
        /// The file's bytes.
        public let data: Data
        /// The `Content-Type` to send.
        public let contentType: String
        /// A short fingerprint of the content; also the `ETag`.
        public let fingerprint: String
    }

    /// The files shipped in `Sources/ClinicWeb/Assets`.
    public static let shared = WebAssets()

    /// Files by name, e.g. `app.css`.
    public let files: [String: Asset]

    private init() {
        var files: [String: Asset] = [:]
        let directory = Bundle.module.resourceURL!.appendingPathComponent("Assets")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
            files[name] = Asset(data: data, contentType: Self.contentType(of: name), fingerprint: Self.fingerprint(data))
        }
        self.files = files
    }

    /// The URL a page uses for `name`, fingerprinted.
    public func url(for name: String) -> String {
        guard let asset = files[name] else { return "/assets/\(name)" }
        return "/assets/\(name)?v=\(asset.fingerprint)"
    }

    private static func contentType(of name: String) -> String {
        switch (name as NSString).pathExtension {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    /// FNV-1a, 64 bits, in hex: a cache key, not a security measure.
    private static func fingerprint(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }
}
