import ClinicDomain
import Foundation
import Plot

/// The pages a patient sees on their phone, without an account: enter the code, confirm the date
/// of birth, answer each questionnaire with large touch targets and progress shown, and then the
/// clinic's crisis resources. Nothing else of the app is reachable from them.
public enum SelfReportPages {
    /// The value a "prefer not to answer" choice posts.
    public static let skippedValue = "skipped"

    private static func page(_ title: String, clinicName: String, _ content: Node<HTML.BodyContext>...) -> String {
        Layout.page(title: title, context: PageContext(clinicName: clinicName), content: .div(.class("phone"), .group(content)))
    }

    /// "Enter the code from the clinic".
    public static func codeEntry(clinicName: String, error: String?, formToken: String) -> String {
        page("Your questionnaire", clinicName: clinicName,
             .h1(.text("Your questionnaire")),
             .p(.text("Enter the code the clinic gave you.")),
             .unwrap(error) { .p(.class("field-error"), .attribute(named: "role", value: "alert"), .text($0)) },
             .form(.method(.post), .action("/r"),
                   .input(.type(.hidden), .name("_csrf"), .value(formToken)),
                   .label(.for("code"), .text("Code (for example K7M3Q-XW92D)")),
                   .input(.type(.text), .id("code"), .name("code"), .attribute(named: "autocomplete", value: "one-time-code"),
                          .attribute(named: "autocapitalize", value: "characters"), .attribute(named: "required", value: "required")),
                   .button(.type(.submit), .text("Continue"))))
    }

    /// The date-of-birth check that binds the link to its patient.
    public static func identity(code: String, clinicName: String, error: String?, formToken: String) -> String {
        page("Confirm it is you", clinicName: clinicName,
             .h1(.text("Confirm it is you")),
             .p(.text("For your privacy, enter your date of birth.")),
             .unwrap(error) { .p(.class("field-error"), .id("dateOfBirth-error"), .attribute(named: "role", value: "alert"), .text($0)) },
             .form(.method(.post), .action("/r/\(code)"),
                   .input(.type(.hidden), .name("_csrf"), .value(formToken)),
                   .input(.type(.hidden), .name("step"), .value("identity")),
                   .label(.for("dateOfBirth"), .text("Date of birth")),
                   .input(.type(.date), .id("dateOfBirth"), .name("dateOfBirth"), .attribute(named: "required", value: "required")),
                   .button(.type(.submit), .text("Continue"))))
    }

    /// One questionnaire of the link, with earlier answers carried in hidden fields.
    public static func questionnaire(code: String, clinicName: String, instrument: Instrument, part: Int, of parts: Int,
                                     dateOfBirth: String, carried: [String: String], values: [String: String],
                                     errors: FieldErrors, formToken: String) -> String {
        let answered = instrument.items.filter { values["\(instrument.id.rawValue).item\($0.number)"] != nil }.count
        let percent = Int(saturating: (Double(part - 1) + Double(answered) / Double(max(instrument.items.count, 1))) / Double(parts) * 100)
        return page(instrument.shortName, clinicName: clinicName,
             .p(.class("progress"), .id("progress"), .text("Part \(part) of \(parts) · \(instrument.items.count) questions")),
             .div(.class("progress-bar"), .attribute(named: "aria-hidden", value: "true"),
                  .span(.attribute(named: "style", value: "width: \(percent)%"))),
             .h1(.text(instrument.shortName)),
             .unwrap(instrument.instructions) { .p(.strong(.text($0))) },
             .if(!errors.isEmpty, .p(.class("field-error"), .attribute(named: "role", value: "alert"),
                                     .text("Please answer every question, or choose “Prefer not to answer”."))),
             .form(.method(.post), .action("/r/\(code)"),
                   .input(.type(.hidden), .name("_csrf"), .value(formToken)),
                   .input(.type(.hidden), .name("step"), .value("part-\(part)")),
                   .input(.type(.hidden), .name("dateOfBirth"), .value(dateOfBirth)),
                   .group(carried.sorted { $0.key < $1.key }.map { Node<HTML.FormContext>.input(.type(.hidden), .name($0.key), .value($0.value)) }),
                   .group(instrument.items.map { item in question(item, instrument: instrument, of: instrument.items.count,
                                                                 values: values, errors: errors) }),
                   .button(.type(.submit), .text(part == parts ? "Send my answers" : "Next"))))
    }

    private static func question(_ item: InstrumentItem, instrument: Instrument, of count: Int, values: [String: String],
                                 errors: FieldErrors) -> Node<HTML.FormContext> {
        let name = "\(instrument.id.rawValue).item\(item.number)"
        let id = "\(instrument.id.rawValue)-item\(item.number)"
        return .element(named: "fieldset", nodes: [
            .class(errors[name] == nil ? "question" : "question has-error"), .id("\(id)-question"),
            .element(named: "legend", text: "\(item.number) of \(count). \(item.text ?? item.shortLabel)"),
            .unwrap(errors[name]) { .p(.class("field-error"), .text($0)) },
            .group((item.options.map { (String($0.value), $0.label) }
                    + (mustAnswer(item, of: instrument) ? [] : [(skippedValue, "Prefer not to answer")])).map { value, label in
                .div(.class("answer"),
                     .input(.type(.radio), .name(name), .id("\(id)-\(value)"), .value(value),
                            .attribute(named: "checked", value: values[name] == value ? "checked" : nil)),
                     .label(.for("\(id)-\(value)"), .text(label)))
            }),
        ])
    }

    /// Items a patient must answer: the suicidality item of the PHQ-9 (item 9 [R42-calc]), so that
    /// declining it cannot hide the alert it exists to raise.
    public static func mustAnswer(_ item: InstrumentItem, of instrument: Instrument) -> Bool {
        instrument.id == .phq9 && item.number == 9
    }

    /// After submitting: thanks, and the crisis resources, always shown.
    public static func thanks(clinicName: String, crisisResources: [String], raisedAlert: Bool) -> String {
        page("Thank you", clinicName: clinicName,
             .h1(.text("Thank you")),
             .p(.text("Your answers have been sent to the clinic.")),
             .if(raisedAlert, .p(.id("alert-notice"), .strong(.text("You told us you have had thoughts of harming yourself. "
                                                                   + "The clinic's staff have been alerted now and will contact you.")))),
             .section(.class("crisis"), .id("crisis-resources"),
                      .h2(.text("If you need help now")),
                      .group(crisisResources.map { .p(.text($0)) })))
    }

    /// A link that cannot be used, without saying why (a stranger learns nothing).
    public static func refused(clinicName: String) -> String {
        page("Link not available", clinicName: clinicName,
             .h1(.text("This link cannot be used")),
             .p(.text(SelfReportLink.Refusal.publicMessage)))
    }
}
