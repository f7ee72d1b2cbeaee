import ClinicDomain
import Foundation

/// Every code system and code the FHIR mapping writes, each with its source key: the clinical
/// reference's keys ([R57-VS]…) or the FHIR specification entries listed in docs/fhir.md ([F1]…).
/// Nothing here is made up: where the reference gives no code (RxNorm for the products unless the clinic enters them, LOINC for
/// PCL-5/QIDS/MADRS totals, SNOMED CT for treatment-resistant depression) the mapping writes text only.
public enum FHIRCodes {
    /// LOINC [R57-VS].
    public static let loinc = "http://loinc.org"
    /// SNOMED CT [R58][R61].
    public static let snomed = "http://snomed.info/sct"
    /// ICD-10-CM, the diagnosis codes of the intake record [R59][R58].
    public static let icd10CM = "http://hl7.org/fhir/sid/icd-10-cm"
    /// UCUM units [R57-VSprof].
    public static let ucum = "http://unitsofmeasure.org"
    /// WHO ATC [R23].
    public static let atc = "http://www.whocc.no/atc"
    /// RxNorm's system URI, for the RxCUIs a clinic enters (``MedicationCodes``).
    public static let rxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
    /// Observation categories, `vital-signs` [R57-VSprof] and `survey` [F3].
    public static let observationCategory = "http://terminology.hl7.org/CodeSystem/observation-category"
    /// Condition clinical status [F4].
    public static let conditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical"
    /// Condition verification status [F4].
    public static let conditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
    /// Condition category [F4].
    public static let conditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category"
    /// AllergyIntolerance clinical status [F5].
    public static let allergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
    /// Identifier types, `MR` medical record number [F6].
    public static let identifierType = "http://terminology.hl7.org/CodeSystem/v2-0203"
    /// Encounter class, `AMB` ambulatory [F7].
    public static let actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    /// Flag category, `safety` [F8].
    public static let flagCategory = "http://terminology.hl7.org/CodeSystem/flag-category"
    /// DICOM audit event types [F9].
    public static let dicom = "http://dicom.nema.org/resources/ontology/DCM"

    /// The base FHIR vital-signs profile [R57-VSprof].
    public static let vitalSignsProfile = "http://hl7.org/fhir/StructureDefinition/vitalsigns"
    /// US Core Patient [F10].
    public static let usCorePatientProfile = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"

    /// One vital sign's LOINC code, display and UCUM unit.
    public struct VitalSign: Sendable {
        /// The FHIR id suffix (`<reading id>-<suffix>`).
        public let suffix: String
        /// LOINC codes, most specific first.
        public let codes: [(code: String, display: String)]
        /// The UCUM unit code and its human text.
        public let unit: (code: String, text: String)
    }

    /// Blood pressure panel 85354-9 [R57-VS].
    public static let bloodPressure = VitalSign(suffix: "bp", codes: [("85354-9", "Blood pressure panel with all children optional")],
                                                unit: ("mm[Hg]", "mmHg"))
    /// Systolic 8480-6 [R57-VS].
    public static let systolic = (code: "8480-6", display: "Systolic blood pressure")
    /// Diastolic 8462-4 [R57-VS].
    public static let diastolic = (code: "8462-4", display: "Diastolic blood pressure")
    /// Heart rate 8867-4 [R57-VS].
    public static let heartRate = VitalSign(suffix: "hr", codes: [("8867-4", "Heart rate")], unit: ("/min", "beats/minute"))
    /// Oxygen saturation: 59408-5 by pulse oximetry [R57-Kenya], with 2708-6 of the base vital-signs set [R57-VS].
    public static let oxygenSaturation = VitalSign(
        suffix: "spo2",
        codes: [("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"), ("2708-6", "Oxygen saturation in Arterial blood")],
        unit: ("%", "%"))
    /// Respiratory rate 9279-1 [R57-VS].
    public static let respiratoryRate = VitalSign(suffix: "rr", codes: [("9279-1", "Respiratory rate")], unit: ("/min", "breaths/minute"))
    /// Body temperature 8310-5 [R57-VS].
    public static let temperature = VitalSign(suffix: "temp", codes: [("8310-5", "Body temperature")], unit: ("Cel", "°C"))

    /// SNOMED CT 370143000 Major depressive disorder [R58], for the depressive-episode and recurrent
    /// depressive disorder families (F32.x, F33.x [R59]); other families get the ICD-10 code only.
    public static func snomedDiagnosis(for icd10: String) -> (code: String, display: String)? {
        switch Diagnosis.family(of: icd10) {
        case .depressiveEpisode, .recurrentDepressiveDisorder: ("370143000", "Major depressive disorder")
        default: nil
        }
    }

    /// SNOMED CT route codes given by the reference: 47625008 intravenous route [R61]. Other routes
    /// (intramuscular, nasal) have no code in the reference and are written as text.
    public static func snomedRoute(_ route: String) -> (code: String, display: String)? {
        route == "intravenous" ? ("47625008", "Intravenous route") : nil
    }

    /// The medication codings for a treatment: esketamine ATC N06AX27 [R23]; and RxNorm when the
    /// clinic entered the product's RxCUI (``MedicationCodes``, clinic policy): the reference has no
    /// RxCUI for the ingredients or Spravato (NOT FOUND) and does not tell openFDA's three ketamine
    /// injection RxCUIs apart [R32-openFDA], so none is written by default.
    public static func medicationCodings(esketamine: Bool, rxCUI: String? = nil) -> [FHIRJSON] {
        (rxCUI.map { [FHIRMapping.coding(rxNorm, $0, esketamine ? "esketamine" : "ketamine")] } ?? [])
            + (esketamine ? [FHIRMapping.coding(atc, "N06AX27", "esketamine")] : [])
    }

    /// DICOM audit event type: 110110 Patient Record for entries about a patient, 110100
    /// Application Activity otherwise [F9].
    public static func auditType(aboutPatient: Bool) -> FHIRJSON {
        aboutPatient ? FHIRMapping.coding(dicom, "110110", "Patient Record")
                     : FHIRMapping.coding(dicom, "110100", "Application Activity")
    }

    /// AuditEvent.action for the audit trail's actions [F9]: C create, R read, U update, D delete, E execute.
    public static func auditAction(_ action: String) -> String {
        switch action {
        case "view": "R"
        case "create": "C"
        case "update", "amend", "sign": "U"
        case "void", "delete", "retract": "D"
        default: "E"
        }
    }

    /// Encounter status for a session state [F7].
    public static func encounterStatus(_ state: String) -> String {
        switch TreatmentSessionState(rawValue: state) {
        case .scheduled: "planned"
        case .checkedIn, .preTreatmentChecks: "arrived"
        case .dosing, .observation, .readyForDischarge: "in-progress"
        case .discharged, .stoppedEarly: "finished"
        case .cancelled, .noShow: "cancelled"
        case nil: "unknown"
        }
    }
}
