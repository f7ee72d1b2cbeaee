import ClinicDomain
import Foundation

/// Fills a database with the demo clinic: realistic, synthetic and the same for the same seed.
///
/// Each capability adds its part here so that the demo always shows every feature.
public struct DemoClinicLoader: Sendable {
    /// The settings the demo clinic is given.
    /// It treats patients every day, so that "today" always has sessions in every state.
    public static let settings = ClinicSettings(
        name: "Demo Ketamine Clinic", timeZone: "America/New_York",
        jurisdiction: Jurisdiction(code: "US-NY")!, mrnPrefix: "DEMO", workingDays: Set(Weekday.allCases))

    /// The demo clinic's REMS details: an outpatient setting with its address and a designated
    /// monitoring provider, so its esketamine sessions' monitoring forms can be complete.
    public static let remsDetails = RemsSettingDetails(
        kind: .outpatient, settingName: "Demo Ketamine Clinic", address1: "100 Example Avenue", address2: "Suite 4",
        city: "New York", state: "NY", zip: "10001", telephone: "+1 212 555 0142", monitoringFirstName: "Grace",
        monitoringLastName: "Monitor", monitoringEmail: "grace.monitor@demo.example.org")

    /// What was loaded.
    public struct Summary: Sendable, Equatable {
        /// The clinic that was created or filled.
        public let clinicID: UUID
        /// Patients added by this load.
        public let patientsAdded: Int
    }

    let database: ClinicDatabase

    /// A loader writing into `database`, which must be migrated.
    public init(database: ClinicDatabase) { self.database = database }

    /// True when the database holds no patients yet: `serve --demo` loads only then.
    public func isEmpty() async throws -> Bool {
        guard let clinic = try await SQLClinicRepository(database: database).primaryClinic() else { return true }
        return try await SQLPatientRepository(database: database).count(in: clinic.id) == 0
    }

    /// Creates the demo clinic (or reuses the primary clinic, renaming it) and adds `patients`
    /// synthetic patients in batches, calling `progress(done, total)` after each batch.
    public func load(patients: Int, seed: UInt64, now: Date, networkClinics: Int = 1,
                     progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        let clinics = SQLClinicRepository(database: database)
        let stamp = AuditStamp.system("demo loader", at: now)
        var clinic = try await clinics.ensurePrimaryClinic(initial: Self.settings, now: now)
        if clinic.settings != Self.settings, try await isEmpty() {
            clinic = try await clinics.updateSettings(of: clinic.id, to: Self.settings, stamp: stamp)
        }
        let today = CalendarDate(instant: now, in: clinic.settings.resolvedTimeZone)
        // The demo's treatment room has six chairs: four taken by today's sessions, two free to seat someone.
        let sessionPolicies = SessionPolicyRepository(database: database)
        var sessionPolicy = try await sessionPolicies.policy(of: clinic.id)
        if sessionPolicy == .defaults {
            sessionPolicy.chairs = (1...6).map { "Chair \($0)" }
            try await sessionPolicies.update(sessionPolicy, of: clinic.id, stamp: stamp)
        }
        // The number patients see in the crisis panel of their questionnaire pages (555-01xx: a fictional US number).
        let safetyPolicies = SafetyPolicyRepository(database: database)
        var safetyPolicy = try await safetyPolicies.policy(of: clinic.id)
        if safetyPolicy.clinicPhone == nil {
            safetyPolicy.clinicPhone = "+1 212 555 0147"
            try await safetyPolicies.update(safetyPolicy, of: clinic.id, stamp: stamp)
        }
        // A new clinic's bulk rows go in before its tables' secondary indexes are built (see ``DeferredIndexes``).
        let fresh = try await isEmpty()
        let scenarios = try await loadScenarios(in: clinic.id, today: today, now: now, limit: patients, stamp: stamp)
        var people = DemoPatients(seed: seed, today: today)
        let repository = SQLPatientRepository(database: database)
        let batchSize = 2_000
        var done = scenarios
        progress(done, patients)
        // The outcome report's rows for the scenario patients, then course histories for the rest.
        let outcomes = CourseOutcomeRepository(database: database)
        try await outcomes.refresh(clinicID: clinic.id, policy: .defaults, now: now)
        var templates = try await historyTemplates(in: clinic.id)
        var histories = DemoCourseHistories(seed: seed, templates: templates?.offsets ?? [])
        // A network demo (PostgreSQL) shares each batch out among its clinics.
        let clinicIDs = try await demoNetworkClinics(networkClinics, primary: clinic, stamp: stamp)
        var ids = TimeOrderedUUIDs(at: now)
        // The bulk rows go into indexes far larger than the everyday cache.
        try await database.withBulkLoadSettings {
            let deferred = if fresh && done < patients {
                try await DeferredIndexes.drop(in: database)
            } else {
                DeferredIndexes(dropped: [])
            }
            // Each batch is built (patients, histories, their statements) while the one before it is
            // written: the engine's writer and the building each keep one core busy.
            var writing: Task<Void, any Error>?
            do {
                while done < patients {
                    let size = min(batchSize, patients - done)
                    let batch = (0..<size).map { _ in people.next() }
                    var shares: [(clinicID: UUID, patients: [PatientRegistration], ids: [UUID],
                                  histories: DemoOutcomeHistories.PreparedBatch?)] = []
                    for (index, clinicID) in clinicIDs.enumerated() {
                        let share = Array(batch.enumerated().filter { $0.offset % clinicIDs.count == index }.map(\.element))
                        let shareIDs = share.map { _ in ids.next() }
                        var prepared: DemoOutcomeHistories.PreparedBatch?
                        if templates != nil {
                            prepared = try DemoOutcomeHistories.prepare(Array(zip(shareIDs, share)).map { (id: $0.0, registration: $0.1) },
                                                                        clinicID: clinicID, templates: &templates!, histories: &histories,
                                                                        ids: &ids, today: today, now: now, stamp: stamp)
                        }
                        shares.append((clinicID, share, shareIDs, prepared))
                    }
                    try await writing?.value
                    if writing != nil { progress(done, patients) }
                    let database = database
                    let ready = shares
                    writing = Task {
                        for share in ready {
                            _ = try await repository.registerAll(share.patients, in: share.clinicID, stamp: stamp, ids: share.ids)
                            if let histories = share.histories { try await DemoOutcomeHistories(database: database).write(histories, stamp: stamp) }
                        }
                    }
                    done += size
                }
                try await writing?.value
                progress(done, patients)
            } catch {
                _ = try? await writing?.value
                try? await deferred.restore(in: database)
                throw error
            }
            try await deferred.restore(in: database)
        }
        if templates != nil, done > scenarios {
            // The histories' rows were judged as they were written: the next report need not judge them again.
            let through = now.millisecondsSince1970 + CourseOutcomeRepository.refreshOverlap
            // The month cube counts the bulk rows once, at the end, not batch by batch.
            for clinicID in clinicIDs {
                try await database.write { db in
                    try await CourseOutcomeRepository.rebuildCube(clinicID: clinicID, months: nil, in: db)
                    try await CourseOutcomeRepository.markRefreshed(clinicID, through: through, in: db)
                }
            }
        }
        return Summary(clinicID: clinic.id, patientsAdded: done)
    }

    /// The signed IV ketamine and esketamine plans of the demo's "Eligible" and "Esketamine"
    /// patients, which the large clinic's course histories copy; nil when they are not loaded.
    private func historyTemplates(in clinicID: UUID) async throws -> DemoOutcomeHistories.Templates? {
        let patients = SQLPatientRepository(database: database)
        let plans = TreatmentPlanRepository(database: database)
        var found: [TreatmentPlan] = []
        for family in ["Eligible", "Esketamine"] {
            guard let patient = try await patients.page(in: clinicID, matching: PatientSearch(family), after: nil, limit: 1).first,
                  let plan = try await plans.list(patientID: patient.id).last else { return nil }
            found.append(plan)
        }
        return DemoOutcomeHistories.Templates(plans: found)
    }

    /// Registers up to `limit` scenario patients with their intake records (once per clinic:
    /// none if the first is already there); returns how many were added.
    private func loadScenarios(in clinicID: UUID, today: CalendarDate, now: Date, limit: Int, stamp: AuditStamp) async throws -> Int {
        let patients = SQLPatientRepository(database: database)
        let records = SQLPatientRecordRepository(database: database)
        let scenarios = DemoIntakeScenarios.all(today: today).prefix(max(0, limit))
        if let first = scenarios.first,
           try await patients.page(in: clinicID, matching: PatientSearch("\(first.registration.familyName), \(first.registration.givenName)"),
                                   after: nil, limit: 1).isEmpty == false { return 0 }
        var planned: [String: UUID] = [:]
        for scenario in scenarios {
            let patient = try await patients.register(scenario.registration, in: clinicID, stamp: stamp)
            for item in scenario.items { _ = try await records.add(item, to: patient.id, stamp: stamp) }
            if let course = DemoIntakeScenarios.plannedCourses.first(where: { $0.familyName == scenario.registration.familyName }) {
                try await planCourse(course, patientID: patient.id, clinicID: clinicID, today: today, stamp: stamp)
                planned[course.familyName] = patient.id
            }
        }
        try await RemsRepository(database: database).updateSettingDetails(Self.remsDetails, of: clinicID, stamp: stamp)
        try await DemoSessions(database: database).load(patients: planned, today: today, now: now)
        try await DemoBilling(database: database).load(clinicID: clinicID, patients: planned, today: today, stamp: stamp)
        return scenarios.count
    }

    /// Signs a screening (acknowledging its cautions) and a treatment plan starting today, as a
    /// prescriber would, so the demo has courses with scheduled sessions, and records the story's
    /// PHQ-9 history. With `history`, the plan has that many sessions from that many days ago at
    /// those frequencies (one per phase) instead, and the caller records the ratings.
    func planCourse(_ course: DemoIntakeScenarios.PlannedCourse, patientID: UUID, clinicID: UUID, today: CalendarDate, stamp: AuditStamp,
                    history: (sessions: Int, startDaysAgo: Int, frequencies: [CourseFrequency])? = nil) async throws {
        let protocolID = course.protocolID, target = course.target, sessions = history?.sessions ?? course.sessions
        let start = today.adding(days: -(history?.startDaysAgo ?? course.startDaysAgo))
        let frequencies = history?.frequencies ?? []
        let records = SQLPatientRecordRepository(database: database)
        guard let clinic = try await SQLClinicRepository(database: database).primaryClinic(),
              let chart = try await records.chart(patientID, in: clinicID),
              let treatmentProtocol = ProtocolLibrary.builtIn(id: protocolID) else { return }
        let record = chart.record
        let result = ScreeningEngine.evaluate(record, policy: .defaults, resistancePolicy: .defaults,
                                              jurisdiction: clinic.settings.jurisdiction, today: today)
        let review = ScreeningReview(acknowledgements: result.treatments.flatMap { screening in
            screening.findings(.caution).map { ScreeningReview.Acknowledgement(treatment: screening.treatment, ruleID: $0.ruleID) }
        })
        let resistance = TreatmentResistanceCalculator.assess(trials: record.trials, episode: record.currentEpisode,
                                                              policy: .defaults, today: today)
        let screening = try await ScreeningRepository(database: database).sign(
            patientID: patientID, record: record, recordRevision: chart.revision, result: result, review: review,
            resistance: resistance, stamp: stamp)
        let request = TreatmentPlanRequest(protocolID: protocolID, start: start, sessionCount: sessions, frequencies: frequencies,
                                           target: target, note: "Demo course")
        // The demo's course began before its first day, so the review is made as of the start.
        let planReview = TreatmentPlanReview(request, protocol: treatmentProtocol, patient: PlanPatient(record: record, on: start),
                                             screening: screening, recordRevision: chart.revision, today: start,
                                             workingDays: clinic.settings.workingDays)
        guard planReview.isReadyToSign else {
            throw StoredDataError(what: "demo plan for \(record.registration.familyName): "
                                  + planReview.errors.entries.map(\.message).joined(separator: " "))
        }
        let plan = try await TreatmentPlanRepository(database: database).sign(
            patientID: patientID, recordRevision: chart.revision, request: request, review: planReview,
            screeningVersion: screening.version, stamp: stamp)
        if history == nil { try await recordScores(course.story, plan: plan, patientID: patientID, today: today, stamp: stamp) }
    }

    /// The PHQ-9 history of a demo story, around the plan's sessions up to today: staff-entered,
    /// except the last one, which comes from a self-report (and may raise the demo's open alert).
    private func recordScores(_ story: DemoIntakeScenarios.ScoreStory, plan: TreatmentPlan, patientID: UUID, today: CalendarDate,
                              stamp: AuditStamp) async throws {
        let phases = plan.treatmentProtocol.schedule.phases
        let sessions = plan.sessions.map { session in
            (date: session.date, isMaintenance: phases.first { $0.name == session.phaseName }?.kind == .maintenance)
        }
        let history = DemoIntakeScenarios.phq9History(story, sessions: sessions, today: today)
        var responses: [ScaleResponse] = []
        for (index, point) in history.enumerated() {
            let score = try InstrumentScoring.score(.phq9, answers: DemoIntakeScenarios.phq9Answers(total: point.total, item9: point.item9))
            responses.append(ScaleResponse(id: UUID.random(), patientID: patientID, score: score, administeredOn: point.date, recordedAt: stamp.at,
                                           source: index == history.count - 1 ? .selfReport : .staff, recordedByName: "Demo loader"))
        }
        try await ScaleRepository(database: database).record(responses, stamp: stamp)
    }
}
