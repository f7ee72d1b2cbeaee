/// Reed–Solomon error correction over GF(2⁸) as QR codes use it (ISO/IEC 18004 §7.5.2):
/// the field is built on the primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), and the
/// generator polynomial of degree n is (x − α⁰)(x − α¹)…(x − αⁿ⁻¹) with α = 2.
enum QRReedSolomon {
    /// The product of `x` and `y` in GF(2⁸) modulo 0x11D (shift-and-add, no tables).
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var product: UInt16 = 0
        for bit in stride(from: 7, through: 0, by: -1) {
            product = (product << 1) ^ ((product >> 7) * 0x11D)
            product ^= UInt16((y >> UInt8(bit)) & 1) * UInt16(x)
        }
        return UInt8(truncatingIfNeeded: product)
    }

    /// The generator polynomial of `degree`, highest power first with its leading 1 left out:
    /// the coefficients of xⁿ⁻¹ … x⁰.
    static func generator(degree: Int) -> [UInt8] {
        precondition((1...255).contains(degree), "Reed–Solomon degree out of range")
        var coefficients = [UInt8](repeating: 0, count: degree)
        coefficients[degree - 1] = 1  // the polynomial "1"
        var root: UInt8 = 1  // α⁰
        for _ in 0..<degree {
            // Multiply the current product by (x − root); subtraction is XOR in GF(2⁸).
            for index in 0..<degree {
                coefficients[index] = multiply(coefficients[index], root)
                if index + 1 < degree { coefficients[index] ^= coefficients[index + 1] }
            }
            root = multiply(root, 0x02)
        }
        return coefficients
    }

    /// The `degree` error-correction codewords of `data`: the remainder of data(x)·xⁿ divided by
    /// the generator polynomial.
    static func remainder(of data: [UInt8], degree: Int) -> [UInt8] {
        let divisor = generator(degree: degree)
        var result = [UInt8](repeating: 0, count: degree)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for index in 0..<degree {
                result[index] ^= multiply(divisor[index], factor)
            }
        }
        return result
    }
}
