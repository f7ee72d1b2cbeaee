import ClinicDomain
import Foundation
import Plot

/// `/sessions/:session/rems-form`: the Spravato REMS Patient Monitoring Form of one esketamine
/// session, labelled as on the official form [R19], printable (the browser's print leaves out the
/// navigation and the submission form), with missing required fields highlighted and the form to
/// record (or correct) its submission.
public enum RemsFormPage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The form.
        public var form: RemsMonitoringForm
        /// The patient's MRN, for staff.
        public var mrn: String
        /// The submission, once recorded.
        public var submitted: RemsQueueItem.Submitted?
        /// Days from today to the due date.
        public var daysLeft: Int
        /// True when the user may record the submission.
        public var canSubmit: Bool
        /// The submission form's values as typed.
        public var values: [String: String]
        /// The submission form's errors.
        public var errors: FieldErrors
        /// The clinic's time zone.
        public var timeZone: TimeZone

        /// Creates a model.
        public init(form: RemsMonitoringForm, mrn: String, submitted: RemsQueueItem.Submitted?, daysLeft: Int, canSubmit: Bool,
                    values: [String: String], errors: FieldErrors, timeZone: TimeZone) {
            self.form = form
            self.mrn = mrn
            self.submitted = submitted
            self.daysLeft = daysLeft
            self.canSubmit = canSubmit
            self.values = values
            self.errors = errors
            self.timeZone = timeZone
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let form = model.form
        let missing = Set(form.missingFields)
        func row(_ label: String, _ value: String?, required: Bool = true, key: String? = nil) -> Node<HTML.TableContext> {
            let isMissing = missing.contains(key ?? label)
            return .tr(
                .class(isMissing ? "missing" : ""),
                .th(.attribute(named: "scope", value: "row"), .text(label + (required ? " *" : ""))),
                .td(isMissing ? .strong(.text("⚠ Missing: complete on the form")) : .text(value ?? ""))
            )
        }
        func yesNo(_ value: Bool?) -> String? { value.map { $0 ? "Yes" : "No" } }
        func section(_ title: String, _ rows: [Node<HTML.TableContext>]) -> Node<HTML.BodyContext> {
            .section(.class("rems-section"), .h2(.text(title)), .table(.class("rems-form"), .tbody(.group(rows))))
        }
        let action = "/sessions/\(form.sessionID.uuidString.lowercased())/rems-form/submission"
        return Layout.page(
            title: "REMS Patient Monitoring Form", context: context,
            content:
            .p(.class("breadcrumb no-print"), .a(.href("/rems"), .text("REMS monitoring forms"))),
            .h1(.text("SPRAVATO® REMS Patient Monitoring Form")),
            .p(.text("Outpatient healthcare setting. Submit within 7 calendar days of the treatment [R19][R21]: due \(form.dueOn.iso)"
                     + (model.submitted == nil ? " (\(model.daysLeft >= 0 ? "\(model.daysLeft) day(s) left" : "\(-model.daysLeft) day(s) overdue"))." : "."))),
            .p(.class("no-print"), .text("Patient MRN \(model.mrn). Fields marked * are required. To print, use the browser's Print command "
                                         + "or the button; navigation and this page's controls are left out.")),
            .p(.class("no-print"), .button(.type(.button), .attribute(named: "data-print", value: "data-print"),
                                           .attribute(named: "hidden", value: "hidden"), .text("Print"))),
            .if(!form.isComplete, .div(.class("notice missing-summary"), .attribute(named: "role", value: "alert"),
                                       .p(.strong(.text("⚠ \(form.missingFields.count) required field(s) to complete: "))),
                                       .p(.text(form.missingFields.joined(separator: ", "))))),
            section("Patient information", [
                row("First name", form.patientFirstName, key: "Patient first name"),
                row("MI", form.middleInitial, required: false),
                row("Last name", form.patientLastName, key: "Patient last name"),
                row("Birthdate (MM/DD/YYYY)", form.birthdate, key: "Birthdate"),
                row("Sex", form.sex?.rawValue),
                row("Is this the patient's first treatment?", yesNo(form.firstTreatment)),
                row("Is the patient enrolled in the REMS?", yesNo(form.enrolledInRems), key: "Enrolled in the REMS"),
            ]),
            section("Concomitant medications that may cause sedation or blood-pressure changes", [
                row("Benzodiazepines", yesNo(form.benzodiazepines)),
                row("Non-benzodiazepine sedative hypnotics", yesNo(form.nonBenzodiazepineSedativeHypnotics),
                    key: "Non-benzodiazepine sedative-hypnotics"),
                row("Psychostimulants", yesNo(form.psychostimulants)),
                row("Monoamine oxidase inhibitors (MAOIs)", yesNo(form.maois), key: "MAOIs"),
                row("Opioids", yesNo(form.opioids)),
            ]),
            section("Healthcare provider conducting monitoring", [
                row("First name", form.hcpFirstName, key: "Monitoring HCP first name"),
                row("Last name", form.hcpLastName, key: "Monitoring HCP last name"),
                row("Telephone", form.hcpTelephone, key: "Monitoring HCP telephone"),
                row("Email", form.hcpEmail, key: "Monitoring HCP email"),
            ]),
            section("Healthcare setting", [
                row("Name", form.settingName, key: "Healthcare setting name"),
                row("Address 1", form.address1), row("Address 2", form.address2, required: false),
                row("City", form.city), row("State", form.state), row("ZIP", form.zip),
            ]),
            section("Treatment session", [
                row("Treatment date (MM/DD/YYYY)", String(format: "%02d/%02d/%04d", form.treatmentDate.month, form.treatmentDate.day,
                                                          form.treatmentDate.year), key: "Treatment date"),
                row("Dose administered (56 mg / 84 mg / Other)", form.dose?.text, key: "Dose administered"),
                row("Lot number(s)", form.lotNumbers.joined(separator: ", "), required: false),
                row("Total treatment duration: minutes from the first device to the end of monitoring",
                    form.totalDurationMinutes.map { "\($0) min" + (form.durationBelowMinimum ? " ⚠ below the 2-hour minimum [R13][R19]" : "") },
                    key: "Total treatment duration"),
                row("REMS evaluation question: if there were no 2-hour minimum, after how many minutes from the start of "
                    + "administration would the patient have been ready to leave?",
                    form.readyWithoutMinimumMinutes.map { "\($0) min" }, key: "REMS evaluation question"),
            ]),
            section("Vital signs", [
                row("Vital signs within acceptable range before administration?", yesNo(form.vitalsAcceptableBeforeAdministration),
                    key: "Vital signs acceptable before administration"),
                row("Vital signs within acceptable range before the end of the session?", yesNo(form.vitalsAcceptableBeforeCompletion),
                    key: "Vital signs acceptable before session completion"),
                row("Blood pressure before administration (mmHg)", form.bloodPressureBeforeAdministration.map(bp(model.timeZone)),
                    key: "Blood pressure before administration"),
                row("Blood pressure about 40 minutes after administration (mmHg)", form.bloodPressureAt40Minutes.map(bp(model.timeZone)),
                    key: "Blood pressure at 40 minutes"),
                row("Blood pressure before session completion (mmHg)", form.bloodPressureBeforeCompletion.map(bp(model.timeZone)),
                    key: "Blood pressure before session completion"),
            ]),
            section("Adverse outcomes", [
                row("Did the patient experience sedation?", yesNo(form.sedation), key: "Sedation"),
                row("Did the patient experience dissociation?", yesNo(form.dissociation), key: "Dissociation"),
                row("Did the patient experience respiratory depression?", yesNo(form.respiratoryDepression), key: "Respiratory depression"),
                row("Did the patient experience a serious adverse event?", yesNo(form.seriousAdverseEvent)),
            ]),
            .section(.class("rems-section"), .h2(.text("Submission")),
                     .p(.id("rems-submission"), .text(model.submitted.map { submitted in
                         "Submitted \(submitted.submission.submittedOn.iso) (\(submitted.submission.channel.displayName))"
                             + (submitted.submission.confirmation.map { ", confirmation \($0)" } ?? "")
                             + "; recorded by \(submitted.recordedByName) at \(Instant.text(submitted.recordedAt, in: model.timeZone))."
                     } ?? "Not yet submitted."))),
            .if(model.canSubmit, submissionForm(model, action: action, context: context)),
            .element(named: "script", nodes: [.attribute(named: "src", value: WebAssets.shared.url(for: "print.js")),
                                              .attribute(named: "defer", value: "defer")])
        )
    }

    private static func bp(_ zone: TimeZone) -> (RemsMonitoringForm.BloodPressure) -> String {
        { "\($0.text) (taken \(Instant.text($0.takenAt, in: zone)))" }
    }

    private static func submissionForm(_ model: Model, action: String, context: PageContext) -> Node<HTML.BodyContext> {
        let correcting = model.submitted != nil
        return .div(
            .class("no-print"),
            .h2(.text(correcting ? "Correct the recorded submission" : "Record the submission")),
            FormField.errorSummary(model.errors),
            .form(
            .method(.post), .action(action), .class("stacked"), .id("rems-submission-form"), .attribute(named: "novalidate", value: "novalidate"),
            .csrfField(context),
            FormField.input("submittedOn", label: "Submitted on", type: .date, value: model.values["submittedOn"],
                            errors: model.errors, required: true),
            FormField.select("channel", label: "How", choices: RemsSubmission.Channel.allCases.map { ($0.rawValue, $0.displayName) },
                             selected: model.values["channel"], errors: model.errors),
            FormField.input("confirmation", label: "REMS confirmation number", value: model.values["confirmation"], errors: model.errors),
            .if(correcting, FormField.input("reason", label: "Why the earlier submission is corrected", value: model.values["reason"],
                                            errors: model.errors, required: true)),
            .button(.type(.submit), .text(correcting ? "Save the correction" : "Record the submission"))
            )
        )
    }
}
