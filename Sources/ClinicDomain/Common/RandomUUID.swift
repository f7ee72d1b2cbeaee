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
