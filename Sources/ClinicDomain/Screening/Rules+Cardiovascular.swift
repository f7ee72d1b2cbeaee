extension ScreeningRuleCatalog {
    /// Hypersensitivity, vascular lesions, cardiac disease and vascular events (§2.2, §3.3).
    static let hypersensitivityAndVascular: [ScreeningRule] = [
        ScreeningRule(
            id: "KC-SCR-HYPERSENSITIVITY", title: "Hypersensitivity to ketamine or esketamine",
            categories: categories(racemic: .contraindication, esketamine: .contraindication),
            trigger: "An allergy or adverse reaction whose substance names ketamine (incl. esketamine)",
            explanation: "Hypersensitivity to esketamine, ketamine or an excipient contraindicates both; a prior adverse reaction to ketamine is a contraindication in the anaesthesia literature.",
            sources: ["R13", "R15", "R32", "R34-label", "R34"]) { context, _ in
            let allergies = context.record.allergies.filter(\.involvesKetamine)
            guard !allergies.isEmpty else { return nil }
            let list = allergies.map { $0.substance + ($0.reaction.map { " (\($0))" } ?? "") }.joined(separator: ", ")
            return "Recorded allergy or reaction: \(list) [R13][R34-label]"
        },
        ScreeningRule(
            id: "KC-SCR-RECENT-CV-EVENT", title: "Recent cardiovascular or cerebrovascular event",
            categories: categories(racemic: .contraindication, esketamine: .caution),
            regionalCategories: euContraindicatesEsketamine,
            trigger: "A dated MI, stroke, TIA or other cardiovascular event within the policy window (ketamine: recentCardiovascularEventDays, default 42; esketamine: esketamineRecentCardiovascularEventDays, default 42)",
            explanation: "The EU/UK esketamine SmPC contraindicates a recent (within 6 weeks) cardiovascular event including MI; the US label lists no window. For IV ketamine no window was found, so the window is clinic policy.",
            sources: ["R22"]) { context, treatment in
            let days = treatment.isRacemicKetamine
                ? context.policy.recentCardiovascularEventDays : context.policy.esketamineRecentCardiovascularEventDays
            guard let event = context.vascularEvents(within: days).first else { return nil }
            let what = "\(event.kind.displayName) on \(event.occurredOn.iso) (\(ago(event.occurredOn, today: context.today)))"
            if treatment.isRacemicKetamine {
                return "\(what) is within the clinic's \(days)-day window (clinic policy: no IV ketamine value found; default borrows the esketamine 6 weeks [R22])"
            }
            switch context.jurisdiction.region {
            case .europeanUnion, .unitedKingdom:
                return "\(what) is within \(days) days: the EU/UK SmPC contraindicates esketamine within 6 weeks of a cardiovascular event [R22]"
            default:
                return "\(what) is within \(days) days; the EU/UK SmPC contraindicates esketamine within 6 weeks [R22], the US label lists no window"
            }
        },
        medical("KC-SCR-PRIOR-MI", "History of myocardial infarction", racemic: .caution, esketamine: .caution,
                trigger: "Any dated myocardial infarction",
                explanation: "A history of MI is an esketamine precaution; ischaemic heart disease contraindicates ketamine, so confirm whether it is recorded.",
                sources: ["R22", "R34", "R40"]) { history in
            history.vascularEvents.first { $0.kind == .myocardialInfarction }
                .map { "Myocardial infarction on \($0.occurredOn.iso) [R22]" }
        },
        medical("KC-SCR-CEREBROVASCULAR", "Prior cerebrovascular insult", racemic: .contraindication, esketamine: .caution,
                trigger: "Any dated stroke or TIA",
                explanation: "A prior cerebrovascular insult contraindicates ketamine (Swiss SmPC); unstable cerebrovascular disease excluded trial patients. Esketamine raises blood pressure for about 4 hours.",
                sources: ["R33", "R41-tbl", "R17"]) { history in
            history.vascularEvents.first { $0.kind.isCerebrovascular }
                .map { "\($0.kind.displayName) on \($0.occurredOn.iso) [R33]" }
        },
    ]

    /// Resting blood pressure and hypertension (§2.3, §3.3).
    static let bloodPressure: [ScreeningRule] = [
        ScreeningRule(
            id: "KC-SCR-RESTING-BP", title: "Resting blood pressure above the clinic limit",
            categories: categories(racemic: .contraindication, esketamine: .caution),
            regionalCategories: euContraindicatesEsketamine,
            trigger: "Latest resting SBP > restingSystolicLimit or DBP > restingDiastolicLimit (default 180/100)",
            explanation: "The Swiss ketamine SmPC contraindicates uncontrolled hypertension above 180/100 mmHg at rest; the EU/UK esketamine SmPC contraindicates patients in whom raised blood pressure poses a serious risk. The limit is clinic policy.",
            sources: ["R33", "R22"]) { context, _ in
            guard let vitals = context.vitals else { return nil }
            let policy = context.policy
            guard vitals.systolic > policy.restingSystolicLimit || vitals.diastolic > policy.restingDiastolicLimit else { return nil }
            return "Resting BP \(vitals.bloodPressureText) on \(vitals.measuredOn.iso) is above the clinic limit "
                + "\(policy.restingSystolicLimit)/\(policy.restingDiastolicLimit) [R33]"
        },
        ScreeningRule(
            id: "KC-SCR-ESK-BP-GUIDE", title: "Blood pressure above the esketamine pre-dose guide",
            categories: [.esketamine: .caution],
            trigger: "Latest resting SBP > esketamineSystolicGuide or DBP > esketamineDiastolicGuide (default 140/90), when not already above the resting limit",
            explanation: "The US label's general guide: if blood pressure is above 140/90 mmHg before dosing, weigh benefit against risk before delaying therapy.",
            sources: ["R16"]) { context, _ in
            guard let vitals = context.vitals else { return nil }
            let policy = context.policy
            let aboveGuide = vitals.systolic > policy.esketamineSystolicGuide || vitals.diastolic > policy.esketamineDiastolicGuide
            let aboveLimit = vitals.systolic > policy.restingSystolicLimit || vitals.diastolic > policy.restingDiastolicLimit
            guard aboveGuide, !aboveLimit else { return nil }
            return "Resting BP \(vitals.bloodPressureText) is above the esketamine pre-dose guide "
                + "\(policy.esketamineSystolicGuide)/\(policy.esketamineDiastolicGuide) [R16]"
        },
    ]
}
