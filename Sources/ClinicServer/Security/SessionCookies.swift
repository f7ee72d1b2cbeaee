import Hummingbird

/// The cookies KetaClinic sets, with the attributes the settings call for.
///
/// All are HttpOnly and SameSite=Lax; they are Secure when the app sits behind a TLS proxy.
/// The session cookie has no Max-Age: the server decides when a session ends.
struct SessionCookies: Sendable {
    /// Carries the session token.
    static let session = "kc_session"
    /// Carries the anti-forgery token of forms shown before sign-in (double-submit).
    static let form = "kc_form"

    /// Whether cookies get the Secure attribute.
    let secure: Bool

    /// A `Set-Cookie` value for `name`.
    func set(_ name: String, _ value: String) -> String {
        "\(name)=\(value); Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// A `Set-Cookie` value that removes `name`.
    func clear(_ name: String) -> String {
        "\(name)=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }
}
