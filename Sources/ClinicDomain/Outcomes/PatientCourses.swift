import Foundation

/// Turns one patient's signed plans, sessions and ratings into course outcome records: the step
/// between the chart and the clinic's outcome report.
public enum PatientCourses {
    /// What the report needs to know about the patient beyond the plans.
    public struct Patient: Equatable, Sendable {
        /// The patient.
        public let id: UUID
        /// The clinic.
        public let clinicID: UUID
        /// Date of birth, for the age band at the course start.
        public let dateOfBirth: CalendarDate
        /// Sex at birth.
        public let sex: SexAtBirth
        /// The ICD-10 family of the first diagnosis on the chart, or "none".
        public let diagnosis: String

        /// A patient.
        public init(id: UUID, clinicID: UUID, dateOfBirth: CalendarDate, sex: SexAtBirth, diagnosis: String) {
            self.id = id
            self.clinicID = clinicID
            self.dateOfBirth = dateOfBirth
            self.sex = sex
            self.diagnosis = diagnosis
        }
    }

    /// The diagnosis key for a chart's diagnoses: the family of the first one KetaClinic accepts.
    public static func diagnosisKey(_ diagnoses: [Diagnosis]) -> String {
        diagnoses.lazy.compactMap { Diagnosis.family(of: $0.icd10)?.rawValue }.first ?? "none"
    }

    /// One record per course. A course is a first plan with the plans that superseded it (a new
    /// dose, a changed schedule): its id is the first plan's, it starts on that plan's start, its
    /// sessions are all of theirs, and its planned count is the sessions given under earlier plans
    /// plus the latest plan's. Ratings belong to a course from the baseline window before its
    /// start up to the next course's start.
    ///
    /// - Parameter trdStage: the Maudsley band at the screening a plan relied on, by screening
    ///   version, or "not-scored".
    public static func records(patient: Patient, plans: [TreatmentPlan], sessions: [ScheduledSession], responses: [ScaleResponse],
                               trdStage: (Int) -> String, policy: OutcomePolicy) -> [CourseOutcomeRecord] {
        let sorted = plans.sorted { $0.version < $1.version }
        var rootOf: [UUID: UUID] = [:]
        var chains: [(root: TreatmentPlan, plans: [TreatmentPlan])] = []
        for plan in sorted {
            if let previous = plan.supersedes, let root = rootOf[previous], let index = chains.firstIndex(where: { $0.root.id == root }) {
                rootOf[plan.id] = root
                chains[index].plans.append(plan)
            } else {
                rootOf[plan.id] = plan.id
                chains.append((plan, [plan]))
            }
        }
        chains.sort { $0.root.start < $1.root.start }
        let current = ScaleResponse.current(responses)
        func observations(_ instrument: InstrumentID) -> [ScoreObservation] {
            current.filter { $0.score.instrument == instrument }.compactMap { response in
                response.score.total.map { ScoreObservation(date: response.administeredOn, total: $0) }
            }
        }
        let phq9 = observations(.phq9), madrs = observations(.madrs)
        return chains.enumerated().map { index, chain in
            let ids = Set(chain.plans.map(\.id))
            let facts = sessions.filter { ids.contains($0.planID) }.map { CourseSessionFact(date: $0.date, state: $0.state) }
            let latestPlan = chain.plans.last!
            let givenEarlier = sessions.filter { $0.planID != latestPlan.id && ids.contains($0.planID) && ($0.state == .discharged || $0.state == .stoppedEarly) }.count
            let planned = givenEarlier + latestPlan.sessions.count
            let start = chain.root.start
            let end = index + 1 < chains.count ? chains[index + 1].root.start : nil
            let earliest = start.adding(days: -CourseOutcome.baselineWindowDays)
            func inCourse(_ series: [ScoreObservation]) -> [ScoreObservation] {
                series.filter { observation in observation.date >= earliest && (end.map { observation.date < $0 } ?? true) }
            }
            let outcome = CourseOutcome.judge(sessions: facts, plannedSessions: planned, phq9: inCourse(phq9), madrs: inCourse(madrs),
                                              policy: policy)
            let keys = CourseCohortKeys(clinicID: patient.clinicID, start: start, treatment: chain.root.treatmentProtocol.treatment,
                                        protocolID: chain.root.treatmentProtocol.id, diagnosis: patient.diagnosis,
                                        trdStage: trdStage(chain.root.screeningVersion),
                                        ageBand: AgeBand(age: patient.dateOfBirth.age(on: start)), sex: patient.sex)
            return CourseOutcomeRecord(courseID: chain.root.id, patientID: patient.id, keys: keys, outcome: outcome)
        }
    }
}
