import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Claim files (837P) through the page and the API")
struct ClaimExportHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// The claim exports in the audit trail.
    private static func exports(_ services: ClinicServices) async throws -> [AuditEntry] {
        try await services.audit.page(AuditFilter(action: .export), limit: 1_000).filter { $0.event.entityType == "claim_837p" }
    }

    @Test("The demo's insurer-billed sessions as one 837P file; each claim audited; bad fields and an empty period refused; roles")
    func claims() async throws {
        try await TestApp.withServices { services in
            // setup
            _ = try await DemoClinicLoader(database: services.database).load(patients: 30, seed: 1, now: Fixtures.now)
            let admin = try await TestUsers.make(services, role: .administrator)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            let form = "from=2000-01-01&to=2100-12-31&payerId=CHP01&receiverId=CLEARINGHOUSE&receiverName=Cascade%20Health%20Plan&filing=CI&control=7"
            try await app.test(.router) { client in
                try await client.execute(uri: "/billing/claims", method: .get, headers: admin.page) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains(#"name="payerId""#))
                }
                // act: the page writes the file
                let file = try await client.execute(uri: "/billing/claims", method: .post, headers: admin.form, body: admin.formBody(form)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("application/edi-x12") == true)
                    #expect(response.headers[.contentDisposition]?.contains("claims-2000-01-01-2100-12-31-7.x12") == true)
                    return Self.body(response)
                }
                // validate: an interchange with the payer and at least one claim, each claim audited
                #expect(file.hasPrefix("ISA*") && file.contains("CLM*") && file.contains("*CHP01~"))
                let claims = file.components(separatedBy: "CLM*").count - 1
                #expect(claims >= 1)
                #expect(try await Self.exports(services).count == claims)
                // the API gives the same file for the same fields
                let json = #"{"from": "2000-01-01", "to": "2100-12-31", "payerId": "CHP01", "receiverId": "CLEARINGHOUSE", "receiverName": "Cascade Health Plan", "control": 8, "production": false}"#
                try await client.execute(uri: "/api/v1/billing/claims", method: .post, headers: admin.json, body: ByteBuffer(string: json)) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).components(separatedBy: "CLM*").count - 1 == claims)
                }
                // bad fields: every one named, nothing written or audited
                let before = try await Self.exports(services).count
                try await client.execute(uri: "/billing/claims", method: .post, headers: admin.form,
                                         body: admin.formBody("from=2026-02-30&to=2020-01-01&payerId=C&receiverId=&receiverName=&filing=XX&control=0")) { response in
                    #expect(response.status == .unprocessableContent)
                    let html = Self.body(response)
                    for field in ["from", "payerId", "receiverId", "receiverName", "filing", "control"] {
                        #expect(html.contains(#"id="\#(field)-error""#), "\(field)")
                    }
                }
                try await client.execute(uri: "/api/v1/billing/claims", method: .post, headers: admin.json,
                                         body: ByteBuffer(string: #"{"from": "2020-01-02", "to": "2020-01-01", "payerId": "CHP01", "receiverId": "CH", "receiverName": "X", "extra": 1}"#)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    #expect(Self.body(response).contains("extra"))
                }
                // a period with nothing to claim: a clear refusal, not an empty file
                try await client.execute(uri: "/billing/claims", method: .post, headers: admin.form,
                                         body: admin.formBody("from=1990-01-01&to=1990-01-31&payerId=CHP01&receiverId=CLEARINGHOUSE&receiverName=Cascade")) { response in
                    #expect(response.status == .conflict)
                    #expect(Self.body(response).contains("has a claim to send"))
                }
                #expect(try await Self.exports(services).count == before)
                // the front desk records payments but does not send claims
                try await client.execute(uri: "/billing/claims", method: .get, headers: desk.page) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/api/v1/billing/claims", method: .post, headers: desk.json, body: ByteBuffer(string: json)) { response in
                    #expect(response.status == .forbidden)
                }
            }
        }
    }
}
