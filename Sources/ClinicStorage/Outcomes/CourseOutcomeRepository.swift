import ClinicDomain
import Foundation
import SQLKit

/// The clinic outcome report's storage: keeps the derived per-course and per-dose rows up to date
/// with the plans, sessions and ratings, and answers the report with grouped queries, so a clinic
/// of 100,000 courses reaches the estimator as a few hundred rows (docs/outcomes.md).
public struct CourseOutcomeRepository: Sendable {
    let database: ClinicDatabase

    /// A repository over `database`.
    public init(database: ClinicDatabase) { self.database = database }

    /// Changes recorded up to this long before the last refresh are looked at again: a write that
    /// committed just after a refresh began, with an earlier timestamp, is not missed.
    static let refreshOverlap: Int64 = 10 * 60 * 1000

    // MARK: Refresh

    /// Judges again every patient of the clinic whose plans, sessions, ratings or chart changed
    /// since the last refresh (all of them the first time), and replaces their rows. Returns how
    /// many patients were judged.
    @discardableResult
    public func refresh(clinicID: UUID, policy: OutcomePolicy, now: Date) async throws -> Int {
        let clinic = clinicID.uuidString
        let since: Int64 = try await database.read { db in
            try await db.raw("SELECT refreshed_through FROM course_outcome_refreshes WHERE clinic_id = \(bind: clinic)")
                .first()?.decode(column: "refreshed_through", as: Int64.self) ?? Int64.min / 2
        } - Self.refreshOverlap
        let through = now.millisecondsSince1970
        // One union of the changed patients joined once to the clinic's (an OR of IN lists makes
        // PostgreSQL test every patient against every changed row: minutes on a large first refresh).
        let changed: [UUID] = try await database.read { db in
            let rows = try await db.raw("""
                SELECT DISTINCT p.id AS id FROM patients p JOIN (
                    SELECT patient_id FROM scale_responses WHERE recorded_at > \(bind: since)
                    UNION SELECT patient_id FROM treatment_sessions WHERE updated_at > \(bind: since)
                    UNION SELECT patient_id FROM treatment_plans WHERE signed_at > \(bind: since)
                    UNION SELECT patient_id FROM patient_record_items WHERE recorded_at > \(bind: since)
                ) changed ON changed.patient_id = p.id
                WHERE p.clinic_id = \(bind: clinic)
                """).all()
            return try rows.compactMap { UUID(uuidString: try $0.decode(column: "id", as: String.self)) }
        }
        let plans = TreatmentPlanRepository(database: database)
        let scales = ScaleRepository(database: database)
        let charts = SQLPatientRecordRepository(database: database)
        let screenings = ScreeningRepository(database: database)
        let people = SQLPatientRepository(database: database)
        for chunk in stride(from: 0, to: changed.count, by: 200) {
            let ids = Array(changed[chunk..<min(chunk + 200, changed.count)])
            var records: [CourseOutcomeRecord] = []
            for id in ids {
                guard let person = try await people.find(id, in: clinicID) else { continue }
                let signed = try await plans.list(patientID: id)
                guard !signed.isEmpty else { continue }
                let chart = try await charts.chart(id, in: clinicID)
                var stages: [Int: String] = [:]
                for version in Set(signed.map(\.screeningVersion)) {
                    let screening = try await screenings.find(patientID: id, version: version)
                    stages[version] = screening?.resistance.maudsley.band?.rawValue ?? "not-scored"
                }
                let patient = PatientCourses.Patient(
                    id: id, clinicID: clinicID, dateOfBirth: person.registration.dateOfBirth, sex: person.registration.sexAtBirth,
                    diagnosis: PatientCourses.diagnosisKey(chart?.record.diagnoses ?? []))
                records += PatientCourses.records(patient: patient, plans: signed, sessions: try await plans.sessions(patientID: id),
                                                  responses: try await scales.responses(patientID: id),
                                                  trdStage: { stages[$0] ?? "not-scored" }, policy: policy)
            }
            let batch = records
            try await database.write { db in try await Self.replace(patients: ids, with: batch, refreshedAt: through, in: db) }
        }
        try await database.write { db in try await Self.markRefreshed(clinicID, through: through, in: db) }
        return changed.count
    }

    /// Records that the clinic's rows are up to date through `through` (milliseconds since 1970).
    /// The mark only moves forward: the demo loader marks its bulk rows as judged a little ahead,
    /// and a refresh soon after must not pull the mark back and judge them all again.
    static func markRefreshed(_ clinicID: UUID, through: Int64, in db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO course_outcome_refreshes (clinic_id, refreshed_through) VALUES (\(bind: clinicID.uuidString), \(bind: through))
            ON CONFLICT (clinic_id) DO UPDATE SET refreshed_through = CASE
                WHEN excluded.refreshed_through > course_outcome_refreshes.refreshed_through THEN excluded.refreshed_through
                ELSE course_outcome_refreshes.refreshed_through END
            """).run()
    }

    /// Replaces the derived rows of `patients` with `records`, in the caller's transaction.
    static func replace(patients: [UUID], with records: [CourseOutcomeRecord], refreshedAt: Int64, in db: any SQLDatabase) async throws {
        for chunk in stride(from: 0, to: patients.count, by: 500) {
            let ids = patients[chunk..<min(chunk + 500, patients.count)].map(\.uuidString)
            try await db.raw("DELETE FROM course_dose_effects WHERE patient_id IN (\(binds: ids))").run()
            try await db.raw("DELETE FROM course_outcomes WHERE patient_id IN (\(binds: ids))").run()
        }
        try await insert(records, refreshedAt: refreshedAt, in: db)
    }

    static let courseColumns = ["course_id", "patient_id", "clinic_id", "start_on", "start_month", "treatment", "protocol_id",
                                "diagnosis", "trd_stage", "age_band", "sex", "exclusion", "instrument", "sessions_given", "baseline",
                                "latest", "percent_change", "waterfall_bin", "is_response", "is_remission", "reliable_change",
                                "response_days", "response_event", "sessions_to_response", "relapse_days", "relapse_event",
                                "is_dropout", "refreshed_at"]
    static let doseColumns = ["course_id", "dose_number", "patient_id", "clinic_id", "start_on", "treatment", "protocol_id",
                              "diagnosis", "trd_stage", "age_band", "sex", "days", "event"]

    /// Inserts records (multi-row statements, under both engines' bound-parameter limits).
    static func insert(_ records: [CourseOutcomeRecord], refreshedAt: Int64, in db: any SQLDatabase) async throws {
        func flag(_ value: Bool) -> Int { value ? 1 : 0 }
        var courses: [[any Encodable & Sendable]] = []
        courses.reserveCapacity(records.count)
        for record in records {
            let k = record.keys, o = record.outcome
            courses.append([
                record.courseID.uuidString, record.patientID.uuidString, k.clinicID.uuidString, k.start.iso,
                String(k.start.iso.prefix(7)), k.treatment.rawValue, k.protocolID, k.diagnosis, k.trdStage, k.ageBand.rawValue,
                k.sex.rawValue, o.exclusion?.rawValue, o.instrument?.rawValue, o.sessionsGiven, o.baseline, o.latest,
                o.percentChange, o.percentChange.map(WaterfallBin.bin), flag(o.isResponse), flag(o.isRemission),
                o.reliableChange?.rawValue, o.timeToResponse.map { Int($0.time) }, o.timeToResponse.map { flag($0.event) },
                o.sessionsToResponse, o.timeToRelapse.map { Int($0.time) }, o.timeToRelapse.map { flag($0.event) },
                flag(o.isDropout), refreshedAt,
            ])
        }
        try await BulkInsert.insert(into: "course_outcomes", courseColumns, courses, db)
        var doses: [[any Encodable & Sendable]] = []
        for record in records where record.outcome.exclusion == nil {
            let k = record.keys
            for (number, effect) in record.outcome.effects.enumerated() {
                doses.append([record.courseID.uuidString, number + 1, record.patientID.uuidString, k.clinicID.uuidString, k.start.iso,
                              k.treatment.rawValue, k.protocolID, k.diagnosis, k.trdStage, k.ageBand.rawValue, k.sex.rawValue,
                              Int(effect.time), flag(effect.event)])
            }
        }
        try await BulkInsert.insert(into: "course_dose_effects", doseColumns, doses, db)
    }

    // MARK: Report

    /// The cohort restriction shared by both derived tables.
    static func restriction(_ filter: OutcomeCohortFilter, clinicID: UUID) -> SQLQueryString {
        var clause: SQLQueryString = "clinic_id = \(bind: (filter.clinicID ?? clinicID).uuidString) AND start_on >= \(bind: filter.from.iso) AND start_on <= \(bind: filter.to.iso)"
        let columns: [(OutcomeDimension, String)] = [(.treatment, "treatment"), (.protocolID, "protocol_id"), (.diagnosis, "diagnosis"),
                                                     (.trdStage, "trd_stage"), (.ageBand, "age_band"), (.sex, "sex")]
        for (dimension, column) in columns {
            if let value = filter.restriction(dimension) { clause += " AND \(ident: column) = \(bind: value)" }
        }
        return clause
    }

    /// The stored column of a dimension.
    static func column(_ dimension: OutcomeDimension) -> String {
        switch dimension {
        case .startMonth: "start_month"
        case .treatment: "treatment"
        case .protocolID: "protocol_id"
        case .diagnosis: "diagnosis"
        case .trdStage: "trd_stage"
        case .ageBand: "age_band"
        case .sex: "sex"
        case .clinic: "clinic_id"
        }
    }

    /// The dimensions the cohort query groups by at once; `clinic` is the restriction itself.
    static let cubeDimensions: [OutcomeDimension] = [.startMonth, .treatment, .protocolID, .diagnosis, .trdStage, .ageBand, .sex]

    /// The grouped counts of the courses that match `filter` in `clinicID` (or the filter's clinic).
    ///
    /// Few large queries, the rest in memory: one `GROUP BY` over every cohort key at once (a few
    /// thousand groups at most, each cohort value's tally is then their sum), one per survival
    /// measure (time to relapse grouped by the comparison's dimension too, so the log-rank test's
    /// two cohorts need no query of their own), one for the waterfall with sessions to response,
    /// and one over the doses. Each scans the period's rows once.
    public func aggregates(_ filter: OutcomeCohortFilter, clinicID: UUID) async throws -> OutcomeAggregates {
        let restriction = Self.restriction(filter, clinicID: clinicID)
        let clinic = (filter.clinicID ?? clinicID).uuidString
        return try await database.read { db in
            var aggregates = OutcomeAggregates()
            let keys = Self.cubeDimensions.map { SQLQueryString("\(ident: Self.column($0))") }
            var select: SQLQueryString = ""
            for (index, key) in keys.enumerated() { select += (index == 0 ? "" : ", ") + key }
            let rows = try await db.raw("""
                SELECT \(select), exclusion, COUNT(*) AS courses,
                    SUM(is_response) AS responses, SUM(is_remission) AS remissions,
                    SUM(CASE WHEN reliable_change IS NULL THEN 0 ELSE 1 END) AS reliable_assessed,
                    SUM(CASE WHEN reliable_change = 'improved' THEN 1 ELSE 0 END) AS reliable_improved,
                    SUM(CASE WHEN relapse_event IS NULL THEN 0 ELSE 1 END) AS responded,
                    SUM(CASE WHEN relapse_event = 1 THEN 1 ELSE 0 END) AS relapsed,
                    SUM(CASE WHEN sessions_given > 0 AND is_dropout = 1 THEN 1 ELSE 0 END) AS dropouts
                FROM course_outcomes WHERE \(restriction)
                GROUP BY \(select), exclusion
                """).all()
            var tallies: [OutcomeDimension: [String: OutcomeTally]] = [:]
            for row in rows {
                func count(_ column: String) throws -> Int { Int(try row.decode(column: column, as: Int64?.self) ?? 0) }
                var tally = OutcomeTally()
                tally.courses = try count("courses")
                if let raw = try row.decode(column: "exclusion", as: String?.self) {
                    guard let reason = CourseExclusion(rawValue: raw) else { throw StoredDataError(what: "course exclusion \(raw)") }
                    tally.excluded[reason] = tally.courses
                } else {
                    tally.responses = try count("responses")
                    tally.remissions = try count("remissions")
                    tally.reliableAssessed = try count("reliable_assessed")
                    tally.reliableImproved = try count("reliable_improved")
                    tally.everResponded = try count("responded")
                    tally.relapsed = try count("relapsed")
                }
                tally.dropouts = try count("dropouts")
                for dimension in Self.cubeDimensions {
                    let value = try row.decode(column: Self.column(dimension), as: String.self)
                    tallies[dimension, default: [:]][value, default: OutcomeTally()].add(tally)
                }
                tallies[.clinic, default: [:]][clinic, default: OutcomeTally()].add(tally)
            }
            aggregates.tallies = tallies
            for dimension in OutcomeDimension.allCases where aggregates.tallies[dimension] == nil { aggregates.tallies[dimension] = [:] }

            func counts(_ table: [Int: (Int, Int)]) -> [SurvivalCount] {
                table.map { SurvivalCount(time: Double($0.key), events: $0.value.0, censored: $0.value.1) }.sorted { $0.time < $1.time }
            }
            func add(_ table: inout [Int: (Int, Int)], time: Int, event: Bool, n: Int) {
                var entry = table[time] ?? (0, 0)
                if event { entry.0 += n } else { entry.1 += n }
                table[time] = entry
            }
            let counted: SQLQueryString = " AND exclusion IS NULL"
            var response: [Int: (Int, Int)] = [:]
            for row in try await db.raw("""
                SELECT response_days AS days, response_event AS event, COUNT(*) AS n FROM course_outcomes
                WHERE \(restriction)\(counted) AND response_days IS NOT NULL GROUP BY response_days, response_event
                """).all() {
                add(&response, time: try row.decode(column: "days", as: Int.self), event: try row.decode(column: "event", as: Int.self) == 1,
                    n: Int(try row.decode(column: "n", as: Int64.self)))
            }
            aggregates.timeToResponse = counts(response)
            // Time to relapse, overall and in the comparison's two cohorts, from one grouped query.
            let comparison = filter.comparison
            var relapse: [Int: (Int, Int)] = [:], first: [Int: (Int, Int)] = [:], second: [Int: (Int, Int)] = [:]
            for row in try await db.raw("""
                SELECT relapse_days AS days, relapse_event AS event, \(ident: Self.column(comparison.dimension)) AS cohort, COUNT(*) AS n
                FROM course_outcomes WHERE \(restriction)\(counted) AND relapse_days IS NOT NULL
                GROUP BY relapse_days, relapse_event, \(ident: Self.column(comparison.dimension))
                """).all() {
                let time = try row.decode(column: "days", as: Int.self), event = try row.decode(column: "event", as: Int.self) == 1
                let n = Int(try row.decode(column: "n", as: Int64.self)), cohort = try row.decode(column: "cohort", as: String.self)
                add(&relapse, time: time, event: event, n: n)
                if cohort == comparison.first { add(&first, time: time, event: event, n: n) }
                if cohort == comparison.second { add(&second, time: time, event: event, n: n) }
            }
            aggregates.timeToRelapse = counts(relapse)
            aggregates.comparisonFirst = counts(first)
            aggregates.comparisonSecond = counts(second)
            var effect: [Int: (Int, Int)] = [:]
            for row in try await db.raw("""
                SELECT days, event, COUNT(*) AS n FROM course_dose_effects
                WHERE \(restriction) AND days IS NOT NULL GROUP BY days, event
                """).all() {
                add(&effect, time: try row.decode(column: "days", as: Int.self), event: try row.decode(column: "event", as: Int.self) == 1,
                    n: Int(try row.decode(column: "n", as: Int64.self)))
            }
            aggregates.durationOfEffect = counts(effect)
            for row in try await db.raw("""
                SELECT waterfall_bin AS bin, sessions_to_response AS sessions, COUNT(*) AS n FROM course_outcomes
                WHERE \(restriction)\(counted) AND (waterfall_bin IS NOT NULL OR sessions_to_response IS NOT NULL)
                GROUP BY waterfall_bin, sessions_to_response
                """).all() {
                let n = Int(try row.decode(column: "n", as: Int64.self))
                if let bin = try row.decode(column: "bin", as: Int?.self) { aggregates.waterfall[bin, default: 0] += n }
                if let sessions = try row.decode(column: "sessions", as: Int?.self) { aggregates.sessionsToResponse[sessions, default: 0] += n }
            }
            return aggregates
        }
    }

    /// The protocol ids that have courses in the clinic, with the built-in library's: what the
    /// protocol filter accepts.
    public func protocolIDs(clinicID: UUID) async throws -> [String] {
        let stored: [String] = try await database.read { db in
            try await db.raw("SELECT DISTINCT protocol_id FROM treatment_protocols WHERE clinic_id = \(bind: clinicID.uuidString)").all()
                .map { try $0.decode(column: "protocol_id", as: String.self) }
        }
        return Array(Set(stored + ProtocolLibrary.builtIn.map(\.id))).sorted()
    }
}
