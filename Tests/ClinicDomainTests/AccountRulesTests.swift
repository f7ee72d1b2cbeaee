import ClinicDomain
import Foundation
import Testing

@Suite("Accounts: roles, permissions, passwords, emails")
struct AccountRulesTests {
    @Test("Password policy: length, bcrypt's 72-byte ceiling, common passwords, the user's own email", arguments: [
        // (password, accepted) — policy from NIST SP 800-63B §5.1.1.2: length over complexity, block known-breached values.
        ("correct horse battery", true),
        ("short pass", false),                         // 10 < 12 characters
        ("password1234", false),                       // on the shipped common list
        ("PASSWORD1234", false),                       // compared without regard to case
        ("aaaaaaaaaaaaaaaa", false),                   // one repeated character
        ("nia.nurse@clinic.org", false),               // the user's own email
        (String(repeating: "é", count: 37), false),    // 74 UTF-8 bytes > 72
        ("ketamine123", false),                        // clinic words are on the list (and too short)
        ("infusion chair seven", true),
        // Found by the security review (issue 22, point 7); NIST SP 800-63B §5.1.1.2 blocks
        // "repetitive or sequential characters" and "dictionary words" and "context-specific words".
        ("123456789012", false),                       // digits in sequence
        ("Password123!", false),                       // a common password with digits and a symbol added
        ("qwertyuiop12", false),                       // a keyboard row
        ("abcabcabcabc", false),                       // repeats itself
        ("!!Ketamine2026", false),                     // a context word decorated
        ("gnpy-ajcd-96cq-2f5a", true),                 // a generated temporary password
        ("tram lines at dawn", true),
    ])
    func passwordPolicy(password: String, accepted: Bool) {
        let policy = PasswordPolicy(minimumLength: 12)
        let email = EmailAddress("nia.nurse@clinic.org")
        let result = Result { () throws(FieldErrors) in try policy.check(password, for: email) }
        let wasAccepted = (try? result.get()) != nil
        #expect(wasAccepted == accepted, "\(password)")
        if case .failure(let errors) = result { #expect(errors["newPassword"] != nil) }
    }

    @Test("The common-password list ships with the app and is not empty")
    func commonList() {
        #expect(PasswordPolicy.commonPasswords.count > 250)
        #expect(PasswordPolicy.commonPasswords.contains("qwerty123"))
    }

    @Test("Emails are trimmed, lower-cased and checked", arguments: [
        (" Nia@Clinic.ORG ", "nia@clinic.org"), ("a@b.co", "a@b.co"), ("no-at-sign", nil), ("a@b", nil),
        ("a@.b.co", nil), ("a b@c.org", nil), ("@c.org", nil),
    ] as [(String, String?)])
    func emails(text: String, expected: String?) {
        #expect(EmailAddress(text)?.text == expected)
    }

    @Test("Roles parse as typed on the command line or in a form", arguments: [
        ("administrator", Role.administrator), ("front_desk", .frontDesk), ("front-desk", .frontDesk),
        ("Front desk", .frontDesk), ("NURSE", .nurse),
    ])
    func roles(text: String, role: Role) {
        #expect(Role(parsing: text) == role)
    }

    @Test("Only administrators manage users and read the audit trail; administrators do not register patients")
    func matrix() {
        for permission in [Permission.usersManage, .auditRead, .auditExport, .clinicConfigure, .operationsMetrics] {
            #expect(Role.allCases.filter { AccessMatrix.allows($0, permission) } == [.administrator], "\(permission)")
        }
        #expect(!AccessMatrix.allows(.administrator, .patientsRegister))
        #expect(Role.allCases.allSatisfy { AccessMatrix.allows($0, .patientsRead) })
        #expect(Set(Role.allCases.filter { AccessMatrix.allows($0, .patientAccessLogRead) }) == [.administrator, .prescriber])
    }

    @Test("docs/permissions.md shows exactly the matrix the code enforces")
    func documentedMatrix() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/permissions.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        #expect(text.contains(AccessMatrix.markdownTable()))
    }

    @Test("New users: every wrong field is reported, the name defaults to the email's local part")
    func newUser() throws {
        let user = try NewUser.parse(["email": "Sam@Clinic.org", "role": "nurse", "displayName": " "])
        #expect(user.displayName == "sam" && user.email.text == "sam@clinic.org" && user.role == .nurse)
        #expect(throws: FieldErrors.self) { try NewUser.parse(["email": "x", "role": "janitor"]) }
        do { _ = try NewUser.parse(["email": "x", "role": "janitor"]) } catch {
            #expect(error.entries.map(\.field) == ["email", "role"])
        }
    }

    @Test("Base32 follows RFC 4648 §10 test vectors", arguments: [
        ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ])
    func base32(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
    }
}
