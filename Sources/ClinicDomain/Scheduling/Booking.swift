import Foundation

/// A session's place on the calendar: which chair, which day, which hours. Carries nothing clinical
/// beyond the treatment type, so the front desk may see it.
public struct Booking: Codable, Hashable, Sendable {
    /// The treatment session it books.
    public let sessionID: UUID
    /// The patient.
    public let patientID: UUID
    /// The chair held.
    public let chairID: UUID
    /// The day and hours, in the clinic's time zone.
    public let slot: DaySlot
    /// IV, IM or esketamine: decides the chair time and the staffing rules.
    public let treatment: Treatment

    /// Creates a booking.
    public init(sessionID: UUID, patientID: UUID, chairID: UUID, slot: DaySlot, treatment: Treatment) {
        self.sessionID = sessionID
        self.patientID = patientID
        self.chairID = chairID
        self.slot = slot
        self.treatment = treatment
    }
}

/// Why a booking cannot stand. Each carries a plain sentence for the front desk.
public enum BookingConflict: Hashable, Sendable, CustomStringConvertible {
    /// The slot's start is not after now.
    case inThePast
    /// The chair is not one of the clinic's active chairs.
    case unknownChair
    /// The clinic is closed that day (a closure).
    case clinicClosed(reason: String)
    /// The slot falls outside the weekday's opening hours (nil: closed that weekday).
    case outsideOpeningHours(DaySpan?)
    /// Another session holds the chair for part of the slot.
    case chairDoubleBooked(chairName: String, with: DaySpan)
    /// The patient already has a session that day.
    case patientAlreadyBooked(DaySpan)
    /// Esketamine needs a prescriber on site for the whole administration and monitoring [R20].
    case noPrescriberOnSite
    /// More chairs in use than the nurses on shift may watch (clinic policy ratio).
    case nurseOverRatio(nurses: Int, chairsPerNurse: Int, chairsInUse: Int)

    /// A stable code for the API and tests.
    public var code: String {
        switch self {
        case .inThePast: "in-the-past"
        case .unknownChair: "unknown-chair"
        case .clinicClosed: "clinic-closed"
        case .outsideOpeningHours: "outside-opening-hours"
        case .chairDoubleBooked: "chair-double-booked"
        case .patientAlreadyBooked: "patient-already-booked"
        case .noPrescriberOnSite: "no-prescriber-on-site"
        case .nurseOverRatio: "nurse-over-ratio"
        }
    }

    /// The reason in words.
    public var description: String {
        switch self {
        case .inThePast: "The slot has already started: book a time in the future."
        case .unknownChair: "There is no such chair in service."
        case .clinicClosed(let reason): "The clinic is closed that day (\(reason))."
        case .outsideOpeningHours(let hours?): "The slot is outside the opening hours that day (\(hours))."
        case .outsideOpeningHours(nil): "The clinic is not open on that weekday."
        case .chairDoubleBooked(let chair, let span): "\(chair) is already booked \(span)."
        case .patientAlreadyBooked(let span): "The patient already has a session that day (\(span))."
        case .noPrescriberOnSite: "No prescriber is on site for the whole session: esketamine needs one during administration and monitoring [R20]."
        case .nurseOverRatio(let nurses, let ratio, let inUse):
            "\(nurses) nurse(s) on shift may watch \(nurses * ratio) chair(s) at 1:\(ratio) (clinic policy); this would make \(inUse)."
        }
    }
}

/// A warning that does not refuse a booking but the front desk must see.
public struct BookingWarning: Hashable, Sendable, CustomStringConvertible {
    /// A stable code.
    public let code: String
    /// The warning in words, with its source key or "clinic policy".
    public let message: String

    /// Creates a warning.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
