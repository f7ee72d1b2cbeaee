/// Every screening rule KetaClinic evaluates. The table in docs/screening.md lists the same
/// rules; ``ScreeningRuleCatalog/all`` is the source of truth.
///
/// Principles: contraindications in the ketamine labels, the anaesthesia text and the safety
/// exclusions of ketamine trials are contraindications for racemic ketamine (§3.3); the US PI
/// and EU/UK SmPC contraindications are contraindications for esketamine (§2.2). Where only
/// racemic ketamine sources name a condition, esketamine gets a caution, so the prescriber sees
/// it without being blocked. Missing data gives a caution that says what is missing.
public enum ScreeningRuleCatalog {
    /// All rules, in the order findings are listed within a category.
    public static let all: [ScreeningRule] =
        hypersensitivityAndVascular + bloodPressure + conditions + recordedConditions.map(\.rule) + medicationRules + vitalSignRules
            + missingData + information

    /// The rule with `id`, if any.
    public static func rule(_ id: String) -> ScreeningRule? { all.first { $0.id == id } }

    /// Categories for the two racemic routes and esketamine.
    static func categories(racemic: RuleCategory?, esketamine: RuleCategory?) -> [Treatment: RuleCategory] {
        var map: [Treatment: RuleCategory] = [:]
        if let racemic { map[.ivKetamine] = racemic; map[.imKetamine] = racemic }
        if let esketamine { map[.esketamine] = esketamine }
        return map
    }

    /// The EU/UK SmPC turns an esketamine caution into a contraindication [R22].
    static let euContraindicatesEsketamine: [Jurisdiction.Region: [Treatment: RuleCategory]] = [
        .europeanUnion: [.esketamine: .contraindication], .unitedKingdom: [.esketamine: .contraindication],
    ]

    /// A rule that fires when `condition` holds on the medical history.
    static func medical(_ id: String, _ title: String, racemic: RuleCategory?, esketamine: RuleCategory?,
                        regional: [Jurisdiction.Region: [Treatment: RuleCategory]] = [:],
                        trigger: String, explanation: String, sources: [String],
                        _ detail: @escaping @Sendable (MedicalHistory) -> String?) -> ScreeningRule {
        ScreeningRule(id: id, title: title, categories: categories(racemic: racemic, esketamine: esketamine),
                      regionalCategories: regional, trigger: trigger, explanation: explanation, sources: sources) { context, _ in
            context.medical.flatMap(detail)
        }
    }

    /// "30 days ago" / "today".
    static func ago(_ date: CalendarDate, today: CalendarDate) -> String {
        let days = CalendarDate.daysBetween(date, today)
        return days == 0 ? "today" : days == 1 ? "1 day ago" : "\(days) days ago"
    }
}
