import ClinicDomain
import Foundation
import Plot

/// Planning a course: choose a protocol and a target dose, preview the dose arithmetic, the
/// pharmacokinetic curve and the proposed dates, then sign. A signed plan is shown read-only
/// with the sessions it scheduled and the plan's versions.
public enum TreatmentPlanPage {
    /// What the planning page shows.
    public struct Model {
        /// The patient.
        public var patient: PatientSummary
        /// Protocols that can start a plan (latest versions, not retired).
        public var protocols: [TreatmentProtocol]
        /// The chosen protocol, once one is chosen.
        public var chosen: TreatmentProtocol?
        /// The fields as typed, or the defaults.
        public var values: [String: String]
        /// The check of those fields, once previewed.
        public var review: TreatmentPlanReview?
        /// Errors from a signature attempt or unreadable fields.
        public var errors: FieldErrors
        /// The record revision the preview read (posted back with the signature).
        public var recordRevision: Int64
        /// True when the viewer may sign.
        public var canSign: Bool
        /// The PK chart of the planned dose, when there is one.
        public var pkFigure: Node<HTML.BodyContext>?
        /// The patient's current plan, if any (a new one supersedes it).
        public var currentPlan: TreatmentPlan?

        /// Creates the model.
        public init(patient: PatientSummary, protocols: [TreatmentProtocol], chosen: TreatmentProtocol?, values: [String: String],
                    review: TreatmentPlanReview?, errors: FieldErrors, recordRevision: Int64, canSign: Bool,
                    pkFigure: Node<HTML.BodyContext>?, currentPlan: TreatmentPlan?) {
            self.patient = patient
            self.protocols = protocols
            self.chosen = chosen
            self.values = values
            self.review = review
            self.errors = errors
            self.recordRevision = recordRevision
            self.canSign = canSign
            self.pkFigure = pkFigure
            self.currentPlan = currentPlan
        }
    }

    /// The planning page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let base = "/patients/\(model.patient.id.uuidString.lowercased())"
        let values = model.values
        let formErrors = model.errors
        return Layout.page(
            title: formErrors.isEmpty ? "Plan a course" : "Error: plan a course", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href(base), .text("\(model.patient.listName) · \(model.patient.mrn.text)"))),
            .h1(.text("Plan a course")),
            .unwrap(model.currentPlan) { plan in
                .p(.class("notice"), .text("Current plan: version \(plan.version), \(plan.treatmentProtocol.name), \(plan.targetSummary). "
                                           + "Signing a new plan supersedes it and cancels its sessions not yet started. "),
                   .a(.href("\(base)/plans/\(plan.version)"), .text("See the current plan")))
            },
            FormField.errorSummary(formErrors),
            .form(.class("stacked"), .method(.get), .action("\(base)/plans/new"), .id("plan-form"),
                  .attribute(named: "novalidate", value: "novalidate"),
                  FormField.select("protocol", label: "Protocol", choices: model.protocols.map { ($0.id, "\($0.name) (v\($0.version))") },
                                   selected: values["protocol"], errors: formErrors),
                  .unwrap(model.chosen) { chosen in planFields(chosen, values: values, errors: formErrors) },
                  .div(.class("actions"), .button(.type(.submit), .id("preview-plan"),
                                                  .text(model.chosen == nil ? "Continue" : "Preview the plan")))),
            .unwrap(model.review) { review in preview(review, model: model, base: base, context: context) }
        )
    }

    private static func planFields(_ chosen: TreatmentProtocol, values: [String: String], errors: FieldErrors) -> Node<HTML.FormContext> {
        .group(
            .p(.class("protocol-meta"), .text(chosen.summary + " Sources: " + chosen.sources.map { "[\($0)]" }.joined())),
            .div(.class("form-grid"),
                 FormField.input("start", label: "First session", type: .date, value: values["start"], errors: errors,
                                 hint: "Moved to the next working day if needed.", required: true),
                 FormField.input("sessions", label: "Sessions to schedule", value: values["sessions"], errors: errors, required: true),
                 .if(chosen.weightBased != nil,
                     FormField.input("mgPerKg", label: "Target dose (mg/kg)", value: values["mgPerKg"], errors: errors, required: true)),
                 .if(chosen.treatment == .ivKetamine,
                     FormField.input("minutes", label: "Infusion duration (min)", value: values["minutes"], errors: errors, required: true)),
                 .if(chosen.esketamine != nil,
                     FormField.select("devices", label: "Dose from session 2",
                                      choices: (1...3).map { (String($0), "\($0 * 28) mg (\($0) device\($0 == 1 ? "" : "s"))") },
                                      selected: values["devices"], errors: errors, hint: "Session 1 uses the label's starting dose.")),
                 .group(chosen.schedule.phases.enumerated().map { index, phase in
                     FormField.select("frequency\(index)", label: phase.name, choices: phase.allowedFrequencies.map { ($0.code, $0.description) },
                                      selected: values["frequency\(index)"], errors: errors,
                                      hint: phase.sources.map { "[\($0)]" }.joined())
                 })))
    }

    private static func preview(_ review: TreatmentPlanReview, model: Model, base: String, context: PageContext) -> Node<HTML.BodyContext> {
        .section(.id("plan-preview"),
                 .h2(.text("Preview")),
                 .if(!review.errors.entries.allSatisfy { signatureFields.contains($0.field) },
                     .div(.class("error-summary"), .id("plan-blockers"),
                          .h3(.text("Before this plan can be signed")),
                          .ul(.forEach(review.errors.entries.filter { !signatureFields.contains($0.field) }) { entry in .li(.text(entry.message)) }),
                          .if(review.errors["screening"] != nil, .p(.a(.href("\(base)/screening"), .text("Open the screening")))))),
                 .unwrap(review.proposal) { proposal in
                     .group(
                        DoseOrderView.warnings(proposal.warnings),
                        .unwrap(review.titration) { titration in
                            .p(.class(titration.isChange ? "notice" : "hint"), .id("titration"),
                               .text("Change from the current plan's dose per session: \(titration.summary)."))
                        },
                        .unwrap(proposal.weightBasedDose) { dose in DoseOrderView.arithmetic(dose.order) },
                        .unwrap(model.pkFigure) { $0 },
                        sessionsTable(proposal.sessions, caption: "Proposed sessions"),
                        .p(.text("Course total \(proposal.courseTotal?.description ?? "—"); largest 7-day total "
                                 + "\(proposal.largestSevenDayTotal?.description ?? "—").")))
                 },
                 .if(isSignable(review) && model.canSign, signForm(review, model: model, base: base, context: context)),
                 .if(!model.canSign, .p(.class("hint"), .text("Only a prescriber can sign a treatment plan."))))
    }

    /// Fields the signature form itself asks for, so they are not blockers of the preview.
    private static let signatureFields: Set<String> = ["limitReason", "titrationReason"]

    /// True when only the soft-limit reason (asked for on the signature form) stands in the way.
    private static func isSignable(_ review: TreatmentPlanReview) -> Bool {
        guard let proposal = review.proposal, !proposal.warnings.hasHardLimit else { return false }
        return review.errors.entries.allSatisfy { $0.field == "limitReason" || $0.field == "titrationReason" }
    }

    private static func signForm(_ review: TreatmentPlanReview, model: Model, base: String, context: PageContext) -> Node<HTML.BodyContext> {
        let needsReason = review.proposal?.warnings.hasSoftLimit == true
        let needsTitrationReason = review.titration?.isChange == true
        let carried = ["protocol", "start", "sessions", "mgPerKg", "minutes", "devices"]
            + (model.chosen?.schedule.phases.indices.map { "frequency\($0)" } ?? [])
        return .form(.class("signature-box"), .method(.post), .action("\(base)/plans"), .id("sign-plan"),
                     .attribute(named: "novalidate", value: "novalidate"),
                     .csrfField(context),
                     .input(.type(.hidden), .name("recordRevision"), .value(String(model.recordRevision))),
                     .group(carried.compactMap { name in
                         model.values[name].map { Node<HTML.FormContext>.input(.type(.hidden), .name(name), .value($0)) }
                     }),
                     .if(needsReason, FormField.input("limitReason", label: "Reason for going past the soft limit",
                                                      value: model.values["limitReason"], errors: model.errors,
                                                      hint: "Required; recorded in the audit trail.", required: true)),
                     .if(needsTitrationReason, FormField.input("titrationReason", label: "Reason for changing the dose",
                                                               value: model.values["titrationReason"], errors: model.errors,
                                                               hint: review.titration.map { "\($0.summary). Recorded on the plan and in the audit trail." },
                                                               required: true)),
                     FormField.textArea("note", label: "Note on the plan", value: model.values["note"], errors: model.errors),
                     .p(.text("By signing you order this protocol, dose and course for this patient.")),
                     .div(.class("actions"), .button(.type(.submit), .id("sign-plan-button"), .text("Sign plan"))))
    }

    /// The sessions as a table: date, phase, dose, change, running totals.
    public static func sessionsTable(_ sessions: [CourseProposal.Session], caption: String,
                                     states: [Int: TreatmentSessionState] = [:]) -> Node<HTML.BodyContext> {
        .div(.class("table-scroll"), ScrollRegion.focusable("Planned sessions"),
             .table(.class("data plan-sessions"), .id("plan-sessions"),
                    .caption(.text(caption)),
                    .thead(.tr(.th(.text("#")), .th(.text("Date")), .th(.text("Phase")), .th(.text("Dose")), .th(.text("Change")),
                               .th(.text("Course total")), .th(.text("7-day total")), .if(!states.isEmpty, .th(.text("State"))))),
                    .tbody(.forEach(sessions) { session in
                        .tr(.td(.text(String(session.number))),
                            .td(.text("\(session.date.weekday.code.capitalized) \(session.date.iso)")),
                            .td(.text(session.phaseName)),
                            .td(.text(doseText(session))),
                            .td(.text(session.change)),
                            .td(.text(session.courseTotalMg?.description ?? "—")),
                            .td(.text(session.rollingSevenDayMg?.description ?? "—")),
                            .if(!states.isEmpty, .td(.text(states[session.number]?.displayName ?? "—"))))
                    })))
    }

    /// "35 mg (0.5 mg/kg)" or "56 mg (2 devices)".
    public static func doseText(_ session: CourseProposal.Session) -> String {
        let mg = session.doseMg?.description
        if let devices = session.devices { return "\(mg ?? "") (\(devices) device\(devices == 1 ? "" : "s"))" }
        if let mgPerKg = session.mgPerKg { return mg.map { "\($0) (\(MilligramsPerKilogram(mgPerKg)))" } ?? MilligramsPerKilogram(mgPerKg).description }
        return mg ?? "—"
    }

    /// A signed plan: what was signed, by whom, the dose, the sessions and their states, and the versions.
    public static func render(plan: TreatmentPlan, patient: PatientSummary, versions: [TreatmentPlan], states: [Int: TreatmentSessionState],
                              canPlan: Bool, timeZone: TimeZone, context: PageContext) -> String {
        let base = "/patients/\(patient.id.uuidString.lowercased())"
        let current = versions.first?.version == plan.version
        return Layout.page(
            title: "Treatment plan version \(plan.version)", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href(base), .text("\(patient.listName) · \(patient.mrn.text)"))),
            .h1(.text("Treatment plan version \(plan.version)")),
            .p(.class(current ? "notice" : "flash flash-warning"),
               .text(current ? "Current plan. " : "Superseded by a later version. "),
               .text("Signed by \(plan.signedByName) on \(Instant.text(plan.signedAt, in: timeZone)); signed plans cannot be changed.")),
            .div(.class("table-scroll"), ScrollRegion.focusable("Treatment plan"),
                 .table(.class("data"), .id("plan-summary"),
                        .tbody(
                            .tr(.th(.text("Protocol")), .td(.a(.href("/dosing/protocols/\(plan.treatmentProtocol.id)"),
                                                               .text("\(plan.treatmentProtocol.name) (version \(plan.treatmentProtocol.version))")))),
                            .tr(.th(.text("Target dose")), .td(.text(plan.targetSummary))),
                            .tr(.th(.text("Course")), .td(.text(zip(plan.treatmentProtocol.schedule.phases, plan.frequencies)
                                .map { "\($0.name): \($1)" }.joined(separator: "; ")))),
                            .tr(.th(.text("Screening")), .td(.text("Version \(plan.screeningVersion): \(plan.screeningDecision.displayName.lowercased())"))),
                            .unwrap(plan.limitReason) { .tr(.th(.text("Soft-limit reason")), .td(.text($0))) },
                            .unwrap(plan.titration) { titration in
                                .tr(.th(.text("Dose change")), .td(.text(titration.summary + (titration.reason.map { ": \($0)" } ?? ""))))
                            },
                            .unwrap(plan.note) { .tr(.th(.text("Note")), .td(.text($0))) }))),
            DoseOrderView.warnings(plan.warnings),
            .unwrap(plan.dose) { DoseOrderView.arithmetic($0) },
            sessionsTable(plan.sessions, caption: "Sessions", states: states),
            .if(canPlan, .p(.a(.class("button secondary"), .href("\(base)/plans/new?protocol=\(plan.treatmentProtocol.id)"),
                               .text("Plan a new course (supersedes this one)")))),
            .h2(.text("Versions")),
            .ul(.forEach(versions) { version in
                .li(.a(.href("\(base)/plans/\(version.version)"),
                       .text("Version \(version.version): \(version.treatmentProtocol.name), \(version.targetSummary), signed by "
                             + "\(version.signedByName) \(Instant.text(version.signedAt, in: timeZone))")))
            })
        )
    }
}
