import ClinicDomain
import Foundation
import Plot

/// A chart for roles that do not see clinical content (front desk, administrators): who the
/// patient is, how to reach them and their bookings. An administrator may "break the glass" here.
public enum PatientDemographicsPage {
    /// One booked session, without clinical detail.
    public struct Booking: Sendable {
        /// The session's number in its course.
        public var number: Int
        /// The day.
        public var date: CalendarDate
        /// Its state, e.g. "scheduled".
        public var state: String

        /// Declares a booking.
        public init(number: Int, date: CalendarDate, state: String) {
            self.number = number
            self.date = date
            self.state = state
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The chart (only its demographics and contacts are shown).
        public var chart: PatientChart
        /// Today in the clinic, for the age.
        public var today: CalendarDate
        /// Upcoming and recent bookings.
        public var bookings: [Booking]
        /// True when the user may correct the identity (front desk).
        public var canCorrectIdentity: Bool
        /// True when the user may break the glass (administrators).
        public var canBreakGlass: Bool
        /// The reason typed, when refused.
        public var reason: String = ""
        /// Errors of the emergency-access form.
        public var errors = FieldErrors()
        /// True when the user books sessions (front desk): the bookings link the course booking page.
        public var canBook = false

        /// Creates the model.
        public init(chart: PatientChart, today: CalendarDate, bookings: [Booking], canCorrectIdentity: Bool, canBreakGlass: Bool) {
            self.chart = chart
            self.today = today
            self.bookings = bookings
            self.canCorrectIdentity = canCorrectIdentity
            self.canBreakGlass = canBreakGlass
        }
    }

    /// Renders the page.
    public static func render(_ model: Model, context: PageContext) -> String {
        let patient = model.chart.summary
        let registration = patient.registration
        let base = "/patients/\(patient.id.uuidString.lowercased())"
        let contact = model.chart.contact.map { [$0.value.phone, $0.value.email, $0.value.address].compactMap { $0 }.joined(separator: " · ") }
        let emergency = model.chart.emergencyContact.map { "\($0.value.name) · \($0.value.phone)" }
        return Layout.page(
            title: model.errors.isEmpty ? patient.listName : "Error: \(patient.listName)", context: context,
            content:
            .section(.class("chart-header"), .attribute(named: "aria-label", value: "Patient identity"),
                     .h1(.text(patient.listName)),
                     .span(.class("mono"), .text("MRN \(patient.mrn.text)")),
                     .span(.text("Born \(registration.dateOfBirth.iso) (\(registration.dateOfBirth.age(on: model.today)) years)"))),
            .p(.class("notice"), .id("clinical-hidden"),
               .text("Your role sees the patient's identity, contacts and bookings. The clinical record (history, screenings, "
                     + "scales, plans and sessions) is for prescribers and nurses.")),
            .if(model.canCorrectIdentity, .p(.a(.href("\(base)/identity/edit"), .id("correct-identity"), .text("Correct identity")))),
            .section(.h2(.text("Contact")),
                     .dl(.class("facts"),
                         .dt(.text("Contact")), .dd(.text(contact ?? "Not recorded")),
                         .dt(.text("Emergency contact")), .dd(.text(emergency ?? "Not recorded")))),
            .section(.id("bookings"), .h2(.text("Bookings")),
                     .if(model.bookings.isEmpty, .p(.text("No sessions booked.")),
                         else: .ul(.forEach(model.bookings) { booking in
                             .li(.text("Session \(booking.number): \(booking.date.iso), \(booking.state)"))
                         })),
                     .if(model.canBook && !model.bookings.isEmpty,
                         .p(.a(.href("/schedule/patients/\(patient.id.uuidString.lowercased())"), .id("book-sessions-link"), .class("button secondary"),
                               .text("Book or move sessions"))))),
            .if(model.canBreakGlass, .section(
                .id("emergency-access"), .attribute(named: "aria-labelledby", value: "emergency-heading"),
                .h2(.id("emergency-heading"), .text("Emergency access")),
                .p(.text("In an emergency you may open this patient's clinical record for 30 minutes. Write why; the "
                         + "clinic's prescribers see every emergency access with its reason, and it stays in the audit trail.")),
                FormField.errorSummary(model.errors),
                .form(.class("stacked"), .method(.post), .action("\(base)/emergency-access"), .csrfField(context),
                      FormField.textArea("reason", label: "Reason", value: model.reason, errors: model.errors),
                      .div(.class("actions"), .button(.type(.submit), .class("secondary"), .id("break-glass"),
                                                      .text("Open the clinical record for 30 minutes"))))))
        )
    }
}
