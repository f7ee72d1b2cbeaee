import Foundation

extension QRCode {
    /// One code as a standalone SVG document, for `ketaclinic qr` and the outside-decoder test.
    public struct Standalone: Sendable {
        /// The version used (1–10): the smallest at or above the minimum that holds the text.
        public let version: Int
        /// The data mask chosen (0–7).
        public let mask: Int
        /// The SVG document, the same markup the pages draw inline.
        public let svg: String
    }

    /// `text` encoded at the smallest version ≥ `minimumVersion` that holds it (level M, byte
    /// mode); nil when it does not fit version 10 or `minimumVersion` is outside 1–10. Pinning the
    /// version lets a test exercise every version the encoder emits with a short text.
    public static func standalone(for text: String, minimumVersion: Int = 1, moduleSize: Int = 4) -> Standalone? {
        guard (1...10).contains(minimumVersion),
              let symbol = encode(Array(text.utf8), mask: nil, minimumVersion: minimumVersion) else { return nil }
        let markup = svgMarkup(matrix: symbol.matrix.modules, label: "QR code", moduleSize: moduleSize, id: "standalone")
        return Standalone(version: symbol.version.number, mask: symbol.mask, svg: markup)
    }
}
