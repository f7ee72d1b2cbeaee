import ClinicDomain
import Foundation
import SQLKit

/// A session's vital signs read by the database rather than row by row: the summary, the series at
/// the charting interval and the raw stream in pages. A gateway posting every second leaves
/// thousands of readings per session; the session page and the API read a few dozen rows instead.
/// The rules are those of `VitalSeries` (the tests compare the two): current readings only (a
/// corrected reading gives way to its correction; a struck one, all values empty, is left out);
/// each interval's point carries the latest value of each measure in it; a reading that raised an
/// alert is a point of its own.
extension SessionRecordRepository {
    /// The overview of `sessionID`'s vital signs at `intervalSeconds` (1 to 3,600), with at most
    /// `unlisted` of the latest readings the flowsheet does not list.
    public func vitalsOverview(of sessionID: UUID, intervalSeconds: Int, unlisted: Int = 60) async throws -> VitalSeries.Overview {
        let width = Int64(min(max(intervalSeconds, 1), 3_600)) * 1_000
        let session = sessionID.uuidString
        let limit = min(max(unlisted, 0), 1_000)
        let cache = database.resultCache
        return try await database.read { db in
            let lookups = try await Self.rowLookups(session, db)
            let key = "vitals-overview \(session) \(width) \(limit)"
            if let kept = cache.value(key, mark: lookups.mark, as: VitalSeries.Overview.self) { return kept }
            let current: SQLQueryString = """
                v.session_id = \(bind: session) AND NOT \(lookups.corrected("v"))
                AND (v.systolic IS NOT NULL OR v.diastolic IS NOT NULL OR v.heart_rate IS NOT NULL OR v.oxygen_saturation IS NOT NULL
                     OR v.respiratory_rate IS NOT NULL OR v.temperature_decicelsius IS NOT NULL)
                """
            let alerted = lookups.alerted("v")
            let measures = ["systolic", "diastolic", "heart_rate", "oxygen_saturation", "respiratory_rate"]

            // The summary: one row of aggregates, and the latest value of each measure.
            let aggregates = measures.map { "MIN(v.\($0)) AS \($0)_min, MAX(v.\($0)) AS \($0)_max, COUNT(v.\($0)) AS \($0)_n" }
                .joined(separator: ", ")
            let summaryQuery: SQLQueryString = """
                SELECT COUNT(*) AS n, MIN(v.taken_at) AS first_at, MAX(v.taken_at) AS last_at, \(unsafeRaw: aggregates)
                FROM session_vitals v WHERE \(current)
                """
            guard let row = try await db.raw(summaryQuery).first() else {
                throw StoredDataError(what: "vital-sign summary of session \(sessionID)")
            }
            var summaries: [String: VitalSeries.MeasureSummary] = [:]
            for measure in measures {
                let count = Int(try row.decode(column: "\(measure)_n", as: Int64.self))
                let lastQuery: SQLQueryString = """
                    SELECT v.\(unsafeRaw: measure) AS value FROM session_vitals v WHERE \(current) AND v.\(unsafeRaw: measure) IS NOT NULL
                    ORDER BY v.taken_at DESC LIMIT 1
                    """
                guard count > 0, let low = try row.decode(column: "\(measure)_min", as: Int?.self),
                      let high = try row.decode(column: "\(measure)_max", as: Int?.self),
                      let last = try await db.raw(lastQuery).first()?.decode(column: "value", as: Int?.self) else { continue }
                summaries[measure] = VitalSeries.MeasureSummary(min: low, max: high, last: last, count: count)
            }
            let total = Int(try row.decode(column: "n", as: Int64.self))
            let summary = VitalSeries.Summary(
                count: total, first: try row.decode(column: "first_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
                last: try row.decode(column: "last_at", as: Int64?.self).map(Date.init(millisecondsSince1970:)),
                systolic: summaries["systolic"], diastolic: summaries["diastolic"], heartRate: summaries["heart_rate"],
                oxygenSaturation: summaries["oxygen_saturation"], respiratoryRate: summaries["respiratory_rate"])

            // The series: per interval, the count, the latest time, and the time of the latest reading of
            // each measure, whose value one indexed lookup then reads (alerting readings apart).
            let all = measures + ["temperature_decicelsius"]
            let latestTimes = all.map { "MAX(CASE WHEN v.\($0) IS NOT NULL THEN v.taken_at END) AS \($0)_at" }.joined(separator: ", ")
            var bucketQuery: SQLQueryString = "SELECT g.bucket AS bucket, g.n AS n, g.last_at AS last_at"
            for measure in all {
                bucketQuery = bucketQuery + """
                    , (SELECT x.\(unsafeRaw: measure) FROM session_vitals x WHERE x.session_id = \(bind: session) AND x.taken_at = g.\(unsafeRaw: measure)_at
                       AND x.\(unsafeRaw: measure) IS NOT NULL AND NOT \(lookups.corrected("x"))
                       AND NOT \(lookups.alerted("x")) ORDER BY x.recorded_at DESC LIMIT 1) AS \(unsafeRaw: measure)
                    """
            }
            bucketQuery = bucketQuery + """
                 FROM (SELECT v.taken_at / \(unsafeRaw: String(width)) AS bucket, COUNT(*) AS n, MAX(v.taken_at) AS last_at, \(unsafeRaw: latestTimes)
                       FROM session_vitals v WHERE \(current) AND NOT \(alerted) GROUP BY v.taken_at / \(unsafeRaw: String(width))) g
                ORDER BY g.bucket
                """
            let buckets = try await db.raw(bucketQuery).all()
            var points: [VitalSeries.Point] = try buckets.map { row in
                let bucket = try row.decode(column: "bucket", as: Int64.self)
                return VitalSeries.Point(
                    takenAt: Date(millisecondsSince1970: try row.decode(column: "last_at", as: Int64.self)),
                    intervalStart: Date(millisecondsSince1970: bucket * width), values: try Self.values(row),
                    readings: Int(try row.decode(column: "n", as: Int64.self)), alerted: false)
            }
            let alertQuery: SQLQueryString = "SELECT * FROM session_vitals v WHERE \(current) AND \(alerted) ORDER BY v.taken_at"
            let alerts = try await db.raw(alertQuery).all().map(SessionEntryCoding.reading)
            points += alerts.map { reading in
                let start = Int64(reading.takenAt.millisecondsSince1970) / width * width
                return VitalSeries.Point(takenAt: reading.takenAt, intervalStart: Date(millisecondsSince1970: start), values: reading.values,
                                         readings: 1, alerted: true)
            }
            points.sort { ($0.takenAt, $0.alerted ? 1 : 0) < ($1.takenAt, $1.alerted ? 1 : 0) }

            // The raw count, and the latest readings the flowsheet leaves out (see `record(_:_:monitorSummary:)`).
            let stored = Int(try await db.raw("SELECT COUNT(*) AS n FROM session_vitals WHERE session_id = \(bind: session)").first()?
                .decode(column: "n", as: Int64.self) ?? 0)
            let unlistedQuery: SQLQueryString = """
                SELECT * FROM session_vitals v WHERE v.session_id = \(bind: session) AND NOT (
                    v.systolic IS NOT NULL OR v.diastolic IS NOT NULL OR v.source = 'nurse' OR v.amends IS NOT NULL
                    OR \(lookups.corrected("v")) OR \(alerted)
                    OR v.taken_at = (SELECT MAX(m.taken_at) FROM session_vitals m WHERE m.session_id = \(bind: session)))
                ORDER BY v.taken_at DESC LIMIT \(unsafeRaw: String(limit))
                """
            let unlistedRows = limit == 0 ? [] : try await db.raw(unlistedQuery).all().map(SessionEntryCoding.reading)
            let overview = VitalSeries.Overview(summary: summary, series: points, stored: stored, latestUnlisted: unlistedRows)
            cache.store(overview, key: key, mark: lookups.mark)
            return overview
        }
    }

    /// Every stored reading of `sessionID` (corrections and struck readings included) in the order
    /// taken, `limit` from `offset`, and how many there are.
    public func rawReadings(of sessionID: UUID, offset: Int, limit: Int) async throws -> (total: Int, readings: [StoredVitalReading]) {
        let session = sessionID.uuidString
        return try await database.read { db in
            let total = Int(try await db.raw("SELECT COUNT(*) AS n FROM session_vitals WHERE session_id = \(bind: session)").first()?
                .decode(column: "n", as: Int64.self) ?? 0)
            let rows = try await db.raw("""
                SELECT * FROM session_vitals WHERE session_id = \(bind: session) ORDER BY taken_at, recorded_at, id
                LIMIT \(unsafeRaw: String(max(0, limit))) OFFSET \(unsafeRaw: String(max(0, offset)))
                """).all().map(SessionEntryCoding.reading)
            return (total, rows)
        }
    }

    /// The per-row conditions "a correction replaces this reading" and "this reading raised an
    /// alert" for the readings of `session`, and how many readings and alerts it has (the mark
    /// under which ``AppendOnlyResultCache`` keeps what is computed from them). Most sessions have
    /// neither a correction nor an alert (a correction and an alert always belong to their
    /// reading's session): then both conditions are false for every row, written as such, and a
    /// pass over a 1 Hz stream's thousands of readings no longer looks each one up twice. One
    /// indexed query per request decides.
    /// Without `countingReadings` (nothing will be kept, as inside a write) the readings are not
    /// counted and the mark's first count is -1: counting a 1 Hz stream's thousands of index
    /// entries is work a write need not do.
    static func rowLookups(_ session: String, _ db: any SQLDatabase, countingReadings: Bool = true) async throws
        -> (corrected: (String) -> SQLQueryString, alerted: (String) -> SQLQueryString, mark: [Int64]) {
        let readingsCount: SQLQueryString = countingReadings
            ? "(SELECT COUNT(*) FROM session_vitals WHERE session_id = \(bind: session))" : "-1"
        let row = try await db.raw("""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM session_vitals WHERE session_id = \(bind: session) AND amends IS NOT NULL)
                        THEN 1 ELSE 0 END AS corrected,
                   \(readingsCount) AS readings,
                   (SELECT COUNT(*) FROM session_alerts WHERE session_id = \(bind: session)) AS alerts
            """).first()
        let corrected = try row?.decode(column: "corrected", as: Int.self) ?? 1
        let readings = try row?.decode(column: "readings", as: Int64.self) ?? -1
        let alerts = try row?.decode(column: "alerts", as: Int64.self) ?? -1
        return (corrected: { alias in
                    corrected == 0 ? "(1 = 0)" : "EXISTS (SELECT 1 FROM session_vitals c WHERE c.amends = \(unsafeRaw: alias).id)"
                },
                alerted: { alias in
                    alerts == 0 ? "(1 = 0)" : "EXISTS (SELECT 1 FROM session_alerts a WHERE a.vital_id = \(unsafeRaw: alias).id)"
                },
                mark: [readings, alerts])
    }

    private static func values(_ row: any SQLRow) throws -> VitalReading {
        VitalReading(systolic: try row.decode(column: "systolic", as: Int?.self), diastolic: try row.decode(column: "diastolic", as: Int?.self),
                     heartRate: try row.decode(column: "heart_rate", as: Int?.self),
                     oxygenSaturation: try row.decode(column: "oxygen_saturation", as: Int?.self),
                     respiratoryRate: try row.decode(column: "respiratory_rate", as: Int?.self),
                     temperatureCelsius: try row.decode(column: "temperature_decicelsius", as: Int?.self).map { Double($0) / 10 })
    }
}
