import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// Rating scales as JSON: the instrument catalogue, scoring without storing, a patient's responses
/// and outcomes, entering and correcting responses, measurements due, self-report links, and
/// alerts. Bad input answers `application/problem+json` naming the item.
struct ScalesAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var scales: ScaleService { ScaleService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/instruments", .signedIn, answer: .list(of: InstrumentResource.self), use: instruments)
        routes.staff(.post, "/api/v1/score", .signedIn, request: .requestBody(AnswersBody.self), answer: .encoding(InstrumentScore.self), use: score)
        routes.staff(.get, "/api/v1/patients/:id/scales", .permission(.patientsClinical), answer: .list(of: ResponseResource.self), use: list)
        routes.staff(.post, "/api/v1/patients/:id/scales", .permission(.scalesRecord), request: .requestBody(AnswersBody.self), answer: .encoding(ResponseResource.self, status: 201), use: create)
        routes.staff(.post, "/api/v1/patients/:id/scales/:response/amend", .permission(.scalesRecord), request: .requestBody(AnswersBody.self), answer: .encoding(ResponseResource.self, status: 201), use: amend)
        routes.staff(.get, "/api/v1/patients/:id/measurements", .permission(.patientsClinical), answer: .list(of: DueResource.self), use: measurements)
        routes.staff(.post, "/api/v1/patients/:id/self-report-links", .permission(.scalesRecord), request: .requestBody(LinkBody.self), answer: .encoding(LinkCreatedResource.self, status: 201), use: createLink)
        routes.staff(.get, "/api/v1/alerts", .permission(.patientsClinical), answer: .list(of: OpenAlertResource.self), use: alerts)
        routes.staff(.post, "/api/v1/alerts/:alert/acknowledge", .permission(.alertsAcknowledge), request: .requestBody(AcknowledgementBody.self), answer: .encoding([String: Bool].self, named: "Acknowledged"), use: acknowledge)
        routes.staff(.get, "/api/v1/measurements/due", .permission(.patientsClinical), answer: .list(of: DueRowResource.self), use: dayList)
    }

    /// An instrument as the API lists it.
    struct InstrumentResource: Codable {
        struct Item: Codable { let number: Int, text: String?, shortLabel: String, options: [AnswerOption], loinc: String? }
        let id: InstrumentID, name: String, shortName: String, selfReport: Bool, instructions: String?
        let totalRange: [Int]?, bands: [SeverityBand], remissionAtOrBelow: Int?, responseFraction: Double?
        let totalLOINC: String?, sources: [String], items: [Item]
    }

    /// Answers to score or store.
    struct AnswersBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["instrument", "answers", "administeredOn", "reason"]
        let instrument: InstrumentID?
        let answers: [Int?]
        let administeredOn: String?
        let reason: String?
    }

    /// A stored response.
    struct ResponseResource: Codable {
        let id: UUID, administeredOn: CalendarDate, recordedAt: Date, source: ResponseSource, recordedBy: String
        let amends: UUID?, reason: String?, score: InstrumentScore, alertsRaised: Int?
    }

    @Sendable func instruments(_ request: Request, context: Context) async throws -> Response {
        try APIResponse.json(Instrument.all.map { instrument in
            InstrumentResource(id: instrument.id, name: instrument.name, shortName: instrument.shortName, selfReport: instrument.isSelfReport,
                               instructions: instrument.instructions,
                               totalRange: instrument.totalRange.map { [$0.lowerBound, $0.upperBound] }, bands: instrument.bands,
                               remissionAtOrBelow: instrument.remissionAtOrBelow, responseFraction: instrument.responseFraction,
                               totalLOINC: instrument.totalLOINC, sources: instrument.sources,
                               items: instrument.items.map { .init(number: $0.number, text: $0.text, shortLabel: $0.shortLabel,
                                                                   options: $0.options, loinc: $0.loinc) })
        })
    }

    @Sendable func score(_ request: Request, context: Context) async throws -> Response {
        let body = try await StrictJSON.decode(AnswersBody.self, from: request)
        return try APIResponse.json(try InstrumentScoring.score(try Self.instrument(body), answers: body.answers))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        try await services.recordView(of: chart, "scale_response", "API rating scales", context: context)
        let responses = try await services.scales.responses(patientID: chart.summary.id)
        return try APIResponse.json(responses.map(Self.resource))
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let body = try await StrictJSON.decode(AnswersBody.self, from: request)
        let (response, alerts) = try await scales.record(try Self.instrument(body), answers: body.answers,
                                                         on: try day(body, clinic: clinic), patient: chart.summary, clinic: clinic,
                                                         source: .staff, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(Self.resource(response, alerts: alerts.count), status: .created)
    }

    @Sendable func amend(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let original = try await scales.response(context, patientID: chart.summary.id)
        let body = try await StrictJSON.decode(AnswersBody.self, from: request)
        guard let reason = body.reason?.trimmed, !reason.isEmpty else {
            var errors = FieldErrors()
            errors.add("reason", "Say why the scores are corrected.")
            throw errors
        }
        let (response, _) = try await scales.record(original.score.instrument, answers: body.answers,
                                                    on: body.administeredOn == nil ? original.administeredOn : try day(body, clinic: clinic),
                                                    patient: chart.summary, clinic: clinic, source: .staff,
                                                    stamp: context.stamp(at: services.now()), amends: original.id, reason: reason)
        return try APIResponse.json(Self.resource(response), status: .created)
    }

    @Sendable func measurements(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        try await services.recordView(of: chart, "scale_response", "API measurements due", context: context)
        return try APIResponse.json(try await scales.due(patientID: chart.summary.id, clinic: clinic).map(DueResource.init))
    }

    /// The self-report questionnaires a link offers the patient.
    struct LinkBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["instruments"]
        let instruments: [InstrumentID]
    }

    /// What was done about a safety alert, and an optional note.
    struct AcknowledgementBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["action", "note"]
        let action: SafetyAction
        let note: String?
    }

    @Sendable func createLink(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let chart = try await IntakeService(services: services).chart(context, clinic: clinic)
        let body = try await StrictJSON.decode(LinkBody.self, from: request)
        var errors = FieldErrors()
        if body.instruments.isEmpty { errors.add("instruments", "Name at least one questionnaire.") }
        if let other = body.instruments.first(where: { !Instrument.named($0).isSelfReport }) {
            errors.add("instruments", "\(Instrument.named(other).shortName) is clinician-rated, not a self-report questionnaire.")
        }
        try errors.throwIfAny()
        let policy = try await services.safetyPolicies.policy(of: clinic.id)
        let (link, code) = try await services.selfReportLinks.create(patientID: chart.summary.id, instruments: body.instruments,
                                                                     lifetimeHours: policy.linkLifetimeHours,
                                                                     stamp: context.stamp(at: services.now()))
        return try APIResponse.json(LinkCreatedResource(id: link.id, code: code,
                                            url: SelfReportController.address(of: code, settings: services.settings),
                                            expiresAt: link.expiresAt, instruments: link.instruments), status: .created)
    }

    @Sendable func alerts(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await services.scales.openAlerts(clinicID: clinic.id).map {
            OpenAlertResource(id: $0.alert.id, patientID: $0.alert.patientID, patient: $0.patientName, instrument: $0.alert.instrument,
                 detail: $0.alert.detail, raisedAt: $0.alert.raisedAt, escalatedAt: $0.alert.escalatedAt)
        })
    }

    @Sendable func acknowledge(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let alert = try await scales.alert(context, clinic: clinic)
        let id = alert.id
        let body = try await StrictJSON.decode(AcknowledgementBody.self, from: request)
        let note = body.note?.trimmed
        guard try await services.scales.acknowledge(id, with: .init(byName: context.identity.user.displayName, at: services.now(),
                                                                    action: body.action, note: note?.isEmpty == false ? note : nil),
                                                    stamp: context.stamp(at: services.now())) else {
            throw Problem.conflict("The alert was already acknowledged.")
        }
        return try APIResponse.json(["acknowledged": true])
    }

    @Sendable func dayList(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await scales.dayList(clinic: clinic).map {
            DueRowResource(patientID: $0.patient.id, patient: $0.patient.listName, measurement: DueResource($0.due))
        })
    }

    /// A self-report link just made: the code and address to give the patient, shown this once.
    struct LinkCreatedResource: Codable { let id: UUID, code: String, url: String, expiresAt: Date, instruments: [InstrumentID] }
    /// A safety alert from a rating scale that no one has acknowledged yet.
    struct OpenAlertResource: Codable {
        let id: UUID, patientID: UUID, patient: String, instrument: InstrumentID, detail: String, raisedAt: Date, escalatedAt: Date?
    }
    /// A patient with a measurement due, for the day's list.
    struct DueRowResource: Codable { let patientID: UUID, patient: String, measurement: DueResource }

    /// A measurement due, as JSON.
    struct DueResource: Codable {
        let instrument: InstrumentID, timing: MeasurementTiming, sessionNumber: Int?, dueOn: CalendarDate, windowEnd: CalendarDate, status: String
        init(_ due: MeasurementDue) {
            instrument = due.instrument
            timing = due.timing
            sessionNumber = due.sessionNumber
            dueOn = due.dueOn
            windowEnd = due.windowEnd
            status = due.status.rawValue
        }
    }

    private static func instrument(_ body: AnswersBody) throws -> InstrumentID {
        guard let instrument = body.instrument else {
            var errors = FieldErrors()
            errors.add("instrument", "Name the instrument: \(InstrumentID.allCases.map(\.rawValue).joined(separator: ", ")).")
            throw errors
        }
        return instrument
    }

    private func day(_ body: AnswersBody, clinic: Clinic) throws -> CalendarDate {
        guard let text = body.administeredOn else { return services.today(for: clinic) }
        guard let day = CalendarDate(iso: text) else {
            var errors = FieldErrors()
            errors.add("administeredOn", "Use a date such as 2026-11-30.")
            throw errors
        }
        return day
    }

    private static func resource(_ response: ScaleResponse) -> ResponseResource { resource(response, alerts: nil) }

    private static func resource(_ response: ScaleResponse, alerts: Int?) -> ResponseResource {
        ResponseResource(id: response.id, administeredOn: response.administeredOn, recordedAt: response.recordedAt, source: response.source,
                         recordedBy: response.recordedByName, amends: response.amends, reason: response.reason, score: response.score,
                         alertsRaised: alerts)
    }
}
