/// A telephone number a patient in crisis can call, shown as a tap-to-call link on the patient's
/// own pages (after a questionnaire, beside the clinic's number). Each number names the public
/// source it was checked against (docs/accessibility.md, references [X1]–[X5]).
public struct CrisisLine: Equatable, Sendable {
    /// Who answers, e.g. "988 Suicide & Crisis Lifeline".
    public let name: String
    /// The number as people write it, e.g. "116 123".
    public let number: String
    /// What it is for, in a few plain words.
    public let purpose: String
    /// Source key in docs/accessibility.md.
    public let source: String

    /// Creates a line.
    public init(name: String, number: String, purpose: String, source: String) {
        self.name = name
        self.number = number
        self.purpose = purpose
        self.source = source
    }

    /// The `tel:` address: the digits (and a leading +) alone.
    public var telURI: String {
        "tel:" + number.filter { $0.isNumber || $0 == "+" }
    }
}

extension JurisdictionProfile {
    /// The emergency number first, then the national crisis line, for the jurisdiction's region.
    /// The EU has no single crisis line: only 112 is listed, and the clinic adds its country's line
    /// to its crisis resources (Safety policy).
    public var crisisLines: [CrisisLine] { Self.crisisLines(for: jurisdiction.region) }

    /// The lines of `region`.
    public static func crisisLines(for region: Jurisdiction.Region) -> [CrisisLine] {
        switch region {
        case .unitedStates:
            [CrisisLine(name: "Emergency services", number: "911", purpose: "if you are in immediate danger", source: "X1"),
             CrisisLine(name: "988 Suicide & Crisis Lifeline", number: "988", purpose: "call or text, free, 24 hours a day", source: "X1")]
        case .canada:
            [CrisisLine(name: "Emergency services", number: "911", purpose: "if you are in immediate danger", source: "X3"),
             CrisisLine(name: "9-8-8 Suicide Crisis Helpline", number: "988", purpose: "call or text, free, 24 hours a day", source: "X3")]
        case .unitedKingdom:
            [CrisisLine(name: "Emergency services", number: "999", purpose: "if your life is at risk", source: "X2"),
             CrisisLine(name: "Samaritans", number: "116 123", purpose: "free, 24 hours a day, every day", source: "X2")]
        case .australia:
            [CrisisLine(name: "Emergency services", number: "000", purpose: "if you are in immediate danger", source: "X4"),
             CrisisLine(name: "Lifeline", number: "13 11 14", purpose: "crisis support, 24 hours a day", source: "X4")]
        case .europeanUnion:
            [CrisisLine(name: "European emergency number", number: "112", purpose: "free from any phone, in every EU country", source: "X5")]
        }
    }
}
