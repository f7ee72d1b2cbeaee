/// One thing a user may do. Routes name the permission they need; roles grant permissions
/// through ``AccessMatrix``; an API token carries a subset of its owner's permissions as scope.
///
/// Deny by default: a permission no role lists is granted to nobody.
public enum Permission: String, CaseIterable, Codable, Sendable, Comparable {
    /// See the patient list and a chart's registration details.
    case patientsRead = "patients.read"
    /// Register a new patient.
    case patientsRegister = "patients.register"
    /// The clinical record: intake history and diagnoses, screenings, scales and alerts, plans,
    /// sessions and the chair board. Split from `patients.read` so that front desk and
    /// administrators see only what they need (OWASP ASVS V4.1.3, least privilege).
    case patientsClinical = "patients.clinical"
    /// Time-limited access to one patient's clinical record in an emergency ("break the glass"),
    /// with a written reason, audited and shown to the clinic's prescribers.
    case patientsEmergencyAccess = "patients.emergency_access"
    /// Enter and correct contact details and the escort / emergency contact.
    case patientsContact = "patients.contact"
    /// Enter and correct the clinical intake record: history, medications, vital signs, trials.
    case patientsIntake = "patients.intake"
    /// Sign a screening: override contraindications with a reason, acknowledge cautions.
    case screeningSign = "screening.sign"
    /// Use the dose calculator and the pharmacokinetic preview, and read the protocol library.
    case dosingUse = "dosing.use"
    /// Sign a patient's treatment plan: protocol, target dose and the course of sessions.
    case plansSign = "plans.sign"
    /// Enter rating scales and create self-report links for patients.
    case scalesRecord = "scales.record"
    /// Acknowledge a suicidality or vital-sign alert with the action taken.
    case alertsAcknowledge = "alerts.acknowledge"
    /// Check a patient in for a session, mark a no-show or cancel a session.
    case sessionsCheckIn = "sessions.check_in"
    /// Run a treatment session: checklist, administration, side effects, discharge, session note.
    case sessionsRun = "sessions.run"
    /// Record vital signs during a session (nurses, and monitor gateways through an API token).
    case vitalsRecord = "vitals.record"
    /// Override a session's hard stop (failed checklist, unmet discharge criteria, missing points) with a reason.
    case sessionsOverride = "sessions.override"
    /// Mark a Spravato REMS Patient Monitoring Form submitted.
    case remsSubmit = "rems.submit"
    /// See who has seen or changed a patient's record.
    case patientAccessLogRead = "patients.access_log"
    /// Add, change, deactivate users; reset passwords; end sessions.
    case usersManage = "users.manage"
    /// Change the clinic's settings.
    case clinicConfigure = "clinic.configure"
    /// Browse the audit trail.
    case auditRead = "audit.read"
    /// Export the audit trail as CSV.
    case auditExport = "audit.export"
    /// Read the Prometheus metrics at `/metrics`.
    case operationsMetrics = "operations.metrics"
    /// See the controlled-substance register: stock, running registers, counts, reports.
    case registerView = "register.view"
    /// Make register entries: receipts, transfers, draws for sessions, returns, wastes,
    /// destructions, corrections and counts (the last four with a witness).
    case registerRecord = "register.record"
    /// Confirm another user's register entry or count as the second person (witness).
    case registerWitness = "register.witness"
    /// Set up products, locations and register settings, and close count discrepancies.
    case registerManage = "register.manage"
    /// Read the clinic's aggregate outcome report (no patient is named in it).
    case outcomesRead = "outcomes.read"
    /// Read every clinic of a network's outcome report side by side, and any one clinic's (aggregate, no patient named).
    case outcomesNetwork = "outcomes.network"
    /// Register bedside monitors to chairs and see the monitor gateways (MLLP listener).
    case monitorsManage = "monitors.manage"
    /// See money: the code table, fee schedule, charges, ledgers and balances (never clinical notes).
    case billingRead = "billing.read"
    /// Capture a closed session's charges and post payments, refunds and write-offs.
    case billingRecordPayments = "billing.record_payments"
    /// Change the code table, the fee schedule and the charge-capture policy.
    case billingConfigure = "billing.configure"
    /// See the clinic's calendar and book, move and cancel patients' sessions (front-desk work).
    case scheduleBook = "schedule.book"
    /// Export the whole clinic's records as FHIR (Bulk Data `$export`): every patient's clinical content.
    case fhirExport = "fhir.export"

    /// What the permission allows, for the matrix and the token form.
    public var summary: String {
        switch self {
        case .patientsRead: "See the patient list and each chart's demographics, contacts and bookings"
        case .patientsClinical: "See clinical content: intake record, screenings, scales and alerts, plans, sessions, chair board"
        case .patientsEmergencyAccess: "Open one patient's clinical record for 30 minutes in an emergency, with a written reason"
        case .patientsRegister: "Register patients"
        case .patientsContact: "Enter and correct contact details"
        case .patientsIntake: "Enter and correct the clinical intake record"
        case .screeningSign: "Sign screenings (overrides, acknowledgements)"
        case .dosingUse: "Use the dose calculator, PK preview and protocol library"
        case .plansSign: "Sign treatment plans"
        case .scalesRecord: "Enter rating scales and send self-report links"
        case .alertsAcknowledge: "Acknowledge suicidality and vital-sign alerts"
        case .sessionsCheckIn: "Check patients in, mark no-shows, cancel sessions"
        case .sessionsRun: "Run treatment sessions: checklist, administration, side effects, discharge, notes"
        case .vitalsRecord: "Record vital signs (nurses and monitor gateways)"
        case .sessionsOverride: "Override a session's hard stops with a reason"
        case .remsSubmit: "Mark REMS monitoring forms submitted"
        case .patientAccessLogRead: "See who has seen or changed a chart"
        case .usersManage: "Manage users, passwords and sessions"
        case .clinicConfigure: "Change clinic settings"
        case .auditRead: "Browse the audit trail"
        case .auditExport: "Export the audit trail"
        case .operationsMetrics: "Read server metrics"
        case .registerView: "See the controlled-substance register and its reports"
        case .registerRecord: "Make controlled-substance register entries and counts"
        case .registerWitness: "Witness register entries and counts (second person)"
        case .registerManage: "Set up the register and close count discrepancies"
        case .outcomesRead: "Read the clinic's aggregate outcome report and its exports"
        case .outcomesNetwork: "Read every network clinic's outcome report side by side, with the network total"
        case .monitorsManage: "Register monitors to chairs and see the monitor gateways"
        case .billingRead: "See codes, fees, charges, ledgers and balances"
        case .billingRecordPayments: "Capture session charges; post payments, refunds and write-offs"
        case .billingConfigure: "Change the code table, fee schedule and charge-capture policy"
        case .scheduleBook: "See the calendar; book, move and cancel sessions (appointment, treatment type and chair only)"
        case .fhirExport: "Run FHIR Bulk Data exports of the whole clinic (every patient's record) and download their files"
        }
    }

    public static func < (lhs: Permission, rhs: Permission) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Which role holds which permission: the one place access is decided.
///
/// The table is mirrored in `docs/permissions.md`; a test fails when the two differ.
public enum AccessMatrix {
    /// The permissions of `role`.
    public static func permissions(of role: Role) -> Set<Permission> {
        switch role {
        case .administrator:
            [.patientsRead, .patientsEmergencyAccess, .dosingUse, .patientAccessLogRead, .usersManage, .clinicConfigure,
             .auditRead, .auditExport, .operationsMetrics, .registerView, .registerManage, .outcomesRead, .monitorsManage,
             .billingRead, .outcomesNetwork, .billingRecordPayments, .billingConfigure, .fhirExport]
        case .prescriber:
            [.patientsRead, .patientsClinical, .patientsRegister, .patientsContact, .patientsIntake, .screeningSign, .dosingUse, .plansSign,
             .scalesRecord, .alertsAcknowledge, .patientAccessLogRead, .sessionsCheckIn, .sessionsRun, .vitalsRecord,
             .sessionsOverride, .remsSubmit, .registerView, .registerRecord, .registerWitness, .outcomesRead, .scheduleBook]
        case .nurse:
            [.patientsRead, .patientsClinical, .patientsRegister, .patientsContact, .patientsIntake, .dosingUse, .scalesRecord, .alertsAcknowledge,
             .sessionsCheckIn, .sessionsRun, .vitalsRecord, .remsSubmit, .registerView, .registerRecord, .registerWitness, .scheduleBook]
        case .frontDesk:
            [.patientsRead, .patientsRegister, .patientsContact, .sessionsCheckIn, .remsSubmit, .billingRead, .billingRecordPayments, .scheduleBook]
        }
    }

    /// True when `role` holds `permission`.
    public static func allows(_ role: Role, _ permission: Permission) -> Bool {
        permissions(of: role).contains(permission)
    }

    /// The matrix as a Markdown table, as `docs/permissions.md` shows it.
    public static func markdownTable() -> String {
        var lines = ["| Permission | What it allows | " + Role.allCases.map(\.title).joined(separator: " | ") + " |",
                     "|---|---|" + String(repeating: ":-:|", count: Role.allCases.count)]
        for permission in Permission.allCases {
            let marks = Role.allCases.map { allows($0, permission) ? "✓" : "–" }
            lines.append("| `\(permission.rawValue)` | \(permission.summary) | " + marks.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
