import ClinicDomain
import ClinicStorage
import Foundation

/// Where the resources of one type come from: a source table and its mapping, or a fixed list.
public struct FHIRSource: Sendable {
    /// A table and its row mapping, or fixed resources.
    public enum Origin: Sendable {
        case table(FHIRTable, @Sendable (FHIRRow, FHIRMappingContext) throws -> [FHIRResource])
        case fixed(@Sendable () -> [FHIRResource])
    }

    /// Where the resources come from.
    public let origin: Origin
    /// The row key a resource id belongs to (ids of multi-resource rows carry a suffix).
    public let keyForID: @Sendable (String) -> String

    init(_ table: FHIRTable, keyForID: @escaping @Sendable (String) -> String = { $0 },
         map: @escaping @Sendable (FHIRRow, FHIRMappingContext) throws -> [FHIRResource]) {
        origin = .table(table, map)
        self.keyForID = keyForID
    }

    init(fixed: @escaping @Sendable () -> [FHIRResource]) {
        origin = .fixed(fixed)
        keyForID = { $0 }
    }
}

/// One resource type the server supports, with its sources, who may read it and its search parameters.
public struct FHIRResourceKind: Sendable {
    /// The FHIR resource type.
    public let type: String
    /// Its sources, read in order.
    public let sources: [FHIRSource]
    /// The permission its read and search need (nil: any signed-in user).
    public let permission: Permission?
    /// The reference parameters naming the patient (`patient`, and `subject` where FHIR defines it).
    public let patientParameters: [String]
    /// The date parameter FHIR defines for the type and the element it searches (`date`, `authoredon`…).
    public let dateParameter: (name: String, element: String)?
    /// True when `code` (token) is supported.
    public let supportsCode: Bool
    /// True when `_lastUpdated` is supported.
    public let supportsLastUpdated: Bool

    /// True for resources about one patient: in the Patient compartment and audited when read.
    public var isPatientData: Bool { type == "Patient" || !patientParameters.isEmpty }

    /// Every search parameter this type accepts, result parameters included.
    public var searchParameters: [String] {
        var names = ["_id", "_count"]
        if supportsLastUpdated { names.append("_lastUpdated") }
        names += patientParameters
        if let date = dateParameter { names.append(date.name) }
        if supportsCode { names.append("code") }
        return names
    }
}

/// The resource types of the FHIR API, the Bulk Data export and the CLI export, in export order.
public enum FHIRResourceKinds {
    private static func suffixed(_ id: String) -> String {
        guard let dash = id.lastIndex(of: "-"), id.distance(from: id.startIndex, to: dash) == 36 else { return id }
        return String(id[..<dash])
    }

    /// Every supported type.
    public static let all: [FHIRResourceKind] = [
        FHIRResourceKind(type: "Organization", sources: [FHIRSource(FHIRTables.clinics, map: FHIRMapping.organization)],
                         permission: nil, patientParameters: [], dateParameter: nil, supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "Location", sources: [FHIRSource(FHIRTables.chairs, map: FHIRMapping.location)],
                         permission: nil, patientParameters: [], dateParameter: nil, supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "Practitioner", sources: [FHIRSource(FHIRTables.users, map: FHIRMapping.practitioner)],
                         permission: nil, patientParameters: [], dateParameter: nil, supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "PractitionerRole", sources: [FHIRSource(FHIRTables.users, map: FHIRMapping.practitionerRole)],
                         permission: nil, patientParameters: [], dateParameter: nil, supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "Questionnaire", sources: [FHIRSource(fixed: FHIRQuestionnaires.all)],
                         permission: nil, patientParameters: [], dateParameter: nil, supportsCode: true, supportsLastUpdated: false),
        FHIRResourceKind(type: "Patient", sources: [FHIRSource(FHIRTables.patients, map: FHIRMapping.patient)],
                         permission: .patientsRead, patientParameters: [], dateParameter: ("birthdate", "Patient.birthDate"),
                         supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "Condition", sources: [FHIRSource(FHIRTables.recordItems(.diagnosis), map: FHIRMapping.condition)],
                         permission: .patientsClinical, patientParameters: ["patient", "subject"],
                         dateParameter: ("recorded-date", "Condition.recordedDate"), supportsCode: true, supportsLastUpdated: true),
        FHIRResourceKind(type: "AllergyIntolerance", sources: [FHIRSource(FHIRTables.recordItems(.allergy), map: FHIRMapping.allergy)],
                         permission: .patientsClinical, patientParameters: ["patient"],
                         dateParameter: ("date", "AllergyIntolerance.recordedDate"), supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "MedicationStatement",
                         sources: [FHIRSource(FHIRTables.recordItems(.medication), map: FHIRMapping.medicationStatement)],
                         permission: .patientsClinical, patientParameters: ["patient", "subject"], dateParameter: nil,
                         supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "MedicationRequest", sources: [FHIRSource(FHIRTables.plans, map: FHIRMapping.medicationRequest)],
                         permission: .patientsClinical, patientParameters: ["patient", "subject"],
                         dateParameter: ("authoredon", "MedicationRequest.authoredOn"), supportsCode: true, supportsLastUpdated: true),
        FHIRResourceKind(type: "Encounter", sources: [FHIRSource(FHIRTables.sessions, map: FHIRMapping.encounter)],
                         permission: .patientsClinical, patientParameters: ["patient", "subject"],
                         dateParameter: ("date", "Encounter.period (the scheduled day)"), supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "MedicationAdministration",
                         sources: [FHIRSource(FHIRTables.administrations, map: FHIRMapping.medicationAdministration)],
                         permission: .patientsClinical, patientParameters: ["patient", "subject"],
                         dateParameter: ("effective-time", "MedicationAdministration.effectiveDateTime"), supportsCode: true,
                         supportsLastUpdated: true),
        FHIRResourceKind(type: "Observation",
                         sources: [FHIRSource(FHIRTables.vitals, keyForID: suffixed, map: FHIRMapping.vitalSigns),
                                   FHIRSource(FHIRTables.scaleResponses, keyForID: suffixed, map: FHIRMapping.scaleTotal)],
                         permission: .patientsClinical, patientParameters: ["patient", "subject"],
                         dateParameter: ("date", "Observation.effectiveDateTime"), supportsCode: true, supportsLastUpdated: true),
        FHIRResourceKind(type: "QuestionnaireResponse",
                         sources: [FHIRSource(FHIRTables.questionnaireResponses, map: FHIRMapping.questionnaireResponse)],
                         permission: .patientsClinical, patientParameters: ["patient", "subject"],
                         dateParameter: ("authored", "QuestionnaireResponse.authored"), supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "Flag", sources: [FHIRSource(FHIRTables.safetyAlerts, map: FHIRMapping.flag)],
                         permission: .patientsClinical, patientParameters: ["patient", "subject"],
                         dateParameter: ("date", "Flag.period"), supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "DetectedIssue", sources: [FHIRSource(FHIRTables.sessionAlerts, map: FHIRMapping.detectedIssue)],
                         permission: .patientsClinical, patientParameters: ["patient"],
                         dateParameter: ("identified", "DetectedIssue.identifiedDateTime"), supportsCode: false, supportsLastUpdated: true),
        FHIRResourceKind(type: "AuditEvent", sources: [FHIRSource(FHIRTables.audit, map: FHIRMapping.auditEvent)],
                         permission: .auditRead, patientParameters: ["patient"], dateParameter: ("date", "AuditEvent.recorded"),
                         supportsCode: false, supportsLastUpdated: true),
    ]

    /// The kind of `type`, or nil when the server does not support it.
    public static func named(_ type: String) -> FHIRResourceKind? { all.first { $0.type == type } }
}
