import Foundation

/// MSA-1, the acknowledgement code of original-mode ACKs [M6]: a gateway resends what is not AA.
public enum HL7AcknowledgementCode: String, Codable, Sendable {
    /// Application Accept: the readings are stored (committed) or were already stored.
    case accept = "AA"
    /// Application Error: the message was read but its content cannot be stored.
    case error = "AE"
    /// Application Reject: not a message KetaClinic accepts (type, version, encoding), or the
    /// listener could not store it now (resend later).
    case reject = "AR"
}

/// Builds the ACK KetaClinic answers each message with [M2][M6].
public enum HL7Acknowledgement {
    /// The ACK for the message whose header fields are given (any may be missing when the header
    /// could not be read): MSH, MSA with the original control id and `text`, and an ERR segment
    /// with the HL7 table 0357 `condition` and the reason for AE and AR.
    public static func build(code: HL7AcknowledgementCode, acknowledging controlID: String?, receiver: (application: String?, facility: String?),
                             sender: (application: String, facility: String), processingID: String = "P", version: String = "2.6",
                             text: String?, condition: (code: String, text: String)? = nil, controlID ackID: String, now: Date) -> String {
        let escape = { (value: String?) in HL7Escaping.escape(value ?? "") }
        var segments = [
            ["MSH", "^~\\&", escape(sender.application), escape(sender.facility), escape(receiver.application), escape(receiver.facility),
             HL7Time.format(now), "", "ACK^R01^ACK", escape(ackID), escape(processingID), escape(version)].joined(separator: "|"),
            ["MSA", code.rawValue, escape(controlID), escape(text.map { String($0.prefix(80)) })].joined(separator: "|"),
        ]
        if code != .accept {
            let condition = condition ?? (code: "207", text: "Application internal error")
            segments.append(["ERR", "", "", "\(escape(condition.code))^\(escape(condition.text))^HL70357", "E", "", "", "",
                             escape(text.map { String($0.prefix(250)) })].joined(separator: "|"))
        }
        return segments.joined(separator: "\r") + "\r"
    }
}
