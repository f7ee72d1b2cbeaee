import ClinicDomain
import Foundation
import Plot

/// A dose order shown as the arithmetic a nurse checks line by line (weight → dose → volume →
/// rate), and dose warnings with their level in words, not colour alone. Shared by the dose
/// calculator and the treatment plan.
public enum DoseOrderView {
    /// The order as a table of "what = how = result" rows.
    public static func arithmetic(_ order: DoseOrder) -> Node<HTML.BodyContext> {
        func kg(_ value: Double) -> String { Kilograms(value).description }
        var rows: [(String, String, String)] = []
        rows.append(("Dosing weight", order.weightBasis == .actual ? "measured" : "\(basisName(order.weightBasis)); measured \(kg(order.actualWeightKg))",
                     kg(order.dosingWeightKg)))
        if let ideal = order.idealWeightKg, let adjusted = order.adjustedWeightKg {
            rows.append(("Ideal / adjusted weight", "Devine; IBW + 0.4 × (actual − IBW)", "\(kg(ideal)) / \(kg(adjusted))"))
        }
        if let bmi = order.bmi { rows.append(("BMI", "weight ÷ height²", BodyMassIndex(bmi).description)) }
        rows.append(("Dose", "\(MilligramsPerKilogram(order.mgPerKg)) × \(kg(order.dosingWeightKg))", Milligrams(order.doseMg).description))
        rows.append(("Drug volume", "\(Milligrams(order.doseMg)) ÷ \(order.vialMgPerMl) mg/mL vial", Millilitres(order.drugVolumeMl).description))
        if let total = order.totalVolumeMl, let bag = order.bagMl {
            let how = bag == 0 ? "no bag: the drug volume"
                : order.drugVolumeCountsInTotal ? "\(Millilitres(bag)) bag + \(Millilitres(order.drugVolumeMl)) drug"
                : "\(Millilitres(bag)) bag (drug volume not counted, clinic policy)"
            rows.append(("Total volume", how, Millilitres(total).description))
        }
        if let concentration = order.infusionMgPerMl {
            rows.append(("Bag concentration", "dose ÷ (bag + drug volume)", MilligramsPerMillilitre(concentration).description))
        }
        if let rate = order.pumpRateMlPerHour, let total = order.totalVolumeMl, let minutes = order.minutes {
            rows.append(("Pump rate", "\(Millilitres(total)) ÷ \(Minutes(minutes)) × 60", MillilitresPerHour(rate).description))
        }
        if let doseRate = order.doseRateMgPerHour, let minutes = order.minutes {
            rows.append(("Dose rate", "\(Milligrams(order.doseMg)) ÷ \(Minutes(minutes)) × 60", MilligramsPerHour(doseRate).description))
        }
        if let perKg = order.doseRateMgPerKgPerHour, let doseRate = order.doseRateMgPerHour {
            rows.append(("Dose rate per kg", "\(MilligramsPerHour(doseRate)) ÷ \(kg(order.dosingWeightKg))",
                         MilligramsPerKilogramPerHour(perKg).description))
        }
        return .div(.class("table-scroll"), ScrollRegion.focusable("Dose order"),
                    .table(.class("data dose-arithmetic"), .id("dose-arithmetic"),
                           .caption(.text("Dose arithmetic (\(order.route.displayName.lowercased())); rounding: docs/dosing.md")),
                           .thead(.tr(.th(.text("Figure")), .th(.text("How")), .th(.text("Result")))),
                           .tbody(.forEach(rows) { row in
                               .tr(.th(.attribute(named: "scope", value: "row"), .text(row.0)), .td(.text(row.1)),
                                   .td(.class("dose-figure"), .text(row.2)))
                           })))
    }

    /// The warnings, most serious first, each with its level in words and its code.
    public static func warnings(_ warnings: [DoseWarning]) -> Node<HTML.BodyContext> {
        .if(!warnings.isEmpty, .ul(.class("dose-warnings"), .id("dose-warnings"),
                                   .forEach(warnings) { warning in
                                       .li(.class("dose-warning level-\(warning.level.rawValue)"),
                                           .strong(.text(levelText(warning.level) + ": ")), .text(warning.message),
                                           .span(.class("rule-id"), .text(" (\(warning.code))")))
                                   }))
    }

    /// The level in words.
    public static func levelText(_ level: DoseWarning.Level) -> String {
        switch level {
        case .information: "Note"
        case .caution: "Caution"
        case .softLimit: "Soft limit (reason needed)"
        case .hardLimit: "Hard limit (refused)"
        }
    }

    private static func basisName(_ basis: WeightBasis) -> String { basis.displayName.lowercased() }
}
