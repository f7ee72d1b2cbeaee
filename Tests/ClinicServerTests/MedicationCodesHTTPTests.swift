import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// The clinic's RxNorm codes: none by default (the reference has no verified RxCUI), set through
/// the API, and then written on the exported MedicationRequest and MedicationAdministration.
@Suite("Medication codes on exported medications")
struct MedicationCodesHTTPTests {
    static func json(_ response: TestResponse) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
    }

    /// The codings of the first resource of `type` in a FHIR search.
    static func codings(_ client: some TestClientProtocol, _ type: String, as user: TestUser) async throws -> [[String: Any]] {
        let bundle = try await client.execute(uri: "/fhir/r4/\(type)?_count=50", method: .get, headers: user.api) { Self.json($0) }
        let resources = ((bundle["entry"] as? [[String: Any]]) ?? []).compactMap { $0["resource"] as? [String: Any] }
        return resources.flatMap { resource -> [[String: Any]] in
            let concept = resource["medicationCodeableConcept"] as? [String: Any]
                ?? ((resource["contained"] as? [[String: Any]])?.first?["code"] as? [String: Any])
            return concept?["coding"] as? [[String: Any]] ?? []
        }
    }

    @Test("None by default; the API refuses a code that is not digits; once set, plans and doses carry it", arguments: TestDatabases.engines)
    func codesFlowToFHIR(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            _ = try await DemoClinicLoader(database: services.database).load(patients: 30, seed: 1, now: Fixtures.now)
            let admin = try await TestUsers.make(services, role: .administrator)
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let rxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
                let start = try await client.execute(uri: "/api/v1/clinic/medication-codes", method: .get, headers: prescriber.api) { Self.json($0) }
                #expect(start.isEmpty, "no code until the clinic enters one: \(start)")
                #expect(try await Self.codings(client, "MedicationRequest", as: prescriber).allSatisfy { $0["system"] as? String != rxNorm })

                let put = { (body: String, user: TestUser) in
                    try await client.execute(uri: "/api/v1/clinic/medication-codes", method: .put, headers: user.json,
                                             body: ByteBuffer(string: body)) { ($0.status, Self.json($0)) }
                }
                #expect(try await put(#"{"ketamineRxCUI": "1234567"}"#, prescriber).0 == .forbidden, "changing them is clinic.configure")
                let refused = try await put(#"{"ketamineRxCUI": "ketamine 50"}"#, admin)
                #expect(refused.0 == .unprocessableContent)
                #expect(((refused.1["errors"] as? [[String: Any]])?.first?["field"] as? String) == "ketamineRxCUI")
                #expect(try await put(#"{"rxcui": "1"}"#, admin).0 == .unprocessableContent, "an unknown field is refused")
                let saved = try await put(#"{"ketamineRxCUI": " 1234567 ", "esketamineRxCUI": "7654321"}"#, admin)
                #expect(saved.0 == .ok)
                #expect(saved.1["ketamineRxCUI"] as? String == "1234567", "trimmed")
                let audited = try await services.audit.page(AuditFilter(action: .update), limit: 100)
                #expect(audited.contains { $0.event.entityType == "medication_codes" })

                let planCodes = try await Self.codings(client, "MedicationRequest", as: prescriber)
                #expect(planCodes.contains { $0["system"] as? String == rxNorm && $0["code"] as? String == "1234567" }, "\(planCodes.prefix(3))")
                let doseCodes = try await Self.codings(client, "MedicationAdministration", as: prescriber)
                #expect(doseCodes.contains { $0["system"] as? String == rxNorm && $0["code"] as? String == "1234567" })
                // The code is searchable, as FHIR's token search writes it.
                let found = try await client.execute(uri: "/fhir/r4/MedicationRequest?code=\(rxNorm)%7C1234567&_count=5", method: .get,
                                                     headers: prescriber.api) { Self.json($0) }
                #expect(((found["entry"] as? [Any]) ?? []).isEmpty == false)

                let cleared = try await put(#"{"ketamineRxCUI": "", "esketamineRxCUI": null}"#, admin)
                #expect(cleared.1.isEmpty, "empty clears: \(cleared.1)")
                #expect(try await Self.codings(client, "MedicationRequest", as: prescriber).allSatisfy { $0["system"] as? String != rxNorm })
            }
        }
    }
}
