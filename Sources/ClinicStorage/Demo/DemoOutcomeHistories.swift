import ClinicDomain
import Foundation
import SQLKit

/// Gives the large demo clinic's patients course, session and rating histories, written in bulk
/// (multi-row inserts, one transaction per batch of patients) so 100,000 patients still load in
/// well under a minute. The courses copy the demo's two signed template plans (IV ketamine and
/// esketamine), shifted to each patient's start day; the outcomes are drawn by
/// ``DemoCourseHistories``. Each course writes its audit entry in the same transaction, and the
/// outcome report's derived rows are written beside the histories.
struct DemoOutcomeHistories: Sendable {
    let database: ClinicDatabase

    /// The two template plans the histories copy.
    struct Templates: Sendable {
        let plans: [TreatmentPlan]
        /// Each template's JSON with its dates shifted by a number of days, cached per shift, cut
        /// where the template's plan and patient ids stand so each course only joins the pieces.
        var shifted: [Int: [[BodyPiece]]] = [:]
        var sessionBodies: [Int: [[String]]] = [:]

        /// A piece of a plan body: text, or the place of the course's plan id or patient id.
        enum BodyPiece: Sendable {
            case text(String)
            case planID
            case patientID
        }

        /// `text` cut at every occurrence of `planID` and `patientID`.
        static func pieces(of text: String, planID: String, patientID: String) -> [BodyPiece] {
            var result: [BodyPiece] = []
            for (index, part) in text.components(separatedBy: planID).enumerated() {
                if index > 0 { result.append(.planID) }
                for (inner, piece) in part.components(separatedBy: patientID).enumerated() {
                    if inner > 0 { result.append(.patientID) }
                    if !piece.isEmpty { result.append(.text(piece)) }
                }
            }
            return result
        }

        /// A plan body from its pieces with a course's ids.
        static func join(_ pieces: [BodyPiece], planID: String, patientID: String) -> String {
            var result = ""
            for piece in pieces {
                switch piece {
                case .text(let text): result += text
                case .planID: result += planID
                case .patientID: result += patientID
                }
            }
            return result
        }

        init(plans: [TreatmentPlan]) { self.plans = plans }

        /// Day offsets of each template's sessions from its start.
        var offsets: [[Int]] {
            plans.map { plan in plan.sessions.map { CalendarDate.daysBetween(plan.start, $0.date) } }
        }

        /// The plan bodies and session bodies with every date moved by `shift` days.
        mutating func bodies(shift: Int) throws -> (plans: [[BodyPiece]], sessions: [[String]]) {
            if let plans = shifted[shift], let sessions = sessionBodies[shift] { return (plans, sessions) }
            let plans = try self.plans.map { plan in
                Self.pieces(of: Self.shiftDates(in: try StoredJSON.text(plan), by: shift),
                            planID: plan.id.storedText, patientID: plan.patientID.storedText)
            }
            let sessions = try self.plans.map { plan in try plan.sessions.map { Self.shiftDates(in: try StoredJSON.text($0), by: shift) } }
            shifted[shift] = plans
            sessionBodies[shift] = sessions
            return (plans, sessions)
        }

        /// `text` with every quoted `"YYYY-MM-DD"` moved by `days`.
        static func shiftDates(in text: String, by days: Int) -> String {
            var result = ""
            result.reserveCapacity(text.utf8.count)
            var rest = Substring(text)
            while let quote = rest.firstIndex(of: "\"") {
                result += rest[..<quote]
                let after = rest.index(after: quote)
                let candidate = rest[after...].prefix(11)
                if candidate.count == 11, candidate.last == "\"", let date = CalendarDate(iso: String(candidate.dropLast())) {
                    result += "\"" + date.adding(days: days).iso + "\""
                    rest = rest[rest.index(after, offsetBy: 11)...]
                } else {
                    result += "\""
                    rest = rest[after...]
                }
            }
            return result + rest
        }
    }

    /// A batch's histories made ready to write: their insert statements and audit entries.
    struct PreparedBatch: Sendable {
        let inserts: [BulkInsert.Prepared]
        let events: [AuditEvent]
    }

    /// Builds histories for `patients` (the ids and registrations of a batch about to be
    /// registered) and their derived outcome rows, ready to write: the loader builds the next batch
    /// while the engine writes this one.
    static func prepare(_ patients: [(id: UUID, registration: PatientRegistration)], clinicID: UUID, templates: inout Templates,
                        histories: inout DemoCourseHistories, ids: inout TimeOrderedUUIDs, today: CalendarDate,
                        now: Date, stamp: AuditStamp) throws -> PreparedBatch {
        struct Rows: Sendable {
            var plans: [[any Encodable & Sendable]] = []
            var sessions: [[any Encodable & Sendable]] = []
            var ratings: [[any Encodable & Sendable]] = []
            var outcomes: [CourseOutcomeRecord] = []
            var events: [AuditEvent] = []
        }
        var rows = Rows()
        let nowMs = now.millisecondsSince1970
        for patient in patients {
            let history = histories.next()
            let template = templates.plans[history.template]
            let start = today.adding(days: -history.startDaysAgo)
            let shift = CalendarDate.daysBetween(template.start, start)
            let bodies = try templates.bodies(shift: shift)
            let planID = ids.next()
            let planBody = Templates.join(bodies.plans[history.template], planID: planID.storedText, patientID: patient.id.storedText)
            rows.plans.append([planID.storedText, patient.id.storedText, 1, template.treatmentProtocol.id, template.treatmentProtocol.version,
                               planBody, nil as String?, "system", stamp.actorName, nowMs])
            var facts: [CourseSessionFact] = []
            for (index, session) in history.sessions.enumerated() {
                let date = start.adding(days: session.offset)
                facts.append(CourseSessionFact(date: date, state: session.state))
                rows.sessions.append([ids.next().storedText, patient.id.storedText, planID.storedText, index + 1, date.iso, session.state.rawValue,
                                      bodies.sessions[history.template][index], nowMs])
            }
            var phq9: [ScoreObservation] = []
            for rating in history.ratings {
                let date = start.adding(days: rating.offset)
                let stored = Self.scores[max(0, min(Self.scores.count - 1, rating.total))]
                phq9.append(ScoreObservation(date: date, total: stored.total))
                rows.ratings.append([ids.next().storedText, patient.id.storedText, InstrumentID.phq9.rawValue, stored.json,
                                     stored.total, date.iso, nowMs, ResponseSource.staff.rawValue, "system", "Demo loader"])
            }
            let outcome = CourseOutcome.judge(sessions: facts, plannedSessions: history.sessions.count, phq9: phq9, madrs: [],
                                              policy: .defaults)
            let keys = CourseCohortKeys(clinicID: clinicID, start: start, treatment: template.treatmentProtocol.treatment,
                                        protocolID: template.treatmentProtocol.id, diagnosis: "none", trdStage: "not-scored",
                                        ageBand: AgeBand(age: patient.registration.dateOfBirth.age(on: start)),
                                        sex: patient.registration.sexAtBirth)
            rows.outcomes.append(CourseOutcomeRecord(courseID: planID, patientID: patient.id, keys: keys, outcome: outcome))
            rows.events.append(AuditEvent(.create, entityType: "treatment_plan", entityID: planID.storedText, patientID: patient.id,
                                          summary: "demo course history: \(template.treatmentProtocol.name), \(history.sessions.count) sessions from \(start.iso), \(history.ratings.count) PHQ-9 ratings"))
        }
        let inserts = [
            BulkInsert.prepare(into: "treatment_plans", ["id", "patient_id", "version", "protocol_id", "protocol_version", "body",
                                                         "supersedes", "signed_by", "signed_by_name", "signed_at"], rows.plans),
            BulkInsert.prepare(into: "treatment_sessions", ["id", "patient_id", "plan_id", "number", "scheduled_on", "state",
                                                            "planned_dose", "updated_at"], rows.sessions),
            BulkInsert.prepare(into: "scale_responses", ["id", "patient_id", "instrument", "score", "total", "administered_on",
                                                         "recorded_at", "source", "recorded_by", "recorded_by_name"], rows.ratings),
        ] + CourseOutcomeRepository.prepareInsert(rows.outcomes, refreshedAt: nowMs)
        return PreparedBatch(inserts: inserts, events: rows.events)
    }

    /// Writes a prepared batch in one transaction, with its audit entries.
    func write(_ batch: PreparedBatch, stamp: AuditStamp) async throws {
        try await database.write { db in
            for insert in batch.inserts { try await insert.run(on: db) }
            try await AuditLog.append(batch.events, stamp: stamp, in: db)
        }
    }

    /// The stored score of each PHQ-9 total from 0 to 24, item 9 answered 0 (no suicidality alert,
    /// so 24 is the highest total), scored once: its JSON and the total the scoring gives.
    static let scores: [(json: String, total: Int)] = (0...24).compactMap { total in
        guard let score = try? InstrumentScoring.score(.phq9, answers: DemoIntakeScenarios.phq9Answers(total: total, item9: 0)),
              let json = try? StoredJSON.text(score), let scored = score.total else { return nil }
        return (json, scored)
    }
}
