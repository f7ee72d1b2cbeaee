import ClinicDomain
import ClinicStorage
import Foundation
import Logging
import ServiceLifecycle

/// Suicidality alerts: tells the staff the clinic's policy names the moment a patient's answers
/// raise one, and escalates alerts nobody acknowledged in time. Messages carry the record
/// number and the address of the chart, never the answers themselves.
struct SafetyAlertService: Sendable {
    let services: ClinicServices

    /// Email addresses for `configured`, or the active users in `fallbackRoles` when none are configured.
    func recipients(_ configured: [String], fallbackRoles: Set<Role>) async throws -> [String] {
        if !configured.isEmpty { return configured }
        return try await services.users.all().filter { $0.isActive && fallbackRoles.contains($0.role) }.map { "\($0.email)" }
    }

    /// Notifies the alert recipients of `alerts` (all prescribers when the policy names nobody).
    func notify(_ alerts: [SafetyAlert], patient: PatientSummary, clinic: Clinic) async throws {
        guard !alerts.isEmpty else { return }
        let policy = try await services.safetyPolicies.policy(of: clinic.id)
        let to = try await recipients(policy.alertRecipients, fallbackRoles: [.prescriber])
        for alert in alerts {
            for address in to {
                await services.outbox.send(OutboxMessage(
                    channel: .email, recipient: address, subject: "Suicidality alert: action needed",
                    body: "A patient's answers raised a suicidality alert at \(clinic.settings.name). Open the chart: "
                        + "/patients/\(patient.id.uuidString.lowercased())/scales#alert-\(alert.id.uuidString.lowercased()) "
                        + "and acknowledge it with the action taken."))
            }
        }
    }

    /// Escalates every alert left unacknowledged past the policy's time and notifies the
    /// escalation recipients (administrators and prescribers when the policy names nobody).
    @discardableResult
    func escalateDue() async throws -> [SafetyAlert] {
        guard let clinic = try await services.clinics.primaryClinic() else { return [] }
        let policy = try await services.safetyPolicies.policy(of: clinic.id)
        let now = services.now()
        // Whom to tell is settled first: an alert is marked escalated only when someone is told.
        let to = try await recipients(policy.escalationRecipients, fallbackRoles: [.administrator, .prescriber])
        guard !to.isEmpty else { return [] }
        let escalated = try await services.scales.escalate(
            raisedBefore: now.addingTimeInterval(-Double(policy.escalateAfterMinutes) * 60),
            stamp: .system("alert escalation", at: now))
        guard !escalated.isEmpty else { return [] }
        for alert in escalated {
            for address in to {
                await services.outbox.send(OutboxMessage(
                    channel: .email, recipient: address, subject: "ESCALATED suicidality alert",
                    body: "A suicidality alert raised \(policy.escalateAfterMinutes)+ minutes ago is not acknowledged. Open: "
                        + "/patients/\(alert.patientID.uuidString.lowercased())/scales#alert-\(alert.id.uuidString.lowercased())"))
            }
        }
        return escalated
    }
}

/// Runs alert escalation (suicidality and vital-sign alerts) every 30 seconds while the server runs.
struct AlertEscalationService: Service {
    let services: ClinicServices
    let logger: Logger
    /// Seconds between checks.
    static let interval: Duration = .seconds(30)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let escalated = try await SafetyAlertService(services: services).escalateDue()
                    if !escalated.isEmpty { logger.warning("escalated unacknowledged safety alerts", metadata: ["count": "\(escalated.count)"]) }
                    let vital = try await SessionWorkflow(services: services).escalateDue()
                    if !vital.isEmpty { logger.warning("escalated unacknowledged vital-sign alerts", metadata: ["count": "\(vital.count)"]) }
                } catch {
                    logger.error("alert escalation failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
    }
}

extension ClinicServices {
    /// Escalates the alerts left unacknowledged past the clinic's time and tells the escalation
    /// recipients; what the background task runs every 30 seconds. Returns the alerts escalated.
    @discardableResult
    public func escalateUnacknowledgedAlerts() async throws -> [SafetyAlert] {
        try await SafetyAlertService(services: self).escalateDue()
    }

    /// Escalates vital-sign alerts left unacknowledged past the session policy's time, tells the
    /// escalation recipients and the board. Returns the alerts escalated.
    @discardableResult
    public func escalateUnacknowledgedVitalAlerts() async throws -> [SessionVitalAlert] {
        try await SessionWorkflow(services: self).escalateDue()
    }
}
