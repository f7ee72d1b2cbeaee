import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Testing

/// The FHIR mapping rules, each vector with the source of its code, and the search parameter parsing.
@Suite("FHIR mapping and search parsing")
struct FHIRMappingTests {
    static let context = FHIRMappingContext(clinicID: UUID(uuidString: "00000000-0000-0000-0000-0000000000C1")!,
                                            timeZone: TimeZone(identifier: "America/New_York")!)
    static let reading = "5E0F8C1A-0000-4000-8000-000000000001"
    static let patient = "5E0F8C1A-0000-4000-8000-0000000000AA"

    static func codes(_ json: FHIRJSON, _ member: String = "code") -> [String] {
        guard case .array(let codings)? = json[member]?["coding"] else { return [] }
        return codings.compactMap { coding in
            guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue else { return nil }
            return "\(system)|\(code)"
        }
    }

    static func vitalRow(_ values: [String: Int64]) -> FHIRRow {
        var cells: [String: FHIRCell] = ["id": .text(reading), "patient_id": .text(patient), "session_id": .text("S1"),
                                         "taken_at": .integer(1_795_359_600_000), "recorded_at": .integer(1_795_359_660_000)]
        for (key, value) in values { cells[key] = .integer(value) }
        return FHIRRow(cells)
    }

    /// Each sign: its column, the resource id suffix, the LOINC codes and the UCUM unit.
    static let vitalVectors: [(column: String, value: Int64, suffix: String, codes: [String], unit: String, source: String)] = [
        ("heart_rate", 72, "hr", ["8867-4"], "/min", "[R57-VS]"),
        ("oxygen_saturation", 97, "spo2", ["59408-5", "2708-6"], "%", "[R57-Kenya][R57-VS]"),
        ("respiratory_rate", 14, "rr", ["9279-1"], "/min", "[R57-VS]"),
        ("temperature_decicelsius", 368, "temp", ["8310-5"], "Cel", "[R57-VS]"),
    ]

    @Test("Each vital sign is one Observation with its LOINC code and UCUM unit", arguments: vitalVectors)
    func vitalSign(_ vector: (column: String, value: Int64, suffix: String, codes: [String], unit: String, source: String)) throws {
        let resources = FHIRMapping.vitalSigns(Self.vitalRow([vector.column: vector.value]), Self.context)
        let observation = try #require(resources.first)
        #expect(resources.count == 1)
        #expect(observation.id == "\(Self.reading)-\(vector.suffix)", "\(vector.source)")
        #expect(Self.codes(observation.json) == vector.codes.map { "http://loinc.org|\($0)" }, "\(vector.source)")
        #expect(observation.json["valueQuantity"]?["code"]?.stringValue == vector.unit)
        #expect(observation.json["valueQuantity"]?["system"]?.stringValue == "http://unitsofmeasure.org")
        guard case .array(let categories)? = observation.json["category"], case .array(let codings)? = categories.first?["coding"] else {
            Issue.record("no category"); return
        }
        #expect(codings.first?["code"]?.stringValue == "vital-signs", "[R57-VSprof]")
        #expect(observation.json["effectiveDateTime"]?.stringValue == "2026-11-22T15:00:00.000Z")
        #expect(observation.json["subject"]?["reference"]?.stringValue == "Patient/\(Self.patient)")
        #expect(observation.json["meta"]?["profile"] == .array([.string("http://hl7.org/fhir/StructureDefinition/vitalsigns")]))
    }

    @Test("Readings are timed to the dose: minutes from the start of dosing, and the dose as partOf from then on")
    func timedToDose() {
        let dosing: Int64 = 1_795_359_600_000
        let cases: [(taken: Int64, note: String, partOf: Bool)] = [
            (dosing - 5 * 60_000, "Taken 5 min before dosing started", false),
            (dosing, "Taken 0 min after dosing started", true),
            (dosing + 40 * 60_000 + 59_000, "Taken 40 min after dosing started", true),
        ]
        for vector in cases {
            let row = FHIRRow(["id": .text(Self.reading), "patient_id": .text(Self.patient), "taken_at": .integer(vector.taken),
                               "recorded_at": .integer(vector.taken), "heart_rate": .integer(80),
                               "dosing_started_at": .integer(dosing), "administration_id": .text("DOSE-1")])
            let observation = FHIRMapping.vitalSigns(row, Self.context)[0].json
            #expect(observation["note"] == .array([.object([("text", .string(vector.note))])]))
            #expect((observation["partOf"] == .array([.object([("reference", .string("MedicationAdministration/DOSE-1"))])])) == vector.partOf)
        }
        let undosed = FHIRMapping.vitalSigns(Self.vitalRow(["heart_rate": 80]), Self.context)[0].json
        #expect(undosed["note"] == nil && undosed["partOf"] == nil, "a session not yet dosed has no timing")
    }

    @Test("Blood pressure is the 85354-9 panel with 8480-6 and 8462-4 components [R57-VS]")
    func bloodPressure() throws {
        let resources = FHIRMapping.vitalSigns(Self.vitalRow(["systolic": 128, "diastolic": 82, "heart_rate": 70]), Self.context)
        #expect(resources.map(\.id) == ["\(Self.reading)-bp", "\(Self.reading)-hr"])
        let panel = resources[0].json
        #expect(Self.codes(panel) == ["http://loinc.org|85354-9"])
        #expect(panel["valueQuantity"] == nil)
        guard case .array(let components)? = panel["component"] else { Issue.record("no components"); return }
        #expect(components.map { Self.codes($0) } == [["http://loinc.org|8480-6"], ["http://loinc.org|8462-4"]])
        #expect(components.map { $0["valueQuantity"]?["value"] } == [.integer(128), .integer(82)])
        #expect(components.allSatisfy { $0["valueQuantity"]?["code"]?.stringValue == "mm[Hg]" })
    }

    /// Diagnosis → Condition codes: ICD-10-CM always [R59], SNOMED CT 370143000 for F32/F33 only [R58].
    static let diagnosisVectors: [(icd10: String, expected: [String], source: String)] = [
        ("F33.2", ["http://hl7.org/fhir/sid/icd-10-cm|F33.2", "http://snomed.info/sct|370143000"], "[R59][R58]"),
        ("F32.1", ["http://hl7.org/fhir/sid/icd-10-cm|F32.1", "http://snomed.info/sct|370143000"], "[R59][R58]"),
        ("F31.4", ["http://hl7.org/fhir/sid/icd-10-cm|F31.4"], "[R59]; no SNOMED CT code in the reference"),
        ("F41.1", ["http://hl7.org/fhir/sid/icd-10-cm|F41.1"], "[R59]"),
        ("F43.10", ["http://hl7.org/fhir/sid/icd-10-cm|F43.10"], "[R59]"),
    ]

    @Test("Diagnoses map to ICD-10-CM, and MDD families to SNOMED CT", arguments: diagnosisVectors)
    func diagnosis(_ vector: (icd10: String, expected: [String], source: String)) throws {
        let payload = String(decoding: try JSONEncoder().encode(Diagnosis(icd10: vector.icd10, note: "n")), as: UTF8.self)
        let row = FHIRRow(["item_key": .text("K1"), "patient_id": .text(Self.patient), "payload": .text(payload),
                           "recorded_at": .integer(1), "first_recorded_at": .integer(1), "recorded_by": .text("someone")])
        let condition = try #require(try FHIRMapping.condition(row, Self.context).first)
        #expect(Self.codes(condition.json) == vector.expected, "\(vector.source)")
        #expect(condition.codes == vector.expected)
        #expect(condition.json["recorder"] == nil, "a recorder that is not a user id is left out")
    }

    /// Routes: SNOMED CT 47625008 for intravenous [R61]; no code in the reference for the others.
    static let administrationVectors: [(route: String, routeCodes: [String], medicationCodes: [String], source: String)] = [
        ("intravenous", ["http://snomed.info/sct|47625008"], [], "[R61]; ketamine RxCUIs not told apart [R32-openFDA]"),
        ("intramuscular", [], [], "route code NOT FOUND"),
        ("intranasal", [], ["http://www.whocc.no/atc|N06AX27"], "esketamine ATC [R23]"),
    ]

    @Test("A dose given: route, medication code, dose, rate and lot", arguments: administrationVectors)
    func administration(_ vector: (route: String, routeCodes: [String], medicationCodes: [String], source: String)) throws {
        let details = AdministrationDetails(product: "Product", lotNumber: "LOT-1", expiry: CalendarDate(year: 2027, month: 1, day: 31)!,
                                            concentrationMgPerMl: 10, doseMg: 35.5, route: vector.route,
                                            pumpRateMlPerHour: vector.route == "intravenous" ? 5.3 : nil,
                                            administeredBy: "Nurse A", checkedBy: "Dr B")
        let body = String(decoding: try JSONEncoder().encode(details), as: UTF8.self)
        let row = FHIRRow(["id": .text("A1"), "patient_id": .text(Self.patient), "session_id": .text("S1"), "plan_id": .text("P1"),
                           "body": .text(body), "recorded_at": .integer(0)])
        let resource = try #require(try FHIRMapping.medicationAdministration(row, Self.context).first).json
        #expect(Self.codes(try #require(resource["dosage"]), "route") == vector.routeCodes, "\(vector.source)")
        guard case .array(let contained)? = resource["contained"], let medication = contained.first else {
            Issue.record("no contained Medication"); return
        }
        #expect(Self.codes(medication) == vector.medicationCodes, "\(vector.source)")
        #expect(medication["batch"]?["lotNumber"]?.stringValue == "LOT-1")
        #expect(resource["medicationReference"]?["reference"]?.stringValue == "#product")
        #expect(resource["dosage"]?["dose"] == .object([("value", .decimal(35.5)), ("unit", .string("mg")),
                                                          ("system", .string("http://unitsofmeasure.org")), ("code", .string("mg"))]))
        #expect((resource["dosage"]?["rateQuantity"] != nil) == (vector.route == "intravenous"))
        #expect(resource["request"]?["reference"]?.stringValue == "MedicationRequest/P1")
        #expect(resource["context"]?["reference"]?.stringValue == "Encounter/S1")
    }

    /// Scale totals: an Observation only where the reference gives the total's LOINC code.
    static let scaleVectors: [(instrument: InstrumentID, code: String?, source: String)] = [
        (.phq9, "44261-6", "[R42-USCore]"),
        (.gad7, "70274-6", "[R57-PHR]"),
        (.pcl5, nil, "NOT FOUND (§8.1)"),
        (.qidsSR16, nil, "NOT FOUND (§8.1)"),
        (.madrs, nil, "NOT FOUND (§8.1)"),
        (.cssrs, nil, "93374-7 is a risk level, not a total [R48-HL7]"),
    ]

    @Test("Scale totals carry the documented LOINC code, or are not written", arguments: scaleVectors)
    func scaleTotal(_ vector: (instrument: InstrumentID, code: String?, source: String)) {
        let row = FHIRRow(["id": .text(Self.reading), "patient_id": .text(Self.patient), "instrument": .text(vector.instrument.rawValue),
                           "total": .integer(12), "administered_on": .text("2026-11-20"), "recorded_at": .integer(0)])
        let resources = FHIRMapping.scaleTotal(row, Self.context)
        #expect(resources.first.map { Self.codes($0.json) } == vector.code.map { ["http://loinc.org|\($0)"] }, "\(vector.source)")
        if vector.code != nil {
            #expect(resources.first?.json["valueInteger"] == .integer(12))
            #expect(resources.first?.json["derivedFrom"] == .array([.object([("reference", .string("QuestionnaireResponse/\(Self.reading)"))])]))
        }
    }

    @Test("Questionnaires are published only for instruments whose licence allows: PHQ-9, GAD-7 [R42-USCore], PCL-5 [R51-mh]")
    func questionnaires() {
        let published = FHIRQuestionnaires.all()
        #expect(published.map(\.id) == ["phq9", "gad7", "pcl5"])
        let phq9 = published[0].json
        #expect(phq9["code"] == .array([.object([("system", .string("http://loinc.org")), ("code", .string("44249-1")),
                                                ("display", .string("Patient Health Questionnaire-9"))])]), "[R57-code]")
        guard case .array(let items)? = phq9["item"] else { Issue.record("no items"); return }
        #expect(items.count == 9)
        #expect(items.last?["code"] == .array([.object([("system", .string("http://loinc.org")), ("code", .string("44260-8"))])]), "[R42-USCore]")
    }

    @Test("Session states map to Encounter statuses")
    func encounterStatus() {
        let expected: [TreatmentSessionState: String] = [
            .scheduled: "planned", .checkedIn: "arrived", .preTreatmentChecks: "arrived", .dosing: "in-progress",
            .observation: "in-progress", .readyForDischarge: "in-progress", .discharged: "finished", .stoppedEarly: "finished",
            .cancelled: "cancelled", .noShow: "cancelled",
        ]
        for state in TreatmentSessionState.allCases { #expect(FHIRCodes.encounterStatus(state.rawValue) == expected[state], "\(state)") }
        #expect(FHIRCodes.encounterStatus("garbage") == "unknown")
    }

    @Test("FHIR instants and JSON text")
    func writer() {
        #expect(FHIRTime.instant(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(FHIRTime.instant(milliseconds: 1_795_359_600_123) == "2026-11-22T15:00:00.123Z")
        #expect(FHIRTime.instant(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        let json = FHIRJSON.object([("a", .string("q\"\\\n\u{01}é")), ("b", .decimal(1.5)), ("c", .decimal(2)), ("d", .decimal(.nan))])
        #expect(json.text == #"{"a":"q\"\\\n\u0001é","b":1.5,"c":2,"d":0}"#)
    }

    // MARK: - Search parsing

    static var observation: FHIRResourceKind { FHIRResourceKinds.named("Observation")! }
    static let zone = TimeZone(identifier: "America/New_York")!

    /// Refused parameters: the OperationOutcome code and why.
    static let refusals: [(query: [(String, String)], code: String)] = [
        ([("colour", "blue")], "not-supported"),
        ([("code:text", "x")], "not-supported"),
        ([("_count", "0")], "invalid"),
        ([("_count", "1001")], "invalid"),
        ([("_count", "ten")], "invalid"),
        ([("_count", "5"), ("_count", "6")], "invalid"),
        ([("date", "2026-02-30")], "invalid"),
        ([("date", "2026-01-01T10:00")], "invalid"),
        ([("date", "ne2026-01-01")], "not-supported"),
        ([("date", "1800")], "invalid"),
        ([("patient", "Patient/123")], "invalid"),
        ([("_cursor", "0.0.x'--")], "invalid"),
        ([("_cursor", "7.0.abc")], "invalid"),
        ([("code", "http://loinc.org|")], "invalid"),
        ([("_format", "xml")], "not-supported"),
        ([("birthdate", "2000")], "not-supported"),
    ]

    @Test("Bad search input is refused with a FHIR issue code, never accepted", arguments: 0..<refusals.count)
    func refusal(_ index: Int) {
        let vector = Self.refusals[index]
        #expect { try FHIRSearch.parse(vector.query, kind: Self.observation, timeZone: Self.zone) } throws: { error in
            (error as? FHIRError)?.code == vector.code && (error as? FHIRError)?.status == 400
        }
    }

    @Test("Date prefixes become bounds on the instant and on the day (clinic time zone)")
    func datePrefixes() throws {
        // 2026-03-01 in New York (UTC-5): 05:00Z to 05:00Z the next day.
        let start: Int64 = 1_772_341_200_000, end: Int64 = start + 86_400_000
        let cases: [(String, [(Int64, Bool)])] = [
            ("2026-03-01", [(start, true), (end, false)]), ("eq2026-03-01", [(start, true), (end, false)]),
            ("ge2026-03-01", [(start, true)]), ("gt2026-03-01", [(end, true)]),
            ("le2026-03-01", [(end, false)]), ("lt2026-03-01", [(start, false)]),
        ]
        for (value, bounds) in cases {
            let search = try FHIRSearch.parse([("date", value)], kind: Self.observation, timeZone: Self.zone)
            #expect(search.filter.dateMilliseconds.map { ($0.value, $0.isLower) }.elementsEqual(bounds, by: ==), "\(value)")
        }
        let day = try FHIRSearch.parse([("date", "gt2026-03-01")], kind: Self.observation, timeZone: Self.zone)
        #expect(day.filter.dateDays.map(\.value) == ["2026-03-02"])
        let instant = try #require(FHIRDateRange.parse("2026-03-01T10:15:00Z", timeZone: Self.zone))
        #expect(instant.end - instant.start == 1_000)
        let minute = try #require(FHIRDateRange.parse("2026-03-01T10:15+01:00", timeZone: Self.zone))
        #expect(minute.start == 1_772_356_500_000 && minute.end - minute.start == 60_000)
        let month = try #require(FHIRDateRange.parse("2026-02", timeZone: Self.zone))
        #expect(month.startDay == "2026-02-01" && month.endDay == "2026-03-01")
    }

    @Test("patient, code, _id and _count parse; the cursor survives its link text")
    func accepted() throws {
        let search = try FHIRSearch.parse([("patient", "Patient/\(Self.patient)"), ("subject", Self.patient.lowercased()),
                                           ("code", "http://loinc.org|8867-4,|59408-5"), ("_count", "20"), ("_lastUpdated", "ge2026")],
                                          kind: Self.observation, timeZone: Self.zone)
        #expect(search.filter.patientIDs == [UUID(uuidString: Self.patient)!], "both patient parameters must hold")
        #expect(search.count == 20)
        #expect(search.codes.map { "\($0.system ?? "")|\($0.code)" } == ["http://loinc.org|8867-4", "|59408-5"])
        #expect(search.filter.lastUpdated.count == 1)
        let cursor = FHIRCursor(source: 1, key: "ABC-12", skip: 3)
        #expect(FHIRCursor(text: cursor.text) == cursor)
        let byID = try FHIRSearch.parse([("_id", "\(Self.reading)-hr")], kind: Self.observation, timeZone: Self.zone)
        #expect(byID.filter.key == Self.reading, "a vital sign's id names its reading's row")
    }
}
