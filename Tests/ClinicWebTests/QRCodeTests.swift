@testable import ClinicWeb
import Foundation
import Plot
import Testing

/// Known-answer tests for the QR encoder. The full-matrix vectors were produced by an independent
/// implementation (the Python library segno 1.6.6, `error='m', mode='byte'`, same mask) and each
/// decoded back to its text with zxing-cpp 3.1.1; the Reed–Solomon vector is the worked example of
/// the Thonky QR tutorial; format and version bit strings are those tabulated in ISO/IEC 18004
/// (format information table; Annex D for version information).
@Suite("QR code encoder")
struct QRCodeTests {
    /// Rows of the matrix as "1" (dark) and "0" (light).
    private func rows(_ matrix: [[Bool]]) -> [String] {
        matrix.map { row in String(row.map { $0 ? "1" : "0" }) }
    }

    /// FNV-1a (64-bit) of the rows joined by "\n": a compact fingerprint for large vectors.
    private func fingerprint(_ matrix: [[Bool]]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in rows(matrix).joined(separator: "\n").utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return hash
    }

    /// A text of `count` bytes shaped like a questionnaire link.
    private func link(bytes count: Int) -> String {
        String(("https://ketaclinic.example/questionnaire/" + String(repeating: "0123456789abcdef", count: 20)).prefix(count))
    }

    @Test("Reed–Solomon: the Thonky 'HELLO WORLD' 1-M data codewords give its 10 published ECC codewords")
    func reedSolomonWorkedExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(QRReedSolomon.remainder(of: data, degree: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("Reed–Solomon: the ISO/IEC 18004 Annex I example, \"01234567\" at 1-M, gives the standard's 10 ECC codewords")
    func reedSolomonStandardExample() {
        // Numeric mode 0001, count 8, 012 345 67, terminator, padding: the data codewords the standard prints.
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(QRReedSolomon.remainder(of: data, degree: 10) == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test("GF(256) arithmetic modulo 0x11D: α⁸ = 0x1D, and multiplication is commutative with 1 as identity")
    func galoisField() {
        var power: UInt8 = 1
        for _ in 0..<8 { power = QRReedSolomon.multiply(power, 2) }
        #expect(power == 0x1D)
        for a in stride(from: 0, through: 255, by: 17) {
            for b in stride(from: 0, through: 255, by: 13) {
                #expect(QRReedSolomon.multiply(UInt8(a), UInt8(b)) == QRReedSolomon.multiply(UInt8(b), UInt8(a)))
            }
            #expect(QRReedSolomon.multiply(UInt8(a), 1) == UInt8(a))
        }
    }

    @Test("Byte-mode data codewords for \"a\" at 1-M, worked by hand")
    func dataCodewords() {
        // 0100 (byte mode) 00000001 (count 1) 01100001 ('a') 0000 (terminator)
        // = 0100 0000 | 0001 0110 | 0001 0000 → 0x40 0x16 0x10, then 0xEC 0x11 alternately to 16 codewords.
        let version = QRVersion.levelM[0]
        let expected: [UInt8] = [0x40, 0x16, 0x10] + Array([UInt8]([0xEC, 0x11]).repeated(count: 7).prefix(13))
        #expect(QRCodewords.dataCodewords(Array("a".utf8), version: version) == expected)
    }

    @Test("Capacities at level M: 1-M holds 14 bytes, 4-M 62, 10-M 213; the block table adds up (ISO/IEC 18004 Table 9)")
    func capacities() {
        let totals = [26, 44, 70, 100, 134, 172, 196, 242, 292, 346]
        let bytes = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
        for (index, version) in QRVersion.levelM.enumerated() {
            #expect(version.number == index + 1)
            #expect(version.totalCodewords == totals[index], "version \(version.number) total codewords")
            #expect(version.byteCapacity == bytes[index], "version \(version.number) byte capacity")
            // Every module not used by a function pattern carries a codeword bit or a remainder bit (0 or 7 here).
            let free = QRMatrix(version: version).dataModuleCount
            #expect(free / 8 == version.totalCodewords && [0, 7].contains(free % 8), "version \(version.number) modules")
        }
        #expect(QRCode.maximumBytes == 213)
    }

    @Test("Format information for level M and each mask matches the standard table, and its BCH check decodes")
    func formatBits() {
        let table = ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
                     "100010111111001", "100000011001110", "100111110010111", "100101010100000"]
        for mask in 0..<8 {
            let bits = QRMatrix.formatBits(mask: mask)
            let text = String(bits, radix: 2)
            #expect(String(repeating: "0", count: 15 - text.count) + text == table[mask])
            let unmasked = bits ^ 0x5412
            #expect(unmasked >> 13 == 0b00, "level M")
            #expect((unmasked >> 10) & 0b111 == mask)
            #expect(bchRemainder(unmasked, generator: 0x537, degree: 10) == 0, "a valid BCH(15,5) codeword")
        }
    }

    @Test("Version information for versions 7–10 matches ISO/IEC 18004 Annex D")
    func versionBits() {
        #expect(QRMatrix.versionBits(7) == 0x07C94)
        #expect(QRMatrix.versionBits(8) == 0x085BC)
        #expect(QRMatrix.versionBits(9) == 0x09A99)
        #expect(QRMatrix.versionBits(10) == 0x0A4D3)
        for version in 7...10 {
            #expect(bchRemainder(QRMatrix.versionBits(version), generator: 0x1F25, degree: 12) == 0)
        }
    }

    @Test("\"ketaclinic.org\" (14 bytes, 1-M, mask 2): the whole matrix equals the independently generated one")
    func fullMatrixVersion1() throws {
        let expected = [
            "111111100010101111111",
            "100000100001001000001",
            "101110101011001011101",
            "101110101001101011101",
            "101110101010101011101",
            "100000101100101000001",
            "111111101010101111111",
            "000000001011000000000",
            "101111100011101111100",
            "000000011110011111101",
            "110010110111101001110",
            "000011010100010001111",
            "101011110110101111001",
            "000000001001001111101",
            "111111100001110000110",
            "100000101001010101101",
            "101110101001001010011",
            "101110101100000110100",
            "101110101111111001100",
            "100000100110000011100",
            "111111101011001100010",
        ]
        let matrix = try #require(QRCode.matrix(for: "ketaclinic.org"))
        #expect(rows(matrix) == expected)
        #expect(QRCode.encode(Array("ketaclinic.org".utf8), mask: nil)?.mask == 2)
    }

    @Test("Versions 7, 8 and 10 at full capacity (4, 4 and 5 blocks, unequal in 8 and 10) match the independent encoder",
          arguments: [(122, 7, UInt64(0xc9bf_9eb6_c2b3_834f)), (152, 8, UInt64(0x964a_99be_de32_6db3)),
                      (213, 10, UInt64(0x20dd_f201_5451_8bdf))])
    func largerVersions(bytes: Int, version: Int, expected: UInt64) throws {
        let symbol = try #require(QRCode.encode(Array(link(bytes: bytes).utf8), mask: nil))
        #expect(symbol.version.number == version)
        #expect(symbol.mask == 2)
        #expect(fingerprint(symbol.matrix.modules) == expected)
    }

    @Test("Finder, separator, timing patterns and the dark module sit where the standard puts them")
    func functionPatterns() throws {
        let matrix = try #require(QRCode.matrix(for: link(bytes: 60)))
        let size = matrix.count
        #expect(size == 33, "a 60-byte link needs version 4 (33 × 33)")
        let finder = ["1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"]
        for (top, left) in [(0, 0), (0, size - 7), (size - 7, 0)] {
            let drawn = (0..<7).map { r in String((0..<7).map { c in matrix[top + r][left + c] ? "1" : "0" }) }
            #expect(drawn == finder, "finder at \(top),\(left)")
        }
        // Separators: the light ring around each finder.
        for index in 0..<8 {
            #expect(!matrix[7][index] && !matrix[index][7])
            #expect(!matrix[7][size - 1 - index] && !matrix[index][size - 8])
            #expect(!matrix[size - 8][index] && !matrix[size - 1 - index][7])
        }
        // Timing patterns between the finders: dark on even positions.
        for index in 8..<(size - 8) {
            #expect(matrix[6][index] == (index % 2 == 0))
            #expect(matrix[index][6] == (index % 2 == 0))
        }
        #expect(matrix[size - 8][8], "the dark module")
        // Version 4's one alignment pattern, centred on (26, 26).
        for dr in -2...2 {
            for dc in -2...2 { #expect(matrix[26 + dr][26 + dc] == (max(abs(dr), abs(dc)) != 1)) }
        }
    }

    @Test("Both copies of the format information in the matrix decode to level M and the chosen mask")
    func formatInMatrix() throws {
        let symbol = try #require(QRCode.encode(Array(link(bytes: 60).utf8), mask: nil))
        let m = symbol.matrix.modules, size = symbol.matrix.size
        func read(_ positions: [(Int, Int)]) -> Int {  // bit 0 first
            positions.enumerated().reduce(0) { $0 | ((m[$1.element.0][$1.element.1] ? 1 : 0) << $1.offset) }
        }
        let first = read((0...5).map { ($0, 8) } + [(7, 8), (8, 8), (8, 7)] + (9..<15).map { (8, 14 - $0) })
        let second = read((0..<8).map { (8, size - 1 - $0) } + (8..<15).map { (size - 15 + $0, 8) })
        #expect(first == second)
        let unmasked = first ^ 0x5412
        #expect(unmasked >> 13 == 0b00 && (unmasked >> 10) & 0b111 == symbol.mask)
        #expect(bchRemainder(unmasked, generator: 0x537, degree: 10) == 0)
    }

    @Test("Version 7's two 6 × 3 version blocks carry 0x07C94")
    func versionInMatrix() throws {
        let symbol = try #require(QRCode.encode(Array("KetaClinic".utf8), mask: nil, minimumVersion: 7))
        let m = symbol.matrix.modules, size = symbol.matrix.size
        #expect(size == 45)
        var topRight = 0, bottomLeft = 0
        for index in 0..<18 {
            let a = size - 11 + index % 3, b = index / 3
            topRight |= (m[b][a] ? 1 : 0) << index
            bottomLeft |= (m[a][b] ? 1 : 0) << index
        }
        #expect(topRight == 0x07C94 && bottomLeft == 0x07C94)
    }

    @Test("The chosen mask has the lowest penalty of the eight")
    func maskChoice() throws {
        let bytes = Array(link(bytes: 60).utf8)
        let chosen = try #require(QRCode.encode(bytes, mask: nil))
        let penalties = try (0..<8).map { try #require(QRCode.encode(bytes, mask: $0)).matrix.penalty }
        #expect(chosen.matrix.penalty == penalties.min())
        #expect(penalties.firstIndex(of: penalties.min()!) == chosen.mask)
    }

    @Test("Penalty rules on hand-built 21 × 21 grids, worked by hand")
    func penaltyRules() {
        let size = 21
        // All light. N1: every row and column is one run of 21 → 3 + 16 = 19, × 42 lines = 798.
        // N2: 20 × 20 = 400 blocks × 3 = 1200. N3: no dark module, none. N4: 0% dark is 50% off,
        // 10 full steps of 5% → k = 9 → 90. Total 2088.
        let light = Array(repeating: Array(repeating: false, count: size), count: size)
        #expect(QRMatrix.penalty(of: light) == 2088)
        // A checkerboard: no runs, no blocks, no finder-like pattern; 221 of 441 dark (50.1%) → 0.
        var grid = (0..<size).map { r in (0..<size).map { c in (r + c) % 2 == 0 } }
        #expect(QRMatrix.penalty(of: grid) == 0)
        // Row 10 rewritten as 1 0000 1011101 0000 10101: one 1:1:3:1:1 pattern with four light
        // modules on both sides → 40 (counted once). Runs stay below 5, no 2 × 2 block appears
        // (row 9 alternates), and 219 dark modules (49.7%) keep N4 at 0. Total 40.
        grid[10] = "100001011101000010101".map { $0 == "1" }
        #expect(QRMatrix.penalty(of: grid) == 40)
    }

    @Test("Length limits: a 60-character https link fits; 213 bytes fit; 214 do not; UTF-8 bytes are what count")
    func lengthLimits() {
        let url = "https://clinic.example.org/q/" + String(repeating: "k", count: 31)
        #expect(url.count == 60)
        #expect(QRCode.matrix(for: url) != nil)
        #expect(QRCode.matrix(for: String(repeating: "a", count: 213))?.count == 57)
        #expect(QRCode.matrix(for: String(repeating: "a", count: 214)) == nil)
        #expect(QRCode.matrix(for: String(repeating: "é", count: 107)) == nil, "214 UTF-8 bytes")
        #expect(QRCode.matrix(for: String(repeating: "é", count: 106)) != nil)
        #expect(QRCode.matrix(for: "")?.count == 21)
        #expect(QRCode.svg(for: String(repeating: "a", count: 214), label: "too long") == nil)
    }

    @Test("The SVG: role img, escaped title, quiet zone of 4 modules, size in px, one path covering every dark module")
    func svg() throws {
        let text = "ketaclinic.org"
        let html = try #require(QRCode.svg(for: text, label: "Questionnaire link <PHQ-9> & GAD-7", moduleSize: 5)).render()
        #expect(html.hasPrefix("<svg") && html.contains(#"role="img""#))
        #expect(html.contains(#"viewBox="0 0 29 29""#), "21 modules + 2 × 4 quiet zone")
        #expect(html.contains(#"width="145" height="145""#))
        #expect(html.contains("<title id=\"qr-") && html.contains("Questionnaire link &lt;PHQ-9&gt; &amp; GAD-7</title>"))
        #expect(html.contains(#"aria-labelledby="qr-"#))
        #expect(html.components(separatedBy: "<path ").count - 1 == 1)
        // Sum the run widths: each subpath is "M<x> <y>h<n>v1h-<n>z".
        let regex = try NSRegularExpression(pattern: #"M(\d+) (\d+)h(\d+)v1"#)
        let matches = regex.matches(in: html, range: NSRange(html.startIndex..., in: html))
        var covered = 0
        for match in matches {
            let x = Int(html[Range(match.range(at: 1), in: html)!])!, y = Int(html[Range(match.range(at: 2), in: html)!])!
            #expect(x >= 4 && y >= 4 && x < 25 && y < 25, "inside the quiet zone")
            covered += Int(html[Range(match.range(at: 3), in: html)!])!
        }
        let dark = try #require(QRCode.matrix(for: text)).joined().filter { $0 }.count
        #expect(covered == dark)
    }

    /// The remainder of `value` divided by `generator` (degree `degree`) in GF(2)[x].
    private func bchRemainder(_ value: Int, generator: Int, degree: Int) -> Int {
        var remainder = value
        var bit = Int.bitWidth - 1 - remainder.leadingZeroBitCount
        while bit >= degree {
            if (remainder >> bit) & 1 == 1 { remainder ^= generator << (bit - degree) }
            bit -= 1
        }
        return remainder
    }
}

private extension Array {
    /// The array repeated `count` times.
    func repeated(count: Int) -> [Element] { (0..<count).flatMap { _ in self } }
}
