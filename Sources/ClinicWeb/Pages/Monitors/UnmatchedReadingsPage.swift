import ClinicDomain
import Foundation
import Plot

/// `/monitors/unmatched`: readings monitors sent when no patient was seated in their chair (or
/// from a monitor not registered to a chair). A nurse assigns each to the session it belongs to,
/// where it joins the flowsheet like any reading, or discards it with a reason; nothing is deleted.
public enum UnmatchedReadingsPage {
    /// One waiting reading.
    public struct Item: Sendable {
        public var id: UUID, observedAt: Date, receivedAt: Date, deviceID: String, chair: String?, bed: String?
        public var values: VitalReading, reason: String?, uncharted: [String]
        /// Creates an item.
        public init(id: UUID, observedAt: Date, receivedAt: Date, deviceID: String, chair: String?, bed: String?, values: VitalReading,
                    reason: String?, uncharted: [String]) {
            self.id = id
            self.observedAt = observedAt
            self.receivedAt = receivedAt
            self.deviceID = deviceID
            self.chair = chair
            self.bed = bed
            self.values = values
            self.reason = reason
            self.uncharted = uncharted
        }
    }

    /// A session a reading may be assigned to.
    public struct SessionChoice: Sendable {
        public var id: UUID, label: String
        /// Creates a choice.
        public init(id: UUID, label: String) {
            self.id = id
            self.label = label
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        public var items: [Item]
        public var sessions: [SessionChoice]
        /// The reading whose form was refused, with its values and errors.
        public var failed: (id: UUID, values: [String: String], errors: FieldErrors)?
        public var timeZone: TimeZone
        /// Creates a model.
        public init(items: [Item], sessions: [SessionChoice], failed: (id: UUID, values: [String: String], errors: FieldErrors)?,
                    timeZone: TimeZone) {
            self.items = items
            self.sessions = sessions
            self.failed = failed
            self.timeZone = timeZone
        }
    }

    /// The values as the flowsheet writes them.
    public static func summary(_ values: VitalReading) -> String {
        var parts: [String] = []
        if let systolic = values.systolic, let diastolic = values.diastolic { parts.append("BP \(systolic)/\(diastolic) mmHg") }
        if let heartRate = values.heartRate { parts.append("HR \(heartRate)/min") }
        if let saturation = values.oxygenSaturation { parts.append("SpO2 \(saturation)%") }
        if let rate = values.respiratoryRate { parts.append("RR \(rate)/min") }
        if let temperature = values.temperatureCelsius { parts.append(String(format: "T %.1f °C", temperature)) }
        return parts.isEmpty ? "No charted values" : parts.joined(separator: ", ")
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "Unmatched monitor readings", context: context,
            content:
            .h1(.text("Unmatched monitor readings")),
            .p(.text("Readings a monitor sent when no patient was seated in its chair, or from a monitor not registered to a chair. "
                     + "Assign each to its session (it then joins the flowsheet, raising any alert as it would have) or discard it with a reason.")),
            .if(model.items.isEmpty, .p(.text("No readings are waiting."))),
            .forEach(model.items) { item in
                let failed = model.failed.flatMap { $0.id == item.id ? $0 : nil }
                let errors = failed?.errors ?? FieldErrors()
                let slug = item.id.uuidString.lowercased()
                return .article(
                    .class("unmatched-reading"), .id("reading-\(slug)"),
                    .h2(.text("\(Instant.text(item.observedAt, in: model.timeZone)) — monitor \(item.deviceID)")),
                    .p(.strong(.text(summary(item.values)))),
                    .p(.text("Chair: \(item.chair ?? "not registered")" + (item.bed.map { "; bed sent by the gateway: \($0)" } ?? "")
                             + "; received \(Instant.text(item.receivedAt, in: model.timeZone)).")),
                    .unwrap(item.reason) { .p(.class("notice"), .text("⚠ Why it is unmatched: \($0)")) },
                    .if(!item.uncharted.isEmpty, .p(.text("Also sent, not charted: " + item.uncharted.joined(separator: "; ")))),
                    FormField.errorSummary(errors),
                    .form(
                        .method(.post), .action("/monitors/unmatched/\(slug)/assign"), .class("inline-form"),
                        .csrfField(context),
                        FormField.select("sessionId", label: "Assign to session", choices: model.sessions.map { ($0.id.uuidString.lowercased(), $0.label) },
                                         selected: failed?.values["sessionId"], errors: errors),
                        FormField.input("assignReason", label: "Note", value: failed?.values["assignReason"], errors: errors),
                        .button(.type(.submit), .class("primary"), .text("Assign"))
                    ),
                    .form(
                        .method(.post), .action("/monitors/unmatched/\(slug)/discard"), .class("inline-form"),
                        .csrfField(context),
                        FormField.input("reason", label: "Reason to discard", value: failed?.values["reason"], errors: errors, required: true),
                        .button(.type(.submit), .class("secondary"), .text("Discard"))
                    )
                )
            }
        )
    }
}
