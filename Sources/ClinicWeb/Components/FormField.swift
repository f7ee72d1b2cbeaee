import ClinicDomain
import Foundation
import Plot

/// Labelled form inputs that show their own error beside them.
///
/// Each field is a label, an optional hint, the error (text and icon, announced to screen
/// readers) and the control, tied together with `aria-describedby`.
public enum FormField {
    /// A one-line input.
    public static func input<C: HTML.BodyContext>(_ name: String, label: String, type: HTMLInputType = .text, value: String?,
                             errors: FieldErrors, hint: String? = nil, required: Bool = false,
                             autocomplete: String? = nil) -> Node<C> {
        let error = errors[name]
        return .div(
            .class(error == nil ? "field" : "field has-error"),
            .label(.for(name), .text(label), .if(!required, .span(.class("optional"), .text(" (optional)")))),
            hintAndError(name, hint: hint, error: error),
            .input(.type(type), .id(name), .name(name), .value(value ?? ""),
                   .attribute(named: "required", value: required ? "required" : nil),
                   .attribute(named: "autocomplete", value: autocomplete),
                   .attribute(named: "aria-invalid", value: error == nil ? nil : "true"),
                   .attribute(named: "aria-describedby", value: describedBy(name, hint: hint, error: error)))
        )
    }

    /// A drop-down of fixed choices; `choices` pairs the stored value with its label.
    public static func select<C: HTML.BodyContext>(_ name: String, label: String, choices: [(value: String, label: String)],
                              selected: String?, errors: FieldErrors, hint: String? = nil) -> Node<C> {
        let error = errors[name]
        return .div(
            .class(error == nil ? "field" : "field has-error"),
            .label(.for(name), .text(label)),
            hintAndError(name, hint: hint, error: error),
            .element(named: "select", nodes: [
                .id(name), .attribute(named: "name", value: name),
                .attribute(named: "aria-invalid", value: error == nil ? nil : "true"),
                .attribute(named: "aria-describedby", value: describedBy(name, hint: hint, error: error)),
                option(value: "", label: "Choose…", isSelected: selected == nil || selected == ""),
                .group(choices.map { option(value: $0.value, label: $0.label, isSelected: $0.value == selected) }),
            ])
        )
    }

    /// A multi-line text input.
    public static func textArea<C: HTML.BodyContext>(_ name: String, label: String, value: String?, errors: FieldErrors,
                                                     hint: String? = nil, required: Bool = false) -> Node<C> {
        let error = errors[name]
        return .div(
            .class(error == nil ? "field" : "field has-error"),
            .label(.for(name), .text(label), .if(!required, .span(.class("optional"), .text(" (optional)")))),
            hintAndError(name, hint: hint, error: error),
            .element(named: "textarea", nodes: [
                .id(name), .attribute(named: "name", value: name), .attribute(named: "rows", value: "4"),
                .attribute(named: "aria-describedby", value: describedBy(name, hint: hint, error: error)),
                .text(value ?? ""),
            ])
        )
    }

    /// A tick box with its label beside it.
    public static func checkbox<C: HTML.BodyContext>(_ name: String, label: String, checked: Bool,
                                                     hint: String? = nil) -> Node<C> {
        .div(
            .class("field checkbox"),
            .input(.type(.checkbox), .id(name), .name(name), .value("on"),
                   .attribute(named: "checked", value: checked ? "checked" : nil)),
            .label(.for(name), .text(label)),
            .unwrap(hint) { .p(.class("hint"), .text($0)) }
        )
    }

    /// The box at the top of a form that lists every error and links to its field.
    public static func errorSummary(_ errors: FieldErrors) -> Node<HTML.BodyContext> {
        .if(!errors.isEmpty, .div(
            .class("error-summary"), .attribute(named: "role", value: "alert"),
            .id("error-summary"), .attribute(named: "tabindex", value: "-1"),
            .h2(.span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")), .text("Please correct the following")),
            .ul(.forEach(errors.entries) { entry in .li(.a(.href("#\(entry.field)"), .text(entry.message))) })
        ))
    }

    private static func option<C: HTML.BodyContext>(value: String, label: String, isSelected: Bool) -> Node<C> {
        .element(named: "option", nodes: [
            .attribute(named: "value", value: value, ignoreIfValueIsEmpty: false),
            .attribute(named: "selected", value: isSelected ? "selected" : nil),
            .text(label),
        ])
    }

    private static func hintAndError<C: HTML.BodyContext>(_ name: String, hint: String?, error: String?) -> Node<C> {
        .group(
            .unwrap(hint) { .p(.class("hint"), .id("\(name)-hint"), .text($0)) },
            .unwrap(error) {
                .p(.class("field-error"), .id("\(name)-error"),
                   .span(.attribute(named: "aria-hidden", value: "true"), .text("⚠ ")),
                   .span(.class("visually-hidden"), .text("Error: ")), .text($0))
            }
        )
    }

    private static func describedBy(_ name: String, hint: String?, error: String?) -> String? {
        let ids = [hint.map { _ in "\(name)-hint" }, error.map { _ in "\(name)-error" }].compactMap { $0 }
        return ids.isEmpty ? nil : ids.joined(separator: " ")
    }
}

extension Node where Context: HTML.BodyContext {
    /// The hidden anti-forgery field every state-changing form carries.
    public static func csrfField(_ page: PageContext) -> Node {
        .input(.type(.hidden), .name("_csrf"), .value(page.csrfToken))
    }

    /// A one-button form that posts to `action`: for actions such as "Revoke" or "End sessions".
    public static func actionButton(_ label: String, action: String, page: PageContext, style: String = "secondary") -> Node {
        .form(.method(.post), .action(action), .class("inline-action"),
              .csrfField(page),
              .button(.type(.submit), .class(style), .text(label)))
    }
}

/// Formats instants for tables, in the clinic's time zone.
public enum Instant {
    /// `2026-11-22 10:04` in `timeZone`.
    public static func text(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
