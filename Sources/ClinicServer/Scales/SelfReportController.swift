import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import HTTPTypes
import Hummingbird

/// The patient's self-report pages, reached without an account through a one-time link
/// (`/r/CODE`): a date-of-birth check binds the link to its patient; then one page per
/// questionnaire; then the clinic's crisis resources. Every refusal shows the same neutral page.
/// Forms carry the double-submit `kc_form` token, as the sign-in form does.
struct SelfReportController: Sendable {
    let services: ClinicServices
    var scales: ScaleService { ScaleService(services: services) }

    func addRoutes(to routes: SecureRoutes) {
        routes.open(.get, "/r", use: codeForm)
        routes.open(.post, "/r", use: enterCode)
        routes.open(.get, "/r/:code", use: start)
        routes.open(.post, "/r/:code", use: step)
    }

    /// The absolute address of a code, for the page, the QR code and messages.
    static func address(of code: String, settings: ServerSettings) -> String {
        "\(settings.linkBase)/r/\(code)"
    }

    @Sendable func codeForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinic = try await services.currentClinic()
        return respond(request) { SelfReportPages.codeEntry(clinicName: clinic.settings.name, error: nil, formToken: $0) }
    }

    @Sendable func enterCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinic = try await services.currentClinic()
        let form = try await WebResponses.formFields(of: request)
        guard let code = SelfReportCode.normalized(form["code"] ?? "") else {
            return respond(request, status: .unprocessableContent) {
                SelfReportPages.codeEntry(clinicName: clinic.settings.name, error: "That code is not complete: it has 10 letters and digits.",
                                          formToken: $0, value: String((form["code"] ?? "").prefix(16)))
            }
        }
        return WebResponses.redirect(to: "/r/\(code)")
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let (code, _) = try await openLink(context) else { return refused(request, clinic: clinic) }
        return respond(request) { SelfReportPages.identity(code: code, clinicName: clinic.settings.name, error: nil, formToken: $0) }
    }

    @Sendable func step(_ request: Request, context: AppRequestContext) async throws -> Response {
        let clinic = try await services.currentClinic()
        guard let (code, link) = try await openLink(context) else { return refused(request, clinic: clinic) }
        let form = try await WebResponses.formFields(of: request)
        let now = services.now()
        let stamp = context.stamp(at: now, actor: "patient (self-report link)")
        // Identity: the date of birth must be the linked patient's.
        guard let patient = try await services.patients.find(link.patientID, in: clinic.id) else { return refused(request, clinic: clinic) }
        let birthFields = ["birthDay", "birthMonth", "birthYear"]
        let typedParts = birthFields.map { String((form[$0]?.trimmed ?? "").prefix(4)) }
        let typed: CalendarDate?
        if form["step"] == "identity", birthFields.contains(where: { form[$0] != nil }) {
            typed = Self.birthDate(day: typedParts[0], month: typedParts[1], year: typedParts[2])
            guard typed != nil else {
                // Not a date at all: no guess was made, so no attempt is counted.
                return respond(request, status: .unprocessableContent) {
                    SelfReportPages.identity(code: code, clinicName: clinic.settings.name,
                                             error: "Enter the day (1–31), the month (1–12) and the year (4 digits) of your birth.",
                                             formToken: $0, values: Dictionary(uniqueKeysWithValues: zip(birthFields, typedParts)))
                }
            }
        } else {
            typed = CalendarDate(iso: form["dateOfBirth"]?.trimmed ?? "")
        }
        guard typed == patient.registration.dateOfBirth else {
            let failed = try await services.selfReportLinks.recordFailedCheck(link, stamp: stamp)
            if failed >= SelfReportLink.maximumFailedChecks { return refused(request, clinic: clinic) }
            return respond(request, status: .unprocessableContent) {
                SelfReportPages.identity(code: code, clinicName: clinic.settings.name,
                                         error: "That date of birth does not match our records. Please try again.", formToken: $0)
            }
        }
        let instruments = link.instruments.map(Instrument.named)
        let policy = try await services.safetyPolicies.policy(of: clinic.id)
        let crisis = SelfReportPages.CrisisPanel(clinicName: clinic.settings.name, clinicPhone: policy.clinicPhone,
                                                 lines: JurisdictionProfile.crisisLines(for: clinic.settings.jurisdiction.region))
        let part = form["step"].flatMap { $0.hasPrefix("part-") ? Int($0.dropFirst(5)) : nil } ?? 0
        // Answers so far: every field named "<instrument>.itemN".
        let carried = form.filter { key, _ in instruments.contains { key.hasPrefix("\($0.id.rawValue).item") } }
        func show(_ index: Int, errors: FieldErrors = FieldErrors(), status: HTTPResponse.Status = .ok) -> Response {
            let instrument = instruments[index]
            let current = carried.filter { $0.key.hasPrefix("\(instrument.id.rawValue).") }
            return respond(request, status: status) {
                SelfReportPages.questionnaire(code: code, clinicName: clinic.settings.name, instrument: instrument, part: index + 1,
                                              of: instruments.count, dateOfBirth: typed!.iso,
                                              carried: carried.filter { !$0.key.hasPrefix("\(instrument.id.rawValue).") },
                                              values: current, errors: errors, formToken: $0,
                                              questionsBefore: instruments[..<index].reduce(0) { $0 + $1.items.count },
                                              questionsTotal: instruments.reduce(0) { $0 + $1.items.count }, crisis: crisis)
            }
        }
        guard part >= 1, part <= instruments.count else { return show(0) }
        // Check this part, and on the last one every part again (hidden fields can be tampered with).
        for index in (part == instruments.count ? 0..<instruments.count : (part - 1)..<part) {
            let errors = Self.problems(in: carried, instrument: instruments[index])
            if !errors.isEmpty { return show(index, errors: errors, status: .unprocessableContent) }
        }
        if part < instruments.count { return show(part) }
        // Last part: score everything and store it in one transaction with the link's use.
        var responses: [ScaleResponse] = []
        let today = services.today(for: clinic)
        for instrument in instruments {
            let (answers, _) = ScaleService.answers(from: carried, instrument: instrument, prefix: "\(instrument.id.rawValue).",
                                                    missingValue: SelfReportPages.skippedValue)
            guard let score = try? InstrumentScoring.score(instrument.id, answers: answers) else { return show(0, status: .unprocessableContent) }
            responses.append(ScaleResponse(id: UUID.random(), patientID: patient.id, score: score, administeredOn: today, recordedAt: now,
                                           source: .selfReport, recordedByName: "Patient"))
        }
        let alerts: [SafetyAlert]
        do {
            alerts = try await services.scales.record(responses, usingLink: link.id, stamp: stamp)
        } catch is SelfReportLink.Refusal {
            return refused(request, clinic: clinic)
        }
        try await SafetyAlertService(services: services).notify(alerts, patient: patient, clinic: clinic)
        return WebResponses.page(SelfReportPages.thanks(clinicName: clinic.settings.name, crisisResources: policy.crisisResources,
                                                        raisedAlert: !alerts.isEmpty, crisis: crisis))
    }

    /// What is wrong with the answers to `instrument` in `fields`: items left blank, and a skipped item
    /// the patient must answer (PHQ-9 item 9).
    static func problems(in fields: [String: String], instrument: Instrument) -> FieldErrors {
        let prefix = "\(instrument.id.rawValue)."
        let (_, errors) = ScaleService.answers(from: fields, instrument: instrument, prefix: prefix, missingValue: SelfReportPages.skippedValue)
        var named = FieldErrors()
        // `answers` already names each item with the prefix ("phq9.item3"), as the page's fields are named.
        for entry in errors.entries {
            let field = entry.field.hasPrefix(prefix) ? entry.field : prefix + entry.field
            let blank = (fields[field]?.trimmed ?? "").isEmpty
            named.add(field, blank ? "Choose an answer" + (instrument.items.contains { "\(prefix)item\($0.number)" == field
                                                                && SelfReportPages.mustAnswer($0, of: instrument) }
                                                           ? "." : ", or “Prefer not to answer”.") : entry.message)
        }
        for item in instrument.items where SelfReportPages.mustAnswer(item, of: instrument)
            && fields["\(prefix)item\(item.number)"] == SelfReportPages.skippedValue && named["\(prefix)item\(item.number)"] == nil {
            named.add("\(prefix)item\(item.number)", "Please answer this question; the clinic needs it to keep you safe.")
        }
        return named
    }

    /// The date typed as day, month and year (digits only, year of 4 digits), or nil when it is
    /// not a calendar date. Every part is bounded before it is used, so no conversion can trap.
    static func birthDate(day: String, month: String, year: String) -> CalendarDate? {
        guard [day, month, year].allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              day.count <= 2, month.count <= 2, year.count == 4,
              let d = Int(day), let m = Int(month), let y = Int(year),
              (1...31).contains(d), (1...12).contains(m), (1000...9999).contains(y) else { return nil }
        return CalendarDate(iso: String(format: "%04d-%02d-%02d", y, m, d))
    }

    /// The link named in the path when it is open, with its canonical code.
    private func openLink(_ context: AppRequestContext) async throws -> (String, SelfReportLink)? {
        guard let code = context.parameters.get("code").flatMap(SelfReportCode.normalized),
              let link = try await services.selfReportLinks.link(code: code),
              link.status(at: services.now()) == nil else { return nil }
        return (code, link)
    }

    private func refused(_ request: Request, clinic: Clinic) -> Response {
        WebResponses.page(SelfReportPages.refused(clinicName: clinic.settings.name), status: .notFound)
    }

    /// A page with the double-submit form token in the page and the `kc_form` cookie.
    private func respond(_ request: Request, status: HTTPResponse.Status = .ok, _ render: (String) -> String) -> Response {
        let token = request.cookies[SessionCookies.form]?.value ?? SecretToken.generate()
        var response = WebResponses.page(render(token), status: status)
        response.headers.append(HTTPField(name: .setCookie, value: services.cookies.set(SessionCookies.form, token)))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
