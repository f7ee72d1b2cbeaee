import ClinicDomain
import Foundation

/// Reads session entries from form fields, as the pages post them and as the API's JSON bodies
/// are flattened to (``SessionForms/fields(fromJSON:accepted:)``), so both give the same field errors.
enum SessionForms {
    /// True for a ticked box or a JSON `true`.
    /// A checkbox or yes/no field: "on", "true", "yes", "1" are yes; absent, empty, "off", "false",
    /// "no", "0" are no; anything else is a field error rather than a silent no.
    static func flag(_ fields: [String: String], _ name: String) throws(FieldErrors) -> Bool {
        let text = fields[name]?.trimmed.lowercased() ?? ""
        if ["on", "true", "yes", "1"].contains(text) { return true }
        if ["", "off", "false", "no", "0"].contains(text) { return false }
        var errors = FieldErrors()
        errors.add(name, "Answer yes or no (true or false).")
        throw errors
    }

    /// An optional whole number; a field error when present but not a number.
    static func integer(_ fields: [String: String], _ name: String, _ errors: inout FieldErrors) -> Int? {
        guard let text = fields[name]?.nilIfEmpty else { return nil }
        guard let value = Int(text) else { errors.add(name, "Enter a whole number."); return nil }
        return value
    }

    /// An optional decimal number; a field error when present but not a number.
    static func decimal(_ fields: [String: String], _ name: String, _ errors: inout FieldErrors) -> Double? {
        guard let text = fields[name]?.nilIfEmpty?.replacingOccurrences(of: ",", with: ".") else { return nil }
        guard let value = Double(text), value.isFinite else { errors.add(name, "Enter a number."); return nil }
        return value
    }

    /// A time: ISO 8601 (the API) or HH:MM today in the clinic's zone (the pages); `now` when empty.
    static func time(_ fields: [String: String], _ name: String, now: Date, timeZone: TimeZone, _ errors: inout FieldErrors) -> Date {
        guard let text = fields[name]?.nilIfEmpty else { return now }
        if let instant = parseInstant(text) { return instant }
        let parts = text.split(separator: ":").compactMap { Int($0) }
        if parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            var components = calendar.dateComponents([.year, .month, .day], from: now)
            components.hour = parts[0]
            components.minute = parts[1]
            if let date = calendar.date(from: components) { return date }
        }
        errors.add(name, "Enter the time as HH:MM (or an ISO 8601 instant).")
        return now
    }

    /// An ISO 8601 instant, with or without fractional seconds.
    static func parseInstant(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// A JSON body flattened to form fields: strings as they are, numbers and booleans as text,
    /// `symptoms` arrays as `symptom-<name>` boxes. Unknown fields are refused.
    static func fields(fromJSON data: Data, accepted: Set<String>) throws -> [String: String] {
        var errors = FieldErrors()
        let object: [String: FlatJSONValue]
        do { object = try JSONDecoder().decode(FlatJSONObject.self, from: data).members } catch {
            errors.add("body", "Give each field as a string, number or boolean.")
            throw errors
        }
        return try fields(object, accepted: accepted)
    }

    /// The most readings one gateway request may carry: ten minutes of a monitor at 1 Hz, so one
    /// request stays one short transaction.
    static let readingsPerBatch = InputBound(1...600, unit: "readings", basis: "ten minutes of readings at 1 Hz per request")

    /// A body read once (a gateway posts many a second): whether it is a batch, its other members,
    /// and its readings or why they could not be read. Any JSON object decodes.
    struct ReadingBatchBody: Decodable {
        static let readingsKey = JSONMemberName(stringValue: "readings")
        let isBatch: Bool
        let otherMembers: Int
        let readings: Result<[FlatJSONObject], any Error>

        /// A batch read by ``FlatJSONArrayReader``.
        init(readings: [FlatJSONObject]) {
            isBatch = true
            otherMembers = 0
            self.readings = .success(readings)
        }

        /// The body read by ``FlatJSONArrayReader`` when it is of the gateway's usual shape, else nil.
        static func fast(_ data: Data) -> ReadingBatchBody? {
            FlatJSONArrayReader.objects(in: data, member: readingsKey.stringValue).map(ReadingBatchBody.init(readings:))
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: JSONMemberName.self)
            isBatch = container.contains(Self.readingsKey)
            otherMembers = container.allKeys.count - (isBatch ? 1 : 0)
            readings = isBatch ? Result { try container.decode([FlatJSONObject].self, forKey: Self.readingsKey) } : .success([])
        }
    }

    /// A gateway's batch, `{"readings": [{…}, …]}`, each element with the fields of one reading
    /// (no `reason`: a batch records, it does not correct); nil when the body is a single reading.
    /// Errors name the element, e.g. `readings[3].systolic`. `body` is the request's body as read
    /// by ``StrictJSON/object(_:from:)``, in the same parse as its check.
    static func readingBatch(_ body: ReadingBatchBody, now: Date, timeZone: TimeZone) throws -> [(VitalReading, Date?)]? {
        guard body.isBatch else { return nil }
        var errors = FieldErrors()
        guard body.otherMembers == 0 else {
            errors.add("readings", "A batch holds only `readings`; give the other fields inside each reading.")
            throw errors
        }
        guard case .success(let elements) = body.readings else {
            errors.add("readings", "Give `readings` as a list of readings, each an object of numbers and strings.")
            throw errors
        }
        guard errors.require(Double(elements.count), within: readingsPerBatch, field: "readings") else { throw errors }
        var readings: [(VitalReading, Date?)] = []
        readings.reserveCapacity(elements.count)
        let accepted = readingFields.subtracting(["reason"])
        for (index, element) in elements.enumerated() {
            do {
                readings.append(try reading(try fields(element.members, accepted: accepted), now: now, timeZone: timeZone))
            } catch let elementErrors as FieldErrors {
                for entry in elementErrors.entries { errors.add("readings[\(index)].\(entry.field)", entry.message) }
            }
        }
        try errors.throwIfAny()
        return readings
    }

    private static func fields(_ object: [String: FlatJSONValue], accepted: Set<String>) throws -> [String: String] {
        var errors = FieldErrors()
        var fields: [String: String] = [:]
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard accepted.contains(key) else {
                errors.add(key, "Unknown field. Accepted fields: \(accepted.sorted().joined(separator: ", ")).")
                continue
            }
            switch value {
            case .text(let text): fields[key] = text
            case .flag(let flag): fields[key] = flag ? "true" : "false"
            case .number(let number):
                fields[key] = NumberText.exact(number)
            case .null: continue
            case .list(let list) where key == "symptoms":
                for name in list {
                    guard SessionSymptom(rawValue: name) != nil else {
                        errors.add("symptoms", "Unknown symptom “\(name)”. Use: "
                                   + SessionSymptom.allCases.map(\.rawValue).joined(separator: ", ") + ".")
                        continue
                    }
                    fields["symptom-\(name)"] = "on"
                }
            case .list: errors.add(key, "Give a string, number or boolean.")
            }
        }
        try errors.throwIfAny()
        return fields
    }

    // MARK: Entries

    /// The pre-treatment checklist.
    static let checklistFields: Set<String> = ["identityConfirmed", "consentOnFile", "fastingConfirmed", "escortAndTransportArranged",
                                               "pregnancy", "remsEnrolmentConfirmed", "note"]
    static func checklist(_ fields: [String: String]) throws -> PreTreatmentChecklist {
        var errors = FieldErrors()
        let pregnancyText = fields["pregnancy"]?.nilIfEmpty ?? PregnancyStatus.notChecked.rawValue
        let pregnancy = PregnancyStatus(rawValue: pregnancyText)
        if pregnancy == nil { errors.add("pregnancy", "Choose a pregnancy status.") }
        try errors.throwIfAny()
        return PreTreatmentChecklist(
            identityConfirmed: try flag(fields, "identityConfirmed"), consentOnFile: try flag(fields, "consentOnFile"),
            fastingConfirmed: try flag(fields, "fastingConfirmed"), escortAndTransportArranged: try flag(fields, "escortAndTransportArranged"),
            pregnancy: pregnancy ?? .notChecked, remsEnrolmentConfirmed: try flag(fields, "remsEnrolmentConfirmed"), note: fields["note"]?.nilIfEmpty)
    }

    /// The administration details.
    static let administrationFields: Set<String> = ["product", "lotNumber", "expiry", "concentrationMgPerMl", "doseMg", "route",
                                                    "pumpRateMlPerHour", "administeredBy", "checkedBy", "registerDrawID", "reason"]
    static func administration(_ fields: [String: String], today: CalendarDate) throws -> AdministrationDetails {
        var errors = FieldErrors()
        let expiryText = fields["expiry"]?.nilIfEmpty
        let expiry = expiryText.flatMap(CalendarDate.init(iso:))
        if expiry == nil { errors.add("expiry", "Enter the lot's expiry date (YYYY-MM-DD).") }
        let concentration = decimal(fields, "concentrationMgPerMl", &errors)
        let dose = decimal(fields, "doseMg", &errors)
        if dose == nil, errors["doseMg"] == nil { errors.add("doseMg", "Enter the dose in mg.") }
        let rate = decimal(fields, "pumpRateMlPerHour", &errors)
        let details = AdministrationDetails(
            product: fields["product"] ?? "", lotNumber: fields["lotNumber"] ?? "", expiry: expiry ?? today,
            concentrationMgPerMl: concentration, doseMg: dose ?? 0, route: fields["route"]?.trimmed ?? "", pumpRateMlPerHour: rate,
            administeredBy: fields["administeredBy"] ?? "", checkedBy: fields["checkedBy"] ?? "",
            registerDrawID: fields["registerDrawID"]?.nilIfEmpty.flatMap(UUID.init(uuidString:)))
        if let text = fields["registerDrawID"]?.nilIfEmpty, UUID(uuidString: text) == nil {
            errors.add("registerDrawID", "Choose one of this session's register draws.")
        }
        do { _ = try details.validated(on: today) } catch { for entry in error.entries { errors.add(entry.field, entry.message) } }
        try errors.throwIfAny()
        return try details.validated(on: today)
    }

    /// A rate change, pause or resume.
    static let infusionChangeFields: Set<String> = ["kind", "newRateMlPerHour", "reason", "at"]
    static func infusionChange(_ fields: [String: String], paused: Bool, now: Date, timeZone: TimeZone) throws -> InfusionChange {
        var errors = FieldErrors()
        let kind = InfusionChange.Kind(rawValue: fields["kind"]?.trimmed ?? "")
        if kind == nil { errors.add("kind", "Choose rate-changed, paused or resumed.") }
        let rate = decimal(fields, "newRateMlPerHour", &errors)
        let at = time(fields, "at", now: now, timeZone: timeZone, &errors)
        try errors.throwIfAny()
        return try InfusionChange(kind: kind ?? .paused, at: at, newRateMlPerHour: rate, reason: fields["reason"] ?? "").validated(paused: paused)
    }

    /// One esketamine device.
    static let deviceFields: Set<String> = ["at"]
    static func device(_ fields: [String: String], number: Int, now: Date, timeZone: TimeZone) throws -> DeviceUse {
        var errors = FieldErrors()
        let at = time(fields, "at", now: now, timeZone: timeZone, &errors)
        if at > now.addingTimeInterval(60) { errors.add("at", "A device cannot be used in the future.") }
        try errors.throwIfAny()
        return DeviceUse(number: number, at: at)
    }

    /// A vital-sign reading and when it was taken.
    static let readingFields: Set<String> = ["systolic", "diastolic", "heartRate", "oxygenSaturation", "respiratoryRate",
                                             "temperatureCelsius", "takenAt", "reason"]
    static func reading(_ fields: [String: String], now: Date, timeZone: TimeZone) throws -> (VitalReading, Date?) {
        var errors = FieldErrors()
        let values = VitalReading(
            systolic: integer(fields, "systolic", &errors), diastolic: integer(fields, "diastolic", &errors),
            heartRate: integer(fields, "heartRate", &errors), oxygenSaturation: integer(fields, "oxygenSaturation", &errors),
            respiratoryRate: integer(fields, "respiratoryRate", &errors), temperatureCelsius: decimal(fields, "temperatureCelsius", &errors))
        let takenAt = fields["takenAt"]?.nilIfEmpty == nil ? nil : time(fields, "takenAt", now: now, timeZone: timeZone, &errors)
        try errors.throwIfAny()
        return (values, takenAt)
    }

    /// Side effects observed.
    static let sideEffectFields: Set<String> = Set(["cadssTotal", "moaas", "respiratoryDepression", "note", "at", "symptoms"])
    static func sideEffects(_ fields: [String: String], now: Date, timeZone: TimeZone) throws -> SideEffectObservation {
        var errors = FieldErrors()
        let cadss = integer(fields, "cadssTotal", &errors)
        let moaas = integer(fields, "moaas", &errors)
        let at = time(fields, "at", now: now, timeZone: timeZone, &errors)
        try errors.throwIfAny()
        return try SideEffectObservation(at: at, cadssTotal: cadss, moaas: moaas,
                                         symptoms: try SessionSymptom.allCases.filter { try flag(fields, "symptom-\($0.rawValue)") },
                                         respiratoryDepression: try flag(fields, "respiratoryDepression"), note: fields["note"]).validated()
    }

    /// An adverse event.
    static let adverseEventFields: Set<String> = ["description", "severity", "serious", "interventions", "outcome", "at"]
    static func adverseEvent(_ fields: [String: String], now: Date, timeZone: TimeZone) throws -> SessionAdverseEvent {
        var errors = FieldErrors()
        let severity = SessionAdverseEvent.Severity(rawValue: fields["severity"]?.trimmed ?? "")
        if severity == nil { errors.add("severity", "Choose mild, moderate, severe or life-threatening.") }
        let outcome = SessionAdverseEvent.Outcome(rawValue: fields["outcome"]?.trimmed ?? "")
        if outcome == nil { errors.add("outcome", "Choose resolved, improving, ongoing or transferred.") }
        let at = time(fields, "at", now: now, timeZone: timeZone, &errors)
        let event = SessionAdverseEvent(at: at, description: fields["description"] ?? "", severity: severity ?? .mild,
                                        serious: try flag(fields, "serious"), interventions: fields["interventions"] ?? "", outcome: outcome ?? .ongoing)
        do { _ = try event.validated() } catch { for entry in error.entries { errors.add(entry.field, entry.message) } }
        try errors.throwIfAny()
        return try event.validated()
    }

    /// The discharge assessment.
    static let dischargeFields: Set<String> = ["consciousness", "circulation", "respiration", "oxygenSaturation", "activity",
                                               "escortPresent", "readyWithoutMinimumMinutes", "at"]
    static func discharge(_ fields: [String: String], now: Date, timeZone: TimeZone) throws -> DischargeAssessment {
        var errors = FieldErrors()
        var items: [String: Int] = [:]
        for name in ["consciousness", "circulation", "respiration", "oxygenSaturation", "activity"] {
            if let value = integer(fields, name, &errors) { items[name] = value } else if errors[name] == nil { errors.add(name, "Score 0, 1 or 2.") }
        }
        let ready = integer(fields, "readyWithoutMinimumMinutes", &errors)
        let at = time(fields, "at", now: now, timeZone: timeZone, &errors)
        try errors.throwIfAny()
        let aldrete = ModifiedAldrete(consciousness: items["consciousness"] ?? 0, circulation: items["circulation"] ?? 0,
                                      respiration: items["respiration"] ?? 0, oxygenSaturation: items["oxygenSaturation"] ?? 0,
                                      activity: items["activity"] ?? 0)
        return try DischargeAssessment(at: at, aldrete: aldrete, escortPresent: try flag(fields, "escortPresent"),
                                       readyWithoutMinimumMinutes: ready).validated()
    }

    /// Note or amendment text.
    static let noteFields: Set<String> = ["text", "reason"]
    static func noteText(_ fields: [String: String]) throws -> SessionNoteText {
        guard let text = fields["text"]?.nilIfEmpty else {
            var errors = FieldErrors()
            errors.add("text", "Write the note.")
            throw errors
        }
        guard text.count <= 20_000 else {
            var errors = FieldErrors()
            errors.add("text", "Keep the note under 20,000 characters.")
            throw errors
        }
        return SessionNoteText(text: text)
    }

    /// An alert acknowledgement.
    static let acknowledgementFields: Set<String> = ["action", "note"]
    static func acknowledgement(_ fields: [String: String]) throws -> (VitalAlertAction, String?) {
        guard let action = VitalAlertAction(rawValue: fields["action"]?.trimmed ?? "") else {
            var errors = FieldErrors()
            errors.add("action", "Choose the action taken.")
            throw errors
        }
        return (action, fields["note"]?.nilIfEmpty)
    }

    /// A chair assignment, from the clinic's chairs.
    static func chair(_ fields: [String: String], policy: SessionPolicy) throws -> String {
        guard let chair = fields["chair"]?.nilIfEmpty, policy.chairs.contains(chair) else {
            var errors = FieldErrors()
            errors.add("chair", "Choose one of the clinic's chairs: \(policy.chairs.joined(separator: ", ")).")
            throw errors
        }
        return chair
    }
}

/// The record entries staff post one form each for, the same on the page and in the API: the
/// route's last path component, the fields, and how the fields become an entry.
enum SessionEntryForm: String, CaseIterable, Sendable {
    case checklist, infusionChanges = "infusion-changes", devices, sideEffects = "side-effects"
    case adverseEvents = "adverse-events", discharge = "discharge-assessment", note

    /// The page's anchor and the form's name on the page.
    var formName: String {
        switch self {
        case .checklist: "checklist"
        case .infusionChanges: "infusion"
        case .devices: "devices"
        case .sideEffects: "side-effects"
        case .adverseEvents: "adverse-event"
        case .discharge: "discharge"
        case .note: "note"
        }
    }

    /// The fields the API accepts.
    var acceptedFields: Set<String> {
        switch self {
        case .checklist: SessionForms.checklistFields
        case .infusionChanges: SessionForms.infusionChangeFields
        case .devices: SessionForms.deviceFields
        case .sideEffects: SessionForms.sideEffectFields
        case .adverseEvents: SessionForms.adverseEventFields
        case .discharge: SessionForms.dischargeFields
        case .note: ["text"]
        }
    }

    /// The entry the fields describe, for `loaded` at `now`.
    func entry(_ fields: [String: String], _ loaded: LoadedSession, now: Date) throws -> SessionEntryContent {
        let zone = loaded.clinic.settings.resolvedTimeZone
        switch self {
        case .checklist: return .checklist(try SessionForms.checklist(fields))
        case .infusionChanges:
            return .infusionChange(try SessionForms.infusionChange(fields, paused: loaded.record.isPaused, now: now, timeZone: zone))
        case .devices: return .device(try SessionForms.device(fields, number: loaded.record.devices.count + 1, now: now, timeZone: zone))
        case .sideEffects: return .sideEffects(try SessionForms.sideEffects(fields, now: now, timeZone: zone))
        case .adverseEvents: return .adverseEvent(try SessionForms.adverseEvent(fields, now: now, timeZone: zone))
        case .discharge: return .discharge(try SessionForms.discharge(fields, now: now, timeZone: zone))
        case .note: return .note(try SessionForms.noteText(fields))
        }
    }

    /// What the page says once the entry is stored.
    func confirmation(_ content: SessionEntryContent) -> String {
        switch content {
        case .checklist: "Checklist saved."
        case .infusionChange(let change): "Infusion \(change.kind.displayName.lowercased())."
        case .device(let device): "Device \(device.number) recorded."
        case .sideEffects: "Side effects recorded."
        case .adverseEvent: "Adverse event recorded."
        case .discharge: "Discharge assessment saved."
        case .note: "Session note signed."
        default: "Saved."
        }
    }
}
