import ClinicDomain
import ClinicStorage
import Foundation
import Synchronization

/// A clock tests move forward: sign-in lockouts, sessions that run over minutes and hours.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// A clock showing `start`.
    public init(_ start: Date = Fixtures.now) { current = Mutex(start) }

    /// The time now.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock on by `seconds`.
    public func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// Moves the clock on by `minutes`.
    public func advance(minutes: Double) { advance(minutes * 60) }

    /// The clock as the services take it.
    public var function: @Sendable () -> Date { { [self] in self.now } }
}

/// Patients with a signed screening and a signed plan whose first session is on a given day.
public enum SessionFixtures {
    /// Registers a 70 kg, 175 cm patient, signs an eligible screening and a plan of `treatment`
    /// starting `day`; returns the patient and the first session's id.
    public static func plannedSession(_ database: ClinicDatabase, treatment: Treatment, on day: CalendarDate = Fixtures.today,
                                      given: String = "Ada", family: String = "Testwood",
                                      remsEnrolled: Bool = true) async throws -> (PatientSummary, UUID) {
        let clinic = try await SQLClinicRepository(database: database).ensurePrimaryClinic(initial: .initial, now: Fixtures.now)
        let patient = try await SQLPatientRepository(database: database)
            .register(Fixtures.registration(given: given, family: family), in: clinic.id, stamp: Fixtures.stamp)
        let records = SQLPatientRecordRepository(database: database)
        _ = try await records.add(WeightMeasurement(kilograms: 70, measuredOn: day), to: patient.id, stamp: Fixtures.stamp)
        _ = try await records.add(HeightMeasurement(centimetres: 175, measuredOn: day), to: patient.id, stamp: Fixtures.stamp)
        guard let chart = try await records.chart(patient.id, in: clinic.id) else { throw FixtureError() }
        let jurisdiction = clinic.settings.jurisdiction
        let result = ScreeningEngine.evaluate(chart.record, policy: .defaults, jurisdiction: jurisdiction, today: day)
        let review = ScreeningReview(acknowledgements: result.treatments.flatMap { screening in
            screening.findings(.caution).map { ScreeningReview.Acknowledgement(treatment: screening.treatment, ruleID: $0.ruleID) }
        })
        let screening = try await ScreeningRepository(database: database).sign(
            patientID: patient.id, record: chart.record, recordRevision: chart.revision, result: result, review: review,
            resistance: TreatmentResistanceCalculator.assess(trials: [], episode: nil, policy: .defaults, today: day), stamp: Fixtures.stamp)
        let esketamine = treatment == .esketamine
        let treatmentProtocol = esketamine ? ProtocolLibrary.esketamineUS : ProtocolLibrary.ivStandard
        let request = TreatmentPlanRequest(protocolID: treatmentProtocol.id, start: day, sessionCount: esketamine ? 8 : 6,
                                           target: esketamine ? .devices(2) : .mgPerKg(0.5))
        let planReview = TreatmentPlanReview(request, protocol: treatmentProtocol, patient: PlanPatient(record: chart.record, on: day),
                                             screening: screening, recordRevision: chart.revision, today: day,
                                             workingDays: Set(Weekday.allCases))
        guard planReview.isReadyToSign else { throw FixtureError() }
        let plans = TreatmentPlanRepository(database: database)
        _ = try await plans.sign(patientID: patient.id, recordRevision: chart.revision, request: request, review: planReview,
                                 screeningVersion: screening.version, stamp: Fixtures.stamp)
        guard let session = try await plans.sessions(patientID: patient.id).first(where: { $0.date == day }) else { throw FixtureError() }
        if esketamine && remsEnrolled {   // enrolled in the REMS before the first treatment, as check-in requires [R19][R21]
            try await ScheduleRepository(database: database).recordRemsEnrolment(patientID: patient.id, enrolledOn: day, reference: "REMS-TEST",
                                                                                 stamp: Fixtures.stamp)
        }
        return (patient, session.id)
    }

    /// A fixture could not be built (a test setup mistake).
    public struct FixtureError: Error {}
}
