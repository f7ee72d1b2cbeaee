import ClinicDomain
import ClinicStorage
import Foundation
import Hummingbird

/// Treatment sessions as JSON: the day's sessions, one session's whole record, lifecycle
/// commands (hard stops answer 409 unless a prescriber overrides with a reason), the checklist,
/// administration, devices, readings (also from monitor gateways with a token, by session or by
/// chair), alert acknowledgements, side effects, discharge, the signed note and its amendments,
/// and the clinic's session policy.
struct SessionsAPIController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices
    var workflow: SessionWorkflow { SessionWorkflow(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/api/v1/sessions", .permission(.patientsRead), use: day)
        routes.staff(.get, "/api/v1/sessions/:session", .permission(.patientsClinical), answer: .encoding(SessionResource.self), use: show)
        routes.staff(.post, "/api/v1/sessions/:session/commands", .permission(.sessionsCheckIn), request: .requestBody(CommandBody.self), answer: .encoding(SessionResource.self), use: command)
        routes.staff(.post, "/api/v1/sessions/:session/chair", .permission(.sessionsCheckIn), request: .flatForm(Self.chairFields), answer: .encoding(SessionResource.self, status: 201), use: chair)
        for form in SessionEntryForm.allCases {
            // The checklist is one document, replaced as a whole; the others add to the record.
            routes.staff(form == .checklist ? .put : .post, "/api/v1/sessions/:session/\(form.rawValue)", .permission(.sessionsRun),
                         request: .flatForm(form.acceptedFields), answer: .encoding(SessionResource.self, status: 201)) {
                request, context in try await entry(form, request, context)
            }
        }
        routes.staff(.post, "/api/v1/sessions/:session/administration", .permission(.sessionsRun),
                     request: .flatForm(Self.administrationFields), answer: .encoding(SessionResource.self, status: 201), use: administration)
        routes.staff(.get, "/api/v1/sessions/:session/vitals", .permission(.patientsClinical),
                     answer: RouteAnswer(status: 200, shape: .either([.of(SessionResource.Vitals.self), .of(RawReadings.self)]), name: "SessionVitals"),
                     use: vitals)
        routes.staff(.post, "/api/v1/sessions/:session/vitals", .permission(.vitalsRecord), request: .flatForm(SessionForms.readingFields), answer: .encoding(ReadingCreated.self, status: 201), use: reading)
        routes.staff(.post, "/api/v1/sessions/:session/vitals/:reading/amend", .permission(.vitalsRecord),
                     request: .flatForm(SessionForms.readingFields), answer: .encoding(ReadingCreated.self, status: 201), use: amendReading)
        routes.staff(.post, "/api/v1/chairs/:chair/vitals", .permission(.vitalsRecord), request: Self.chairReadingBody,
                     answer: RouteAnswer(status: 201, shape: .either([.of(ReadingCreated.self), .of(ReadingsCreated.self)]), name: "ChairReadings"),
                     use: chairReading)
        routes.staff(.post, "/api/v1/sessions/:session/alerts/:alert/acknowledge", .permission(.alertsAcknowledge),
                     request: .flatForm(SessionForms.acknowledgementFields), answer: .encoding(SessionResource.self), use: acknowledge)
        routes.staff(.post, "/api/v1/sessions/:session/note/amendments", .permission(.sessionsRun),
                     request: .flatForm(SessionForms.noteFields), answer: .encoding(SessionResource.self, status: 201), use: amendNote)
        routes.staff(.get, "/api/v1/clinic/session-policy", .permission(.patientsRead), answer: .encoding(SessionPolicy.self), use: policy)
        routes.staff(.put, "/api/v1/clinic/session-policy", .permission(.clinicConfigure),
                     request: .of(SessionPolicy.self, dates: .reference), answer: .encoding(SessionPolicy.self), use: updatePolicy)
    }

    /// A gateway's post to a chair: one reading's fields, or `{"readings": [...]}` with up to
    /// ``SessionForms/readingsPerBatch`` of them.
    static var chairReadingBody: TypeShape {
        let reading = TypeShape.flatForm(SessionForms.readingFields)
        return .either([reading, .object([.init(name: "readings", shape: .array(reading), required: true)], closed: true)])
    }

    /// The body of seating a patient: the chair's name.
    static let chairFields: Set<String> = ["chair"]
    /// The administration record's fields, and the id of the entry a correction amends.
    static let administrationFields = SessionForms.administrationFields.union(["amends"])

    // MARK: Reading

    /// One row of the day's list.
    struct DayRow: Codable {
        let id: UUID, patientID: UUID, patientName: String, number: Int, state: TreatmentSessionState, chair: String?, plannedDose: String
    }

    @Sendable func day(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let date = try WebResponses.queryDate(of: request, default: services.today(for: clinic))
        let rows = try await workflow.day(date, clinic: clinic, summary: "API day list of sessions", context: context).map { entry in
            DayRow(id: entry.record.session.id, patientID: entry.patient.id, patientName: entry.patient.listName,
                   number: entry.record.session.number, state: entry.record.session.state, chair: entry.record.chair,
                   plannedDose: entry.record.plannedDoseSummary)
        }
        return try APIResponse.json(rows)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let loaded = try await load(context, monitorSummary: true)
        try await SessionViews.recordView(loaded, "API session record", services: services, context: context)
        return try await resource(loaded, status: .ok)
    }

    /// The session's vital signs: the summary and the series at the clinic's charting interval;
    /// with `raw=1`, every stored reading (corrections and struck readings included) in the order
    /// taken, a page at a time (`offset`, `limit` up to 5,000, default 1,000), so nothing is lost.
    @Sendable func vitals(_ request: Request, context: Context) async throws -> Response {
        let loaded = try await load(context, monitorSummary: true)
        let query = WebResponses.queryFields(of: request)
        let record = loaded.record
        guard query["raw"] == "1" else {
            try await SessionViews.recordView(loaded, "API session vital signs", services: services, context: context)
            let interval = loaded.policy.chartingIntervalSeconds
            let overview = try await services.sessionRecords.vitalsOverview(of: record.session.id, intervalSeconds: interval, unlisted: 0)
            return try APIResponse.json(SessionResource.Vitals(overview, interval: interval, sessionID: record.session.id))
        }
        var errors = FieldErrors()
        let offset = Self.bounded(query["offset"], default: 0, within: 0...Int(Int32.max), field: "offset", into: &errors)
        let limit = Self.bounded(query["limit"], default: 1_000, within: 1...5_000, field: "limit", into: &errors)
        try errors.throwIfAny()
        try await SessionViews.recordView(loaded, "API session raw vital signs", services: services, context: context)
        let page = try await services.sessionRecords.rawReadings(of: record.session.id, offset: offset, limit: limit)
        return try APIResponse.json(RawReadings(total: page.total, offset: offset, limit: limit,
                                                readings: page.readings.map(SessionResource.Reading.init)))
    }

    /// A page of the raw stream.
    struct RawReadings: Codable {
        let total: Int, offset: Int, limit: Int
        let readings: [SessionResource.Reading]
    }

    /// A whole number from the query within `range`, `fallback` when absent, or a field error.
    static func bounded(_ text: String?, default fallback: Int, within range: ClosedRange<Int>, field: String,
                        into errors: inout FieldErrors) -> Int {
        guard let text, !text.isEmpty else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            errors.add(field, "Give \(field) as a whole number from \(range.lowerBound) to \(range.upperBound).")
            return fallback
        }
        return value
    }

    // MARK: Lifecycle

    struct CommandBody: StrictlyKeyed {
        static let acceptedFields: Set<String> = ["command", "reason"]
        let command: String
        let reason: String?
    }

    @Sendable func command(_ request: Request, context: Context) async throws -> Response {
        let loaded = try await load(context)
        let body = try await StrictJSON.decode(CommandBody.self, from: request)
        guard let command = SessionCommand(rawValue: body.command) else {
            var errors = FieldErrors()
            errors.add("command", "Use one of: \(SessionCommand.allCases.map(\.rawValue).joined(separator: ", ")).")
            throw errors
        }
        guard context.identity.can(command.permission) else { throw Problem.forbidden(command.permission) }
        do {
            try await workflow.apply(command, to: loaded, reason: body.reason, identity: context.identity, stamp: context.stamp(at: services.now()))
        } catch let refused as CheckInRefused {
            throw refused.problem
        }
        return try await resource(try await reload(loaded), status: .ok)
    }

    @Sendable func chair(_ request: Request, context: Context) async throws -> Response {
        let loaded = try await load(context)
        let fields = try SessionForms.fields(fromJSON: try await StrictJSON.objectData(from: request), accepted: Self.chairFields)
        return try await append(.chair(try SessionForms.chair(fields, policy: loaded.policy)), loaded, context: context)
    }

    // MARK: Entries

    /// One of the record's entry forms, from a flat JSON body.
    private func entry(_ form: SessionEntryForm, _ request: Request, _ context: Context) async throws -> Response {
        let loaded = try await load(context)
        let fields = try await flatFields(request, form.acceptedFields)
        return try await append(try form.entry(fields, loaded, now: services.now()), loaded, context: context)
    }

    @Sendable func administration(_ request: Request, context: Context) async throws -> Response {
        let loaded = try await load(context)
        let fields = try await flatFields(request, Self.administrationFields)
        let details = try SessionForms.administration(fields, today: services.today(for: loaded.clinic))
        var amends: UUID?
        if let text = fields["amends"] {
            guard let id = UUID(uuidString: text) else {
                var errors = FieldErrors()
                errors.add("amends", "Give the id of the administration entry to correct.")
                throw errors
            }
            amends = id
        }
        return try await append(.administration(details), loaded, amends: amends, reason: fields["reason"], context: context)
    }

    @Sendable func amendNote(_ request: Request, context: Context) async throws -> Response {
        let loaded = try await load(context)
        let fields = try await flatFields(request, SessionForms.noteFields)
        let text = try SessionForms.noteText(fields)
        guard let reason = fields["reason"]?.nilIfEmpty else {
            var errors = FieldErrors()
            errors.add("reason", "Say why the note is amended.")
            throw errors
        }
        return try await append(.noteAmendment(text), loaded, reason: reason, context: context)
    }

    // MARK: Readings and alerts

    /// What storing a reading answers: small, for gateways posting every second.
    struct ReadingCreated: Codable {
        struct Alert: Codable { let id: UUID, code: String, message: String }
        let id: UUID, sessionID: UUID, takenAt: Date, recordedAt: Date, alerts: [Alert]

        init(_ result: StoredReadingResult, sessionID: UUID) {
            id = result.reading.id
            self.sessionID = sessionID
            takenAt = result.reading.takenAt
            recordedAt = result.reading.recordedAt
            alerts = result.alerts.map { Alert(id: $0.id, code: $0.code, message: $0.message) }
        }

        /// As synthesised, but the ids written with `storedText` (the same text as `uuidString`,
        /// without its `sprintf`) and the times with `apiText` (the text the API's date strategy
        /// writes, without its call per date): a gateway's batch answer writes a hundred of each.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id.storedText, forKey: .id)
            try container.encode(sessionID.storedText, forKey: .sessionID)
            try container.encode(takenAt.apiText, forKey: .takenAt)
            try container.encode(recordedAt.apiText, forKey: .recordedAt)
            try container.encode(alerts, forKey: .alerts)
        }
    }

    /// The answer to a gateway's batch: each reading stored, in the order sent.
    struct ReadingsCreated: Codable {
        let sessionID: UUID, readings: [ReadingCreated]
    }

    @Sendable func reading(_ request: Request, context: Context) async throws -> Response {
        let sessionID = try Self.uuid(context, "session")
        return try await storeReading(request, sessionID: sessionID, context: context)
    }

    @Sendable func chairReading(_ request: Request, context: Context) async throws -> Response {
        guard let chair = context.parameters.get("chair")?.removingPercentEncoding?.nilIfEmpty else { throw Problem.notFound() }
        guard let sessionID = try await services.sessionRecords.activeSession(inChair: chair) else {
            throw Problem.notFound("No patient is seated in \(chair) now.")
        }
        let (data, body) = try await StrictJSON.object(SessionForms.ReadingBatchBody.self, from: request,
                                                         fast: SessionForms.ReadingBatchBody.fast)
        let clinic = try await services.currentClinic()
        guard let batch = try SessionForms.readingBatch(body, now: services.now(), timeZone: clinic.settings.resolvedTimeZone) else {
            return try await storeReading(try SessionForms.fields(fromJSON: data, accepted: SessionForms.readingFields), sessionID: sessionID,
                                          clinic: clinic, context: context)
        }
        let source: ReadingSource = context.identity.isAPIToken ? .gateway : .nurse
        let results = try await workflow.recordReadings(batch.map { (values: $0.0, takenAt: $0.1) }, source: source, sessionID: sessionID,
                                                        clinic: clinic, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(ReadingsCreated(sessionID: sessionID, readings: results.map { ReadingCreated($0, sessionID: sessionID) }),
                                    status: .created)
    }

    @Sendable func amendReading(_ request: Request, context: Context) async throws -> Response {
        // Correcting or striking a reading is a clinical judgement: a gateway's token only records.
        guard context.identity.can(.sessionsRun) else { throw Problem.forbidden(.sessionsRun) }
        let sessionID = try Self.uuid(context, "session")
        let readingID = try Self.uuid(context, "reading")
        return try await storeReading(request, sessionID: sessionID, amends: readingID, context: context)
    }

    private func storeReading(_ request: Request, sessionID: UUID, amends: UUID? = nil, context: Context) async throws -> Response {
        try await storeReading(try await flatFields(request, SessionForms.readingFields), sessionID: sessionID, amends: amends,
                               clinic: try await services.currentClinic(), context: context)
    }

    private func storeReading(_ fields: [String: String], sessionID: UUID, amends: UUID? = nil, clinic: Clinic, context: Context) async throws
        -> Response {
        let (values, takenAt) = try SessionForms.reading(fields, now: services.now(), timeZone: clinic.settings.resolvedTimeZone)
        let source: ReadingSource = context.identity.isAPIToken ? .gateway : .nurse
        let result = try await workflow.recordReading(values, takenAt: takenAt, source: source, sessionID: sessionID, clinic: clinic,
                                                      amends: amends, reason: fields["reason"], stamp: context.stamp(at: services.now()))
        return try APIResponse.json(ReadingCreated(result, sessionID: sessionID), status: .created)
    }

    @Sendable func acknowledge(_ request: Request, context: Context) async throws -> Response {
        let loaded = try await load(context)
        let alertID = try Self.uuid(context, "alert")
        let fields = try await flatFields(request, SessionForms.acknowledgementFields)
        let (action, note) = try SessionForms.acknowledgement(fields)
        try await workflow.acknowledge(alert: alertID, sessionID: loaded.record.session.id, action: action, note: note,
                                       stamp: context.stamp(at: services.now()))
        return try await resource(try await reload(loaded), status: .ok)
    }

    // MARK: Policy

    @Sendable func policy(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        return try APIResponse.json(try await services.sessionPolicies.policy(of: clinic.id))
    }

    @Sendable func updatePolicy(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let data = try await StrictJSON.objectData(from: request)
        let policy: SessionPolicy
        do { policy = try JSONDecoder().decode(SessionPolicy.self, from: data) } catch let error as DecodingError {
            throw FieldErrors.from(error)
        }
        let clean = try policy.validated()
        try await services.sessionPolicies.update(clean, of: clinic.id, stamp: context.stamp(at: services.now()))
        return try APIResponse.json(clean)
    }

    // MARK: Helpers

    private func load(_ context: Context, monitorSummary: Bool = false) async throws -> LoadedSession {
        try await workflow.load(try Self.uuid(context, "session"), clinic: try await services.currentClinic(), monitorSummary: monitorSummary)
    }

    private func reload(_ loaded: LoadedSession) async throws -> LoadedSession {
        try await workflow.load(loaded.record.session.id, clinic: loaded.clinic)
    }

    private func flatFields(_ request: Request, _ accepted: Set<String>) async throws -> [String: String] {
        try SessionForms.fields(fromJSON: try await StrictJSON.objectData(from: request), accepted: accepted)
    }

    private func append(_ content: SessionEntryContent, _ loaded: LoadedSession, amends: UUID? = nil, reason: String? = nil,
                        context: Context) async throws -> Response {
        try await workflow.append(content, to: loaded, amends: amends, reason: reason, identity: context.identity,
                                  stamp: context.stamp(at: services.now()))
        return try await resource(try await reload(loaded), status: .created)
    }

    private func resource(_ loaded: LoadedSession, status: HTTPResponse.Status) async throws -> Response {
        let evaluation = try await workflow.checklistEvaluation(loaded)
        let overview = try await services.sessionRecords.vitalsOverview(of: loaded.record.session.id,
                                                                        intervalSeconds: loaded.policy.chartingIntervalSeconds, unlisted: 0)
        return try APIResponse.json(SessionResource(loaded, checklist: evaluation, vitals: overview, now: services.now()), status: status)
    }

    static func uuid(_ context: Context, _ name: String) throws -> UUID {
        guard let id = context.parameters.get(name).flatMap(UUID.init(uuidString:)) else { throw Problem.notFound() }
        return id
    }
}

/// Views of a session's record, audited like any view of a patient's record.
enum SessionViews {
    /// Writes that the signed-in user viewed the session.
    static func recordView(_ loaded: LoadedSession, _ summary: String, services: ClinicServices, context: StaffRequestContext) async throws {
        try await services.audit.record(AuditEvent(.view, entityType: "treatment_session", entityID: loaded.record.session.id.uuidString,
                                                   patientID: loaded.patient.id, summary: summary),
                                        stamp: context.stamp(at: services.now()))
    }
}
