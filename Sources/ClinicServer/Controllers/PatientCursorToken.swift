import ClinicStorage
import Foundation

/// The opaque "next page" token of patient lists, shared by the HTML list and the API:
/// base64url of the last row's sort key.
enum PatientCursorToken {
    /// The token for `cursor`.
    static func encode(_ cursor: PatientCursor) -> String {
        let text = [cursor.familyName, cursor.givenName, cursor.id.uuidString].joined(separator: "\u{1F}")
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The cursor in `token`; a damaged token is a 400 problem, not a silent first page.
    static func decode(_ token: String) throws -> PatientCursor {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw Self.invalid
        }
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let id = UUID(uuidString: parts[2]) else { throw Self.invalid }
        return PatientCursor(familyName: parts[0], givenName: parts[1], id: id)
    }

    private static let invalid = Problem(.badRequest, type: "invalid-cursor", title: "Invalid page cursor",
                                         detail: "The 'after' parameter is not a cursor this server issued.")
}
