import Foundation

extension UUID {
    /// A random (version 4, RFC 9562 §5.4) id drawn from the system generator (`getrandom`).
    /// Foundation's `UUID()` on Linux opens and reads `/dev/urandom` for every id: a profile of the
    /// bulk demo load found 32 file opens per patient and 6 % of the load's time there. Every id the
    /// product makes comes from here instead.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let first: UInt64 = generator.next(), second: UInt64 = generator.next()
        let high = (first & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000  // version 4 in byte 6's high nibble
        let low = (second & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000  // variant 0b10 in byte 8's top bits
        let h = high.bigEndian, l = low.bigEndian
        return withUnsafeBytes(of: (h, l)) { bytes in
            UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }
}

extension UUID {
    /// The same text as `uuidString` (uppercase hex in 8-4-4-4-12 groups), as the database stores
    /// ids, written without `uuid_unparse`'s `sprintf`: a profile of the bulk demo load found the
    /// formatting of its millions of ids several per cent of the load.
    public var storedText: String {
        let digits: StaticString = "0123456789ABCDEF"
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { buffer in
                var position = 0
                digits.withUTF8Buffer { hex in
                    for (index, byte) in bytes.enumerated() {
                        if index == 4 || index == 6 || index == 8 || index == 10 {
                            buffer[position] = UInt8(ascii: "-")
                            position += 1
                        }
                        buffer[position] = hex[Int(byte >> 4)]
                        buffer[position + 1] = hex[Int(byte & 0x0F)]
                        position += 2
                    }
                }
                return position
            }
        }
    }
}

/// Time-ordered ids (RFC 9562 §5.7, version 7) for rows written in bulk: the Unix time in
/// milliseconds in the first 48 bits, then a 42-bit counter (§6.2, method 1: a fixed-length
/// dedicated counter in `rand_a` and the leftmost bits of `rand_b`) that starts at a random value,
/// then 32 random bits. Each id sorts after the one before, so the rows land at the end of their
/// primary-key index instead of at random places in it: the demo loader's bulk rows, where random
/// ids made most of the load's B-tree time.
public struct TimeOrderedUUIDs: Sendable {
    private let milliseconds: UInt64
    private var counter: UInt64

    /// Ids stamped with `instant`.
    public init(at instant: Date) {
        let since1970 = (instant.timeIntervalSince1970 * 1000).rounded(.down)
        let limit = Double(UInt64(1) << 48) - 1   // the 48-bit field
        milliseconds = since1970.isFinite ? UInt64(exactly: max(0, min(limit, since1970))) ?? 0 : 0
        var generator = SystemRandomNumberGenerator()
        counter = generator.next() & ((UInt64(1) << 40) - 1)   // room for 3 × 2^40 ids before it would wrap
    }

    /// The next id.
    public mutating func next() -> UUID {
        counter = (counter + 1) & ((UInt64(1) << 42) - 1)
        var generator = SystemRandomNumberGenerator()
        let random: UInt64 = generator.next()
        let high = (milliseconds << 16) | 0x7000 | (counter >> 30)                           // version 7, counter's top 12 bits
        let low = 0x8000_0000_0000_0000 | ((counter & 0x3FFF_FFFF) << 32) | (random & 0xFFFF_FFFF)   // variant 0b10, 30 counter bits, 32 random
        let h = high.bigEndian, l = low.bigEndian
        return withUnsafeBytes(of: (h, l)) { bytes in
            UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                        bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }
}
