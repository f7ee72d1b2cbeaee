/// One thing a jurisdiction says about a treatment, with its sources (clinical reference §0, §9).
public struct JurisdictionStatement: Codable, Equatable, Sendable {
    /// What kind of statement it is.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        /// Marketing approval or off-label status.
        case approvalStatus = "approval-status"
        /// An authorisation, enrolment or certification needed before treating.
        case requiredAuthorisation = "required-authorisation"
        /// The controlled-substance schedule.
        case controlledSubstanceSchedule = "controlled-substance-schedule"
        /// Anything else the prescriber should know.
        case note

        /// The label shown to users.
        public var displayName: String {
            switch self {
            case .approvalStatus: "Approval status"
            case .requiredAuthorisation: "Required authorisation"
            case .controlledSubstanceSchedule: "Controlled-substance schedule"
            case .note: "Note"
            }
        }
    }

    /// What kind of statement it is.
    public let kind: Kind
    /// The treatments it concerns.
    public let treatments: [Treatment]
    /// The statement, in plain language.
    public let text: String
    /// Source keys; empty only for notes that say the reference has no source.
    public let sources: [String]

    /// Creates a statement.
    public init(_ kind: Kind, _ treatments: [Treatment], _ text: String, sources: [String]) {
        self.kind = kind
        self.treatments = treatments
        self.text = text
        self.sources = sources
    }
}

/// What screening states about approval and required authorisations for a jurisdiction.
/// Only what the clinical reference sources is stated; where it has nothing, a note says so.
public struct JurisdictionProfile: Equatable, Sendable {
    /// The jurisdiction.
    public let jurisdiction: Jurisdiction
    /// Every statement, for all treatments.
    public let statements: [JurisdictionStatement]

    private static let racemic: [Treatment] = [.ivKetamine, .imKetamine]
    private static let all = Treatment.allCases

    /// The profile of `jurisdiction` as of `today` (some authorities start on a date, e.g. the
    /// WA class authority from 1 April 2025 [R64]).
    public init(_ jurisdiction: Jurisdiction, today: CalendarDate) {
        self.jurisdiction = jurisdiction
        switch jurisdiction.region {
        case .unitedStates: statements = Self.unitedStates
        case .canada: statements = Self.canada
        case .australia: statements = Self.australia + Self.australianState(jurisdiction.subdivision, today: today)
        case .europeanUnion: statements = Self.europeanUnion
        case .unitedKingdom: statements = Self.unitedKingdom
        }
    }

    /// The statements that concern `treatment`.
    public func statements(for treatment: Treatment) -> [JurisdictionStatement] {
        statements.filter { $0.treatments.contains(treatment) }
    }

    private static let unitedStates: [JurisdictionStatement] = [
        .init(.approvalStatus, racemic,
              "Racemic ketamine is approved as an anaesthetic only; its use for depression is off-label.", sources: ["R32"]),
        .init(.approvalStatus, [.esketamine],
              "Spravato (esketamine) nasal spray is marketed in the US (NDC 50458-028, marketing start 5 March 2019); "
              + "the FDA approved the monotherapy indication for treatment-resistant depression in January 2025.",
              sources: ["R31", "R29"]),
        .init(.controlledSubstanceSchedule, all,
              "Ketamine and esketamine are DEA Schedule III: keep every controlled-substance record at least 2 years, "
              + "with an initial and then biennial inventory.", sources: ["R31", "R62-Man", "R62-DC"]),
        .init(.requiredAuthorisation, [.esketamine],
              "Outpatient settings: enrol the patient in the Spravato REMS before the first treatment, and submit a "
              + "Patient Monitoring Form after every session within 7 days. Inpatient settings are exempt.",
              sources: ["R19", "R21"]),
        .init(.requiredAuthorisation, [.esketamine],
              "Treat only in a REMS-certified healthcare setting: a prescriber on site during administration and "
              + "monitoring, a pulse oximeter on site; REMS pharmacies dispense only to certified settings, never for home use.",
              sources: ["R20", "R13", "R19-video"]),
        .init(.note, racemic,
              "ASA guidance (February 2025): ketamine outside acute pain and procedural sedation should be given by "
              + "trained professionals with monitoring and rescue capability.", sources: ["R65"]),
    ]

    private static let canada: [JurisdictionStatement] = [
        .init(.approvalStatus, racemic,
              "Racemic ketamine is approved as an anaesthetic only; its use for depression is off-label.", sources: ["R63"]),
        .init(.approvalStatus, [.esketamine],
              "Esketamine is approved by Health Canada (initial approval 19 May 2020, launched July 2020) for "
              + "depression that has not responded to at least 2 adequate antidepressant courses in the current episode.",
              sources: ["R23", "R30"]),
        .init(.controlledSubstanceSchedule, racemic,
              "Ketamine is a Schedule I substance of the Controlled Drugs and Substances Act (item 14, PCP analogues) and "
              + "is on the Narcotic Control Regulations schedule (SOR/2005-270).", sources: ["R63"]),
        .init(.note, all,
              "The Controlled Substances Regulations SOR/2025-242 (registered 28 November 2025) consolidate the Narcotic "
              + "Control Regulations; some provisions were not yet in force when the reference was compiled.", sources: ["R63-CSR"]),
        .init(.note, [.esketamine],
              "The reference does not state esketamine's schedule in Canada, nor practitioner record-keeping details "
              + "for ketamine; check with Health Canada.", sources: []),
    ]

    private static let australia: [JurisdictionStatement] = [
        .init(.approvalStatus, racemic,
              "Racemic ketamine is approved as an anaesthetic only; its use for depression is off-label.", sources: ["R64"]),
        .init(.approvalStatus, [.esketamine],
              "Spravato (esketamine) is registered by the TGA (decision 5 March 2021, on the ARTG from 9 March 2021).",
              sources: ["R24"]),
        .init(.controlledSubstanceSchedule, all, "Ketamine and esketamine are Schedule 8.", sources: ["R64"]),
        .init(.requiredAuthorisation, all,
              "A state Schedule 8 authority is needed; the rules differ by state.", sources: ["R64"]),
    ]

    private static func australianState(_ state: String?, today: CalendarDate) -> [JurisdictionStatement] {
        switch state {
        case "TAS":
            return [
                .init(.requiredAuthorisation, all, "Tasmania: authorisation under section 59E of the Poisons Act.", sources: ["R64", "R8"]),
                .init(.note, racemic,
                      "Tasmania's 2017 guideline (based on the RANZCP memorandum of 2015) did not recommend ketamine for "
                      + "depression in clinical practice; the RANZCP later recommended restricting it to TRD in services with "
                      + "appropriate structures.", sources: ["R8"]),
            ]
        case "WA":
            var statements: [JurisdictionStatement] = [
                .init(.requiredAuthorisation, all,
                      "Western Australia: approval is required for drug-dependent patients or treatment beyond 2 months.",
                      sources: ["R64"]),
            ]
            if today >= CalendarDate(year: 2025, month: 4, day: 1)! {
                statements.append(.init(.requiredAuthorisation, [.esketamine],
                                        "Western Australia: since 1 April 2025 psychiatrists hold a class authority for "
                                        + "Spravato up to 84 mg/day; other prescribers and higher doses need an individual authority.",
                                        sources: ["R64"]))
            }
            return statements
        default:
            return [.init(.note, all,
                          "The reference holds no details of \(state.map { "the \($0)" } ?? "this state's") Schedule 8 authority; "
                          + "check with the state health department.", sources: [])]
        }
    }

    private static let europeanUnion: [JurisdictionStatement] = [
        .init(.approvalStatus, [.esketamine],
              "Esketamine (Spravato) was approved in the EU in December 2019 for depression that has not responded to at "
              + "least 2 different antidepressants in the current moderate to severe episode.", sources: ["R30", "R22"]),
        .init(.note, racemic,
              "The reference records racemic ketamine as an anaesthetic whose use for depression is off-label in the US, "
              + "Canada and Australia; it holds no EU source. Check the national medicines authority.",
              sources: ["R32", "R63", "R64"]),
        .init(.note, all,
              "Controlled-substance rules are national; the reference holds no EU schedule. Check the member state's rules.",
              sources: []),
    ]

    private static let unitedKingdom: [JurisdictionStatement] = [
        .init(.approvalStatus, [.esketamine],
              "Esketamine has UK prescribing information, but NICE TA854 (December 2022) does not recommend esketamine "
              + "with an SSRI or SNRI for treatment-resistant depression; a 2024 review left this unchanged.",
              sources: ["R22", "R11"]),
        .init(.note, racemic,
              "The reference records racemic ketamine as an anaesthetic whose use for depression is off-label in the US, "
              + "Canada and Australia; it holds no UK source. Check with the MHRA.", sources: ["R32", "R63", "R64"]),
        .init(.note, all,
              "The reference holds no UK controlled-drug schedule for ketamine or esketamine; check the UK controlled-drug rules.",
              sources: []),
    ]
}
