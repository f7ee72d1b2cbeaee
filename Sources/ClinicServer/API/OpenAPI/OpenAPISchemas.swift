import ClinicDomain
import OpenAPIKit

/// The JSON schemas of the API's resources that the document describes precisely: each is
/// stated next to the Codable type the handlers encode or decode (``OpenAPISchemaType``), and the
/// OpenAPI tests check them against what the server sends and accepts.
enum OpenAPISchemas {
    /// `components.schemas`, by name.
    static var components: OpenAPI.ComponentDictionary<JSONSchema> {
        [
            "Problem": Problem.openAPISchema,
            "Clinic": APIResources.ClinicResource.openAPISchema,
            "Patient": APIResources.PatientResource.openAPISchema,
            "PatientPage": APIResources.Page<APIResources.PatientResource>.openAPISchema,
            "PatientRegistration": APIResources.PatientRegistrationBody.openAPISchema,
            "IdentityCorrection": IdentityCorrectionBody.openAPISchema,
            "User": APIResources.UserResource.openAPISchema,
            "Me": APIResources.MeResource.openAPISchema,
            "AuditEntry": APIResources.AuditEntryResource.openAPISchema,
            "AuditPage": APIResources.AuditPageResource.openAPISchema,
            "AuditVerification": APIResources.AuditVerificationResource.openAPISchema,
            "SessionDayRow": SessionsAPIController.DayRow.openAPISchema,
            "ScaleAnswers": ScalesAPIController.AnswersBody.openAPISchema,
        ]
    }

    /// A reference to one of ``components``.
    static func ref(_ name: String) -> JSONSchema { .reference(.component(named: name)) }

    /// An instant as the API writes it (ISO 8601, UTC).
    static let instant = JSONSchema.string(format: .dateTime)
    /// A calendar date, `YYYY-MM-DD`.
    static let date = JSONSchema.string(format: .date)
    /// An id.
    static let id = JSONSchema.string(format: .uuid)
    /// Sex at birth as ``SexAtBirth`` spells it.
    static let sexAtBirth = JSONSchema.string(allowedValues: SexAtBirth.allCases.map { AnyCodable($0.rawValue) })
}

extension Problem: OpenAPISchemaType {
    /// RFC 9457 problem details as ``Problem`` encodes them.
    public static var openAPISchema: JSONSchema {
        .object(
            title: "Problem",
            description: "RFC 9457 problem details. `type` is stable (urn:ketaclinic:problem:…); quote `requestId` to support.",
            properties: [
                "type": .string,
                "title": .string,
                "status": .integer(maximum: (599, exclusive: false), minimum: (100, exclusive: false)),
                "detail": .string(required: false),
                "errors": .array(required: false, items: .object(properties: ["field": .string, "message": .string])),
                "requestId": .string(required: false),
            ])
    }
}

extension APIResources.ClinicResource: OpenAPISchemaType {
    /// The clinic as `GET /api/v1/clinic` answers it.
    public static var openAPISchema: JSONSchema {
        .object(title: "Clinic", properties: [
            "id": OpenAPISchemas.id, "name": .string, "timeZone": .string, "jurisdiction": .string, "mrnPrefix": .string,
        ])
    }
}

extension APIResources.PatientResource: OpenAPISchemaType {
    /// A registered patient.
    public static var openAPISchema: JSONSchema {
        .object(title: "Patient", properties: [
            "id": OpenAPISchemas.id, "mrn": .string, "givenName": .string, "familyName": .string,
            "dateOfBirth": OpenAPISchemas.date, "sexAtBirth": OpenAPISchemas.sexAtBirth, "genderIdentity": .string(required: false),
            "registeredAt": OpenAPISchemas.instant,
        ])
    }
}

extension APIResources.Page: OpenAPISchemaType where Item: OpenAPISchemaType {
    /// One page of a keyset-paged list; `next` is the `after` of the following page.
    public static var openAPISchema: JSONSchema {
        .object(properties: [
            "items": .array(items: Item.openAPISchema), "total": .integer(minimum: (0, exclusive: false)),
            "next": .string(required: false),
        ])
    }
}

extension APIResources.PatientRegistrationBody: OpenAPISchemaType {
    /// The fields ``acceptedFields`` names; any other field is refused (422).
    public static var openAPISchema: JSONSchema {
        .object(title: "PatientRegistration", properties: registrationProperties, additionalProperties: .a(false))
    }

    /// The registration fields, shared with the identity correction.
    static var registrationProperties: OrderedDictionary<String, JSONSchema> {
        [
            "givenName": .string(description: "Given name(s)."),
            "familyName": .string(description: "Family name."),
            "dateOfBirth": .string(format: .date, description: "YYYY-MM-DD, not in the future."),
            "sexAtBirth": OpenAPISchemas.sexAtBirth,
            "genderIdentity": .string(required: false, description: "Free text, optional."),
        ]
    }
}

extension IdentityCorrectionBody: OpenAPISchemaType {
    /// The registration fields plus the amendment's reason.
    static var openAPISchema: JSONSchema {
        var properties = APIResources.PatientRegistrationBody.registrationProperties
        properties["reason"] = .string(description: "Why the identity is corrected (kept in the amendment trail).")
        return .object(title: "IdentityCorrection", properties: properties, additionalProperties: .a(false))
    }
}

extension APIResources.UserResource: OpenAPISchemaType {
    /// A staff account without secrets.
    public static var openAPISchema: JSONSchema {
        .object(title: "User", properties: [
            "id": OpenAPISchemas.id, "email": .string, "displayName": .string, "role": .string,
            "isActive": .boolean, "hasTwoFactor": .boolean, "mustChangePassword": .boolean,
        ])
    }
}

extension APIResources.MeResource: OpenAPISchemaType {
    /// The caller, and the permissions this request carries (the token's scopes within the role).
    public static var openAPISchema: JSONSchema {
        .object(title: "Me", properties: [
            "user": OpenAPISchemas.ref("User"), "permissions": .array(items: .string),
            "tokenName": .string(required: false),
        ])
    }
}

extension APIResources.AuditEntryResource: OpenAPISchemaType {
    /// One audit entry with its hashes, so a client can re-check the chain.
    public static var openAPISchema: JSONSchema {
        .object(title: "AuditEntry", properties: [
            "sequence": .integer(format: .int64), "occurredAt": OpenAPISchemas.instant,
            "userId": .string(format: .uuid, required: false), "actor": .string, "role": .string(required: false),
            "action": .string, "entityType": .string, "entityId": .string,
            "patientId": .string(format: .uuid, required: false), "summary": .string, "requestId": .string,
            "ipAddress": .string, "previousHash": .string, "hash": .string,
        ])
    }
}

extension APIResources.AuditPageResource: OpenAPISchemaType {
    /// A page of the trail, newest first; `next` is the `before` of the following page.
    public static var openAPISchema: JSONSchema {
        .object(title: "AuditPage", properties: [
            "items": .array(items: OpenAPISchemas.ref("AuditEntry")), "next": .integer(format: .int64, required: false),
        ])
    }
}

extension APIResources.AuditVerificationResource: OpenAPISchemaType {
    /// The outcome of re-computing the hash chain.
    public static var openAPISchema: JSONSchema {
        .object(title: "AuditVerification", properties: [
            "intact": .boolean, "entriesChecked": .integer(minimum: (0, exclusive: false)), "lastHash": .string,
            "firstBrokenEntry": .integer(format: .int64, required: false), "reason": .string(required: false),
        ])
    }
}

extension SessionsAPIController.DayRow: OpenAPISchemaType {
    /// One session of the day list.
    static var openAPISchema: JSONSchema {
        .object(title: "SessionDayRow", properties: [
            "id": OpenAPISchemas.id, "patientID": OpenAPISchemas.id, "patientName": .string,
            "number": .integer(minimum: (1, exclusive: false)),
            "state": .string(allowedValues: TreatmentSessionState.allCases.map { AnyCodable($0.rawValue) }),
            "chair": .string(required: false), "plannedDose": .string,
        ])
    }
}

extension ScalesAPIController.AnswersBody: OpenAPISchemaType {
    /// A rating scale's answers, item by item (null for an item not answered).
    static var openAPISchema: JSONSchema {
        .object(title: "ScaleAnswers", properties: [
            "instrument": .string(allowedValues: InstrumentID.allCases.map { AnyCodable($0.rawValue) }),
            "answers": .array(description: "One answer per item, in item order; null for an item left unanswered.",
                              items: .integer(nullable: true)),
            "administeredOn": .string(required: false, description: "YYYY-MM-DD; today in the clinic when left out."),
            "reason": .string(required: false, description: "Why, when the answers amend an earlier response."),
        ], additionalProperties: .a(false))
    }
}

extension OpenAPISchemas {
    /// The fields each precisely described request body's strict decoder accepts, by schema name:
    /// the contract test checks each schema names exactly these.
    static var acceptedFields: [String: Set<String>] {
        [
            "PatientRegistration": APIResources.PatientRegistrationBody.acceptedFields,
            "IdentityCorrection": IdentityCorrectionBody.acceptedFields,
            "ScaleAnswers": ScalesAPIController.AnswersBody.acceptedFields,
        ]
    }
}
