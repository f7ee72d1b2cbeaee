import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// The FHIR API over HTTP on both engines: search, paging, reads, OperationOutcome errors, audit
/// entries and the Bulk Data export flow.
@Suite("FHIR R4 API")
struct FHIRHTTPTests {
    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func entries(_ bundle: [String: Any]) -> [[String: Any]] {
        ((bundle["entry"] as? [[String: Any]]) ?? []).compactMap { $0["resource"] as? [String: Any] }
    }

    static func link(_ bundle: [String: Any], _ relation: String) -> String? {
        (bundle["link"] as? [[String: Any]])?.first { $0["relation"] as? String == relation }?["url"] as? String
    }

    /// The path and query of an absolute link.
    static func local(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    static func withDemo(_ engine: SQLEngine, settings: ServerSettings = Fixtures.settings,
                         _ body: (ClinicServices, TestUser, TestUser, TestUser) async throws -> Void) async throws {
        try await TestApp.withServices(engine, settings: settings) { services in
            _ = try await DemoClinicLoader(database: services.database).load(patients: 30, seed: 1, now: Fixtures.now)
            _ = try await DemoAccounts.create(in: services.database, bcryptCost: 4, now: Fixtures.now)
            _ = try await DemoSchedule.load(in: services.database, bcryptCost: 4, now: Fixtures.now)
            let prescriber = try await TestUsers.make(services, role: .prescriber)
            let admin = try await TestUsers.make(services, role: .administrator)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            try await body(services, prescriber, admin, desk)
        }
    }

    @Test("Every type searches and reads; Observation pages walk every resource once", arguments: TestDatabases.engines)
    func searchAndRead(engine: SQLEngine) async throws {
        try await Self.withDemo(engine) { services, prescriber, admin, _ in
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/fhir/r4/metadata", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("application/fhir+json") == true)
                    let statement = try Self.json(response)
                    let resources = ((statement["rest"] as? [[String: Any]])?.first?["resource"] as? [[String: Any]]) ?? []
                    #expect(resources.compactMap { $0["type"] as? String } == FHIRResourceKinds.all.map(\.type))
                }
                for kind in FHIRResourceKinds.all {
                    let user = kind.type == "AuditEvent" ? admin : prescriber
                    var first: [String: Any]?
                    try await client.execute(uri: "/fhir/r4/\(kind.type)?_count=3", method: .get, headers: user.api) { response in
                        #expect(response.status == .ok, "\(kind.type)")
                        let bundle = try Self.json(response)
                        #expect(bundle["resourceType"] as? String == "Bundle" && bundle["type"] as? String == "searchset")
                        let found = Self.entries(bundle)
                        #expect(!found.isEmpty && found.count <= 3, "\(kind.type): the demo clinic has some")
                        #expect(found.allSatisfy { $0["resourceType"] as? String == kind.type })
                        #expect(Self.link(bundle, "self")?.contains("_count=3") == true)
                        first = found.first
                    }
                    guard let id = first?["id"] as? String else { Issue.record("no \(kind.type) to read"); continue }
                    try await client.execute(uri: "/fhir/r4/\(kind.type)/\(id)", method: .get, headers: user.api) { response in
                        #expect(response.status == .ok, "read \(kind.type)/\(id)")
                        let resource = try Self.json(response)
                        #expect(resource["id"] as? String == id)
                    }
                }
                // Paging: pages of 25 over vital signs and scale totals give every Observation exactly once.
                let store = FHIRStore(database: services.database, context: FHIRMappingContext(
                    clinicID: try #require(try await services.clinics.primaryClinic()).id, timeZone: TimeZone(identifier: "UTC")!))
                var expected: [String] = []
                try await store.forEachBatch(FHIRResourceKinds.named("Observation")!, batchSize: 7) { resources, _ in
                    expected += resources.map(\.id)
                }
                var seen: [String] = []
                var next: String? = "/fhir/r4/Observation?_count=25"
                var pages = 0
                while let uri = next, pages < 500 {
                    try await client.execute(uri: uri, method: .get, headers: prescriber.api) { response in
                        #expect(response.status == .ok)
                        let bundle = try Self.json(response)
                        let found = Self.entries(bundle)
                        seen += found.compactMap { $0["id"] as? String }
                        next = Self.link(bundle, "next").map(Self.local)
                        if next != nil { #expect(found.count == 25, "only the last page is short") }
                    }
                    pages += 1
                }
                #expect(expected.count > 50, "vital signs and scale totals in the demo")
                #expect(seen == expected, "\(pages) pages")
                // A narrowed search: one patient's heart rates, by LOINC.
                let heartRate = try #require(expected.first { $0.hasSuffix("-hr") })
                var patient = ""
                try await client.execute(uri: "/fhir/r4/Observation/\(heartRate)", method: .get, headers: prescriber.api) { response in
                    let observation = try Self.json(response)
                    patient = try #require((observation["subject"] as? [String: Any])?["reference"] as? String)
                }
                try await client.execute(uri: "/fhir/r4/Observation?code=http://loinc.org%7C8867-4&patient=\(patient)&_count=1000",
                                         method: .get, headers: prescriber.api) { response in
                    let found = Self.entries(try Self.json(response))
                    #expect(!found.isEmpty && found.allSatisfy { ($0["id"] as? String)?.hasSuffix("-hr") == true })
                    #expect(found.allSatisfy { ($0["subject"] as? [String: Any])?["reference"] as? String == patient })
                }
            }
        }
    }

    @Test("A narrow code search stops at the scan limit with a next link, and the pages still find every match",
          arguments: TestDatabases.engines)
    func scanLimit(engine: SQLEngine) async throws {
        try await Self.withDemo(engine) { services, _, _, _ in
            let clinic = try #require(try await services.clinics.primaryClinic())
            let context = FHIRMappingContext(clinicID: clinic.id, timeZone: TimeZone(identifier: "UTC")!)
            let unlimited = FHIRStore(database: services.database, context: context)
            let limited = FHIRStore(database: services.database, context: context, scanLimit: 10)
            let kind = try #require(FHIRResourceKinds.named("Observation"))
            func walk(_ store: FHIRStore, _ code: String) async throws -> (ids: [String], pages: Int) {
                var search = try FHIRSearch.parse([("code", code), ("_count", "50")], kind: kind, timeZone: context.timeZone)
                var ids: [String] = []
                var pages = 0
                while pages < 10_000 {
                    let page = try await store.search(kind, search)
                    ids += page.resources.map(\.id)
                    pages += 1
                    guard let next = page.next else { break }
                    search.cursor = next
                }
                return (ids, pages)
            }
            let all = try await walk(unlimited, "http://loinc.org|8867-4")
            let bounded = try await walk(limited, "http://loinc.org|8867-4")
            #expect(!all.ids.isEmpty && bounded.ids == all.ids, "the same heart rates, in the same order")
            #expect(bounded.pages > all.pages, "short pages at the limit")
            let none = try await walk(limited, "http://loinc.org|0000-0")
            #expect(none.ids.isEmpty && none.pages > 1, "empty pages with next links until the table ends")
        }
    }

    /// Bad input, each with its status and OperationOutcome issue code.
    static let refusals: [(path: String, role: String, status: Int, code: String)] = [
        ("/fhir/r4/Medication", "prescriber", 404, "not-supported"),
        ("/fhir/r4/Medication/1", "prescriber", 404, "not-supported"),
        ("/fhir/r4/Observation?colour=blue", "prescriber", 400, "not-supported"),
        ("/fhir/r4/Observation?date=2026-99-01", "prescriber", 400, "invalid"),
        ("/fhir/r4/Observation?_count=-1", "prescriber", 400, "invalid"),
        ("/fhir/r4/Observation?_cursor=0.0.%27%20OR%201%3D1", "prescriber", 400, "invalid"),
        ("/fhir/r4/Patient/00000000-0000-0000-0000-000000000000", "prescriber", 404, "not-found"),
        ("/fhir/r4/Observation", "none", 401, "login"),
        ("/fhir/r4/Observation", "front desk", 403, "forbidden"),
        ("/fhir/r4/AuditEvent", "prescriber", 403, "forbidden"),
        ("/fhir/r4/$export", "prescriber", 403, "forbidden"),
        ("/fhir/r4/$export", "administrator", 400, "invalid"),
        ("/fhir/r4/$export-status/not-a-job", "administrator", 404, "not-found"),
    ]

    @Test("Bad input answers 4xx with an OperationOutcome, never 5xx", arguments: TestDatabases.engines)
    func refusals(engine: SQLEngine) async throws {
        try await TestApp.withServices(engine) { services in
            let users: [String: TestUser] = [
                "prescriber": try await TestUsers.make(services, role: .prescriber),
                "administrator": try await TestUsers.make(services, role: .administrator),
                "front desk": try await TestUsers.make(services, role: .frontDesk),
            ]
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                for vector in Self.refusals {
                    let headers = users[vector.role]?.api ?? [:]
                    try await client.execute(uri: vector.path, method: .get, headers: headers) { response in
                        #expect(response.status.code == vector.status, "\(vector.path) as \(vector.role)")
                        #expect(response.headers[.contentType]?.hasPrefix("application/fhir+json") == true, "\(vector.path)")
                        let outcome = try Self.json(response)
                        #expect(outcome["resourceType"] as? String == "OperationOutcome")
                        let issue = (outcome["issue"] as? [[String: Any]])?.first
                        #expect(issue?["code"] as? String == vector.code && issue?["severity"] as? String == "error", "\(vector.path)")
                    }
                }
            }
        }
    }

    @Test("Reads and searches of patient data write audit entries before they answer", arguments: TestDatabases.engines)
    func audited(engine: SQLEngine) async throws {
        try await Self.withDemo(engine) { services, prescriber, _, _ in
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                var patient = ""
                try await client.execute(uri: "/fhir/r4/Patient?_count=1", method: .get, headers: prescriber.api) { response in
                    patient = try #require(Self.entries(try Self.json(response)).first?["id"] as? String)
                }
                let patientID = try #require(UUID(uuidString: patient))
                let before = try await services.audit.page(AuditFilter(patientID: patientID), limit: 100)
                try await client.execute(uri: "/fhir/r4/Patient/\(patient)", method: .get, headers: prescriber.api) { _ in }
                try await client.execute(uri: "/fhir/r4/Encounter?patient=\(patient)", method: .get, headers: prescriber.api) { _ in }
                let after = try await services.audit.page(AuditFilter(patientID: patientID), limit: 100)
                let new = after.filter { entry in !before.contains { $0.sequence == entry.sequence } }
                #expect(Set(new.map(\.event.entityType)) == ["fhir_Patient", "fhir_Encounter"])
                #expect(new.allSatisfy { $0.event.action == .view && $0.stamp.userID == prescriber.account.id })
            }
        }
    }

    @Test("Bulk export: kick-off, status, manifest, NDJSON download, cancel", arguments: TestDatabases.engines)
    func bulkExport(engine: SQLEngine) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kc-fhir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var settings = Fixtures.settings
        settings.fhirExportDirectory = folder.path
        try await Self.withDemo(engine, settings: settings) { services, _, admin, _ in
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                var status = ""
                var headers = admin.api
                headers[.init("Prefer")!] = "respond-async"
                try await client.execute(uri: "/fhir/r4/$export?_type=Patient,Encounter&_outputFormat=application/fhir%2Bndjson",
                                         method: .get, headers: headers) { response in
                    #expect(response.status == .accepted)
                    status = Self.local(try #require(response.headers[.contentLocation]))
                }
                var manifest: [String: Any] = [:]
                for _ in 0..<400 {
                    let done = try await client.execute(uri: status, method: .get, headers: admin.api) { response -> Bool in
                        if response.status == .accepted {
                            #expect(response.headers[.init("X-Progress")!] != nil)
                            return false
                        }
                        #expect(response.status == .ok)
                        manifest = try Self.json(response)
                        return true
                    }
                    if done { break }
                    try await Task.sleep(for: .milliseconds(25))
                }
                let output = try #require(manifest["output"] as? [[String: Any]])
                #expect(output.compactMap { $0["type"] as? String } == ["Patient", "Encounter"])
                #expect(manifest["requiresAccessToken"] as? Bool == true)
                for file in output {
                    let url = Self.local(try #require(file["url"] as? String))
                    try await client.execute(uri: url, method: .get, headers: admin.api) { response in
                        #expect(response.status == .ok)
                        #expect(response.headers[.contentType] == "application/fhir+ndjson")
                        let lines = String(buffer: response.body).split(separator: "\n")
                        #expect(lines.count == file["count"] as? Int)
                        #expect(lines.allSatisfy { $0.contains("\"resourceType\":\"\(file["type"] as! String)\"") })
                    }
                }
                let entries = try await services.audit.page(AuditFilter(action: .export), limit: 10)
                #expect(entries.contains { $0.event.entityType == "fhir_export" } && entries.contains { $0.event.entityType == "fhir_export_file" })
                try await client.execute(uri: status, method: .delete, headers: admin.api) { response in
                    #expect(response.status == .accepted)
                }
                try await client.execute(uri: status, method: .get, headers: admin.api) { response in
                    #expect(response.status == .notFound)
                }
                #expect((try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.isEmpty ?? true, "cancel removes the files")
            }
        }
    }
}
