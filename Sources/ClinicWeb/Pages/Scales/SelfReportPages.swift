import ClinicDomain
import Foundation
import Plot

/// The pages a patient sees on their phone, without an account: enter the code, confirm the date
/// of birth, answer each questionnaire with large touch targets and progress shown, and then the
/// clinic's crisis resources. Nothing else of the app is reachable from them.
public enum SelfReportPages {
    /// The value a "prefer not to answer" choice posts.
    public static let skippedValue = "skipped"

    /// The crisis panel's numbers: the clinic's own and the jurisdiction's crisis lines, each a
    /// tap-to-call `tel:` link.
    public struct CrisisPanel: Sendable {
        /// The clinic's name, to say whose number it is.
        public var clinicName: String
        /// The clinic's number for patients (Safety policy), if entered.
        public var clinicPhone: String?
        /// The jurisdiction's emergency number and crisis line(s).
        public var lines: [CrisisLine]

        /// Creates a panel.
        public init(clinicName: String, clinicPhone: String?, lines: [CrisisLine]) {
            self.clinicName = clinicName
            self.clinicPhone = clinicPhone
            self.lines = lines
        }
    }

    private static func page(_ title: String, clinicName: String, _ content: Node<HTML.BodyContext>...) -> String {
        var context = PageContext(clinicName: clinicName)
        context.patientFacing = true
        return Layout.page(title: title, context: context, content: .div(.class("phone"), .group(content)))
    }

    /// The tap-to-call numbers, largest first: emergency, crisis line, the clinic.
    static func crisisPanel(_ panel: CrisisPanel, heading: String, id: String) -> Node<HTML.BodyContext> {
        .section(.class("crisis-panel"), .id(id), .attribute(named: "aria-labelledby", value: "\(id)-heading"),
                 .h2(.id("\(id)-heading"), .text(heading)),
                 .ul(.class("call-list"),
                     .forEach(panel.lines) { line in
                         .li(.a(.class("call-link"), .href(line.telURI),
                                .span(.class("call-name"), .text(line.name)),
                                .span(.class("call-number"), .text("Call \(line.number)")),
                                .span(.class("call-purpose"), .text(line.purpose))))
                     },
                     .unwrap(panel.clinicPhone) { phone in
                         .li(.a(.class("call-link clinic"), .href("tel:" + phone.filter { $0.isNumber || $0 == "+" }),
                                .span(.class("call-name"), .text(panel.clinicName)),
                                .span(.class("call-number"), .text("Call \(phone)")),
                                .span(.class("call-purpose"), .text("your clinic, about your answers or your treatment"))))
                     }))
    }

    /// "Enter the code from the clinic".
    public static func codeEntry(clinicName: String, error: String?, formToken: String, value: String? = nil) -> String {
        page(error == nil ? "Your questionnaire" : "Error: your questionnaire", clinicName: clinicName,
             .h1(.text("Your questionnaire")),
             .p(.text("Enter the code the clinic gave you.")),
             .form(.method(.post), .action("/r"), .class("phone-form"),
                   .input(.type(.hidden), .name("_csrf"), .value(formToken)),
                   .label(.for("code"), .text("Code (10 letters and digits, for example K7M3Q-XW92D)")),
                   .unwrap(error) { .p(.class("field-error"), .id("code-error"), .text($0)) },
                   .input(.type(.text), .id("code"), .name("code"), .class("phone-field code-field"), .value(value ?? ""),
                          .attribute(named: "autocomplete", value: "one-time-code"),
                          .attribute(named: "autocapitalize", value: "characters"), .attribute(named: "spellcheck", value: "false"),
                          .attribute(named: "maxlength", value: "16"), .attribute(named: "required", value: "required"),
                          .attribute(named: "aria-invalid", value: error == nil ? nil : "true"),
                          .attribute(named: "aria-describedby", value: error == nil ? nil : "code-error"),
                          .attribute(named: "autofocus", value: error == nil ? nil : "autofocus")),
                   .button(.type(.submit), .class("phone-button"), .text("Continue"))))
    }

    /// The date-of-birth check that binds the link to its patient: day, month and year as three
    /// large numeric fields (a phone's keypad, no date picker to fight with).
    public static func identity(code: String, clinicName: String, error: String?, formToken: String,
                                values: [String: String] = [:]) -> String {
        let described = error == nil ? nil : "birth-error"
        func part(_ id: String, _ name: String, _ label: String, _ hint: String, _ autocomplete: String, _ length: Int) -> Node<HTML.FormContext> {
            .div(.class("date-part \(id)"),
                 .label(.for(id), .text(label)),
                 .input(.type(.text), .id(id), .name(name), .class("phone-field"), .value(values[name] ?? ""),
                        .attribute(named: "inputmode", value: "numeric"), .attribute(named: "pattern", value: "[0-9]*"),
                        .attribute(named: "maxlength", value: String(length)), .attribute(named: "autocomplete", value: autocomplete),
                        .attribute(named: "placeholder", value: hint), .attribute(named: "required", value: "required"),
                        .attribute(named: "aria-invalid", value: error == nil ? nil : "true"),
                        .attribute(named: "aria-describedby", value: described),
                        .attribute(named: "autofocus", value: error == nil || id != "birth-day" ? nil : "autofocus")))
        }
        return page(error == nil ? "Confirm it is you" : "Error: confirm it is you", clinicName: clinicName,
             .h1(.text("Confirm it is you")),
             .p(.text("For your privacy, enter your date of birth.")),
             .form(.method(.post), .action("/r/\(code)"), .class("phone-form"),
                   .input(.type(.hidden), .name("_csrf"), .value(formToken)),
                   .input(.type(.hidden), .name("step"), .value("identity")),
                   .element(named: "fieldset", nodes: [
                       .class("date-of-birth"),
                       .element(named: "legend", text: "Date of birth"),
                       .unwrap(error) { .p(.class("field-error"), .id("birth-error"), .text($0)) },
                       .div(.class("date-parts"),
                            part("birth-day", "birthDay", "Day", "DD", "bday-day", 2),
                            part("birth-month", "birthMonth", "Month", "MM", "bday-month", 2),
                            part("birth-year", "birthYear", "Year", "YYYY", "bday-year", 4)),
                   ]),
                   .button(.type(.submit), .class("phone-button"), .text("Continue"))))
    }

    /// One questionnaire of the link, with earlier answers carried in hidden fields. After a send
    /// with questions left, each unanswered question is marked (aria-invalid, its message linked
    /// by aria-describedby), listed at the top with a link, and the first one takes the focus.
    public static func questionnaire(code: String, clinicName: String, instrument: Instrument, part: Int, of parts: Int,
                                     dateOfBirth: String, carried: [String: String], values: [String: String],
                                     errors: FieldErrors, formToken: String, questionsBefore: Int = 0, questionsTotal: Int? = nil,
                                     crisis: CrisisPanel? = nil) -> String {
        let answered = instrument.items.filter { values["\(instrument.id.rawValue).item\($0.number)"] != nil }.count
        let total = max(questionsTotal ?? instrument.items.count, 1)
        let done = min(questionsBefore + answered, total)
        let firstInvalid = instrument.items.first { errors["\(instrument.id.rawValue).item\($0.number)"] != nil }?.number
        let invalid = instrument.items.filter { errors["\(instrument.id.rawValue).item\($0.number)"] != nil }
        return page(errors.isEmpty ? instrument.shortName : "Error: \(instrument.shortName)", clinicName: clinicName,
             .p(.class("progress"), .id("progress"),
                .text("Part \(part) of \(parts) · \(instrument.items.count) questions · \(done) of \(total) answered")),
             .element(named: "progress", nodes: [.class("answer-progress"), .id("answer-progress"),
                                                 .attribute(named: "max", value: String(total)),
                                                 .attribute(named: "value", value: String(done)),
                                                 .attribute(named: "aria-label", value: "Questions answered"),
                                                 .text("\(done) of \(total)")]),
             .h1(.text(instrument.shortName)),
             .unwrap(instrument.instructions) { .p(.strong(.text($0))) },
             .if(!invalid.isEmpty, .div(.class("error-summary"), .id("answers-missing"), .attribute(named: "role", value: "alert"),
                 .p(.text(invalid.count == 1 ? "One question still needs an answer:" : "\(invalid.count) questions still need an answer:")),
                 .ul(.forEach(invalid) { item in
                     .li(.a(.href("#\(instrument.id.rawValue)-item\(item.number)-question"), .text("Question \(item.number)")))
                 }),
                 .p(.text("Choose an answer, or “Prefer not to answer” where it is offered.")))),
             .form(.method(.post), .action("/r/\(code)"), .class("phone-form"),
                   .input(.type(.hidden), .name("_csrf"), .value(formToken)),
                   .input(.type(.hidden), .name("step"), .value("part-\(part)")),
                   .input(.type(.hidden), .name("dateOfBirth"), .value(dateOfBirth)),
                   .group(carried.sorted { $0.key < $1.key }.map { Node<HTML.FormContext>.input(.type(.hidden), .name($0.key), .value($0.value)) }),
                   .group(instrument.items.map { item in question(item, instrument: instrument, of: instrument.items.count,
                                                                 values: values, errors: errors, focus: item.number == firstInvalid) }),
                   .button(.type(.submit), .class("phone-button"), .text(part == parts ? "Send my answers" : "Next"))),
             .unwrap(crisis) { crisisPanel($0, heading: "If you need help now", id: "crisis-help") })
    }

    private static func question(_ item: InstrumentItem, instrument: Instrument, of count: Int, values: [String: String],
                                 errors: FieldErrors, focus: Bool) -> Node<HTML.FormContext> {
        let name = "\(instrument.id.rawValue).item\(item.number)"
        let id = "\(instrument.id.rawValue)-item\(item.number)"
        let error = errors[name]
        let options = item.options.map { (String($0.value), $0.label) }
            + (mustAnswer(item, of: instrument) ? [] : [(skippedValue, "Prefer not to answer")])
        return .element(named: "fieldset", nodes: [
            .class(error == nil ? "question" : "question has-error"), .id("\(id)-question"),
            .attribute(named: "aria-describedby", value: error == nil ? nil : "\(id)-error"),
            .element(named: "legend", text: "\(item.number) of \(count). \(item.text ?? item.shortLabel)"),
            .unwrap(error) { .p(.class("field-error"), .id("\(id)-error"), .text("Question \(item.number): \($0)")) },
            .group(options.enumerated().map { index, option in
                let (value, label) = option
                return .div(.class("answer"),
                     .input(.type(.radio), .name(name), .id("\(id)-\(value)"), .value(value),
                            .attribute(named: "checked", value: values[name] == value ? "checked" : nil),
                            .attribute(named: "aria-invalid", value: error == nil ? nil : "true"),
                            .attribute(named: "autofocus", value: focus && index == 0 ? "autofocus" : nil)),
                     .label(.for("\(id)-\(value)"), .text(label)))
            }),
        ])
    }

    /// Items a patient must answer: the suicidality item of the PHQ-9 (item 9 [R42-calc]), so that
    /// declining it cannot hide the alert it exists to raise.
    public static func mustAnswer(_ item: InstrumentItem, of instrument: Instrument) -> Bool {
        instrument.id == .phq9 && item.number == 9
    }

    /// After submitting: thanks, and the crisis resources with tap-to-call numbers, always shown.
    public static func thanks(clinicName: String, crisisResources: [String], raisedAlert: Bool, crisis: CrisisPanel? = nil) -> String {
        page("Thank you", clinicName: clinicName,
             .h1(.text("Thank you")),
             .p(.text("Your answers have been sent to the clinic.")),
             .if(raisedAlert, .p(.id("alert-notice"), .strong(.text("You told us you have had thoughts of harming yourself. "
                                                                   + "The clinic's staff have been alerted now and will contact you.")))),
             .section(.class("crisis"), .id("crisis-resources"),
                      .h2(.text("If you need help now")),
                      .group(crisisResources.map { .p(.text($0)) }),
                      .unwrap(crisis) { crisisPanel($0, heading: "Tap to call", id: "crisis-call") }))
    }

    /// A link that cannot be used, without saying why (a stranger learns nothing).
    public static func refused(clinicName: String) -> String {
        page("Link not available", clinicName: clinicName,
             .h1(.text("This link cannot be used")),
             .p(.text(SelfReportLink.Refusal.publicMessage)))
    }
}
