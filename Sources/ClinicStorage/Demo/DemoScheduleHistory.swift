import ClinicDomain
import Foundation
import SQLKit

extension DemoClinicLoader {
    /// Books the demo clinic's past sessions into its chairs, so the calendar carries the bookings a
    /// clinic accumulates over a year (the benchmark of course proposals, bench/schedule_proposals.py,
    /// measures against it). Every session of the primary clinic's patients dated `from` through
    /// `through`, not cancelled and not booked yet, is given a chair and hours on its day: chairs are
    /// filled in order, then the next start (one chair-time apart from the opening), up to the day's
    /// capacity; a day the clinic is closed by its opening hours keeps its sessions unbooked. Written in
    /// bulk, one transaction per batch, with one audit entry per batch; returns how many were booked.
    public func bookScheduleHistory(chairs: [UUID], policy: SchedulingPolicy, hours: OpeningHours, from: CalendarDate, through: CalendarDate,
                                    timeZone: TimeZone, now: Date) async throws -> Int {
        guard !chairs.isEmpty, from <= through,
              let clinic = try await SQLClinicRepository(database: database).primaryClinic() else { return 0 }
        let sessions = try await database.read { db in
            try await db.raw("""
                SELECT s.id, s.patient_id, s.scheduled_on, p.protocol_id
                FROM treatment_sessions s JOIN treatment_plans p ON p.id = s.plan_id JOIN patients pa ON pa.id = s.patient_id
                LEFT JOIN session_bookings b ON b.session_id = s.id
                WHERE pa.clinic_id = \(bind: clinic.id.uuidString) AND s.scheduled_on >= \(bind: from.iso) AND s.scheduled_on <= \(bind: through.iso)
                  AND s.state <> 'cancelled' AND b.session_id IS NULL
                ORDER BY s.scheduled_on, s.id
                """).all().compactMap { row -> (session: String, patient: String, date: CalendarDate, treatment: Treatment)? in
                guard let date = CalendarDate(iso: try row.decode(column: "scheduled_on", as: String.self)),
                      let treatment = ProtocolLibrary.builtIn(id: try row.decode(column: "protocol_id", as: String.self))?.treatment
                else { return nil }
                return (try row.decode(column: "id", as: String.self), try row.decode(column: "patient_id", as: String.self), date, treatment)
            }
        }
        // One chair-time apart, long enough for the longest treatment, so no two bookings of a chair overlap.
        let length = Treatment.allCases.map(policy.chairMinutes(for:)).max() ?? 120
        let at = now.millisecondsSince1970
        var rows: [[any Encodable & Sendable]] = []
        var booked = 0
        var byDay: [CalendarDate: Int] = [:]
        let stamp = AuditStamp.system("demo loader", at: now)
        func flush() async throws {
            guard !rows.isEmpty else { return }
            let batch = rows
            rows = []
            try await database.write { db in
                try await BulkInsert.insert(into: "session_bookings", ["session_id", "clinic_id", "patient_id", "chair_id", "treatment", "on_date",
                                                                       "starts_minute", "ends_minute", "starts_at", "ends_at", "released",
                                                                       "late_cancellation", "booked_at", "updated_at"], batch, db)
                try await AuditLog.append(AuditEvent(.create, entityType: "session_booking", entityID: clinic.id.uuidString,
                                                     summary: "demo calendar: \(batch.count) past sessions booked into chairs"),
                                          stamp: stamp, in: db)
            }
        }
        for session in sessions {
            guard let open = hours.hours(on: session.date) else { continue }
            let index = byDay[session.date, default: 0]
            let startMinute = open.start.minutes + (index / chairs.count) * length
            let minutes = policy.chairMinutes(for: session.treatment)
            guard startMinute + minutes <= open.end.minutes, let start = ClockTime(minutes: startMinute),
                  let end = ClockTime(minutes: startMinute + minutes), let span = DaySpan(start: start, end: end) else { continue }
            byDay[session.date] = index + 1
            let instants = DaySlot(date: session.date, span: span).instants(in: timeZone)
            rows.append([session.session, clinic.id.uuidString, session.patient, chairs[index % chairs.count].uuidString, session.treatment.rawValue,
                         session.date.iso, start.minutes, end.minutes, instants.start.millisecondsSince1970, instants.end.millisecondsSince1970,
                         false, false, at, at])
            booked += 1
            if rows.count >= 2_000 { try await flush() }
        }
        try await flush()
        return booked
    }
}
