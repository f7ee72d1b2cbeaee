/// The module grid of one QR symbol: function patterns, data placement, masking, format and
/// version information (ISO/IEC 18004 §7.3, §7.7–7.10). `modules[row][column]`, true = dark.
struct QRMatrix: Sendable {
    /// Modules per side.
    let size: Int
    /// The modules, row by row; true = dark.
    private(set) var modules: [[Bool]]
    /// Which modules belong to function patterns (never masked, never carry data).
    private(set) var isFunction: [[Bool]]

    /// A grid for `version` with every function pattern drawn and the format area reserved
    /// (its bits are written by ``drawFormatBits(mask:)``).
    init(version: QRVersion) {
        size = version.size
        modules = Array(repeating: Array(repeating: false, count: size), count: size)
        isFunction = modules
        drawFunctionPatterns(version)
    }

    // MARK: Function patterns

    private mutating func set(_ row: Int, _ column: Int, _ dark: Bool) {
        modules[row][column] = dark
        isFunction[row][column] = true
    }

    private mutating func drawFunctionPatterns(_ version: QRVersion) {
        // Timing patterns: row 6 and column 6, dark on even positions.
        for index in 0..<size {
            set(6, index, index % 2 == 0)
            set(index, 6, index % 2 == 0)
        }
        // Finder patterns with their light separators, in three corners.
        drawFinder(centreRow: 3, centreColumn: 3)
        drawFinder(centreRow: 3, centreColumn: size - 4)
        drawFinder(centreRow: size - 4, centreColumn: 3)
        // Alignment patterns at every pair of centres except the three finder corners.
        let centres = version.alignmentCentres
        for (i, row) in centres.enumerated() {
            for (j, column) in centres.enumerated() {
                let last = centres.count - 1
                if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) { continue }
                drawAlignment(centreRow: row, centreColumn: column)
            }
        }
        // Reserve the format areas (written later) and draw the version information.
        drawFormatBits(mask: 0)
        drawVersionBits(version.number)
    }

    /// A 7×7 finder (dark ring, light ring, dark 3×3 core) and its one-module light separator.
    private mutating func drawFinder(centreRow: Int, centreColumn: Int) {
        for dr in -4...4 {
            for dc in -4...4 {
                let row = centreRow + dr, column = centreColumn + dc
                guard (0..<size).contains(row), (0..<size).contains(column) else { continue }
                let ring = max(abs(dr), abs(dc))
                set(row, column, ring != 2 && ring != 4)
            }
        }
    }

    /// A 5×5 alignment pattern: dark ring, light ring, dark centre.
    private mutating func drawAlignment(centreRow: Int, centreColumn: Int) {
        for dr in -2...2 {
            for dc in -2...2 {
                set(centreRow + dr, centreColumn + dc, max(abs(dr), abs(dc)) != 1)
            }
        }
    }

    /// The 15 format bits for level M and `mask` (§7.9.1): 5 data bits (level M = 00, then the
    /// mask), a BCH(15,5) remainder with generator 0x537, XOR 0x5412.
    static func formatBits(mask: Int) -> Int {
        let data = (0b00 << 3) | mask  // level M indicator is 00
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        return ((data << 10) | remainder) ^ 0x5412
    }

    /// The 18 version bits (§7.10): 6 bits of version, a BCH(18,6) remainder with generator 0x1F25.
    static func versionBits(_ version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        return (version << 12) | remainder
    }

    /// Writes both copies of the format information for `mask`, and the dark module.
    mutating func drawFormatBits(mask: Int) {
        let bits = Self.formatBits(mask: mask)
        func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
        // First copy, around the top-left finder: bits 0–7 down column 8 (skipping the timing row),
        // bits 8–14 leftwards along row 8 (skipping the timing column).
        for index in 0...5 { set(index, 8, bit(index)) }
        set(7, 8, bit(6))
        set(8, 8, bit(7))
        set(8, 7, bit(8))
        for index in 9..<15 { set(8, 14 - index, bit(index)) }
        // Second copy: bits 0–7 along row 8 from the right edge, bits 8–14 down column 8 at the bottom.
        for index in 0..<8 { set(8, size - 1 - index, bit(index)) }
        for index in 8..<15 { set(size - 15 + index, 8, bit(index)) }
        set(size - 8, 8, true)  // the dark module
    }

    /// Writes both 6×3 copies of the version information (versions 7 and above only).
    private mutating func drawVersionBits(_ version: Int) {
        guard version >= 7 else { return }
        let bits = Self.versionBits(version)
        for index in 0..<18 {
            let dark = (bits >> index) & 1 == 1
            let a = size - 11 + index % 3, b = index / 3
            set(b, a, dark)  // top right: rows 0–5, columns size−11…size−9
            set(a, b, dark)  // bottom left: rows size−11…size−9, columns 0–5
        }
    }

    // MARK: Data

    /// The number of modules left for codewords once the function patterns are drawn.
    var dataModuleCount: Int {
        isFunction.reduce(0) { $0 + $1.filter { !$0 }.count }
    }

    /// Places `codewords` in the zigzag order of §7.7.3: two-module columns from the right edge,
    /// alternately upwards and downwards, skipping the vertical timing column; any remainder
    /// bits stay light.
    mutating func place(_ codewords: [UInt8]) {
        var bitIndex = 0
        let totalBits = codewords.count * 8
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = ((right + 1) & 2) == 0
            for step in 0..<size {
                let row = upward ? size - 1 - step : step
                for offset in 0..<2 {
                    let column = right - offset
                    guard !isFunction[row][column], bitIndex < totalBits else { continue }
                    let byte = codewords[bitIndex >> 3]
                    modules[row][column] = (byte >> UInt8(7 - (bitIndex & 7))) & 1 == 1
                    bitIndex += 1
                }
            }
            right -= 2
        }
    }

    /// Whether data mask `mask` (0–7, §7.8.2) inverts the module at `row`, `column`.
    static func masks(_ mask: Int, row i: Int, column j: Int) -> Bool {
        switch mask {
        case 0: return (i + j) % 2 == 0
        case 1: return i % 2 == 0
        case 2: return j % 3 == 0
        case 3: return (i + j) % 3 == 0
        case 4: return (i / 2 + j / 3) % 2 == 0
        case 5: return (i * j) % 2 + (i * j) % 3 == 0
        case 6: return ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: return ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }

    /// XORs data mask `mask` over every non-function module (applying it twice undoes it).
    mutating func applyMask(_ mask: Int) {
        for row in 0..<size {
            for column in 0..<size where !isFunction[row][column] && Self.masks(mask, row: row, column: column) {
                modules[row][column].toggle()
            }
        }
    }

    // MARK: Penalty (§7.8.3)

    /// The penalty score of the current grid: N1 = 3 (+1 a module past 5) for runs of five or
    /// more same-coloured modules in a row or column, N2 = 3 for each 2×2 same-coloured block,
    /// N3 = 40 for each 1:1:3:1:1 finder-like pattern with four light modules on one side
    /// (outside the symbol counts as light, as the quiet zone is), N4 = 10 for each full 5%
    /// that the dark proportion departs from 50%.
    var penalty: Int { Self.penalty(of: modules) }

    /// The penalty score of a square grid of modules (see ``penalty``).
    static func penalty(of modules: [[Bool]]) -> Int {
        let size = modules.count
        guard size >= 7 else { return 0 }
        var score = 0
        let lines: [[Bool]] = modules + (0..<size).map { column in modules.map { $0[column] } }
        for line in lines {
            // Rule 1: runs.
            var runColour = line[0], runLength = 1
            for index in 1..<size {
                if line[index] == runColour {
                    runLength += 1
                } else {
                    if runLength >= 5 { score += 3 + (runLength - 5) }
                    runColour = line[index]
                    runLength = 1
                }
            }
            if runLength >= 5 { score += 3 + (runLength - 5) }
            // Rule 3: dark-light-dark-dark-dark-light-dark with four light modules before or after.
            func dark(_ index: Int) -> Bool { (0..<size).contains(index) && line[index] }
            let core = [true, false, true, true, true, false, true]
            for start in 0...(size - core.count) {
                guard core.indices.allSatisfy({ dark(start + $0) == core[$0] }) else { continue }
                let lightBefore = (start - 4..<start).allSatisfy { !dark($0) }
                let lightAfter = (start + 7..<start + 11).allSatisfy { !dark($0) }
                if lightBefore || lightAfter { score += 40 }
            }
        }
        // Rule 2: 2×2 blocks.
        for row in 0..<size - 1 {
            for column in 0..<size - 1 {
                let colour = modules[row][column]
                if modules[row][column + 1] == colour, modules[row + 1][column] == colour,
                   modules[row + 1][column + 1] == colour { score += 3 }
            }
        }
        // Rule 4: balance of dark and light.
        let total = size * size
        let darkCount = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let k = (abs(darkCount * 20 - total * 10) + total - 1) / total - 1
        score += max(0, k) * 10
        return score
    }
}
