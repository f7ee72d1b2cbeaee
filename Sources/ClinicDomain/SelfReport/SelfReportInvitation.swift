import Foundation

/// The words of a message carrying a self-report link, the same whether the staff send it from the
/// patient's page or the reminder service sends it before a session: the clinic's name, the address
/// and the code. Nothing clinical (no questionnaire name, no treatment), because anyone holding the
/// patient's phone or mailbox may read it.
public struct SelfReportInvitation: Equatable, Sendable {
    /// The email subject.
    public let emailSubject: String
    /// The first line of an SMS (the outbox's subject for the SMS channel).
    public let smsSubject: String
    /// The message.
    public let body: String

    /// The invitation to answer through the link at `address` with `code`, from `clinicName`.
    public init(clinicName: String, address: String, code: String) {
        emailSubject = "Your questionnaire"
        smsSubject = "Questionnaire"
        body = "\(clinicName): please answer your questionnaire at \(address) (code \(code)). It works once."
    }
}
