import Crypto
import Foundation

/// Random bearer secrets (session cookies, API tokens, CSRF tokens) and their stored form.
///
/// Only the SHA-256 of a session or API token is stored, so a copy of the database does not
/// let anyone sign in; 256 random bits make a plain hash (not bcrypt) sufficient.
public enum SecretToken {
    /// 32 random bytes, base64url without padding, after `prefix`.
    public static func generate(prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// The stored form of a token: SHA-256 in hex.
    public static func digest(_ token: String) -> String {
        AuditChain.hex(SHA256.hash(data: Array(token.utf8)))
    }

    /// Compares two secrets in time that does not depend on where they differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
