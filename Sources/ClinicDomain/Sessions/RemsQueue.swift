import Foundation

/// One line of the REMS queue: a session's monitoring form, when it is due and whether it was sent.
public struct RemsQueueItem: Codable, Equatable, Sendable {
    /// Who recorded the submission, when, and how.
    public struct Submitted: Codable, Equatable, Sendable {
        /// The submission as recorded (the latest correction).
        public let submission: RemsSubmission
        /// Who recorded it.
        public let recordedByName: String
        /// When it was recorded.
        public let recordedAt: Date
        /// The entry (to amend it).
        public let entryID: UUID

        /// Creates a value.
        public init(submission: RemsSubmission, recordedByName: String, recordedAt: Date, entryID: UUID) {
            self.submission = submission
            self.recordedByName = recordedByName
            self.recordedAt = recordedAt
            self.entryID = entryID
        }
    }

    /// The form.
    public let form: RemsMonitoringForm
    /// The patient's name as listed ("Family, Given").
    public let patientName: String
    /// The submission, once recorded.
    public let submitted: Submitted?
    /// Days from today to the due date (negative: overdue).
    public let daysLeft: Int

    /// Creates an item.
    public init(form: RemsMonitoringForm, patientName: String, submitted: Submitted?, today: CalendarDate) {
        self.form = form
        self.patientName = patientName
        self.submitted = submitted
        self.daysLeft = form.daysLeft(today: today)
    }

    /// True when the form is not submitted and its due date has passed.
    public var isOverdue: Bool { submitted == nil && daysLeft < 0 }

    /// "Due in 3 days", "Due today", "2 days overdue", or "Submitted".
    public var statusText: String {
        if submitted != nil { return "Submitted" }
        switch daysLeft {
        case 0: return "Due today"
        case 1: return "Due tomorrow"
        case 2...: return "Due in \(daysLeft) days"
        case -1: return "1 day overdue"
        default: return "\(-daysLeft) days overdue"
        }
    }
}

/// Which monitoring forms the REMS queue lists: every esketamine session dosed on or after
/// `today − 7` (forms still inside their 7-day window, submitted or not [R19][R21]), plus any older
/// one not yet submitted.
public enum RemsQueue {
    /// The first treatment date always listed.
    public static func windowStart(today: CalendarDate) -> CalendarDate {
        today.adding(days: -RemsMonitoringForm.dueWithinDays)   // [R19][R21]
    }

    /// True when a form for a session on `date` belongs in the queue.
    public static func includes(treatmentDate date: CalendarDate, submitted: Bool, today: CalendarDate) -> Bool {
        date >= windowStart(today: today) || !submitted
    }

    /// The items in queue order: unsubmitted first, soonest due first; then submitted, newest first.
    public static func ordered(_ items: [RemsQueueItem]) -> [RemsQueueItem] {
        items.sorted { a, b in
            if (a.submitted == nil) != (b.submitted == nil) { return a.submitted == nil }
            if a.submitted == nil { return (a.form.dueOn, a.patientName) < (b.form.dueOn, b.patientName) }
            return (a.form.treatmentDate, a.patientName) > (b.form.treatmentDate, b.patientName)
        }
    }
}

extension RemsSubmission {
    /// A submission from form or JSON fields (`submittedOn` YYYY-MM-DD, `channel` online|fax,
    /// `confirmation`), or field errors: a date that is not a date, in the future or before the
    /// treatment, an unknown channel, a confirmation longer than 60 characters.
    public static func parse(submittedOn: String?, channel: String?, confirmation: String?, treatmentDate: CalendarDate,
                             today: CalendarDate) throws(FieldErrors) -> RemsSubmission {
        var errors = FieldErrors()
        let day = submittedOn.flatMap { CalendarDate(iso: $0.trimmed) }
        if let day {
            if day > today { errors.add("submittedOn", "The submission date cannot be in the future.") }
            if day < treatmentDate { errors.add("submittedOn", "The form is submitted on or after the treatment date (\(treatmentDate.iso)).") }
        } else {
            errors.add("submittedOn", "Enter the date the form was submitted (YYYY-MM-DD).")
        }
        let how = channel.flatMap { Channel(rawValue: $0.trimmed) }
        if how == nil { errors.add("channel", "Choose online or fax.") }
        let number = confirmation?.trimmed.nilIfEmpty
        if let number, number.count > 60 { errors.add("confirmation", "Keep the confirmation to 60 characters.") }
        try errors.throwIfAny()
        return RemsSubmission(submittedOn: day!, channel: how!, confirmation: number)
    }
}
