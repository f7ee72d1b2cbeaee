import ClinicDomain
import Foundation

/// The source tables of the FHIR API and export. Each reads only current versions of append-only
/// records (a corrected row is replaced by its correction; a retracted intake item is left out),
/// and joins what a resource needs (the patient's clinic, the session's plan, the chair's id) so no
/// resource costs a query of its own.
public enum FHIRTables {
    /// Registered patients → Patient. Last updated: the latest identity amendment, else registration.
    public static let patients = FHIRTable(
        name: "patients",
        columns: [
            FHIRColumn("p.id"), FHIRColumn("p.mrn"), FHIRColumn("p.given_name"), FHIRColumn("p.family_name"),
            FHIRColumn("p.date_of_birth"), FHIRColumn("p.sex_at_birth"), FHIRColumn("p.gender_identity"),
            FHIRColumn("p.clinic_id"), FHIRColumn("p.registered_at", .integer),
            FHIRColumn(patientUpdated, as: "updated_at", .integer),
        ],
        from: "patients p", key: "p.id", clinic: "p.clinic_id", patient: "p.id",
        date: ("p.date_of_birth", .day), lastUpdated: patientUpdated)

    private static let patientUpdated = """
        COALESCE((SELECT MAX(ia.recorded_at) FROM patient_record_items ia WHERE ia.patient_id = p.id \
        AND ia.section = 'identity'), p.registered_at)
        """

    /// Staff accounts → Practitioner and PractitionerRole.
    public static let users = FHIRTable(
        name: "users",
        columns: [
            FHIRColumn("u.id"), FHIRColumn("u.display_name"), FHIRColumn("u.email"), FHIRColumn("u.role"),
            FHIRColumn("u.is_active", .boolean), FHIRColumn("u.created_at", .integer), FHIRColumn("u.updated_at", .integer),
        ],
        from: "users u", key: "u.id", clinic: nil, patient: nil, date: nil, lastUpdated: "u.updated_at")

    /// The clinic → Organization.
    public static let clinics = FHIRTable(
        name: "clinics",
        columns: [
            FHIRColumn("c.id"), FHIRColumn("c.name"), FHIRColumn("c.time_zone"), FHIRColumn("c.jurisdiction"),
            FHIRColumn("c.updated_at", .integer),
        ],
        from: "clinics c", key: "c.id", clinic: "c.id", patient: nil, date: nil, lastUpdated: "c.updated_at")

    /// The clinic's treatment chairs → Location.
    public static let chairs = FHIRTable(
        name: "chairs",
        columns: [
            FHIRColumn("ch.id"), FHIRColumn("ch.clinic_id"), FHIRColumn("ch.name"), FHIRColumn("ch.position", .integer),
            FHIRColumn("ch.active", .boolean), FHIRColumn("ch.updated_at", .integer),
        ],
        from: "schedule_chairs ch", key: "ch.id", clinic: "ch.clinic_id", patient: nil, date: nil,
        lastUpdated: "ch.updated_at")

    /// The current version of each intake item of `section` (diagnosis, allergy, medication), retracted
    /// items left out. `first_recorded_at` is when the item was first entered.
    public static func recordItems(_ section: RecordSection) -> FHIRTable {
        FHIRTable(
            name: "record-\(section.rawValue)",
            columns: [
                FHIRColumn("i.item_key"), FHIRColumn("i.patient_id"), FHIRColumn("i.version", .integer),
                FHIRColumn("i.payload"), FHIRColumn("i.recorded_at", .integer), FHIRColumn("i.recorded_by"),
                FHIRColumn("i.recorded_by_name"),
                FHIRColumn("(SELECT MIN(f.recorded_at) FROM patient_record_items f WHERE f.item_key = i.item_key)",
                           as: "first_recorded_at", .integer),
            ],
            from: "patient_record_items i JOIN patients p ON p.id = i.patient_id",
            conditions: [
                "i.section = '\(section.rawValue)'", "i.payload IS NOT NULL",
                "i.version = (SELECT MAX(m.version) FROM patient_record_items m WHERE m.item_key = i.item_key)",
            ],
            key: "i.item_key", clinic: "p.clinic_id", patient: "i.patient_id",
            date: ("(SELECT MIN(f.recorded_at) FROM patient_record_items f WHERE f.item_key = i.item_key)", .milliseconds),
            lastUpdated: "i.recorded_at")
    }

    /// Signed treatment plans → MedicationRequest; `latest_version` tells a superseded plan.
    public static let plans = FHIRTable(
        name: "plans",
        columns: [
            FHIRColumn("t.id"), FHIRColumn("t.patient_id"), FHIRColumn("t.version", .integer), FHIRColumn("t.body"),
            FHIRColumn("t.supersedes"), FHIRColumn("t.signed_by"), FHIRColumn("t.signed_by_name"),
            FHIRColumn("t.signed_at", .integer),
            FHIRColumn("(SELECT MAX(m.version) FROM treatment_plans m WHERE m.patient_id = t.patient_id)",
                       as: "latest_version", .integer),
        ],
        from: "treatment_plans t JOIN patients p ON p.id = t.patient_id", key: "t.id", clinic: "p.clinic_id",
        patient: "t.patient_id", date: ("t.signed_at", .milliseconds), lastUpdated: "t.signed_at")

    /// Treatment sessions → Encounter, with the first and last state change and the chair's id.
    public static let sessions = FHIRTable(
        name: "sessions",
        columns: [
            FHIRColumn("s.id"), FHIRColumn("s.patient_id"), FHIRColumn("s.plan_id"), FHIRColumn("s.number", .integer),
            FHIRColumn("s.scheduled_on"), FHIRColumn("s.state"), FHIRColumn("s.chair"), FHIRColumn("s.updated_at", .integer),
            FHIRColumn("(SELECT MIN(e.occurred_at) FROM treatment_session_events e WHERE e.session_id = s.id)",
                       as: "started_at", .integer),
            FHIRColumn("""
                (SELECT MAX(e.occurred_at) FROM treatment_session_events e WHERE e.session_id = s.id \
                AND e.to_state IN ('discharged', 'stopped-early', 'cancelled', 'no-show'))
                """, as: "ended_at", .integer),
            FHIRColumn("(SELECT c.id FROM schedule_chairs c WHERE c.clinic_id = p.clinic_id AND c.name = s.chair)",
                       as: "chair_id"),
        ],
        from: "treatment_sessions s JOIN patients p ON p.id = s.patient_id", key: "s.id", clinic: "p.clinic_id",
        patient: "s.patient_id", date: ("s.scheduled_on", .day), lastUpdated: "s.updated_at")

    /// Doses given (current administration entries) → MedicationAdministration, with the session's plan.
    public static let administrations = FHIRTable(
        name: "administrations",
        columns: [
            FHIRColumn("se.id"), FHIRColumn("se.session_id"), FHIRColumn("se.patient_id"), FHIRColumn("se.body"),
            FHIRColumn("se.recorded_at", .integer), FHIRColumn("se.recorded_by"), FHIRColumn("se.recorded_by_name"),
            FHIRColumn("se.amends"), FHIRColumn("s.plan_id"),
        ],
        from: "session_entries se JOIN treatment_sessions s ON s.id = se.session_id JOIN patients p ON p.id = se.patient_id",
        conditions: [
            "se.kind = 'administration'",
            "NOT EXISTS (SELECT 1 FROM session_entries x WHERE x.amends = se.id)",
        ],
        key: "se.id", clinic: "p.clinic_id", patient: "se.patient_id", date: ("se.recorded_at", .milliseconds),
        lastUpdated: "se.recorded_at")

    /// Current vital-sign readings → vital-sign Observations (one per measured sign), with the time
    /// dosing started and the dose given in the session, so each reading is timed to the dose.
    public static let vitals = FHIRTable(
        name: "vitals",
        columns: [
            FHIRColumn("v.id"), FHIRColumn("v.session_id"), FHIRColumn("v.patient_id"), FHIRColumn("v.taken_at", .integer),
            FHIRColumn("v.recorded_at", .integer), FHIRColumn("v.source"), FHIRColumn("v.systolic", .integer),
            FHIRColumn("v.diastolic", .integer), FHIRColumn("v.heart_rate", .integer),
            FHIRColumn("v.oxygen_saturation", .integer), FHIRColumn("v.respiratory_rate", .integer),
            FHIRColumn("v.temperature_decicelsius", .integer), FHIRColumn("v.amends"),
            // The dose it is timed to: when dosing started, and the session's (current) administration.
            FHIRColumn("""
                (SELECT MIN(e.occurred_at) FROM treatment_session_events e WHERE e.session_id = v.session_id \
                AND e.to_state = 'dosing')
                """, as: "dosing_started_at", .integer),
            FHIRColumn("""
                (SELECT se.id FROM session_entries se WHERE se.session_id = v.session_id AND se.kind = 'administration' \
                AND NOT EXISTS (SELECT 1 FROM session_entries x WHERE x.amends = se.id) ORDER BY se.recorded_at LIMIT 1)
                """, as: "administration_id"),
        ],
        from: "session_vitals v JOIN patients p ON p.id = v.patient_id",
        conditions: ["NOT EXISTS (SELECT 1 FROM session_vitals x WHERE x.amends = v.id)"],
        key: "v.id", clinic: "p.clinic_id", patient: "v.patient_id", date: ("v.taken_at", .milliseconds),
        lastUpdated: "v.recorded_at")

    /// Current rating-scale responses → score Observations (dated by the day the scale was given).
    public static let scaleResponses = scaleTable(name: "scales", date: ("r.administered_on", .day))

    /// Current rating-scale responses → QuestionnaireResponse (dated by when they were recorded).
    public static let questionnaireResponses = scaleTable(name: "questionnaire-responses", date: ("r.recorded_at", .milliseconds))

    private static func scaleTable(name: String, date: (String, FHIRDateColumnKind)) -> FHIRTable {
        FHIRTable(
            name: name,
            columns: [
                FHIRColumn("r.id"), FHIRColumn("r.patient_id"), FHIRColumn("r.instrument"), FHIRColumn("r.score"),
                FHIRColumn("r.total", .integer), FHIRColumn("r.administered_on"), FHIRColumn("r.recorded_at", .integer),
                FHIRColumn("r.source"), FHIRColumn("r.recorded_by"), FHIRColumn("r.recorded_by_name"), FHIRColumn("r.amends"),
            ],
            from: "scale_responses r JOIN patients p ON p.id = r.patient_id",
            conditions: ["NOT EXISTS (SELECT 1 FROM scale_responses x WHERE x.amends = r.id)"],
            key: "r.id", clinic: "p.clinic_id", patient: "r.patient_id", date: date, lastUpdated: "r.recorded_at")
    }

    /// Suicidality alerts from rating scales → Flag.
    public static let safetyAlerts = FHIRTable(
        name: "safety-alerts",
        columns: [
            FHIRColumn("a.id"), FHIRColumn("a.patient_id"), FHIRColumn("a.response_id"), FHIRColumn("a.instrument"),
            FHIRColumn("a.detail"), FHIRColumn("a.raised_at", .integer), FHIRColumn("a.escalated_at", .integer),
            FHIRColumn("a.acknowledgement"),
        ],
        from: "safety_alerts a JOIN patients p ON p.id = a.patient_id", key: "a.id", clinic: "p.clinic_id",
        patient: "a.patient_id", date: ("a.raised_at", .milliseconds), lastUpdated: "a.raised_at")

    /// Vital-sign alerts raised during sessions → DetectedIssue.
    public static let sessionAlerts = FHIRTable(
        name: "session-alerts",
        columns: [
            FHIRColumn("a.id"), FHIRColumn("a.session_id"), FHIRColumn("a.patient_id"), FHIRColumn("a.vital_id"),
            FHIRColumn("a.code"), FHIRColumn("a.message"), FHIRColumn("a.raised_at", .integer),
            FHIRColumn("a.acknowledged_at", .integer), FHIRColumn("a.acknowledged_by_name"), FHIRColumn("a.action"),
            FHIRColumn("a.note"),
        ],
        from: "session_alerts a JOIN patients p ON p.id = a.patient_id", key: "a.id", clinic: "p.clinic_id",
        patient: "a.patient_id", date: ("a.raised_at", .milliseconds),
        lastUpdated: "COALESCE(a.acknowledged_at, a.raised_at)")

    /// The audit trail → AuditEvent: entries about this clinic's patients and those about no patient.
    public static let audit = FHIRTable(
        name: "audit",
        columns: [
            FHIRColumn("a.sequence", .integer), FHIRColumn("a.occurred_at", .integer), FHIRColumn("a.user_id"),
            FHIRColumn("a.actor_name"), FHIRColumn("a.role"), FHIRColumn("a.request_id"), FHIRColumn("a.ip_address"),
            FHIRColumn("a.action"), FHIRColumn("a.entity_type"), FHIRColumn("a.entity_id"), FHIRColumn("a.patient_id"),
            FHIRColumn("a.summary"),
        ],
        from: "audit_entries a LEFT JOIN patients p ON p.id = a.patient_id",
        conditions: [], key: "a.sequence", keyIsInteger: true, clinic: "p.clinic_id", keepsRowsWithoutClinic: true, patient: "a.patient_id",
        date: ("a.occurred_at", .milliseconds), lastUpdated: "a.occurred_at")
}
