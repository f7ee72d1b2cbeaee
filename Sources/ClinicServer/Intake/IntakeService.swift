import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The intake actions shared by the pages and the API: find the chart, check the section's
/// permission, validate through the domain, and store (with its audit entry).
struct IntakeService: Sendable {
    let services: ClinicServices

    /// The patient's chart, or 404 when the id is not a patient of this clinic.
    func chart(_ context: StaffRequestContext, clinic: Clinic) async throws -> PatientChart {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
              let chart = try await services.records.chart(id, in: clinic.id) else {
            throw Problem.notFound("No patient of this clinic has that address.")
        }
        return chart
    }

    /// The section named in the path, checked against the route group (`contact` or `record`)
    /// and the user's permission.
    func section(_ context: StaffRequestContext, contactGroup: Bool) throws -> RecordSection {
        guard let slug = context.parameters.get("section"), let section = RecordSection(slug: slug),
              section.isContact == contactGroup, section != .identity else {
            throw Problem.notFound("There is no such part of the record.")
        }
        guard context.identity.can(section.editPermission) else { throw Problem.forbidden(section.editPermission) }
        return section
    }

    /// The item key in the path, which must be a current item of `section` on the chart.
    func itemKey(_ context: StaffRequestContext, chart: PatientChart, section: RecordSection) throws -> UUID {
        guard let key = context.parameters.get("key").flatMap(UUID.init(uuidString:)),
              chart.section(of: key) == section else {
            throw Problem.notFound("That entry is not on this chart (it may have been withdrawn).")
        }
        return key
    }

    /// What an item route names: the clinic, the chart, the section (permission checked) and,
    /// for item routes, the current item's key.
    struct Target {
        let clinic: Clinic
        let chart: PatientChart
        let section: RecordSection
        let key: UUID?
    }

    /// Resolves the path of an intake route, checking the section's permission.
    func target(_ context: StaffRequestContext, contactGroup: Bool, item: Bool) async throws -> Target {
        let clinic = try await services.currentClinic()
        let chart = try await chart(context, clinic: clinic)
        let section = try section(context, contactGroup: contactGroup)
        let key = item ? try itemKey(context, chart: chart, section: section) : nil
        return Target(clinic: clinic, chart: chart, section: section, key: key)
    }

    /// Every version of the item in the path (current or withdrawn), with a view entry in the trail.
    func history(_ context: StaffRequestContext, contactGroup: Bool, via channel: String)
        async throws -> (Clinic, PatientChart, RecordSection, [RecordItemHistoryEntry]) {
        let clinic = try await services.currentClinic()
        let chart = try await chart(context, clinic: clinic)
        guard let slug = context.parameters.get("section"), let section = RecordSection(slug: slug),
              section.isContact == contactGroup,
              let key = context.parameters.get("key").flatMap(UUID.init(uuidString:)) else {
            throw Problem.notFound("There is no such entry.")
        }
        let versions = try await services.records.history(of: key, patientID: chart.summary.id)
        guard versions.first?.section == section else { throw Problem.notFound("There is no such entry.") }
        try await services.audit.record(AuditEvent(.view, entityType: "record_item", entityID: key.uuidString,
                                                   patientID: chart.summary.id,
                                                   summary: "\(channel)history of \(section.displayName)"),
                                        stamp: context.stamp(at: services.now()))
        return (clinic, chart, section, versions)
    }

    /// The validation context for the patient on `clinic`'s date.
    func validationContext(_ chart: PatientChart, clinic: Clinic) -> RecordValidationContext {
        RecordValidationContext(today: services.today(for: clinic), sexAtBirth: chart.summary.registration.sexAtBirth)
    }

    /// The key of the one item of a single section, if it has one.
    func existingSingleKey(_ section: RecordSection, in chart: PatientChart) -> UUID? {
        section.isSingle ? chart.entries(of: section).first?.key : nil
    }

    /// The current value of item `key` as form fields, for the amendment form.
    func formValues(of key: UUID, in chart: PatientChart) -> [String: String] {
        chart.value(of: key).map { IntakeFormCoding.fields(of: $0) } ?? [:]
    }

    /// Parses a form for `section` and adds it (or, for a single section that already has a
    /// value, amends it with `reason`). Returns the summary for the flash message.
    func save(_ section: RecordSection, form: [String: String], chart: PatientChart, amending key: UUID?,
              clinic: Clinic, context: StaffRequestContext) async throws -> String {
        try await save(section.valueType, form: form, chart: chart, amending: key, clinic: clinic, context: context)
    }

    private func save<V: RecordValue>(_ type: V.Type, form: [String: String], chart: PatientChart, amending key: UUID?,
                                      clinic: Clinic, context: StaffRequestContext) async throws -> String {
        var errors = FieldErrors()
        let value: V?
        do {
            value = try IntakeFormCoding.decode(V.self, from: form, context: validationContext(chart, clinic: clinic))
        } catch {
            errors = error
            value = nil
        }
        var reason: String?
        if key != nil {
            do { reason = try AmendmentReason.validated(form["reason"]) } catch { errors = errors.merging(error) }
        }
        try errors.throwIfAny()
        try await store(value!, chart: chart, amending: key, reason: reason, context: context)
        return value!.auditSummary
    }

    /// Stores a validated value: a new item, or a new version of `key`.
    func store<V: RecordValue>(_ value: V, chart: PatientChart, amending key: UUID?, reason: String?,
                               context: StaffRequestContext) async throws {
        let stamp = context.stamp(at: services.now())
        if let key {
            try await services.records.amend(key, of: chart.summary.id, with: value, reason: reason ?? "", stamp: stamp)
        } else {
            _ = try await services.records.add(value, to: chart.summary.id, stamp: stamp)
        }
    }

    /// Decodes an API body as the section's value: known fields only, right types, then domain
    /// validation. Errors name the JSON fields.
    func decodeValue<V: RecordValue>(_ type: V.Type, json object: Any?, chart: PatientChart, clinic: Clinic,
                                     prefix: String = "") throws -> V {
        guard let fields = object as? [String: Any] else {
            var errors = FieldErrors()
            errors.add(prefix.isEmpty ? "body" : String(prefix.dropLast()), "Expected a JSON object.")
            throw errors
        }
        let accepted = IntakeFormSpec.of(V.section).fieldNames
        var errors = FieldErrors()
        for field in fields.keys.sorted() where !accepted.contains(field) {
            errors.add(prefix + field, "Unknown field. Accepted fields: \(accepted.sorted().joined(separator: ", ")).")
        }
        try errors.throwIfAny()
        let value: V
        do {
            value = try JSONDecoder().decode(V.self, from: JSONSerialization.data(withJSONObject: fields))
        } catch let error as DecodingError {
            throw FieldErrors.from(error).prefixed(prefix)
        }
        do {
            return try value.validated(in: validationContext(chart, clinic: clinic))
        } catch {
            throw error.prefixed(prefix)
        }
    }
}

extension FieldErrors {
    /// The same errors with `prefix` before each field name (`value.` for nested bodies).
    func prefixed(_ prefix: String) -> FieldErrors {
        guard !prefix.isEmpty else { return self }
        var out = FieldErrors()
        for entry in entries { out.add(prefix + entry.field, entry.message) }
        return out
    }
}
