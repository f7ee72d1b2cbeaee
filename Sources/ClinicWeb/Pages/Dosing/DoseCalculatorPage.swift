import ClinicDomain
import Plot

/// The dose calculator: a GET form (so a calculation is a shareable address) and, once the
/// fields are filled in, the dose arithmetic and its warnings.
public enum DoseCalculatorPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// Weight-based protocols to take limits and defaults from: id and name.
        public var protocols: [(id: String, name: String)]
        /// The fields as typed (or the protocol's defaults).
        public var values: [String: String]
        /// The calculation, when the form was filled in correctly.
        public var order: DoseOrder?
        /// What was wrong with the form.
        public var errors: FieldErrors

        /// Creates the model.
        public init(protocols: [(id: String, name: String)], values: [String: String], order: DoseOrder?, errors: FieldErrors) {
            self.protocols = protocols
            self.values = values
            self.order = order
            self.errors = errors
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let values = model.values, errors = model.errors
        let refused = model.order?.warnings.hasHardLimit == true
        return Layout.page(
            title: errors.isEmpty ? "Dose calculator" : "Error: dose calculator", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href("/dosing"), .text("Dosing"))),
            .h1(.text("Dose calculator")),
            .p(.class("hint"), .text("Weight-based racemic ketamine. Figures are rounded half away from zero: weight 0.1 kg, "
                                     + "dose 0.1 mg, volumes 0.01 mL, pump rate 0.1 mL/h; each figure uses the rounded one before it.")),
            FormField.errorSummary(errors),
            .form(.class("stacked"), .method(.get), .action("/dosing/calculator"), .attribute(named: "novalidate", value: "novalidate"),
                  .div(.class("form-grid"),
                       FormField.select("protocol", label: "Protocol (limits and defaults)",
                                        choices: model.protocols.map { ($0.id, $0.name) }, selected: values["protocol"], errors: errors),
                       FormField.input("weightKg", label: "Measured weight (kg)", value: values["weightKg"], errors: errors, required: true),
                       FormField.input("heightCm", label: "Height (cm)", value: values["heightCm"], errors: errors,
                                       hint: "For BMI, and for ideal or adjusted weight."),
                       FormField.select("sex", label: "Sex at birth", choices: [("female", "Female"), ("male", "Male")],
                                        selected: values["sex"], errors: errors, hint: "For ideal or adjusted weight (Devine)."),
                       FormField.select("weightBasis", label: "Weight basis",
                                        choices: WeightBasis.allCases.map { ($0.rawValue, $0.displayName) },
                                        selected: values["weightBasis"], errors: errors),
                       FormField.input("mgPerKg", label: "Dose (mg/kg)", value: values["mgPerKg"], errors: errors, required: true),
                       FormField.input("minutes", label: "Infusion duration (min)", value: values["minutes"], errors: errors,
                                       hint: "Intravenous protocols."),
                       FormField.select("vialMgPerMl", label: "Vial strength",
                                        choices: VialConcentration.allCases.map { (String($0.rawValue), $0.displayName) },
                                        selected: values["vialMgPerMl"], errors: errors),
                       FormField.input("bagMl", label: "Bag volume (mL)", value: values["bagMl"], errors: errors,
                                       hint: "0 for no bag.")),
                  FormField.checkbox("excludeDrugVolume", label: "Do not count the drug volume in the infused total",
                                     checked: values["excludeDrugVolume"] == "on"),
                  .div(.class("actions"), .button(.type(.submit), .text("Calculate")))),
            .unwrap(model.order) { order in
                .section(.id("dose-result"), .attribute(named: "aria-live", value: "polite"),
                         .h2(.text(refused ? "Refused: past a hard limit" : "Result")),
                         DoseOrderView.warnings(order.warnings),
                         .if(!refused, DoseOrderView.arithmetic(order)),
                         .if(!refused && order.route == .intravenous,
                             .p(.a(.href(pkLink(order)), .text("See this dose in the pharmacokinetic preview")))))
            }
        )
    }

    /// The PK preview of the same dose, weight and duration.
    static func pkLink(_ order: DoseOrder) -> String {
        "/dosing/pk?weightKg=\(Rounding.text(order.actualWeightKg, places: 1))&doseMg=\(Rounding.text(order.doseMg, places: 1))"
            + "&minutes=\(Rounding.text(order.minutes ?? 40, places: 1))"
    }
}
