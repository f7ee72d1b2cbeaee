import Foundation

/// The clinic's rules for suicidality alerts and patient self-report. None of these numbers has
/// a source in the clinical reference: each is clinic policy, with the default documented in
/// docs/self-report-and-alerts.md.
public struct SafetyPolicy: Codable, Equatable, Sendable {
    /// Staff (email addresses of accounts) alerted at once when a patient reports suicidality.
    public var alertRecipients: [String]
    /// Staff alerted when an alert is still unacknowledged after ``escalateAfterMinutes``.
    public var escalationRecipients: [String]
    /// Minutes before an unacknowledged alert escalates (clinic policy; default 15).
    public var escalateAfterMinutes: Int
    /// Hours a self-report link stays open (clinic policy; default 72).
    public var linkLifetimeHours: Int
    /// What a patient sees after submitting answers: the crisis resources for the clinic's
    /// jurisdiction, one line each. The reference lists none, so the clinic writes them.
    public var crisisResources: [String]
    /// The outcome rules (relapse and duration of effect), when the clinic changed them.
    public var outcomes: OutcomePolicy?
    /// The clinic's telephone number for patients, shown as a tap-to-call link in the crisis panel
    /// of the patient's pages beside the jurisdiction's crisis lines; nil until the clinic enters it.
    public var clinicPhone: String?

    /// The outcome rules in force: the clinic's, or the documented defaults.
    public var outcomePolicy: OutcomePolicy { outcomes ?? .defaults }

    /// Creates a policy.
    public init(alertRecipients: [String], escalationRecipients: [String], escalateAfterMinutes: Int, linkLifetimeHours: Int,
                crisisResources: [String]) {
        self.alertRecipients = alertRecipients
        self.escalationRecipients = escalationRecipients
        self.escalateAfterMinutes = escalateAfterMinutes
        self.linkLifetimeHours = linkLifetimeHours
        self.crisisResources = crisisResources
    }

    /// A new clinic's policy: every prescriber is alerted (empty recipients mean "all prescribers"),
    /// escalation to administrators after 15 minutes, links open 72 hours, and a crisis message
    /// that names no number until the clinic enters its own.
    public static let defaults = SafetyPolicy(
        alertRecipients: [], escalationRecipients: [], escalateAfterMinutes: 15, linkLifetimeHours: 72,   // clinic policy
        crisisResources: ["If you are in danger or thinking of ending your life, call your local emergency number now, "
                          + "or go to the nearest emergency department.",
                          "You can also call the clinic; a member of staff will contact you about your answers."])

    /// The policy, or the fields that make no sense.
    public func validated() throws(FieldErrors) -> SafetyPolicy {
        var errors = FieldErrors()
        var copy = self
        copy.alertRecipients = alertRecipients.map(\.trimmed).filter { !$0.isEmpty }
        copy.escalationRecipients = escalationRecipients.map(\.trimmed).filter { !$0.isEmpty }
        copy.crisisResources = crisisResources.map(\.trimmed).filter { !$0.isEmpty }
        for (field, list) in [("alertRecipients", copy.alertRecipients), ("escalationRecipients", copy.escalationRecipients)] {
            if let bad = list.first(where: { EmailAddress($0) == nil }) { errors.add(field, "'\(bad)' is not an email address.") }
        }
        if !(1...1440).contains(escalateAfterMinutes) { errors.add("escalateAfterMinutes", "Enter 1 to 1440 minutes.") }
        if !(1...720).contains(linkLifetimeHours) { errors.add("linkLifetimeHours", "Enter 1 to 720 hours (30 days).") }
        if copy.crisisResources.isEmpty { errors.add("crisisResources", "Enter at least one line of crisis resources for patients.") }
        copy.clinicPhone = clinicPhone.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        if let phone = copy.clinicPhone {
            let allowed = phone.allSatisfy { $0.isASCII && ($0.isNumber || " +-().".contains($0)) }
            let digits = phone.filter(\.isNumber).count
            if !allowed || !(3...15).contains(digits) || phone.count > 30 || phone.dropFirst().contains("+") {
                errors.add("clinicPhone", "Enter a telephone number: 3 to 15 digits, with spaces, brackets, dashes or a leading +.")
            }
        }
        if let outcomes {
            do { copy.outcomes = try outcomes.validated() } catch { errors = errors.merging(error) }
        }
        try errors.throwIfAny()
        return copy
    }
}
