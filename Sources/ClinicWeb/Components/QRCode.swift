import Foundation
import Plot

/// QR codes drawn by the app itself as inline SVG: a from-scratch encoder for ISO/IEC 18004
/// (byte mode, error-correction level M, versions 1–10), so a questionnaire link can be handed
/// to a patient's phone without third-party code or a network service.
///
/// The pipeline: choose the smallest version that holds the UTF-8 bytes → byte-mode bit stream
/// with terminator and 0xEC/0x11 padding → Reed–Solomon error correction per block over GF(2⁸)
/// → interleaving → function patterns (finders, separators, timing, alignment, dark module,
/// version information from version 7) → zigzag placement → each of the 8 data masks scored by
/// the four penalty rules, the lowest kept → format information for level M and that mask.
/// Version 10-M holds 213 bytes.
public enum QRCode {
    /// The largest number of UTF-8 bytes a code can carry (version 10, level M, byte mode).
    public static let maximumBytes = QRVersion.levelM.last!.byteCapacity

    /// The module matrix (true = dark), indexed `[row][column]` from the top-left, without the
    /// quiet zone, for `text`; nil if its UTF-8 bytes do not fit version 10-M.
    public static func matrix(for text: String) -> [[Bool]]? {
        encode(Array(text.utf8), mask: nil)?.matrix.modules
    }

    /// An inline SVG (`role="img"`, a `<title>` with `label`) drawing `text` as a QR code with a
    /// 4-module light quiet zone, `moduleSize` px per module; nil if `text` is too long.
    public static func svg(for text: String, label: String, moduleSize: Int = 6) -> Node<HTML.BodyContext>? {
        guard let matrix = matrix(for: text) else { return nil }
        return .raw(svgMarkup(matrix: matrix, label: label, moduleSize: moduleSize, id: identifier(text + "|" + label)))
    }

    // MARK: Encoding

    /// One encoded symbol: its version, the mask used and the finished grid.
    struct Symbol {
        let version: QRVersion
        let mask: Int
        let matrix: QRMatrix
    }

    /// Encodes `bytes`; with `mask` nil the mask with the lowest penalty is chosen (the first on a tie).
    static func encode(_ bytes: [UInt8], mask fixedMask: Int?, minimumVersion: Int = 1) -> Symbol? {
        guard let version = QRVersion.levelM.first(where: { $0.number >= minimumVersion && $0.byteCapacity >= bytes.count })
        else { return nil }
        let codewords = QRCodewords.interleaved(QRCodewords.dataCodewords(bytes, version: version), version: version)
        var grid = QRMatrix(version: version)
        grid.place(codewords)
        var best: (mask: Int, penalty: Int, matrix: QRMatrix)?
        for mask in fixedMask.map({ [$0] }) ?? Array(0..<8) {
            var candidate = grid
            candidate.applyMask(mask)
            candidate.drawFormatBits(mask: mask)
            let penalty = fixedMask == nil ? candidate.penalty : 0
            if best == nil || penalty < best!.penalty { best = (mask, penalty, candidate) }
        }
        guard let chosen = best else { return nil }
        return Symbol(version: version, mask: chosen.mask, matrix: chosen.matrix)
    }

    // MARK: SVG

    /// The SVG markup: a light background covering the quiet zone, then one path whose subpaths
    /// are the horizontal runs of dark modules, in module units scaled by `viewBox`.
    static func svgMarkup(matrix: [[Bool]], label: String, moduleSize: Int, id: String) -> String {
        let quiet = 4
        let side = matrix.count + 2 * quiet
        let pixels = side * max(1, moduleSize)
        var path = ""
        for (row, line) in matrix.enumerated() {
            var column = 0
            while column < line.count {
                guard line[column] else { column += 1; continue }
                let start = column
                while column < line.count, line[column] { column += 1 }
                path += "M\(start + quiet) \(row + quiet)h\(column - start)v1h-\(column - start)z"
            }
        }
        let titleID = "qr-\(id)-title"
        return #"<svg xmlns="http://www.w3.org/2000/svg" class="qr-code" role="img" aria-labelledby="\#(titleID)" "#
            + #"width="\#(pixels)" height="\#(pixels)" viewBox="0 0 \#(side) \#(side)" shape-rendering="crispEdges">"#
            + #"<title id="\#(titleID)">\#(escape(label))</title>"#
            + #"<rect class="qr-light" width="\#(side)" height="\#(side)" fill="white"/>"#
            + #"<path class="qr-dark" fill="black" d="\#(path)"/></svg>"#
    }

    /// Text safe inside SVG markup.
    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// A short, stable element id (FNV-1a), so two codes on one page do not share ids.
    private static func identifier(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(hash, radix: 36)
    }
}
