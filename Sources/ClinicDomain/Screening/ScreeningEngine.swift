/// Evaluates a patient's record against ``ScreeningRuleCatalog`` for each treatment. Pure: the
/// clinic's date, policy and jurisdiction are parameters; it never reads the clock.
public enum ScreeningEngine {
    /// Screens `record` for `treatments`.
    ///
    /// Every rule that fires for a treatment in the jurisdiction's region becomes a finding
    /// (contraindications first, then cautions, then information, in catalogue order). The
    /// decision is not eligible when any contraindication fired, eligible with cautions when a
    /// caution fired, else eligible. Each treatment also carries the jurisdiction's statements.
    public static func evaluate(_ record: PatientRecord, treatments: [Treatment] = Treatment.allCases,
                                policy: ScreeningPolicy, resistancePolicy: TreatmentResistancePolicy = .defaults,
                                jurisdiction: Jurisdiction, today: CalendarDate,
                                rules: [ScreeningRule] = ScreeningRuleCatalog.all) -> ScreeningResult {
        let context = ScreeningContext(record: record, policy: policy, jurisdiction: jurisdiction, today: today,
                                       resistancePolicy: resistancePolicy)
        let profile = JurisdictionProfile(jurisdiction, today: today)
        let screenings = Treatment.allCases.filter(treatments.contains).map { treatment in
            var findings: [ScreeningFinding] = []
            for rule in rules {
                guard let category = rule.category(for: treatment, in: jurisdiction.region),
                      let detail = rule.evaluate(context, treatment) else { continue }
                findings.append(ScreeningFinding(
                    ruleID: rule.id, title: rule.title, category: category,
                    detail: detail.contains("[R") ? detail : "\(detail) \(rule.citation)",
                    explanation: rule.explanation, sources: rule.sources))
            }
            let ordered = RuleCategory.allCases.flatMap { category in findings.filter { $0.category == category } }
            return TreatmentScreening(treatment: treatment, findings: ordered, statements: profile.statements(for: treatment))
        }
        return ScreeningResult(jurisdiction: jurisdiction, evaluatedOn: today, policy: policy, treatments: screenings)
    }
}
