import Foundation

/// The audit trail as CSV (RFC 4180), for the administrator's export and `ketaclinic audit export`.
///
/// Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) get a leading `'`.
public enum AuditCSV {
    /// The header line.
    public static let header = "sequence,occurred_at_utc,user_id,actor,role,action,entity_type,entity_id,patient_id,summary,request_id,ip_address,previous_hash,hash\r\n"

    /// One entry as a CSV line, ending in CRLF.
    public static func line(_ entry: AuditEntry) -> String {
        let s = entry.stamp, e = entry.event
        let cells = [
            String(entry.sequence), timestamp(s.at), s.userID?.uuidString ?? "", s.actorName, s.role?.rawValue ?? "",
            e.action.rawValue, e.entityType, e.entityID, e.patientID?.uuidString ?? "", e.summary, s.requestID, s.ipAddress,
            entry.previousHash, entry.hash,
        ]
        return cells.map(escape).joined(separator: ",") + "\r\n"
    }

    static func escape(_ cell: String) -> String {
        var value = cell
        if let first = value.first, "=+-@".contains(first), Int(value) == nil { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
