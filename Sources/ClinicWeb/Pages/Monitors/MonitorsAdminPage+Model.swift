import ClinicDomain
import Foundation

/// `/admin/monitors`: the administrators' view of monitor integration: the MLLP listener's
/// configuration, each gateway's last message, rate, errors and unmatched readings, the monitor
/// registry (device → chair) with its form, the latest messages, and observations not charted.
public enum MonitorsAdminPage {
    /// The listener as configured.
    public struct Listener: Sendable {
        /// "host:port", or nil when the listener is off.
        public var address: String?
        /// True when the port speaks TLS.
        public var tls: Bool
        /// The allowed gateway addresses.
        public var gateways: String
        /// Creates the listener's line.
        public init(address: String?, tls: Bool, gateways: String) {
            self.address = address
            self.tls = tls
            self.gateways = gateways
        }
    }

    /// One gateway's figures.
    public struct Gateway: Sendable {
        public var address: String, applications: [String], lastMessageAt: Date, lastOutcome: String
        public var perMinute: Double, errorsLastDay: Int, lastError: String?, lastErrorAt: Date?, unmatched: Int
        /// Creates a row.
        public init(address: String, applications: [String], lastMessageAt: Date, lastOutcome: String, perMinute: Double, errorsLastDay: Int,
                    lastError: String?, lastErrorAt: Date?, unmatched: Int) {
            self.address = address
            self.applications = applications
            self.lastMessageAt = lastMessageAt
            self.lastOutcome = lastOutcome
            self.perMinute = perMinute
            self.errorsLastDay = errorsLastDay
            self.lastError = lastError
            self.lastErrorAt = lastErrorAt
            self.unmatched = unmatched
        }
    }

    /// One registered monitor.
    public struct Device: Sendable {
        public var deviceID: String, chair: String, label: String?, active: Bool, registeredByName: String, updatedAt: Date
        /// Creates a row.
        public init(deviceID: String, chair: String, label: String?, active: Bool, registeredByName: String, updatedAt: Date) {
            self.deviceID = deviceID
            self.chair = chair
            self.label = label
            self.active = active
            self.registeredByName = registeredByName
            self.updatedAt = updatedAt
        }
    }

    /// One message answered.
    public struct Message: Sendable {
        public var receivedAt: Date, gateway: String, deviceID: String?, controlID: String?, outcome: String, error: String?
        public var observations: Int, stored: Int, unmatched: Int, repeated: Int
        /// Creates a row.
        public init(receivedAt: Date, gateway: String, deviceID: String?, controlID: String?, outcome: String, error: String?,
                    observations: Int, stored: Int, unmatched: Int, repeated: Int) {
            self.receivedAt = receivedAt
            self.gateway = gateway
            self.deviceID = deviceID
            self.controlID = controlID
            self.outcome = outcome
            self.error = error
            self.observations = observations
            self.stored = stored
            self.unmatched = unmatched
            self.repeated = repeated
        }
    }

    /// One observation a monitor sent that was not charted, shown so nothing is dropped silently.
    public struct Uncharted: Sendable {
        public var observedAt: Date, deviceID: String, chair: String?, code: String, name: String?, value: String, unit: String?
        public var disposition: String, note: String?
        /// Creates a row.
        public init(observedAt: Date, deviceID: String, chair: String?, code: String, name: String?, value: String, unit: String?,
                    disposition: String, note: String?) {
            self.observedAt = observedAt
            self.deviceID = deviceID
            self.chair = chair
            self.code = code
            self.name = name
            self.value = value
            self.unit = unit
            self.disposition = disposition
            self.note = note
        }
    }

    /// What the page shows.
    public struct Model: Sendable {
        public var listener: Listener
        public var gateways: [Gateway]
        public var devices: [Device]
        public var chairs: [String]
        public var messages: [Message]
        public var uncharted: [Uncharted]
        public var unmatchedTotal: Int
        /// The register form's values and errors (re-shown after a refused entry).
        public var values: [String: String]
        public var errors: FieldErrors
        public var timeZone: TimeZone

        /// Creates a model.
        public init(listener: Listener, gateways: [Gateway], devices: [Device], chairs: [String], messages: [Message], uncharted: [Uncharted],
                    unmatchedTotal: Int, values: [String: String], errors: FieldErrors, timeZone: TimeZone) {
            self.listener = listener
            self.gateways = gateways
            self.devices = devices
            self.chairs = chairs
            self.messages = messages
            self.uncharted = uncharted
            self.unmatchedTotal = unmatchedTotal
            self.values = values
            self.errors = errors
            self.timeZone = timeZone
        }
    }
}
