/// The capacity of one QR version at error-correction level M and the way its codewords split
/// into blocks (ISO/IEC 18004 Table 9), with the alignment-pattern centres (Annex E).
struct QRVersion: Sendable {
    /// The version number, 1–10.
    let number: Int
    /// Error-correction codewords per block.
    let eccPerBlock: Int
    /// Data codewords in each block, shorter blocks first.
    let dataPerBlock: [Int]
    /// Row/column coordinates of alignment-pattern centres.
    let alignmentCentres: [Int]

    /// Modules per side: 17 + 4 × version.
    var size: Int { 17 + 4 * number }
    /// All data codewords of the symbol.
    var dataCodewords: Int { dataPerBlock.reduce(0, +) }
    /// All codewords, data and error correction.
    var totalCodewords: Int { dataCodewords + eccPerBlock * dataPerBlock.count }
    /// Bits in the byte-mode character count: 8 for versions 1–9, 16 for 10–26 (Table 3).
    var byteCountBits: Int { number <= 9 ? 8 : 16 }
    /// The most bytes byte mode can carry: mode (4 bits) and count indicator, then 8 bits a byte.
    var byteCapacity: Int { (dataCodewords * 8 - 4 - byteCountBits) / 8 }

    /// Versions 1–10 at level M.
    static let levelM: [QRVersion] = [
        QRVersion(number: 1, eccPerBlock: 10, dataPerBlock: [16], alignmentCentres: []),
        QRVersion(number: 2, eccPerBlock: 16, dataPerBlock: [28], alignmentCentres: [6, 18]),
        QRVersion(number: 3, eccPerBlock: 26, dataPerBlock: [44], alignmentCentres: [6, 22]),
        QRVersion(number: 4, eccPerBlock: 18, dataPerBlock: [32, 32], alignmentCentres: [6, 26]),
        QRVersion(number: 5, eccPerBlock: 24, dataPerBlock: [43, 43], alignmentCentres: [6, 30]),
        QRVersion(number: 6, eccPerBlock: 16, dataPerBlock: [27, 27, 27, 27], alignmentCentres: [6, 34]),
        QRVersion(number: 7, eccPerBlock: 18, dataPerBlock: [31, 31, 31, 31], alignmentCentres: [6, 22, 38]),
        QRVersion(number: 8, eccPerBlock: 22, dataPerBlock: [38, 38, 39, 39], alignmentCentres: [6, 24, 42]),
        QRVersion(number: 9, eccPerBlock: 22, dataPerBlock: [36, 36, 36, 37, 37], alignmentCentres: [6, 26, 46]),
        QRVersion(number: 10, eccPerBlock: 26, dataPerBlock: [43, 43, 43, 43, 44], alignmentCentres: [6, 28, 50]),
    ]

    /// The smallest version whose byte mode holds `byteCount` bytes, or nil past version 10.
    static func smallest(holding byteCount: Int) -> QRVersion? {
        levelM.first { $0.byteCapacity >= byteCount }
    }
}

/// Turns bytes into the final codeword sequence of a symbol: byte-mode bit stream, terminator,
/// padding, Reed–Solomon error correction per block and interleaving (ISO/IEC 18004 §7.4–7.6).
enum QRCodewords {
    /// The data codewords for `bytes` in byte mode, padded to the version's capacity with
    /// 0xEC, 0x11 alternately.
    static func dataCodewords(_ bytes: [UInt8], version: QRVersion) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)  // byte mode indicator
        bits.append(bytes.count, count: version.byteCountBits)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacityBits = version.dataCodewords * 8
        precondition(bits.count <= capacityBits, "data longer than the version holds")
        bits.append(0, count: min(4, capacityBits - bits.count))  // terminator
        bits.append(0, count: (8 - bits.count % 8) % 8)  // to a byte boundary
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < version.dataCodewords {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// `data` split into the version's blocks, each followed by its error correction, interleaved:
    /// the first data codeword of every block, then the second…, then the error-correction
    /// codewords the same way.
    static func interleaved(_ data: [UInt8], version: QRVersion) -> [UInt8] {
        precondition(data.count == version.dataCodewords)
        var blocks: [[UInt8]] = []
        var start = 0
        for length in version.dataPerBlock {
            blocks.append(Array(data[start..<start + length]))
            start += length
        }
        let corrections = blocks.map { QRReedSolomon.remainder(of: $0, degree: version.eccPerBlock) }
        var result: [UInt8] = []
        result.reserveCapacity(version.totalCodewords)
        let longest = version.dataPerBlock.max() ?? 0
        for index in 0..<longest {
            for block in blocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<version.eccPerBlock {
            for correction in corrections { result.append(correction[index]) }
        }
        return result
    }

    /// A growing sequence of bits, most significant first.
    struct BitBuffer {
        private(set) var bits: [Bool] = []

        var count: Int { bits.count }

        /// Appends the low `count` bits of `value`, most significant first.
        mutating func append(_ value: Int, count: Int) {
            for shift in stride(from: count - 1, through: 0, by: -1) {
                bits.append((value >> shift) & 1 == 1)
            }
        }

        /// The bits packed into bytes (the count must be a multiple of 8).
        var bytes: [UInt8] {
            stride(from: 0, to: bits.count, by: 8).map { start in
                bits[start..<start + 8].reduce(UInt8(0)) { ($0 << 1) | ($1 ? 1 : 0) }
            }
        }
    }
}
