import Foundation

/// Who entered a response.
public enum ResponseSource: String, CaseIterable, Codable, Sendable {
    /// A member of staff (clinician-rated scores, or a patient's paper form typed in).
    case staff
    /// The patient, through a one-time self-report link.
    case selfReport = "self-report"

    /// The name shown to users.
    public var displayName: String { self == .staff ? "Entered by staff" : "Patient self-report" }
}

/// One completed rating scale as stored: the score (with every answer), the day it describes, who
/// entered it and how. Never changed: a correction is a new response that `amends` this one, with a reason.
public struct ScaleResponse: Equatable, Sendable {
    /// The response's id.
    public let id: UUID
    /// The patient.
    public let patientID: UUID
    /// The answers and what they score.
    public let score: InstrumentScore
    /// The day the answers describe, in the clinic's time zone.
    public let administeredOn: CalendarDate
    /// When it was stored.
    public let recordedAt: Date
    /// Staff or the patient.
    public let source: ResponseSource
    /// Who stored it (the patient's own responses name the link's creator's clinic as "patient").
    public let recordedByName: String
    /// The response this one corrects, if any.
    public let amends: UUID?
    /// Why it was corrected.
    public let reason: String?

    /// Creates a stored response.
    public init(id: UUID, patientID: UUID, score: InstrumentScore, administeredOn: CalendarDate, recordedAt: Date,
                source: ResponseSource, recordedByName: String, amends: UUID? = nil, reason: String? = nil) {
        self.id = id
        self.patientID = patientID
        self.score = score
        self.administeredOn = administeredOn
        self.recordedAt = recordedAt
        self.source = source
        self.recordedByName = recordedByName
        self.amends = amends
        self.reason = reason
    }

    /// The responses that count: every response not corrected by a later one.
    public static func current(_ responses: [ScaleResponse]) -> [ScaleResponse] {
        let amended = Set(responses.compactMap(\.amends))
        return responses.filter { !amended.contains($0.id) }
    }
}
