import ClinicDomain
import Foundation
import Plot

/// `/sessions/:session/register`: the session's controlled-substance draws. The draw form
/// proposes what to draw from the planned dose and the stock on hand (e.g. 35 mg → 0.7 mL of an
/// opened 50 mg/mL vial) and the waste that will remain; the witnessed waste and the return of
/// unused devices follow; the reconciliation (drawn = administered + wasted) shows whether the
/// session may be discharged.
public enum SessionRegisterPage {
    /// A product's proposal.
    public struct Proposal: Sendable {
        /// The product.
        public let product: RegisterProduct
        /// What to draw.
        public let proposal: DrawProposal

        /// Creates a row.
        public init(product: RegisterProduct, proposal: DrawProposal) {
            self.product = product
            self.proposal = proposal
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The session and patient, in words.
        public var sessionID: UUID, heading: String, state: TreatmentSessionState
        /// The planned dose, when known.
        public var planned: RegisterAmount?
        /// Proposals per product of the session's substance.
        public var proposals: [Proposal]
        /// The session's register entries.
        public var entries: [RegisterMovement]
        /// Its reconciliation.
        public var reconciliation: SessionDrawReconciliation?
        /// Stock lines of the session's substance.
        public var lines: [StockLine]
        /// Names.
        public var catalogue: RegisterCatalogue
        /// Values typed and errors, and which form they belong to.
        public var values: [String: String], errors: FieldErrors, activeForm: String?
        /// True when the viewer may draw.
        public var canRecord: Bool
        /// The clinic's time zone.
        public var timeZone: TimeZone

        /// Creates a model.
        public init(sessionID: UUID, heading: String, state: TreatmentSessionState, planned: RegisterAmount?, proposals: [Proposal],
                    entries: [RegisterMovement], reconciliation: SessionDrawReconciliation?, lines: [StockLine], catalogue: RegisterCatalogue,
                    values: [String: String], errors: FieldErrors, activeForm: String?, canRecord: Bool, timeZone: TimeZone) {
            self.sessionID = sessionID
            self.heading = heading
            self.state = state
            self.planned = planned
            self.proposals = proposals
            self.entries = entries
            self.reconciliation = reconciliation
            self.lines = lines
            self.catalogue = catalogue
            self.values = values
            self.errors = errors
            self.activeForm = activeForm
            self.canRecord = canRecord
            self.timeZone = timeZone
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let base = "/sessions/\(model.sessionID.uuidString.lowercased())"
        let draws = model.entries.filter { $0.kind == .draw }
        let drawChoices = draws.map { RegisterChoice($0.id.uuidString.lowercased(), "#\($0.sequence) \(Instant.text($0.occurredAt, in: model.timeZone)): \($0.detail)") }
        let values: (String) -> [String: String] = { form in model.activeForm == form ? model.values : [:] }
        let errors: (String) -> FieldErrors = { form in model.activeForm == form ? model.errors : FieldErrors() }
        var drawValues = values("draw")
        if drawValues.isEmpty, let first = model.proposals.first(where: { $0.proposal.shortfall == nil })?.proposal.parts.first {
            drawValues = ["line": first.line.id.uuidString.lowercased(), "amountMg": first.amount.milligramText]
        }
        var wasteValues = values("waste")
        if wasteValues.isEmpty, let last = draws.last {
            wasteValues["draw"] = last.id.uuidString.lowercased()
            if let left = model.reconciliation?.unaccounted, left > .zero { wasteValues["amountMg"] = left.milligramText }
        }
        let drawForm = RegisterForm(
            id: "draw-form", title: "Draw", action: base + "/register/draw", submit: "Record the draw",
            fields: [.select("line", "Draw from", RegisterText.lineChoices(model.lines, model.catalogue, timeZone: model.timeZone), hint: nil),
                     .input("amountMg", "Amount drawn (mg)", .text,
                            hint: model.proposals.contains { $0.product.form == .device } ? "A device is drawn whole: 28 mg each [R14]."
                                : "The volume is the amount ÷ the vial's concentration.")])
        let wasteForm = RegisterForm(
            id: "waste-form", title: "Witnessed waste", action: base + "/register/waste", submit: "Record the witnessed waste",
            fields: [.select("draw", "Waste from the draw", drawChoices, hint: nil), .input("amountMg", "Amount wasted (mg)", .text, hint: nil),
                     .text("reason", "How it was wasted", hint: "E.g. expelled into the waste container before the witness.")],
            witnessed: true)
        let returnForm = RegisterForm(
            id: "return-form", title: "Return unused devices", action: base + "/register/return", submit: "Return to stock",
            fields: [.select("draw", "From the draw", drawChoices, hint: nil), .input("units", "Unopened devices returned", .number, hint: nil)])
        return Layout.page(
            title: "Controlled-substance draws", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href(base), .text("Back to the session"))),
            .h1(.text("Controlled-substance draws")),
            .p(.class("lede"), .text(model.heading)),
            .p(.id("planned-dose"), .text(model.planned.map { "Planned dose: \($0)." }
                ?? "No planned dose in mg yet: record the administration (dose in mg) on the session first.")),
            reconciliationBox(model.reconciliation),
            FormField.errorSummary(model.errors),
            .if(model.canRecord && model.planned != nil && model.state.isActive, .section(.id("draw"),
                .h2(.text("Draw")),
                .if(model.proposals.isEmpty, .p(.text("No product of this treatment's substance is in the register."))),
                .ul(.id("proposal"), .forEach(model.proposals) { item in
                    .li(.strong(.text(item.product.name + ": ")),
                        .text(item.proposal.parts.map(\.text).joined(separator: ", then ")),
                        .text(item.proposal.expectedWaste > .zero ? "; \(item.proposal.expectedWaste) will remain to waste before a witness." : "."),
                        .unwrap(item.proposal.shortfall) { .span(.class("field-error"), .text(" ⚠ " + $0)) })
                }),
                drawForm.node(values: drawValues, errors: errors("draw"), page: context))),
            .if(model.canRecord && !draws.isEmpty, .section(.id("waste"),
                .h2(.text("Witnessed waste")),
                .p(.text("The witness watches the waste and signs here with their own email and password; they cannot be the person who drew.")),
                wasteForm.node(values: wasteValues, errors: errors("waste"), page: context))),
            .if(model.canRecord && draws.contains { $0.unitsOut > 0 && model.catalogue.product($0.productID)?.form == .device },
                .section(.id("return"), .h2(.text("Return unused devices")), returnForm.node(values: values("return"), errors: errors("return"), page: context))),
            .section(.id("session-entries"),
                .h2(.text("Register entries of this session")),
                .if(model.entries.isEmpty, .p(.text("Nothing drawn yet."))),
                .if(!model.entries.isEmpty, .table(.class("data"),
                    .thead(.tr(.th("When"), .th("Entry"), .th("Product"), .th("Out"), .th("In"), .th("Wasted"), .th("By"), .th("Witness"), .th("Detail"))),
                    .tbody(.forEach(model.entries) { entry in
                        .tr(.td(.text(Instant.text(entry.occurredAt, in: model.timeZone))), .td(.text(entry.kind.displayName)),
                            .td(.text(model.catalogue.product(entry.productID)?.name ?? "?")),
                            .td(.text(entry.amountOut > .zero ? entry.amountOut.description : "")), .td(.text(entry.amountIn > .zero ? entry.amountIn.description : "")),
                            .td(.text(entry.wasted > .zero ? entry.wasted.description : "")), .td(.text(entry.recordedByName)),
                            .td(.text(entry.witnessName ?? "")), .td(.text(entry.detail)))
                    }))))
        )
    }

    /// The reconciliation in words: reconciled, or what is unaccounted for.
    public static func reconciliationBox(_ reconciliation: SessionDrawReconciliation?) -> Node<HTML.BodyContext> {
        guard let reconciliation else { return .p(.id("reconciliation"), .text("Nothing drawn from the register for this session yet.")) }
        return .div(.id("reconciliation"), .class(reconciliation.isReconciled ? "notice success" : "notice"),
                    .p(.text("Drawn \(reconciliation.drawn) · returned \(reconciliation.returned) · given \(reconciliation.administered) · "
                             + "wasted \(reconciliation.wasted).")),
                    .p(.strong(.text(reconciliation.isReconciled ? "✓ Reconciled: every milligram drawn is given, wasted or returned."
                                     : "⚠ " + (reconciliation.problem ?? "")))))
    }
}

/// `/register/settings`: products and storage locations, each with its form, and the register's
/// settings in force with a link to their own page (`/register/policy`).
public enum RegisterSettingsPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// Names.
        public var catalogue: RegisterCatalogue
        /// The settings in force.
        public var policy: RegisterPolicy
        /// The jurisdiction's profile.
        public var profile: RegisterJurisdictionProfile
        /// Values typed, errors, and the form they belong to.
        public var values: [String: String], errors: FieldErrors, activeForm: String?

        /// Creates a model.
        public init(catalogue: RegisterCatalogue, policy: RegisterPolicy, profile: RegisterJurisdictionProfile, values: [String: String],
                    errors: FieldErrors, activeForm: String?) {
            self.catalogue = catalogue
            self.policy = policy
            self.profile = profile
            self.values = values
            self.errors = errors
            self.activeForm = activeForm
        }
    }

    /// The product form.
    public static let productForm = RegisterForm(
        id: "product-form", title: "Add a product", action: "/register/products", submit: "Add the product",
        fields: [.input("name", "Name", .text, hint: "E.g. Ketamine hydrochloride 50 mg/mL, 10 mL vial."),
                 .select("substance", "Substance", ControlledSubstance.allCases.map { RegisterChoice($0.rawValue, $0.displayName) }, hint: nil),
                 .select("form", "Packed as", ProductForm.allCases.map { RegisterChoice($0.rawValue, $0.displayName) }, hint: nil),
                 .input("perUnitMg", "One unit holds (mg)", .text, hint: "500 for a 10 mL vial of 50 mg/mL [R32]; 28 for a Spravato device [R14]."),
                 .input("concentrationMgPerMl", "Concentration (mg/mL, vials)", .text, hint: "Leave empty for a device."),
                 .input("productCode", "NDC or product number", .text, hint: "DEA Form 106 asks for the NDC [X2].")])

    /// The location form.
    public static let locationForm = RegisterForm(
        id: "location-form", title: "Add a storage location", action: "/register/locations", submit: "Add the location",
        fields: [.input("name", "Name", .text, hint: "E.g. Main safe."),
                 .select("kind", "Kind", RegisterLocation.Kind.allCases.map { RegisterChoice($0.rawValue, $0.displayName) }, hint: nil)])

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let values: (String) -> [String: String] = { form in model.activeForm == form ? model.values : [:] }
        let errors: (String) -> FieldErrors = { form in model.activeForm == form ? model.errors : FieldErrors() }
        return Layout.page(
            title: "Register settings", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/register"), .text("Controlled-substance register"))),
            .h1(.text("Products, locations and settings")),
            FormField.errorSummary(model.errors),
            .section(.id("products"), .h2(.text("Products")),
                     .ul(.forEach(model.catalogue.products) { product in
                         .li(.text("\(product.name): \(product.form.displayName), \(product.perUnit) per \(product.form.unitName)"
                                   + (product.concentrationMicrogramsPerMl.map { ", \(RegisterAmount(micrograms: $0).milligramText) mg/mL" } ?? "")
                                   + (product.productCode.map { ", code \($0)" } ?? "")))
                     }),
                     productForm.node(values: values("product"), errors: errors("product"), page: context)),
            .section(.id("locations"), .h2(.text("Storage locations")),
                     .ul(.forEach(model.catalogue.locations) { .li(.text("\($0.name) (\($0.kind.displayName.lowercased()))")) }),
                     locationForm.node(values: values("location"), errors: errors("location"), page: context)),
            .section(.id("settings"), .h2(.text("Settings")),
                     .p(.text("Opened multi-dose vials are usable for \(model.policy.openedVialBeyondUseDays) days; draws round up to "
                              + "\(model.policy.syringeStepHundredthsMl) hundredths of a mL. "),
                        .a(.href("/register/policy"), .text("Change the register settings")))),
            RegisterInventoryPage.profileSection(model.profile))
    }
}
