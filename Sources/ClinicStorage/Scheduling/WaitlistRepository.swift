import ClinicDomain
import Foundation
import SQLKit

/// The clinic's waitlist in storage: patients waiting for an earlier slot, offers of freed slots,
/// booking from the list (the session's booking and the entry's status in one transaction) and
/// removal with a reason. Every change writes its audit entry, naming the patient, in the same
/// transaction.
public struct WaitlistRepository: Sendable {
    private let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Adds a patient to the waitlist; a patient already waiting for the same treatment is refused.
    public func add(patientID: UUID, treatment: Treatment, referredOn: CalendarDate, preference: SlotPreference, to clinicID: UUID,
                    stamp: AuditStamp) async throws -> WaitlistEntry {
        let entry = WaitlistEntry(id: UUID.random(), patientID: patientID, treatment: treatment, referredOn: referredOn, preference: preference,
                                  addedAt: stamp.at)
        let preferenceText = try StoredJSON.text(preference)
        return try await database.write { db in
            try await PatientRowLock.lock(patientID, db)
            let open = try await db.select().column("id").from("schedule_waitlist").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
                .where("patient_id", .equal, SQLBind(patientID.uuidString)).where("treatment", .equal, SQLBind(treatment.rawValue))
                .where("status", .in, [WaitlistEntry.Status.waiting.rawValue, WaitlistEntry.Status.offered.rawValue])
                .first()
            guard open == nil else {
                throw ScheduleInputError(field: "patient", message: "The patient is already on the waitlist for \(treatment.displayName).")
            }
            let at = stamp.at.millisecondsSince1970
            try await db.insert(into: "schedule_waitlist")
                .columns("id", "clinic_id", "patient_id", "treatment", "referred_on", "preference", "status", "added_at", "updated_at")
                .values(SQLBind(entry.id.uuidString), SQLBind(clinicID.uuidString), SQLBind(patientID.uuidString), SQLBind(treatment.rawValue),
                        SQLBind(referredOn.iso), SQLBind(preferenceText), SQLBind(WaitlistEntry.Status.waiting.rawValue), SQLBind(at), SQLBind(at))
                .run()
            try await AuditLog.append(AuditEvent(.create, entityType: "waitlist_entry", entityID: entry.id.uuidString, patientID: patientID,
                                                 summary: "waitlist for \(treatment.displayName), referred \(referredOn.iso)"), stamp: stamp, in: db)
            return entry
        }
    }

    /// The clinic's entries, longest waiting first; only the open ones (waiting or offered) unless `all`.
    public func entries(of clinicID: UUID, all: Bool = false) async throws -> [WaitlistEntry] {
        try await database.read { db in
            var query = db.select().column("*").from("schedule_waitlist").where("clinic_id", .equal, SQLBind(clinicID.uuidString))
            if !all {
                query = query.where("status", .in, [WaitlistEntry.Status.waiting.rawValue, WaitlistEntry.Status.offered.rawValue])
            }
            return try await query.orderBy("referred_on").orderBy("added_at").all().map(Self.decode)
        }
    }

    /// One entry of the clinic, nil when there is none.
    public func entry(_ id: UUID, in clinicID: UUID) async throws -> WaitlistEntry? {
        try await database.read { db in try await Self.entry(id, clinicID, db) }
    }

    /// Records that `slot` was offered to the patient (the entry stays open until booked or removed).
    public func markOffered(_ id: UUID, slot: DaySlot, chairName: String, in clinicID: UUID, stamp: AuditStamp) async throws {
        let offered = try StoredJSON.text(slot)
        try await database.write { db in
            let entry = try await Self.openEntry(id, clinicID, db)
            try await Self.set(entry, to: .offered, "offered", offered, summary: "offered \(slot) in \(chairName)", stamp: stamp, db)
        }
    }

    /// Books the patient's session into the freed slot and closes the entry as booked, in one
    /// transaction: the booking is judged against the calendar like any other (``BookingRefused``).
    public func book(_ id: UUID, booking: Booking, in clinicID: UUID, timeZone: TimeZone, now: Date, stamp: AuditStamp) async throws {
        try await database.write { db in
            let entry = try await Self.openEntry(id, clinicID, db)
            guard entry.patientID == booking.patientID else {
                throw ScheduleInputError(field: "session", message: "The session is not the waiting patient's.")
            }
            try await ScheduleRepository.book(booking, clinicID: clinicID, timeZone: timeZone, now: now, stamp: stamp, db)
            try await Self.set(entry, to: .booked, "offered", try StoredJSON.text(booking.slot),
                               summary: "booked from the waitlist: \(booking.slot)", stamp: stamp, db)
        }
    }

    /// Takes the patient off the waitlist with a reason.
    public func remove(_ id: UUID, reason: String, in clinicID: UUID, stamp: AuditStamp) async throws {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...200).contains(why.count) else { throw ScheduleInputError(field: "reason", message: "Give a reason (3 to 200 characters).") }
        try await database.write { db in
            let entry = try await Self.openEntry(id, clinicID, db)
            try await Self.set(entry, to: .removed, "status_reason", why, summary: "removed from the waitlist: \(why)", stamp: stamp, db)
        }
    }

    // MARK: Loading

    static func entry(_ id: UUID, _ clinicID: UUID, _ db: any SQLDatabase) async throws -> WaitlistEntry? {
        try await db.select().column("*").from("schedule_waitlist").where("id", .equal, SQLBind(id.uuidString))
            .where("clinic_id", .equal, SQLBind(clinicID.uuidString)).first().map(decode)
    }

    /// Every change of an entry's status alike: the new status, the column that says what was
    /// offered or why it closed, the time, and the audit entry, all in `db`'s transaction.
    private static func set(_ entry: WaitlistEntry, to status: WaitlistEntry.Status, _ column: String, _ value: String,
                            summary: String, stamp: AuditStamp, _ db: any SQLDatabase) async throws {
        try await db.update("schedule_waitlist").set("status", to: SQLBind(status.rawValue))
            .set(column, to: SQLBind(value)).set("updated_at", to: SQLBind(stamp.at.millisecondsSince1970))
            .where("id", .equal, SQLBind(entry.id.uuidString)).run()
        try await AuditLog.append(AuditEvent(.update, entityType: "waitlist_entry", entityID: entry.id.uuidString, patientID: entry.patientID,
                                             summary: summary), stamp: stamp, in: db)
    }

    static func openEntry(_ id: UUID, _ clinicID: UUID, _ db: any SQLDatabase) async throws -> WaitlistEntry {
        guard let entry = try await entry(id, clinicID, db) else {
            throw ScheduleInputError(field: "entry", message: "There is no such waitlist entry.")
        }
        guard entry.status.isOpen else {
            throw ScheduleInputError(field: "entry", message: "The patient is no longer waiting (\(entry.status.displayName.lowercased())).")
        }
        return entry
    }

    static func decode(_ row: any SQLRow) throws -> WaitlistEntry {
        let idText = try row.decode(column: "id", as: String.self)
        guard let id = UUID(uuidString: idText), let patient = UUID(uuidString: try row.decode(column: "patient_id", as: String.self)),
              let treatment = Treatment(rawValue: try row.decode(column: "treatment", as: String.self)),
              let referred = CalendarDate(iso: try row.decode(column: "referred_on", as: String.self)),
              let status = WaitlistEntry.Status(rawValue: try row.decode(column: "status", as: String.self)) else {
            throw StoredDataError(what: "waitlist entry \(idText)")
        }
        let preference = try StoredJSON.value(SlotPreference.self, "preference", of: row)
        let offered = try row.decode(column: "offered", as: String?.self).map { try StoredJSON.decoder.decode(DaySlot.self, from: Data($0.utf8)) }
        return WaitlistEntry(id: id, patientID: patient, treatment: treatment, referredOn: referred, preference: preference, status: status,
                             offered: offered, addedAt: Date(millisecondsSince1970: try row.decode(column: "added_at", as: Int64.self)))
    }
}
