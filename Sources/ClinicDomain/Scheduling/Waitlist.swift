import Foundation

/// A patient waiting for a slot sooner than the calendar gave them (or for a first course): the
/// treatment, the day they were referred, and the days and times they can come. When a booking is
/// cancelled or moved, the freed slot is matched against the waiting entries so the front desk can
/// offer it. Holds nothing clinical beyond the treatment type.
public struct WaitlistEntry: Codable, Equatable, Sendable, Identifiable {
    /// Where an entry stands.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Waiting for a slot.
        case waiting
        /// A freed slot was offered; still waiting for the answer (and still matched by later slots).
        case offered
        /// Booked from the waitlist: no longer waiting.
        case booked
        /// Taken off the list (no longer wants an earlier slot, booked elsewhere), with a reason.
        case removed

        /// True while the patient is still waiting.
        public var isOpen: Bool { self == .waiting || self == .offered }

        /// The word shown to users.
        public var displayName: String {
            switch self {
            case .waiting: "Waiting"
            case .offered: "Offered"
            case .booked: "Booked"
            case .removed: "Removed"
            }
        }
    }

    /// The entry's id.
    public let id: UUID
    /// The patient.
    public let patientID: UUID
    /// The treatment the slot is for (decides the chair time needed).
    public let treatment: Treatment
    /// The day the patient was referred: the longest waiting is offered first.
    public let referredOn: CalendarDate
    /// The days and start times the patient can come.
    public let preference: SlotPreference
    /// Where the entry stands.
    public var status: Status
    /// The last slot offered, if any.
    public var offered: DaySlot?
    /// When the entry was added (ties on the referral day go to the earlier entry).
    public let addedAt: Date

    /// Creates an entry.
    public init(id: UUID, patientID: UUID, treatment: Treatment, referredOn: CalendarDate, preference: SlotPreference,
                status: Status = .waiting, offered: DaySlot? = nil, addedAt: Date) {
        self.id = id
        self.patientID = patientID
        self.treatment = treatment
        self.referredOn = referredOn
        self.preference = preference
        self.status = status
        self.offered = offered
        self.addedAt = addedAt
    }
}

/// A slot that became free when a booking was cancelled or moved: the chair and the hours it held.
public struct FreedSlot: Codable, Hashable, Sendable {
    /// The chair.
    public let chairID: UUID
    /// The day and hours.
    public let slot: DaySlot

    /// Creates a freed slot.
    public init(chairID: UUID, slot: DaySlot) {
        self.chairID = chairID
        self.slot = slot
    }
}

/// One waiting entry that a freed slot suits, with the booking it would make (a start inside the
/// freed hours that the patient prefers and the calendar accepts).
public struct WaitlistMatch: Equatable, Sendable {
    /// The entry.
    public let entry: WaitlistEntry
    /// The day and hours the patient's next session would take; the session itself is chosen from
    /// the patient's signed plan when the front desk books it.
    public let slot: DaySlot
}

/// Matches freed slots against the waitlist.
public enum WaitlistMatching {
    /// The open entries `freed` suits, longest waiting first (referral day, then when added): the
    /// patient's treatment fits in the freed hours at a start on the policy's grid that the patient
    /// prefers, and the calendar (without the freed booking) raises no conflict for it, including
    /// the patient already booked that day. Patients in `excluded` (the one who freed the slot) are
    /// left out.
    public static func matches(for freed: FreedSlot, entries: [WaitlistEntry], book: ScheduleBook, excluded: Set<UUID> = [],
                               now: Date) -> [WaitlistMatch] {
        let step = max(book.policy.slotStepMinutes, 1)
        return entries.filter { $0.status.isOpen && !excluded.contains($0.patientID) }
            .sorted { ($0.referredOn, $0.addedAt) < ($1.referredOn, $1.addedAt) }
            .compactMap { entry in
                let length = book.policy.chairMinutes(for: entry.treatment)
                var minute = freed.slot.span.start.minutes
                while minute + length <= freed.slot.span.end.minutes {
                    defer { minute += step }
                    guard let start = ClockTime(minutes: minute), let end = ClockTime(minutes: minute + length),
                          let span = DaySpan(start: start, end: end), entry.preference.accepts(freed.slot.date, start) else { continue }
                    let slot = DaySlot(date: freed.slot.date, span: span)
                    let candidate = Booking(sessionID: UUID.random(), patientID: entry.patientID, chairID: freed.chairID, slot: slot, treatment: entry.treatment)
                    if book.conflicts(for: candidate, now: now).isEmpty { return WaitlistMatch(entry: entry, slot: slot) }
                }
                return nil
            }
    }
}
