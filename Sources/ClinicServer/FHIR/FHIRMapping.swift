import ClinicDomain
import ClinicStorage
import Foundation

/// Maps stored rows to FHIR R4 resources: one function per source, shared by the API, the Bulk Data
/// export and `ketaclinic export fhir`. Codes come from ``FHIRCodes`` (each with its source key).
public enum FHIRMapping {
    /// Decodes the JSON bodies stored in rows (instants as milliseconds, as the storage writes them).
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    // MARK: - Building blocks

    /// A Coding.
    public static func coding(_ system: String, _ code: String, _ display: String? = nil) -> FHIRJSON {
        var object = FHIRObject()
        object.set("system", system)
        object.set("code", code)
        object.set("display", display)
        return object.json
    }

    /// A CodeableConcept of `codings` with `text`.
    public static func concept(_ codings: [FHIRJSON], text: String? = nil) -> FHIRJSON {
        var object = FHIRObject()
        object.set("coding", codings)
        object.set("text", text)
        return object.json
    }

    /// A Reference to `type/id`, with an optional display.
    public static func reference(_ type: String, _ id: String, display: String? = nil) -> FHIRJSON {
        var object = FHIRObject()
        object.set("reference", "\(type)/\(id)")
        object.set("display", display)
        return object.json
    }

    /// A UCUM Quantity.
    static func quantity(_ value: FHIRJSON, unit: String, code: String) -> FHIRJSON {
        .object([("value", value), ("unit", .string(unit)), ("system", .string(FHIRCodes.ucum)), ("code", .string(code))])
    }

    /// `meta` with lastUpdated and any profiles.
    static func meta(_ lastUpdated: Int64?, profiles: [String] = []) -> FHIRJSON? {
        var object = FHIRObject()
        object.set("lastUpdated", lastUpdated.map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        object.set("profile", profiles.map(FHIRJSON.string))
        return object.members.isEmpty ? nil : object.json
    }

    /// A finite decimal, or nil.
    static func decimal(_ value: Double?) -> FHIRJSON? {
        guard let value, value.isFinite else { return nil }
        return .decimal(value)
    }

    static func header(_ type: String, _ id: String, _ meta: FHIRJSON?) -> FHIRObject {
        var object = FHIRObject()
        object.set("resourceType", type)
        object.set("id", id)
        object.set("meta", meta)
        return object
    }

    // MARK: - Administrative

    /// A registered patient → Patient (US Core Patient: identifier, name and gender are always present [F10]).
    public static func patient(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id") else { return [] }
        var patient = header("Patient", id, meta(row.integer("updated_at"), profiles: [FHIRCodes.usCorePatientProfile]))
        let clinic = row.text("clinic_id") ?? context.clinicID.uuidString
        patient.set("identifier", [.object([
            ("use", .string("usual")),
            ("type", concept([coding(FHIRCodes.identifierType, "MR", "Medical record number")], text: "MRN")),   // [F6]
            ("system", .string("urn:ketaclinic:clinic:\(clinic.lowercased()):mrn")),
            ("value", .string(row.text("mrn") ?? "")),
        ])])
        patient.set("active", .boolean(true))
        var name = FHIRObject()
        name.set("use", "official")
        name.set("family", row.text("family_name"))
        name.set("given", [row.text("given_name")].compactMap { $0 }.filter { !$0.isEmpty }.map(FHIRJSON.string))
        patient.set("name", [name.json])
        // Administrative gender [F10] from the sex recorded at birth; "unknown" covers unknown and intersex.
        let gender = switch row.text("sex_at_birth") { case "female": "female"; case "male": "male"; default: "unknown" }
        patient.set("gender", gender)
        patient.set("birthDate", row.text("date_of_birth"))
        patient.set("managingOrganization", reference("Organization", clinic))
        return [FHIRResource(type: "Patient", id: id, json: patient.json)]
    }

    /// A staff account → Practitioner.
    public static func practitioner(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id") else { return [] }
        var resource = header("Practitioner", id, meta(row.integer("updated_at")))
        resource.set("active", .boolean(row.boolean("is_active") ?? false))
        resource.set("name", [.object([("text", .string(row.text("display_name") ?? ""))])])
        if let email = row.text("email"), !email.isEmpty {
            resource.set("telecom", [.object([("system", .string("email")), ("value", .string(email)), ("use", .string("work"))])])
        }
        return [FHIRResource(type: "Practitioner", id: id, json: resource.json)]
    }

    /// A staff account's role in the clinic → PractitionerRole (the role as text: no code system names
    /// the clinic's roles).
    public static func practitionerRole(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id") else { return [] }
        var resource = header("PractitionerRole", id, meta(row.integer("updated_at")))
        resource.set("active", .boolean(row.boolean("is_active") ?? false))
        resource.set("practitioner", reference("Practitioner", id, display: row.text("display_name")))
        resource.set("organization", reference("Organization", context.clinicID.uuidString))
        let role = row.text("role").flatMap(Role.init(rawValue:))
        resource.set("code", [concept([], text: role?.title ?? row.text("role") ?? "staff")])
        return [FHIRResource(type: "PractitionerRole", id: id, json: resource.json)]
    }

    /// The clinic → Organization.
    public static func organization(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id") else { return [] }
        var resource = header("Organization", id, meta(row.integer("updated_at")))
        resource.set("active", .boolean(true))
        resource.set("name", row.text("name"))
        return [FHIRResource(type: "Organization", id: id, json: resource.json)]
    }

    /// A treatment chair → Location.
    public static func location(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id") else { return [] }
        var resource = header("Location", id, meta(row.integer("updated_at")))
        resource.set("status", (row.boolean("active") ?? false) ? "active" : "inactive")
        resource.set("name", row.text("name"))
        resource.set("description", "Treatment chair")
        resource.set("mode", "instance")
        resource.set("managingOrganization", reference("Organization", row.text("clinic_id") ?? context.clinicID.uuidString))
        return [FHIRResource(type: "Location", id: id, json: resource.json)]
    }

    // MARK: - Intake

    /// A current intake diagnosis → Condition: ICD-10-CM [R59] and, for F32/F33, SNOMED CT 370143000 [R58].
    public static func condition(_ row: FHIRRow, _ context: FHIRMappingContext) throws -> [FHIRResource] {
        guard let id = row.text("item_key"), let patientID = row.text("patient_id"), let payload = row.text("payload") else { return [] }
        let diagnosis = try decoder.decode(Diagnosis.self, from: Data(payload.utf8))
        let title = Diagnosis.knownTitles[diagnosis.icd10]
        var codings = [coding(FHIRCodes.icd10CM, diagnosis.icd10, title)]
        var codes = ["\(FHIRCodes.icd10CM)|\(diagnosis.icd10)"]
        if let snomed = FHIRCodes.snomedDiagnosis(for: diagnosis.icd10) {
            codings.append(coding(FHIRCodes.snomed, snomed.code, snomed.display))
            codes.append("\(FHIRCodes.snomed)|\(snomed.code)")
        }
        var resource = header("Condition", id, meta(row.integer("recorded_at")))
        resource.set("clinicalStatus", concept([coding(FHIRCodes.conditionClinical, "active", "Active")]))               // [F4]
        resource.set("verificationStatus", concept([coding(FHIRCodes.conditionVerification, "confirmed", "Confirmed")]))  // [F4]
        resource.set("category", [concept([coding(FHIRCodes.conditionCategory, "problem-list-item", "Problem List Item")])]) // [F4]
        resource.set("code", concept(codings, text: title ?? diagnosis.icd10))
        resource.set("subject", reference("Patient", patientID))
        resource.set("onsetDateTime", diagnosis.diagnosedOn?.iso)
        resource.set("recordedDate", row.integer("first_recorded_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        if let recorder = row.text("recorded_by"), UUID(uuidString: recorder) != nil {
            resource.set("recorder", reference("Practitioner", recorder, display: row.text("recorded_by_name")))
        }
        if let note = diagnosis.note, !note.isEmpty { resource.set("note", [.object([("text", .string(note))])]) }
        return [FHIRResource(type: "Condition", id: id, json: resource.json, codes: codes)]
    }

    /// A current intake allergy → AllergyIntolerance (substance as text: the intake records free text).
    public static func allergy(_ row: FHIRRow, _ context: FHIRMappingContext) throws -> [FHIRResource] {
        guard let id = row.text("item_key"), let patientID = row.text("patient_id"), let payload = row.text("payload") else { return [] }
        let allergy = try decoder.decode(Allergy.self, from: Data(payload.utf8))
        var resource = header("AllergyIntolerance", id, meta(row.integer("recorded_at")))
        resource.set("clinicalStatus", concept([coding(FHIRCodes.allergyClinical, "active", "Active")]))   // [F5]
        resource.set("code", concept([], text: allergy.substance))
        resource.set("patient", reference("Patient", patientID))
        resource.set("recordedDate", row.integer("first_recorded_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        if let reaction = allergy.reaction, !reaction.isEmpty {
            var entry = FHIRObject()
            entry.set("manifestation", [concept([], text: reaction)])
            if allergy.severity != .unknown { entry.set("severity", allergy.severity.rawValue) }   // mild | moderate | severe [F5]
            resource.set("reaction", [entry.json])
        }
        return [FHIRResource(type: "AllergyIntolerance", id: id, json: resource.json)]
    }

    /// A current intake medication → MedicationStatement (the drug as text, the dose as recorded).
    public static func medicationStatement(_ row: FHIRRow, _ context: FHIRMappingContext) throws -> [FHIRResource] {
        guard let id = row.text("item_key"), let patientID = row.text("patient_id"), let payload = row.text("payload") else { return [] }
        let medication = try decoder.decode(Medication.self, from: Data(payload.utf8))
        var resource = header("MedicationStatement", id, meta(row.integer("recorded_at")))
        resource.set("status", "active")
        resource.set("medicationCodeableConcept", concept([], text: medication.name))
        resource.set("subject", reference("Patient", patientID))
        resource.set("dateAsserted", row.integer("first_recorded_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        if let dose = medication.dose, !dose.isEmpty { resource.set("dosage", [.object([("text", .string(dose))])]) }
        return [FHIRResource(type: "MedicationStatement", id: id, json: resource.json)]
    }

    // MARK: - Treatment

    static func medicationConcept(esketamine: Bool, text: String, _ context: FHIRMappingContext) -> FHIRJSON {
        concept(FHIRCodes.medicationCodings(esketamine: esketamine, rxCUI: context.medicationCodes.rxCUI(esketamine: esketamine)), text: text)
    }

    /// The `system|code` tokens a `code` search matches: ATC for esketamine [R23], and the RxCUI the clinic entered.
    static func medicationCodes(esketamine: Bool, _ context: FHIRMappingContext) -> [String] {
        (esketamine ? ["\(FHIRCodes.atc)|N06AX27"] : [])
            + (context.medicationCodes.rxCUI(esketamine: esketamine).map { ["\(FHIRCodes.rxNorm)|\($0)"] } ?? [])
    }

    static func route(_ route: String) -> FHIRJSON {
        if let snomed = FHIRCodes.snomedRoute(route) {
            return concept([coding(FHIRCodes.snomed, snomed.code, snomed.display)], text: route)
        }
        return concept([], text: route)
    }

    /// A signed treatment plan → MedicationRequest: active while it is the patient's latest plan,
    /// stopped once a newer one supersedes it (the newer one names it as `priorPrescription`).
    public static func medicationRequest(_ row: FHIRRow, _ context: FHIRMappingContext) throws -> [FHIRResource] {
        guard let id = row.text("id"), let patientID = row.text("patient_id"), let body = row.text("body") else { return [] }
        let plan = try decoder.decode(TreatmentPlan.self, from: Data(body.utf8))
        let treatment = plan.treatmentProtocol.treatment
        let esketamine = treatment == .esketamine
        let isLatest = (row.integer("version") ?? 0) >= (row.integer("latest_version") ?? 0)
        var resource = header("MedicationRequest", id, meta(row.integer("signed_at")))
        resource.set("status", isLatest ? "active" : "stopped")
        resource.set("intent", "order")
        resource.set("medicationCodeableConcept", medicationConcept(esketamine: esketamine, text: esketamine ? "esketamine nasal spray" : "ketamine", context))
        resource.set("subject", reference("Patient", patientID))
        resource.set("authoredOn", row.integer("signed_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        if let signer = row.text("signed_by"), UUID(uuidString: signer) != nil {
            resource.set("requester", reference("Practitioner", signer, display: row.text("signed_by_name")))
        }
        if let note = plan.note, !note.isEmpty { resource.set("note", [.object([("text", .string(note))])]) }
        var dosage = FHIRObject()
        let target: String = switch plan.target {
        case .mgPerKg(let perKg): "\(FHIRJSONWriter.decimalText(perKg)) mg/kg"
        case .devices(let count): "\(count) × 28 mg devices"
        }
        dosage.set("text", "\(plan.treatmentProtocol.name): \(plan.sessions.count) sessions from \(plan.start.iso), \(target)")
        if let order = plan.dose {
            dosage.set("route", route(order.route.rawValue))
            if let dose = decimal(order.doseMg) {
                dosage.set("doseAndRate", [.object([("doseQuantity", quantity(dose, unit: "mg", code: "mg"))])])
            }
        } else if esketamine {
            dosage.set("route", concept([], text: "nasal"))
        }
        resource.set("dosageInstruction", [dosage.json])
        if let prior = row.text("supersedes") { resource.set("priorPrescription", reference("MedicationRequest", prior)) }
        return [FHIRResource(type: "MedicationRequest", id: id, json: resource.json, codes: medicationCodes(esketamine: esketamine, context))]
    }

    /// A dose given → MedicationAdministration: product, lot and expiry in a contained Medication,
    /// dose in mg, route (SNOMED CT for intravenous [R61]) and pump rate in mL/h [R61].
    public static func medicationAdministration(_ row: FHIRRow, _ context: FHIRMappingContext) throws -> [FHIRResource] {
        guard let id = row.text("id"), let patientID = row.text("patient_id"), let body = row.text("body") else { return [] }
        let dose = try decoder.decode(AdministrationDetails.self, from: Data(body.utf8))
        let esketamine = dose.route == "intranasal"
        var medication = FHIRObject()
        medication.set("resourceType", "Medication")
        medication.set("id", "product")
        medication.set("code", medicationConcept(esketamine: esketamine, text: dose.product, context))
        medication.set("batch", .object([("lotNumber", .string(dose.lotNumber)), ("expirationDate", .string(dose.expiry.iso))]))
        var resource = header("MedicationAdministration", id, meta(row.integer("recorded_at")))
        resource.set("contained", [medication.json])
        resource.set("status", "completed")
        resource.set("medicationReference", .object([("reference", .string("#product")), ("display", .string(dose.product))]))
        resource.set("subject", reference("Patient", patientID))
        if let session = row.text("session_id") { resource.set("context", reference("Encounter", session)) }
        resource.set("effectiveDateTime", row.integer("recorded_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        resource.set("performer", [.object([("actor", .object([("display", .string(dose.administeredBy))]))])])
        if let plan = row.text("plan_id") { resource.set("request", reference("MedicationRequest", plan)) }
        var dosage = FHIRObject()
        dosage.set("route", route(dose.route))
        dosage.set("dose", decimal(dose.doseMg).map { quantity($0, unit: "mg", code: "mg") })
        dosage.set("rateQuantity", decimal(dose.pumpRateMlPerHour).map { quantity($0, unit: "mL/h", code: "mL/h") })
        resource.set("dosage", dosage.json)
        if dose.checkedBy.isEmpty == false {
            resource.set("note", [.object([("text", .string("Checked by \(dose.checkedBy)"))])])
        }
        return [FHIRResource(type: "MedicationAdministration", id: id, json: resource.json, codes: medicationCodes(esketamine: esketamine, context))]
    }

    /// A treatment session → Encounter (ambulatory [F7]) with its chair as Location.
    public static func encounter(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id"), let patientID = row.text("patient_id") else { return [] }
        var resource = header("Encounter", id, meta(row.integer("updated_at")))
        resource.set("status", FHIRCodes.encounterStatus(row.text("state") ?? ""))
        resource.set("class", coding(FHIRCodes.actCode, "AMB", "ambulatory"))   // [F7]
        let number = row.integer("number").map { " \($0)" } ?? ""
        resource.set("type", [concept([], text: "Treatment session\(number)")])
        resource.set("subject", reference("Patient", patientID))
        var period = FHIRObject()
        period.set("start", row.integer("started_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        period.set("end", row.integer("ended_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        if period.members.isEmpty {
            period.set("start", row.text("scheduled_on"))
        }
        resource.set("period", period.json)
        if let chair = row.text("chair_id") {
            resource.set("location", [.object([("location", reference("Location", chair, display: row.text("chair")))])])
        }
        resource.set("serviceProvider", reference("Organization", context.clinicID.uuidString))
        return [FHIRResource(type: "Encounter", id: id, json: resource.json)]
    }

    // MARK: - Observations

    /// One reading → one vital-sign Observation per sign measured: blood pressure as the 85354-9 panel
    /// with 8480-6/8462-4 components, heart rate 8867-4, SpO2 59408-5 (+2708-6), respiratory rate
    /// 9279-1, temperature 8310-5 [R57-VS][R57-VSprof][R57-Kenya]; each `<reading id>-<sign>`.
    public static func vitalSigns(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id"), let patientID = row.text("patient_id") else { return [] }
        let status = row.text("amends") == nil ? "final" : "amended"
        let effective = row.integer("taken_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) }
        let issued = row.integer("recorded_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) }
        let metaValue = meta(row.integer("recorded_at"), profiles: [FHIRCodes.vitalSignsProfile])
        // Timed to the dose: minutes from the start of dosing (a baseline is "before"), and the dose
        // given as `partOf` for readings from the start of dosing on.
        var timing: FHIRJSON?
        var partOf: [FHIRJSON] = []
        if let dosing = row.integer("dosing_started_at"), let taken = row.integer("taken_at") {
            let (difference, overflow) = taken.subtractingReportingOverflow(dosing)
            if !overflow {
                let minutes = difference.magnitude / 60_000
                let text = difference >= 0 ? "Taken \(minutes) min after dosing started" : "Taken \(minutes) min before dosing started"
                timing = .array([.object([("text", .string(text))])])
                if difference >= 0, let dose = row.text("administration_id") { partOf = [reference("MedicationAdministration", dose)] }
            }
        }
        let category = concept([coding(FHIRCodes.observationCategory, "vital-signs", "Vital Signs")], text: "Vital Signs")   // [R57-VSprof]
        func observation(_ sign: FHIRCodes.VitalSign, value: FHIRJSON?, components: [FHIRJSON] = []) -> FHIRResource {
            var resource = header("Observation", "\(id)-\(sign.suffix)", metaValue)
            resource.set("partOf", partOf)
            resource.set("status", status)
            resource.set("category", [category])
            resource.set("code", concept(sign.codes.map { coding(FHIRCodes.loinc, $0.code, $0.display) }, text: sign.codes[0].display))
            resource.set("subject", reference("Patient", patientID))
            if let session = row.text("session_id") { resource.set("encounter", reference("Encounter", session)) }
            resource.set("effectiveDateTime", effective)
            resource.set("issued", issued)
            resource.set("valueQuantity", value.map { quantity($0, unit: sign.unit.text, code: sign.unit.code) })
            resource.set("note", timing)
            resource.set("component", components)
            var codes = sign.codes.map { "\(FHIRCodes.loinc)|\($0.code)" }
            if !components.isEmpty { codes += [FHIRCodes.systolic.code, FHIRCodes.diastolic.code].map { "\(FHIRCodes.loinc)|\($0)" } }
            return FHIRResource(type: "Observation", id: "\(id)-\(sign.suffix)", json: resource.json, codes: codes)
        }
        var resources: [FHIRResource] = []
        let systolic = row.integer("systolic"), diastolic = row.integer("diastolic")
        if systolic != nil || diastolic != nil {
            let unit = FHIRCodes.bloodPressure.unit
            let components: [FHIRJSON] = [(FHIRCodes.systolic, systolic), (FHIRCodes.diastolic, diastolic)].compactMap { part, value in
                guard let value else { return nil }
                return .object([
                    ("code", concept([coding(FHIRCodes.loinc, part.code, part.display)], text: part.display)),
                    ("valueQuantity", quantity(.integer(value), unit: unit.text, code: unit.code)),
                ])
            }
            resources.append(observation(FHIRCodes.bloodPressure, value: nil, components: components))
        }
        if let value = row.integer("heart_rate") { resources.append(observation(FHIRCodes.heartRate, value: .integer(value))) }
        if let value = row.integer("oxygen_saturation") { resources.append(observation(FHIRCodes.oxygenSaturation, value: .integer(value))) }
        if let value = row.integer("respiratory_rate") { resources.append(observation(FHIRCodes.respiratoryRate, value: .integer(value))) }
        if let value = row.integer("temperature_decicelsius") {
            resources.append(observation(FHIRCodes.temperature, value: .decimal(Double(value) / 10)))
        }
        return resources
    }

    /// A completed rating scale → its total as an Observation when the instrument's total has a LOINC
    /// code (PHQ-9 44261-6 [R42-USCore], GAD-7 70274-6 [R57-PHR]; others have none in the reference),
    /// id `<response id>-total`, derived from the QuestionnaireResponse.
    public static func scaleTotal(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id"), let patientID = row.text("patient_id"),
              let instrumentID = row.text("instrument").flatMap(InstrumentID.init(rawValue:)),
              let total = row.integer("total") else { return [] }
        let instrument = Instrument.named(instrumentID)
        // C-SSRS's code is its risk level, not a total: only instruments with a numeric total range.
        guard let loinc = instrument.totalLOINC, instrument.totalRange != nil else { return [] }
        var resource = header("Observation", "\(id)-total", meta(row.integer("recorded_at")))
        resource.set("status", row.text("amends") == nil ? "final" : "amended")
        resource.set("category", [concept([coding(FHIRCodes.observationCategory, "survey", "Survey")], text: "Survey")])   // [F3]
        resource.set("code", concept([coding(FHIRCodes.loinc, loinc, "\(instrument.shortName) total score")], text: "\(instrument.shortName) total score"))
        resource.set("subject", reference("Patient", patientID))
        resource.set("effectiveDateTime", row.text("administered_on"))
        resource.set("issued", row.integer("recorded_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        resource.set("valueInteger", .integer(total))
        resource.set("derivedFrom", [reference("QuestionnaireResponse", id)])
        return [FHIRResource(type: "Observation", id: "\(id)-total", json: resource.json, codes: ["\(FHIRCodes.loinc)|\(loinc)"])]
    }

    /// A completed rating scale → QuestionnaireResponse, item by item (answers as their scored values).
    public static func questionnaireResponse(_ row: FHIRRow, _ context: FHIRMappingContext) throws -> [FHIRResource] {
        guard let id = row.text("id"), let patientID = row.text("patient_id"), let scoreText = row.text("score") else { return [] }
        let score = try decoder.decode(StoredAnswers.self, from: Data(scoreText.utf8))
        let instrument = Instrument.named(score.instrument)
        var resource = header("QuestionnaireResponse", id, meta(row.integer("recorded_at")))
        if FHIRQuestionnaires.published.contains(where: { $0.id == instrument.id }) {
            resource.set("questionnaire", FHIRQuestionnaires.url(instrument.id))
        }
        resource.set("status", row.text("amends") == nil ? "completed" : "amended")
        resource.set("subject", reference("Patient", patientID))
        resource.set("authored", row.integer("recorded_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        if row.text("source") == ResponseSource.selfReport.rawValue {
            resource.set("source", reference("Patient", patientID))
        } else if let author = row.text("recorded_by"), UUID(uuidString: author) != nil {
            resource.set("author", reference("Practitioner", author, display: row.text("recorded_by_name")))
        }
        var items: [FHIRJSON] = []
        for item in instrument.items {
            var entry = FHIRObject()
            entry.set("linkId", String(item.number))
            entry.set("text", item.text ?? item.shortLabel)
            let index = item.number - 1
            if score.answers.indices.contains(index), let answer = score.answers[index] {
                entry.set("answer", [.object([("valueInteger", .integer(Int64(answer)))])])
            }
            items.append(entry.json)
        }
        resource.set("item", items)
        return [FHIRResource(type: "QuestionnaireResponse", id: id, json: resource.json,
                             codes: instrument.panelLOINC.map { ["\(FHIRCodes.loinc)|\($0)"] } ?? [])]
    }

    /// The part of a stored ``InstrumentScore`` a QuestionnaireResponse needs (decoding less is faster).
    struct StoredAnswers: Decodable {
        let instrument: InstrumentID
        let answers: [Int?]
    }

    // MARK: - Safety and audit

    /// A suicidality alert from a rating scale → Flag (safety [F8]): active until acknowledged.
    public static func flag(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id"), let patientID = row.text("patient_id") else { return [] }
        let open = row.text("acknowledgement") == nil
        var resource = header("Flag", id, meta(row.integer("raised_at")))
        resource.set("status", open ? "active" : "inactive")
        resource.set("category", [concept([coding(FHIRCodes.flagCategory, "safety", "Safety")])])   // [F8]
        let instrument = row.text("instrument").flatMap(InstrumentID.init(rawValue:)).map { Instrument.named($0).shortName }
        resource.set("code", concept([], text: "Suicidality alert\(instrument.map { " (\($0))" } ?? ""): \(row.text("detail") ?? "")"))
        resource.set("subject", reference("Patient", patientID))
        resource.set("period", .object([("start", .string(FHIRTime.instant(milliseconds: row.integer("raised_at") ?? 0)))]))
        return [FHIRResource(type: "Flag", id: id, json: resource.json)]
    }

    /// A vital-sign alert raised during a session → DetectedIssue, its acknowledgement as mitigation.
    public static func detectedIssue(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let id = row.text("id"), let patientID = row.text("patient_id") else { return [] }
        var resource = header("DetectedIssue", id, meta(row.integer("acknowledged_at") ?? row.integer("raised_at")))
        resource.set("status", "final")
        resource.set("code", concept([], text: row.text("code")))
        resource.set("patient", reference("Patient", patientID))
        resource.set("identifiedDateTime", row.integer("raised_at").map { FHIRJSON.string(FHIRTime.instant(milliseconds: $0)) })
        resource.set("detail", row.text("message"))
        if let acknowledged = row.integer("acknowledged_at") {
            var mitigation = FHIRObject()
            let action = [row.text("action"), row.text("note")].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            mitigation.set("action", concept([], text: action.isEmpty ? "Acknowledged" : action))
            mitigation.set("date", .string(FHIRTime.instant(milliseconds: acknowledged)))
            if let name = row.text("acknowledged_by_name") { mitigation.set("author", .object([("display", .string(name))])) }
            resource.set("mitigation", [mitigation.json])
        }
        return [FHIRResource(type: "DetectedIssue", id: id, json: resource.json)]
    }

    /// An audit-trail entry → AuditEvent (type and action per [F9]).
    public static func auditEvent(_ row: FHIRRow, _ context: FHIRMappingContext) -> [FHIRResource] {
        guard let sequence = row.integer("sequence") else { return [] }
        let id = String(sequence)
        let patientID = row.text("patient_id")
        var resource = header("AuditEvent", id, meta(row.integer("occurred_at")))
        resource.set("type", FHIRCodes.auditType(aboutPatient: patientID != nil))
        resource.set("action", FHIRCodes.auditAction(row.text("action") ?? ""))
        resource.set("recorded", .string(FHIRTime.instant(milliseconds: row.integer("occurred_at") ?? 0)))
        resource.set("outcome", "0")
        var agent = FHIRObject()
        if let role = row.text("role") { agent.set("role", [concept([], text: Role(rawValue: role)?.title ?? role)]) }
        if let user = row.text("user_id"), UUID(uuidString: user) != nil {
            agent.set("who", reference("Practitioner", user, display: row.text("actor_name")))
        } else {
            agent.set("who", .object([("display", .string(row.text("actor_name") ?? "system"))]))
        }
        agent.set("requestor", .boolean(true))
        if let address = row.text("ip_address"), !address.isEmpty {
            agent.set("network", .object([("address", .string(address)), ("type", .string(address.contains(":") || address.allSatisfy { $0.isNumber || $0 == "." } ? "2" : "1"))]))
        }
        resource.set("agent", [agent.json])
        var source = FHIRObject()
        source.set("site", row.text("request_id"))
        source.set("observer", .object([("display", .string("KetaClinic"))]))
        resource.set("source", source.json)
        var entities: [FHIRJSON] = []
        if let patientID { entities.append(.object([("what", reference("Patient", patientID))])) }
        var entity = FHIRObject()
        entity.set("what", .object([("display", .string("\(row.text("entity_type") ?? "") \(row.text("entity_id") ?? "")"))]))
        entity.set("name", row.text("entity_type"))
        entity.set("description", row.text("summary"))
        entities.append(entity.json)
        resource.set("entity", entities)
        return [FHIRResource(type: "AuditEvent", id: id, json: resource.json)]
    }
}
