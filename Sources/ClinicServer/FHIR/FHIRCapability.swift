import ClinicDomain
import Foundation

/// The CapabilityStatement at `/fhir/r4/metadata`: exactly the types, interactions, search parameters
/// and operations this server supports [F1].
enum FHIRCapability {
    static func statement(base: String, now: Date) -> FHIRJSON {
        let resources: [FHIRJSON] = FHIRResourceKinds.all.map { kind in
            var resource = FHIRObject()
            resource.set("type", kind.type)
            if kind.type == "Patient" { resource.set("supportedProfile", [.string(FHIRCodes.usCorePatientProfile)]) }
            if kind.type == "Observation" { resource.set("supportedProfile", [.string(FHIRCodes.vitalSignsProfile)]) }
            resource.set("interaction", [.object([("code", .string("read"))]), .object([("code", .string("search-type"))])])
            var parameters: [FHIRJSON] = [parameter("_id", "token", "Logical id")]
            if kind.supportsLastUpdated { parameters.append(parameter("_lastUpdated", "date", "When the resource last changed (eq, ge, gt, le, lt)")) }
            for name in kind.patientParameters { parameters.append(parameter(name, "reference", "Patient/<id> or the id; comma for any of several")) }
            if let date = kind.dateParameter { parameters.append(parameter(date.name, "date", "\(date.element) (eq, ge, gt, le, lt)")) }
            if kind.supportsCode { parameters.append(parameter("code", "token", "system|code, |code or code; comma for any")) }
            resource.set("searchParam", parameters)
            if kind.type == "Patient" {
                resource.set("operation", [.object([("name", .string("export")),
                                                     ("definition", .string("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"))])])
            }
            return resource.json
        }
        var rest = FHIRObject()
        rest.set("mode", "server")
        rest.set("documentation", "Bearer API tokens of KetaClinic users (the same tokens and roles as /api/v1). Searches page with _count (1–\(FHIRSearch.maximumCount), default \(FHIRSearch.defaultCount)) and the Bundle's next link.")
        rest.set("security", .object([
            ("cors", .boolean(false)),
            ("description", .string("Authorization: Bearer <API token>. Each type needs its permission (docs/permissions.md); $export needs fhir.export.")),
        ]))
        rest.set("resource", resources)
        rest.set("operation", [.object([("name", .string("export")),
                                        ("definition", .string("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"))])])
        var statement = FHIRObject()
        statement.set("resourceType", "CapabilityStatement")
        statement.set("status", "active")
        statement.set("date", FHIRTime.instant(now))
        statement.set("publisher", "KetaClinic")
        statement.set("kind", "instance")
        statement.set("software", .object([("name", .string("KetaClinic"))]))
        statement.set("implementation", .object([("description", .string("KetaClinic FHIR R4 API")), ("url", .string(base))]))
        statement.set("fhirVersion", "4.0.1")
        statement.set("format", [.string("json"), .string("application/fhir+json")])
        statement.set("rest", [rest.json])
        return statement.json
    }

    private static func parameter(_ name: String, _ type: String, _ documentation: String) -> FHIRJSON {
        .object([("name", .string(name)), ("type", .string(type)), ("documentation", .string(documentation))])
    }
}
