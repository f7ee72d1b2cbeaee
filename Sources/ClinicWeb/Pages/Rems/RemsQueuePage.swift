import ClinicDomain
import Foundation
import Plot

/// `/rems`: the Spravato REMS Patient Monitoring Forms due, each with its due date (treatment date
/// + 7 calendar days [R19][R21]), days left or overdue, and its submission.
public enum RemsQueuePage {
    /// What the page shows.
    public struct Model: Sendable {
        /// The forms, in queue order.
        public var items: [RemsQueueItem]
        /// False when the clinic need not submit forms (outside the US, or inpatient).
        public var applies: Bool
        /// The clinic's time zone.
        public var timeZone: TimeZone

        /// Creates a model.
        public init(items: [RemsQueueItem], applies: Bool, timeZone: TimeZone) {
            self.items = items
            self.applies = applies
            self.timeZone = timeZone
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        Layout.page(
            title: "REMS monitoring forms", context: context,
            content:
            .h1(.text("REMS monitoring forms")),
            .p(.text("A Spravato REMS Patient Monitoring Form is due within 7 calendar days of every esketamine session [R19][R21]. "
                     + "Listed: sessions of the last 7 days, and any older form not yet submitted.")),
            .if(!model.applies, .p(.class("notice"), .text(
                "This clinic does not submit REMS monitoring forms: they apply to outpatient settings in the United States [R21]."))),
            .if(model.applies && model.items.isEmpty, .p(.text("No esketamine sessions need a form."))),
            .if(!model.items.isEmpty, .table(
                .class("rems-queue"),
                .thead(.tr(.th("Patient"), .th("Treatment date"), .th("Due"), .th("Status"), .th("Form"), .th("Submission"))),
                .tbody(.forEach(model.items) { item in
                    let link = "/sessions/\(item.form.sessionID.uuidString.lowercased())/rems-form"
                    return .tr(
                        .class(item.isOverdue ? "overdue" : ""),
                        .td(.text(item.patientName)),
                        .td(.text(item.form.treatmentDate.iso)),
                        .td(.text(item.form.dueOn.iso)),
                        .td(.if(item.isOverdue, .span(.class("badge badge-danger"), .text("⚠ "))), .text(item.statusText)),
                        .td(.a(.href(link), .text(item.form.isComplete ? "Complete" : "\(item.form.missingFields.count) field(s) to complete"))),
                        .td(.text(item.submitted.map { submitted in
                            "\(submitted.submission.submittedOn.iso), \(submitted.submission.channel.displayName)"
                                + (submitted.submission.confirmation.map { ", confirmation \($0)" } ?? "")
                                + " — recorded by \(submitted.recordedByName) at \(Instant.text(submitted.recordedAt, in: model.timeZone))"
                        } ?? "Not submitted"))
                    )
                })
            ))
        )
    }
}
