import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("835 remittances through the page and the API")
struct RemittanceHTTPTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// An 835 paying `claimID` (G2082 $900.00 + J0013 × 56 $1,120.00): 70 % paid, CO-45, PR-2; and a claim never sent.
    static func file(claimID: String, trace: String) -> String {
        let segments = [
            "ST*835*0001", "BPR*I*1414*C*CHK************20261120", "TRN*1*\(trace)*1999999999", "DTM*405*20261120",
            "N1*PR*CASCADE HEALTH PLAN", "PER*BL*EDI*TE*5035550100", "N1*PE*RIVERSIDE KETAMINE CLINIC PLLC*XX*1234567893", "LX*1",
            "CLP*\(claimID)*1*2020*1414*202*12*PCN1*11*1", "NM1*QC*1*TESTWOOD*ADA****MI*M1",
            "SVC*HC:G2082*900*630**1", "CAS*CO*45*180", "CAS*PR*2*90", "SVC*HC:J0013*1120*784**56", "CAS*CO*45*224", "CAS*PR*2*112",
            "CLP*KCFFFFFFFFFFFFFFFFFF*1*900*630*90*12*PCN2*11*1", "CAS*CO*45*180", "CAS*PR*2*90",
        ]
        let isa = "ISA*00*          *00*          *ZZ*CASCADEHP      *ZZ*KETACLINIC     *261120*0900*^*00501*000000001*0*T*:"
        return ([isa, "GS*HP*CASCADEHP*KETACLINIC*20261120*0900*1*X*005010X221A1"] + segments + ["SE*\(segments.count + 1)*0001", "GE*1*1", "IEA*1*000000001"])
            .joined(separator: "~\n") + "~\n"
    }

    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    @Test("Paste a file: one claim posted, one for review; a bad file re-renders with the segment; the API imports and refuses duplicates")
    func remittances() async throws {
        try await TestApp.withServices { services in
            // setup: an insurer-billed esketamine session
            let (patient, clinicID, sessionID, _) = try await BillingSessions.discharged(services.database, treatment: .esketamine, doseMg: 56, minutes: 10)
            let billing = BillingRepository(database: services.database)
            try await BillingSessions.priceSchedule(billing, clinicID: clinicID)
            _ = try await billing.captureCharges(session: sessionID, clinicID: clinicID, selfPay: false, stamp: Fixtures.stamp)
            let claimID = "KC" + String(sessionID.uuidString.replacingOccurrences(of: "-", with: "").prefix(18))
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // act + validate: the page
                try await client.execute(uri: "/billing/remittances", method: .post, headers: desk.form,
                                         body: desk.formBody("x12=" + Self.formEncoded(Self.file(claimID: claimID, trace: "77").replacingOccurrences(of: "CAS*CO*45*224", with: "CAS*CO*45*2X4")))) { response in
                    let html = Self.body(response)
                    #expect(response.status == .unprocessableContent)
                    #expect(html.contains("id=\"x12-error\"") && html.contains("Segment 17") && html.contains("Nothing was posted"))
                }
                try await client.execute(uri: "/billing/remittances", method: .post, headers: nurse.form,
                                         body: nurse.formBody("x12=" + Self.formEncoded(Self.file(claimID: claimID, trace: "77")))) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: "/billing/remittances", method: .post, headers: desk.form,
                                         body: desk.formBody("x12=" + Self.formEncoded(Self.file(claimID: claimID, trace: "77")))) { response in
                    #expect(response.status == .seeOther)
                }
                try await client.execute(uri: "/billing/remittances", method: .get, headers: desk.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(html.contains("KCFFFFFFFFFFFFFFFFFF") && html.contains("No insurer-billed session"))
                    #expect(html.contains("Paid $1,414.00, written off $404.00, $202.00 left to the patient"))
                    #expect(html.contains("/billing/patients/\(patient.id.uuidString.lowercased())"))
                }
                #expect(try await billing.summary(of: patient.id, in: clinicID).balance == Cents(20_200))
                // API: the same payment again is a conflict; a new trace imports (its claim is then a possible duplicate); bad type
                var headers = desk.json
                headers[.contentType] = "application/edi-x12"
                try await client.execute(uri: "/api/v1/billing/remittances", method: .post, headers: headers,
                                         body: ByteBuffer(string: Self.file(claimID: claimID, trace: "77"))) { response in
                    #expect(response.status == .conflict)
                    #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                }
                try await client.execute(uri: "/api/v1/billing/remittances", method: .post, headers: headers,
                                         body: ByteBuffer(string: Self.file(claimID: claimID, trace: "78"))) { response in
                    let json = Self.body(response)
                    #expect(response.status == .created)
                    #expect(json.contains("already posted from payment 77"))
                }
                try await client.execute(uri: "/api/v1/billing/remittances", method: .post, headers: headers,
                                         body: ByteBuffer(string: "not an x12 file")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("does not start with an ISA"))
                }
                try await client.execute(uri: "/api/v1/billing/remittances", method: .get, headers: desk.api) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains("\"traceNumber\":\"78\""))
                }
                try await client.execute(uri: "/api/v1/billing/remittances", method: .get, headers: nurse.api) { response in
                    #expect(response.status == .forbidden)
                }
                #expect(try await billing.summary(of: patient.id, in: clinicID).balance == Cents(20_200), "nothing posted twice")
            }
        }
    }
}
