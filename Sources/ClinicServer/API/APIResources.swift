import ClinicDomain
import Foundation
import Hummingbird

/// JSON shapes of the `/api/v1` resources. They are the API's contract, kept apart from the
/// domain types so the domain can change without breaking integrations.
public enum APIResources {
    /// A clinic and its settings.
    public struct ClinicResource: Codable, Sendable, Equatable {
        public var id: UUID
        public var name: String
        public var timeZone: String
        public var jurisdiction: String
        public var mrnPrefix: String

        init(_ clinic: Clinic) {
            id = clinic.id
            name = clinic.settings.name
            timeZone = clinic.settings.timeZone
            jurisdiction = clinic.settings.jurisdiction.code
            mrnPrefix = clinic.settings.mrnPrefix
        }
    }

    /// A registered patient.
    public struct PatientResource: Codable, Sendable, Equatable {
        public var id: UUID
        public var mrn: String
        public var givenName: String
        public var familyName: String
        public var dateOfBirth: String
        public var sexAtBirth: String
        public var genderIdentity: String?
        public var registeredAt: Date

        init(_ patient: PatientSummary) {
            id = patient.id
            mrn = patient.mrn.text
            givenName = patient.registration.givenName
            familyName = patient.registration.familyName
            dateOfBirth = patient.registration.dateOfBirth.iso
            sexAtBirth = patient.registration.sexAtBirth.rawValue
            genderIdentity = patient.registration.genderIdentity
            registeredAt = patient.registeredAt
        }
    }

    /// One page of a list, with the token for the next page.
    public struct Page<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        public var items: [Item]
        public var total: Int
        public var next: String?
    }

    /// The body of `POST /api/v1/patients`.
    public struct PatientRegistrationBody: StrictlyKeyed, Sendable {
        public static let acceptedFields: Set<String> = ["givenName", "familyName", "dateOfBirth", "sexAtBirth", "genderIdentity"]
        public var givenName: String
        public var familyName: String
        public var dateOfBirth: String
        public var sexAtBirth: String
        public var genderIdentity: String?

        var fields: [String: String] {
            var fields = ["givenName": givenName, "familyName": familyName, "dateOfBirth": dateOfBirth,
                          "sexAtBirth": sexAtBirth]
            fields["genderIdentity"] = genderIdentity
            return fields
        }
    }
}

extension APIResources {
    /// A list answered inside an object, `{"items": [...]}`, so that fields can be added beside it later.
    struct Items<Item: Codable>: Codable {
        let items: [Item]
        init(_ items: [Item]) { self.items = items }
    }
}

/// Encodes API responses: ISO 8601 instants, sorted keys.
enum APIResponse {
    /// `.iso8601` as `JSONEncoder` writes it (UTC, whole seconds), without a formatter per date: a
    /// gateway's batch answer lists a hundred instants. Foundation writes what the fast path cannot.
    static let wholeSecondISO8601 = JSONEncoder.DateEncodingStrategy.custom { date, encoder in
        var container = encoder.singleValueContainer()
        try container.encode(date.apiText)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, location: String? = nil) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = wholeSecondISO8601
        encoder.outputFormatting = [.sortedKeys]
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

extension Date {
    /// The instant as the API writes it (``APIResponse/wholeSecondISO8601``), for an answer that
    /// writes its times itself: a gateway's batch answer writes a hundred.
    var apiText: String { utcSecondText ?? formatted(.iso8601) }
}
