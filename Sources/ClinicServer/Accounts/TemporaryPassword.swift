/// Passwords KetaClinic makes up: temporary ones after a reset, and the demo users' ones.
public enum TemporaryPassword {
    /// Letters and digits that cannot be mistaken for one another when read aloud or copied.
    private static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    /// Four groups of four, e.g. `k7mp-x3qa-9rtw-c2hd` (about 79 random bits).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            String((0..<4).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        }.joined(separator: "-")
    }
}
