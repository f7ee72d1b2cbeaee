import ClinicDomain
import Foundation

extension DemoClinicLoader {
    /// What ``addChartHistoryPatient(sessions:now:)`` added.
    public struct ChartHistory: Sendable {
        /// The patient.
        public let patientID: UUID
        /// The closed sessions, oldest first.
        public let sessionIDs: [UUID]
        /// Monitor readings stored across the sessions.
        public let readings: Int
        /// PHQ-9 ratings stored.
        public let ratings: Int
    }

    /// Adds one patient ("Twoyear, Chart") with two years of history, for load tests of the chart and
    /// session pages (bench/chart_page.py): a weekly PHQ-9 for the last 104 weeks and an IV ketamine
    /// course that began two years ago, six induction infusions then boosters every three weeks,
    /// its `sessions` past sessions each closed with a 1 Hz monitor stream from check-in to discharge.
    public func addChartHistoryPatient(sessions: Int, now: Date) async throws -> ChartHistory {
        let clinics = SQLClinicRepository(database: database)
        guard let clinic = try await clinics.primaryClinic() else { throw StoredDataError(what: "clinic") }
        let today = CalendarDate(instant: now, in: clinic.settings.resolvedTimeZone)
        let stamp = AuditStamp.system("demo loader", at: now)
        let patients = SQLPatientRepository(database: database)
        let records = SQLPatientRecordRepository(database: database)
        let (scenario, course) = DemoIntakeScenarios.loadTestPatient(1, today: today)
        var registration = scenario.registration
        registration.givenName = "Chart"
        registration.familyName = "Twoyear"
        let patient = try await patients.register(registration, in: clinic.id, stamp: stamp)
        for item in scenario.items { _ = try await records.add(item, to: patient.id, stamp: stamp) }
        // Six infusions at three a week, then a booster every three weeks: 40 sessions span two years.
        let weeks = 104
        try await planCourse(course, patientID: patient.id, clinicID: clinic.id, today: today, stamp: stamp,
                             history: (sessions: min(max(1, sessions), TreatmentPlanReview.maximumSessions), startDaysAgo: weeks * 7,
                                       frequencies: [.perWeek(3), .everyWeeks(3)]))
        let past = try await TreatmentPlanRepository(database: database).sessions(patientID: patient.id)
            .filter { $0.state == .scheduled && $0.date < today }.sorted { $0.number < $1.number }
        let zone = clinic.settings.resolvedTimeZone
        var readings = 0
        for session in past {
            // The last of the demo's six chairs: today's sessions sit in the first four.
            readings += try await DemoSessions(database: database).streamedInfusion(
                session, checkIn: session.date.startInstant(in: zone).addingTimeInterval(9 * 3600), chair: "Chair 6")
        }
        // A weekly PHQ-9: severe at the start, improving through the induction, then holding with
        // small swings between boosters.
        var responses: [ScaleResponse] = []
        for week in 0...weeks {
            let day = today.adding(days: -(weeks - week) * 7)
            let total = week < 4 ? [21, 15, 11, 8][week] : 6 + (week * 7) % 5
            let score = try InstrumentScoring.score(.phq9, answers: DemoIntakeScenarios.phq9Answers(total: total, item9: 0))
            responses.append(ScaleResponse(id: UUID.random(), patientID: patient.id, score: score, administeredOn: day, recordedAt: now,
                                           source: .staff, recordedByName: "Demo loader"))
        }
        _ = try await ScaleRepository(database: database).record(responses, stamp: stamp)
        return ChartHistory(patientID: patient.id, sessionIDs: past.map(\.id), readings: readings, ratings: responses.count)
    }
}
