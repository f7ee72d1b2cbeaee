import ClinicDomain
import Foundation
import Plot

/// The screening page: the engine's decision per treatment with every triggered rule and its
/// reasoning, the jurisdiction's statements, treatment resistance, and the prescriber's form to
/// override contraindications (with a reason), acknowledge cautions and sign. A signed version
/// is shown read-only.
public struct ScreeningPage: Sendable {
    /// What the page shows.
    public struct Model: Sendable {
        /// The patient.
        public var patient: PatientSummary
        /// The evaluation shown (live, or the signed snapshot).
        public var result: ScreeningResult
        /// Treatment resistance for the same record.
        public var resistance: TreatmentResistanceAssessment
        /// The signed version shown, when viewing one; nil for the live evaluation.
        public var signed: SignedScreening?
        /// True when the signed version no longer matches the record.
        public var signedIsStale: Bool
        /// Earlier signatures, newest first.
        public var versions: [SignedScreening]
        /// The record revision the live evaluation read (posted back to detect changes).
        public var recordRevision: Int64
        /// True when the viewer may sign.
        public var canSign: Bool
        /// The form values of a rejected attempt.
        public var values: [String: String]
        /// What was wrong with it.
        public var errors: FieldErrors
        /// The clinic's time zone.
        public var timeZone: TimeZone

        /// Creates the model.
        public init(patient: PatientSummary, result: ScreeningResult, resistance: TreatmentResistanceAssessment,
                    signed: SignedScreening? = nil, signedIsStale: Bool = false, versions: [SignedScreening],
                    recordRevision: Int64, canSign: Bool, values: [String: String] = [:],
                    errors: FieldErrors = FieldErrors(), timeZone: TimeZone) {
            self.patient = patient
            self.result = result
            self.resistance = resistance
            self.signed = signed
            self.signedIsStale = signedIsStale
            self.versions = versions
            self.recordRevision = recordRevision
            self.canSign = canSign
            self.values = values
            self.errors = errors
            self.timeZone = timeZone
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let base = "/patients/\(model.patient.id.uuidString.lowercased())"
        let title = model.signed.map { "Screening version \($0.version)" } ?? "Screening"
        let editable = model.signed == nil && model.canSign
        let decisions = model.signed.map { signed in Dictionary(uniqueKeysWithValues: signed.decisions.map { ($0.treatment, $0.decision) }) }
        return Layout.page(
            title: (model.errors.isEmpty ? "" : "Error: ") + "\(title) · \(model.patient.listName)", context: context,
            content:
            .p(.class("breadcrumb"), .a(.href(base), .text("\(model.patient.listName) · \(model.patient.mrn.text)"))),
            .h1(.text(title)),
            .unwrap(model.signed) { signed in
                .div(.class(model.signedIsStale ? "flash flash-warning" : "flash flash-info"), .id("signed-status"),
                     .text("Signed by \(signed.signedBy) on \(Instant.text(signed.signedAt, in: model.timeZone)). "
                           + (model.signedIsStale ? "Stale: the record has changed since; screen again." : "Matches the current record.")))
            },
            .p(.class("hint"), .text("Jurisdiction \(model.result.jurisdiction.displayName) · evaluated on \(model.result.evaluatedOn) · "
                                     + "rules and sources in docs/screening.md.")),
            FormField.errorSummary(model.errors),
            resistanceSection(model.resistance),
            .form(
                .class("screening-form"), .action("\(base)/screenings"), .method(.post),
                .attribute(named: "novalidate", value: "novalidate"),
                .if(editable, .group(.csrfField(context),
                                     .input(.type(.hidden), .name("recordRevision"), .value(String(model.recordRevision))))),
                .forEach(model.result.treatments) { screening in
                    treatmentSection(screening, decision: decisions?[screening.treatment], model: model, editable: editable)
                },
                .if(editable, .div(.class("actions"),
                                   .button(.type(.submit), .id("sign-screening"), .text("Sign screening")),
                                   .a(.href(base), .text("Cancel"))))
            ),
            .if(!model.versions.isEmpty, .group(
                .h2(.text("Signed versions")),
                .ul(.id("screening-versions"), .forEach(model.versions) { version in
                    .li(.a(.href("\(base)/screenings/\(version.version)"),
                           .text("Version \(version.version) — \(version.signedBy), \(Instant.text(version.signedAt, in: model.timeZone))")),
                        .text(" · " + version.decisions.map { "\($0.treatment.displayName): \($0.decision.displayName)" }.joined(separator: "; ")))
                })))
        )
    }

    private static func treatmentSection(_ screening: TreatmentScreening, decision: ScreeningDecision?, model: Model,
                                         editable: Bool) -> Node<HTML.FormContext> {
        let shown = decision ?? screening.decision
        let slug = screening.treatment.rawValue
        let findings: [ScreeningFinding] = screening.findings
        return .section(
            .class("treatment-screening"), .id("treatment-\(slug)"),
            .h2(.text(screening.treatment.displayName), .text(" "),
                .span(.class("decision decision-\(shown.rawValue)"), .id("decision-\(slug)"), .text(shown.displayName))),
            findings.isEmpty
                ? .p(.text("No rule fired."))
                : .ul(.class("findings"), .forEach(findings) { finding in
                    findingItem(finding, treatment: screening.treatment, model: model, editable: editable)
                }),
            .if(!screening.statements.isEmpty, .group(
                .h3(.text("In \(model.result.jurisdiction.displayName)")),
                .ul(.class("jurisdiction"), .forEach(screening.statements) { statement in
                    .li(.strong(.text("\(statement.kind.displayName): ")), .text(statement.text),
                        .span(.class("sources"), .text(" " + cite(statement.sources))))
                })))
        )
    }

    private static func findingItem(_ finding: ScreeningFinding, treatment: Treatment, model: Model, editable: Bool)
        -> Node<HTML.ListContext> {
        let overrideField = ScreeningReview.Override(treatment: treatment, ruleID: finding.ruleID, reason: "").field
        let ackField = ScreeningReview.Acknowledgement(treatment: treatment, ruleID: finding.ruleID).field
        let signedOverride = model.signed?.review.overrides.first { $0.treatment == treatment && $0.ruleID == finding.ruleID }
        let signedAck = model.signed?.review.acknowledgements.contains { $0.treatment == treatment && $0.ruleID == finding.ruleID } ?? false
        return .li(
            .class("finding finding-\(finding.category.rawValue)"), .id("finding-\(treatment.rawValue)-\(finding.ruleID)"),
            .p(.span(.class("category"), .text(finding.category.displayName)), .text(" "),
               .strong(.text(finding.title)), .span(.class("mono rule-id"), .text(" \(finding.ruleID)"))),
            .p(.class("detail"), .text(finding.detail)),
            .p(.class("hint"), .text(finding.explanation + " Sources: " + cite(finding.sources))),
            .unwrap(signedOverride) { .p(.class("override"), .text("Overridden: \($0.reason)")) },
            .if(signedAck, .p(.class("override"), .text("Acknowledged."))),
            .if(editable && finding.category == .contraindication,
                FormField.input(overrideField, label: "Override with a reason (leave empty to keep the patient not eligible)",
                                value: model.values[overrideField], errors: model.errors,
                                hint: "At least \(ScreeningReview.minimumReasonLength) characters; recorded with your name.")),
            .if(editable && finding.category == .caution, .group(
                .unwrap(model.errors[ackField]) { .p(.class("field-error"), .id("\(ackField)-error"), .text("⚠ \($0)")) },
                FormField.checkbox(ackField, label: "I have read this caution", checked: model.values[ackField] == "on")))
        )
    }

    /// Source keys as the reference cites them: `[R13][R34]`.
    private static func cite(_ sources: [String]) -> String {
        sources.map { $0.hasPrefix("[") ? $0 : "[\($0)]" }.joined()
    }

    private static func resistanceSection(_ resistance: TreatmentResistanceAssessment) -> Node<HTML.BodyContext> {
        let explanations: [(String, RuleExplanation)] = [
            ("Treatment-resistant depression", resistance.trdExplanation),
            ("Maudsley Staging Method", resistance.maudsley.explanation),
            ("MGH-S", resistance.mghs.explanation),
            ("Thase–Rush", resistance.thaseRush.explanation),
        ]
        return .section(
            .class("resistance"), .id("resistance"),
            .h2(.text("Treatment resistance")),
            .p(.id("resistance-headline"), .strong(.text(resistance.headline))),
            .forEach(explanations) { name, explanation in
                .details(.summary(.text("\(name): \(explanation.conclusion)")),
                         .p(.text("Rule: \(explanation.rule)")),
                         .if(!explanation.counted.isEmpty, .ul(.forEach(explanation.counted) { .li(.text("Counted: \($0)")) })),
                         .if(!explanation.notCounted.isEmpty, .ul(.forEach(explanation.notCounted) { .li(.text("Not counted: \($0)")) })),
                         .if(!explanation.notes.isEmpty, .ul(.forEach(explanation.notes) { .li(.text($0)) })),
                         .p(.class("sources"), .text("Sources: " + cite(explanation.sources))))
            }
        )
    }
}
