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
        // Each source table's changed rows from its own time index, then the clinic's patients
        // among them by primary key: plans every SQLite and PostgreSQL version makes alike. No
        // DISTINCT in SQL: SQLite 3.54 then prefers an index already in patient order and walks
        // every row of the table (half a million page reads on the 100,000-patient demo, for no
        // change at all); the set dedupes instead. An OR of IN lists made PostgreSQL test every
        // patient against every changed row.
        let changed: [UUID] = try await database.read { db in
            var candidates = Set<String>()
            for (table, column) in [("scale_responses", "recorded_at"), ("treatment_sessions", "updated_at"),
                                    ("treatment_plans", "signed_at"), ("patient_record_items", "recorded_at")] {
                for row in try await db.raw("SELECT patient_id FROM \(ident: table) WHERE \(ident: column) > \(bind: since)").all() {
                    candidates.insert(try row.decode(column: "patient_id", as: String.self))
                }
            }
            let sorted = candidates.sorted()
            var ids: [UUID] = []
            for chunk in stride(from: 0, to: sorted.count, by: 500) {
                let part = Array(sorted[chunk..<min(chunk + 500, sorted.count)])
                for row in try await db.raw("SELECT id FROM patients WHERE clinic_id = \(bind: clinic) AND id IN (\(binds: part)) ORDER BY id").all() {
                    if let id = UUID(uuidString: try row.decode(column: "id", as: String.self)) { ids.append(id) }
                }
            }
            return ids
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
    /// The month cube is rebuilt for every month whose rows changed, before and after.
    static func replace(patients: [UUID], with records: [CourseOutcomeRecord], refreshedAt: Int64, in db: any SQLDatabase) async throws {
        var touched: [UUID: Set<String>] = [:]
        for chunk in stride(from: 0, to: patients.count, by: 500) {
            let ids = patients[chunk..<min(chunk + 500, patients.count)].map(\.uuidString)
            for row in try await db.raw("SELECT DISTINCT clinic_id, start_month FROM course_outcomes WHERE patient_id IN (\(binds: ids))").all() {
                guard let clinic = UUID(uuidString: try row.decode(column: "clinic_id", as: String.self)) else { continue }
                touched[clinic, default: []].insert(try row.decode(column: "start_month", as: String.self))
            }
            try await db.raw("DELETE FROM course_dose_effects WHERE patient_id IN (\(binds: ids))").run()
            try await db.raw("DELETE FROM course_outcomes WHERE patient_id IN (\(binds: ids))").run()
        }
        try await insert(records, refreshedAt: refreshedAt, in: db)
        for record in records { touched[record.keys.clinicID, default: []].insert(OutcomeSpan.month(of: record.keys.start)) }
        for (clinic, months) in touched { try await rebuildCube(clinicID: clinic, months: months, in: db) }
    }

    /// Counts the clinic's derived rows of `months` (every month when nil) into the month cube
    /// again, in the caller's transaction.
    static func rebuildCube(clinicID: UUID, months: Set<String>?, in db: any SQLDatabase) async throws {
        // Both values are the product's own: a UUID's text and "YYYY-MM" months checked here.
        let clinic = "clinic_id = '\(clinicID.uuidString)'"
        guard let months else {
            for table in ["course_outcome_cube", "course_outcome_counts"] {
                try await db.raw("DELETE FROM \(ident: table) WHERE \(unsafeRaw: clinic)").run()
            }
            for statement in CourseOutcomeCubeSQL.rebuild(where: clinic) { try await db.raw("\(unsafeRaw: statement)").run() }
            return
        }
        guard months.allSatisfy({ OutcomeSpan.isMonth($0) }) else { throw StoredDataError(what: "outcome cube months \(months.sorted())") }
        // Month by month, each a range of the (clinic_id, start_on) indexes: a month of a large
        // clinic is a few thousand rows.
        for month in months.sorted() {
            for table in ["course_outcome_cube", "course_outcome_counts"] {
                try await db.raw("DELETE FROM \(ident: table) WHERE \(unsafeRaw: clinic) AND start_month = \(bind: month)").run()
            }
            let condition = "\(clinic) AND start_on >= '\(month)-01' AND start_on <= '\(month)-31'"
            for statement in CourseOutcomeCubeSQL.rebuild(where: condition) { try await db.raw("\(unsafeRaw: statement)").run() }
        }
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
        for prepared in prepareInsert(records, refreshedAt: refreshedAt) { try await prepared.run(on: db) }
    }

    /// The statements of ``insert(_:refreshedAt:in:)``, made ready outside the transaction.
    static func prepareInsert(_ records: [CourseOutcomeRecord], refreshedAt: Int64) -> [BulkInsert.Prepared] {
        func flag(_ value: Bool) -> Int { value ? 1 : 0 }
        var courses: [[any Encodable & Sendable]] = []
        courses.reserveCapacity(records.count)
        for record in records {
            let k = record.keys, o = record.outcome
            courses.append([
                record.courseID.storedText, record.patientID.storedText, k.clinicID.storedText, k.start.iso,
                String(k.start.iso.prefix(7)), k.treatment.rawValue, k.protocolID, k.diagnosis, k.trdStage, k.ageBand.rawValue,
                k.sex.rawValue, o.exclusion?.rawValue, o.instrument?.rawValue, o.sessionsGiven, o.baseline, o.latest,
                o.percentChange, o.percentChange.map(WaterfallBin.bin), flag(o.isResponse), flag(o.isRemission),
                o.reliableChange?.rawValue, o.timeToResponse.map { Int($0.time) }, o.timeToResponse.map { flag($0.event) },
                o.sessionsToResponse, o.timeToRelapse.map { Int($0.time) }, o.timeToRelapse.map { flag($0.event) },
                flag(o.isDropout), refreshedAt,
            ])
        }
        let coursesInsert = BulkInsert.prepare(into: "course_outcomes", courseColumns, courses)
        var doses: [[any Encodable & Sendable]] = []
        for record in records where record.outcome.exclusion == nil {
            let k = record.keys
            for (number, effect) in record.outcome.effects.enumerated() {
                doses.append([record.courseID.storedText, number + 1, record.patientID.storedText, k.clinicID.storedText, k.start.iso,
                              k.treatment.rawValue, k.protocolID, k.diagnosis, k.trdStage, k.ageBand.rawValue, k.sex.rawValue,
                              Int(effect.time), flag(effect.event)])
            }
        }
        return [coursesInsert, BulkInsert.prepare(into: "course_dose_effects", doseColumns, doses)]
    }

    // MARK: Report

    /// The cohort restriction shared by the derived tables and the cube: the clinic, a span of
    /// days (`start_on`) or of whole months (`start_month`), and the filter's cohort keys.
    static func restriction(_ filter: OutcomeCohortFilter, clinic: String, span: OutcomeSpan) -> SQLQueryString {
        var clause: SQLQueryString
        switch span {
        case .days(let from, let to):
            clause = "clinic_id = \(bind: clinic) AND start_on >= \(bind: from.iso) AND start_on <= \(bind: to.iso)"
        case .months(let from, let to):
            clause = "clinic_id = \(bind: clinic) AND start_month >= \(bind: from) AND start_month <= \(bind: to)"
        }
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
    /// The whole months of the period come from the month cube (a few thousand rows however large
    /// the clinic), the days before the first and after the last whole month from the derived rows
    /// themselves; the parts are added up. Each part is a few grouped queries: one over every
    /// cohort key at once (each cohort value's tally is then the sum of its groups), one per
    /// survival measure (time to relapse grouped by the comparison's dimension too, so the log-rank
    /// test's two cohorts need no query of their own), one for the waterfall with sessions to
    /// response, and one over the doses.
    public func aggregates(_ filter: OutcomeCohortFilter, clinicID: UUID) async throws -> OutcomeAggregates {
        let clinic = (filter.clinicID ?? clinicID).uuidString
        return try await database.read { db in
            var aggregates = OutcomeAggregates()
            for span in OutcomeSpan.split(from: filter.from, to: filter.to) {
                aggregates.add(try await Self.aggregates(filter, clinic: clinic, span: span, db))
            }
            for dimension in OutcomeDimension.allCases where aggregates.tallies[dimension] == nil { aggregates.tallies[dimension] = [:] }
            return aggregates
        }
    }

    /// One span's counts: from the cube for whole months, from the derived rows for days.
    static func aggregates(_ filter: OutcomeCohortFilter, clinic: String, span: OutcomeSpan, _ db: any SQLDatabase) async throws -> OutcomeAggregates {
        let restriction = Self.restriction(filter, clinic: clinic, span: span)
        let fromCube: Bool
        if case .months = span { fromCube = true } else { fromCube = false }
        var aggregates = OutcomeAggregates()
        let keys = Self.cubeDimensions.map { SQLQueryString("\(ident: Self.column($0))") }
        var select: SQLQueryString = ""
        for (index, key) in keys.enumerated() { select += (index == 0 ? "" : ", ") + key }
        let measures: SQLQueryString = fromCube
            ? """
              SUM(courses) AS courses, SUM(responses) AS responses, SUM(remissions) AS remissions,
              SUM(reliable_assessed) AS reliable_assessed, SUM(reliable_improved) AS reliable_improved,
              SUM(responded) AS responded, SUM(relapsed) AS relapsed, SUM(dropouts) AS dropouts
              FROM course_outcome_cube
              """
            : """
              COUNT(*) AS courses, SUM(is_response) AS responses, SUM(is_remission) AS remissions,
              SUM(CASE WHEN reliable_change IS NULL THEN 0 ELSE 1 END) AS reliable_assessed,
              SUM(CASE WHEN reliable_change = 'improved' THEN 1 ELSE 0 END) AS reliable_improved,
              SUM(CASE WHEN relapse_event IS NULL THEN 0 ELSE 1 END) AS responded,
              SUM(CASE WHEN relapse_event = 1 THEN 1 ELSE 0 END) AS relapsed,
              SUM(CASE WHEN sessions_given > 0 AND is_dropout = 1 THEN 1 ELSE 0 END) AS dropouts
              FROM course_outcomes
              """
        let rows = try await db.raw("SELECT \(select), exclusion, \(measures) WHERE \(restriction) GROUP BY \(select), exclusion").all()
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

        /// The grouped (time, event, n) rows of one measure: the cube's counts or the derived rows'.
        func timed(_ measure: String, courses: SQLQueryString, cohort: String? = nil) async throws -> [(time: Int, event: Bool, n: Int, cohort: String?)] {
            let cohortColumn: SQLQueryString = cohort.map { ", \(ident: $0) AS cohort" } ?? ""
            let cohortGroup: SQLQueryString = cohort.map { ", \(ident: $0)" } ?? ""
            let query: SQLQueryString = fromCube
                ? "SELECT value AS days, event, SUM(n) AS n\(cohortColumn) FROM course_outcome_counts WHERE \(restriction) AND measure = \(bind: measure) GROUP BY value, event\(cohortGroup)"
                : courses
            return try await db.raw(query).all().map { row in
                (try row.decode(column: "days", as: Int.self), try row.decode(column: "event", as: Int.self) == 1,
                 Int(try row.decode(column: "n", as: Int64.self)), cohort == nil ? nil : try row.decode(column: "cohort", as: String.self))
            }
        }
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
        for row in try await timed("response", courses: """
            SELECT response_days AS days, response_event AS event, COUNT(*) AS n FROM course_outcomes
            WHERE \(restriction)\(counted) AND response_days IS NOT NULL GROUP BY response_days, response_event
            """) {
            add(&response, time: row.time, event: row.event, n: row.n)
        }
        aggregates.timeToResponse = counts(response)
        // Time to relapse, overall and in the comparison's two cohorts, from one grouped query.
        let comparison = filter.comparison
        let cohortColumn = Self.column(comparison.dimension)
        var relapse: [Int: (Int, Int)] = [:], first: [Int: (Int, Int)] = [:], second: [Int: (Int, Int)] = [:]
        for row in try await timed("relapse", courses: """
            SELECT relapse_days AS days, relapse_event AS event, \(ident: cohortColumn) AS cohort, COUNT(*) AS n
            FROM course_outcomes WHERE \(restriction)\(counted) AND relapse_days IS NOT NULL
            GROUP BY relapse_days, relapse_event, \(ident: cohortColumn)
            """, cohort: cohortColumn) {
            add(&relapse, time: row.time, event: row.event, n: row.n)
            if row.cohort == comparison.first { add(&first, time: row.time, event: row.event, n: row.n) }
            if row.cohort == comparison.second { add(&second, time: row.time, event: row.event, n: row.n) }
        }
        aggregates.timeToRelapse = counts(relapse)
        aggregates.comparisonFirst = counts(first)
        aggregates.comparisonSecond = counts(second)
        var effect: [Int: (Int, Int)] = [:]
        for row in try await timed("dose", courses: """
            SELECT days, event, COUNT(*) AS n FROM course_dose_effects
            WHERE \(restriction) AND days IS NOT NULL GROUP BY days, event
            """) {
            add(&effect, time: row.time, event: row.event, n: row.n)
        }
        aggregates.durationOfEffect = counts(effect)
        if fromCube {
            for row in try await db.raw("""
                SELECT measure, value, SUM(n) AS n FROM course_outcome_counts
                WHERE \(restriction) AND measure IN ('waterfall', 'sessions') GROUP BY measure, value
                """).all() {
                let value = try row.decode(column: "value", as: Int.self), n = Int(try row.decode(column: "n", as: Int64.self))
                if try row.decode(column: "measure", as: String.self) == "waterfall" {
                    aggregates.waterfall[value, default: 0] += n
                } else {
                    aggregates.sessionsToResponse[value, default: 0] += n
                }
            }
        } else {
            for row in try await db.raw("""
                SELECT waterfall_bin AS bin, sessions_to_response AS sessions, COUNT(*) AS n FROM course_outcomes
                WHERE \(restriction)\(counted) AND (waterfall_bin IS NOT NULL OR sessions_to_response IS NOT NULL)
                GROUP BY waterfall_bin, sessions_to_response
                """).all() {
                let n = Int(try row.decode(column: "n", as: Int64.self))
                if let bin = try row.decode(column: "bin", as: Int?.self) { aggregates.waterfall[bin, default: 0] += n }
                if let sessions = try row.decode(column: "sessions", as: Int?.self) { aggregates.sessionsToResponse[sessions, default: 0] += n }
            }
        }
        return aggregates
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
