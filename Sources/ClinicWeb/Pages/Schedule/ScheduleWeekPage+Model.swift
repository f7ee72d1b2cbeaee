import ClinicDomain
import Foundation

/// The clinic's calendar for one week (or one day): chairs down the side, days across, each booking
/// as an appointment with its hours, patient and treatment type. Nothing clinical beyond that.
public enum ScheduleWeekPage {
    /// One booked slot in a cell.
    public struct Entry: Sendable, Equatable {
        /// `09:00–11:00`.
        public let hours: String
        /// The patient's list name.
        public let patientName: String
        /// IV ketamine, esketamine…
        public let treatment: String
        /// The patient's course page.
        public let courseLink: String
        /// Why the booking no longer stands (a closure, an absence or changed hours recorded after it was
        /// made), nil when it does.
        public let conflict: String?

        /// Creates an entry.
        public init(hours: String, patientName: String, treatment: String, courseLink: String, conflict: String? = nil) {
            self.hours = hours
            self.patientName = patientName
            self.treatment = treatment
            self.courseLink = courseLink
            self.conflict = conflict
        }
    }

    /// One chair's row.
    public struct ChairRow: Sendable {
        /// The chair's name.
        public let name: String
        /// One cell per day of ``Model/days``.
        public let cells: [[Entry]]

        /// Creates a row.
        public init(name: String, cells: [[Entry]]) {
            self.name = name
            self.cells = cells
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        /// The days shown (seven for a week, one for a day).
        public let days: [CalendarDate]
        /// The chairs in calendar order.
        public let chairs: [ChairRow]
        /// Why a day is closed, by day.
        public let closures: [CalendarDate: String]
        /// Opening hours by day (nil when closed that weekday).
        public let hours: [CalendarDate: String]
        /// Where the previous and next pages are.
        public let previousLink: String
        /// The next page.
        public let nextLink: String
        /// "Week of …" or "Monday 23 November".
        public let title: String

        /// Creates the model.
        public init(days: [CalendarDate], chairs: [ChairRow], closures: [CalendarDate: String], hours: [CalendarDate: String],
                    previousLink: String, nextLink: String, title: String) {
            self.days = days
            self.chairs = chairs
            self.closures = closures
            self.hours = hours
            self.previousLink = previousLink
            self.nextLink = nextLink
            self.title = title
        }
    }
}
