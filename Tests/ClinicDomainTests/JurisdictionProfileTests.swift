import ClinicDomain
import Testing

@Suite("Jurisdiction profiles")
struct JurisdictionProfileTests {
    static let today = CalendarDate(year: 2026, month: 3, day: 1)!

    private func profile(_ code: String, on today: CalendarDate = today) -> JurisdictionProfile {
        JurisdictionProfile(Jurisdiction(code: code)!, today: today)
    }

    private func texts(_ code: String, _ treatment: Treatment, _ kind: JurisdictionStatement.Kind? = nil,
                       on today: CalendarDate = today) -> [String] {
        profile(code, on: today).statements(for: treatment).filter { kind == nil || $0.kind == kind }.map(\.text)
    }

    @Test("Racemic ketamine is off-label for depression in the US, Canada and Australia [R32][R63][R64]",
          arguments: [("US-NY", "R32"), ("CA-ON", "R63"), ("AU-VIC", "R64")])
    func offLabel(code: String, source: String) throws {
        for treatment in [Treatment.ivKetamine, .imKetamine] {
            let statement = try #require(profile(code).statements(for: treatment).first { $0.kind == .approvalStatus })
            #expect(statement.text.contains("off-label"))
            #expect(statement.sources == [source])
        }
    }

    @Test("US esketamine: REMS enrolment before the first outpatient treatment [R19][R21], certified setting [R20], Schedule III [R62]")
    func unitedStates() {
        let required = profile("US").statements(for: .esketamine).filter { $0.kind == .requiredAuthorisation }
        #expect(required.contains { $0.text.contains("enrol the patient in the Spravato REMS before the first treatment") && $0.sources == ["R19", "R21"] })
        #expect(required.contains { $0.text.contains("REMS-certified") && $0.sources.contains("R20") })
        let schedule = texts("US", .ivKetamine, .controlledSubstanceSchedule)
        #expect(schedule.count == 1 && schedule[0].contains("DEA Schedule III"))
        #expect(texts("US", .ivKetamine, .requiredAuthorisation).isEmpty)
    }

    @Test("Canada: ketamine Schedule I CDSA [R63]; esketamine approved 19 May 2020 [R23]")
    func canada() {
        #expect(texts("CA", .ivKetamine, .controlledSubstanceSchedule).first?.contains("Schedule I substance of the Controlled Drugs and Substances Act") == true)
        #expect(texts("CA", .esketamine, .approvalStatus).first?.contains("19 May 2020") == true)
        #expect(texts("CA", .esketamine, .controlledSubstanceSchedule).isEmpty, "the reference does not state esketamine's Canadian schedule")
    }

    @Test("Australia: Schedule 8 with a state authority [R64]; Tasmania s59E [R64][R8]")
    func australia() {
        #expect(texts("AU-TAS", .esketamine, .controlledSubstanceSchedule) == ["Ketamine and esketamine are Schedule 8."])
        #expect(texts("AU-TAS", .ivKetamine, .requiredAuthorisation).contains { $0.contains("section 59E") })
        #expect(texts("AU-NSW", .ivKetamine, .note).contains { $0.contains("NSW") && $0.contains("no details") })
    }

    @Test("WA psychiatrists' class authority for Spravato up to 84 mg/day starts on 1 April 2025 [R64]")
    func westernAustraliaClassAuthority() {
        let before = texts("AU-WA", .esketamine, .requiredAuthorisation, on: CalendarDate(year: 2025, month: 3, day: 31)!)
        let after = texts("AU-WA", .esketamine, .requiredAuthorisation, on: CalendarDate(year: 2025, month: 4, day: 1)!)
        #expect(!before.contains { $0.contains("class authority") })
        #expect(after.contains { $0.contains("class authority") && $0.contains("84 mg/day") })
        #expect(!texts("AU-WA", .ivKetamine, .requiredAuthorisation).contains { $0.contains("class authority") })
    }

    @Test("EU approved December 2019 [R30]; UK NICE TA854 not recommended [R11]")
    func europe() {
        #expect(texts("EU-DE", .esketamine, .approvalStatus).first?.contains("December 2019") == true)
        let uk = profile("GB").statements(for: .esketamine).first { $0.kind == .approvalStatus }
        #expect(uk?.text.contains("does not recommend") == true && uk?.sources.contains("R11") == true)
    }

    @Test("Every statement cites a source unless it is a note saying the reference has none",
          arguments: ["US", "US-CA", "CA-QC", "AU-WA", "AU-TAS", "AU-QLD", "EU-FR", "GB"])
    func sourced(code: String) {
        let statements = profile(code).statements
        #expect(!statements.isEmpty)
        for statement in statements where statement.sources.isEmpty {
            #expect(statement.kind == .note, "\(statement.text)")
        }
    }

    @Test("Screening results carry the jurisdiction's statements for each treatment")
    func inResults() {
        let result = ScreeningFixtures.screen(ScreeningFixtures.clear, in: Jurisdiction(code: "US-NY")!)
        #expect(result[.esketamine]!.statements == profile("US-NY").statements(for: .esketamine))
        #expect(result[.ivKetamine]!.statements.allSatisfy { $0.treatments.contains(.ivKetamine) })
    }
}
