import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Controlled-substance register through the pages and the API")
struct RegisterHTTPTests {
    /// A value for a URL-encoded form body.
    static func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }
    private static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    @Test("Set up, receive, draw for a session, witnessed waste with a second person's credentials, pages, CSV and bad input")
    func flow() async throws {
        try await TestApp.withServices { services in
            // setup
            let nurse = try await TestUsers.make(services, role: .nurse)
            let witness = try await TestUsers.make(services, role: .prescriber)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let admin = try await TestUsers.make(services, role: .administrator)
            let (_, sessionID) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine)
            try await services.sessionStates.apply(.checkIn, to: sessionID, stamp: Fixtures.stamp)
            try await services.sessionStates.apply(.beginChecks, to: sessionID, stamp: Fixtures.stamp)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                // act and validate: set-up by an administrator; a nurse may not
                var productID = ""
                try await client.execute(uri: "/api/v1/register/products", method: .post, headers: admin.json, body: ByteBuffer(string: """
                    {"name": "Ketamine 50 mg/mL, 10 mL", "substance": "ketamine", "form": "multi-dose-vial", "perUnitMg": 500, "concentrationMgPerMl": 50}
                    """)) { response in
                    #expect(response.status == .created)
                    productID = try #require(try Self.json(response)["id"] as? String).lowercased()
                }
                try await client.execute(uri: "/api/v1/register/products", method: .post, headers: nurse.json,
                                         body: ByteBuffer(string: #"{"name": "X"}"#)) { response in
                    #expect(response.status == .forbidden)
                }
                var locationID = ""
                try await client.execute(uri: "/api/v1/register/locations", method: .post, headers: admin.json,
                                         body: ByteBuffer(string: #"{"name": "Main safe", "kind": "safe"}"#)) { response in
                    #expect(response.status == .created)
                    locationID = try #require(try Self.json(response)["id"] as? String).lowercased()
                }
                // Bad input: field errors, nothing stored.
                let base = #""product": "\#(productID)", "lotNumber": "K1", "location": "\#(locationID)", "supplier": "W", "orderReference": "CSOS 7""#
                for bad in [#""expiry": "2027-06-30", "units": -2"#, #""expiry": "2027-06-30", "units": "abc""#, #""expiry": "2027-06-30", "units": 1e30"#,
                            #""expiry": "2020-01-01", "units": 3"#, #""expiry": "2027-06-30", "units": 3, "surprise": 1"#] {
                    try await client.execute(uri: "/api/v1/register/receipts", method: .post, headers: nurse.json,
                                             body: ByteBuffer(string: "{\(base), \(bad)}")) { response in
                        #expect(response.status == .unprocessableContent, "\(bad)")
                        #expect(response.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                    }
                }
                try await client.execute(uri: "/api/v1/register/receipts", method: .post, headers: nurse.json, body: ByteBuffer(string: """
                    {"product": "\(productID)", "lotNumber": "K1", "expiry": "2027-06-30", "units": 3, "location": "\(locationID)",
                     "supplier": "Wholesaler", "orderReference": "CSOS 7"}
                    """)) { response in
                    #expect(response.status == .created)
                    let body = try Self.json(response)
                    #expect(body["balanceAmount"] as? Double == 1500)
                }
                var lineID = ""
                try await client.execute(uri: "/api/v1/register/stock", method: .get, headers: nurse.api) { response in
                    let lines = try #require(try Self.json(response)["lines"] as? [[String: Any]])
                    lineID = try #require((lines.first?["line"] as? [String: Any])?["id"] as? String).lowercased()
                }
                // The session page proposes the draw from the planned dose: 35 mg → 0.7 mL of a 50 mg/mL vial [R32].
                let sessionPath = "/sessions/\(sessionID.uuidString.lowercased())/register"
                try await client.execute(uri: sessionPath, method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok)
                    #expect(html.contains("0.7 mL (35 mg) from a new vial of lot K1"), "\(html)")
                }
                var drawID = ""
                try await client.execute(uri: "/api/v1/register/sessions/\(sessionID.uuidString.lowercased())/draws", method: .post, headers: nurse.json,
                                         body: ByteBuffer(string: #"{"line": "\#(lineID)", "amountMg": 37}"#)) { response in
                    #expect(response.status == .created)
                    drawID = try #require(try Self.json(response)["id"] as? String).lowercased()
                }
                // The witness: wrong password, the drawer themselves, and a role without register.witness are refused beside the field.
                let waste = { (email: String, password: String) in
                    ByteBuffer(string: #"{"draw": "\#(drawID)", "amountMg": 2, "reason": "expelled", "witnessEmail": "\#(email)", "witnessPassword": "\#(password)"}"#)
                }
                try await client.execute(uri: "/api/v1/register/sessions/\(sessionID.uuidString.lowercased())/wastes", method: .post, headers: nurse.json,
                                         body: waste(witness.account.email.text, "wrong password")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("witnessPassword"))
                }
                try await client.execute(uri: "/api/v1/register/sessions/\(sessionID.uuidString.lowercased())/wastes", method: .post, headers: nurse.json,
                                         body: waste(nurse.account.email.text, TestUsers.password)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("someone other than you"))
                }
                try await client.execute(uri: "/api/v1/register/sessions/\(sessionID.uuidString.lowercased())/wastes", method: .post, headers: nurse.json,
                                         body: waste(desk.account.email.text, TestUsers.password)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("cannot confirm this"))
                }
                try await client.execute(uri: "/api/v1/register/sessions/\(sessionID.uuidString.lowercased())/wastes", method: .post, headers: nurse.json,
                                         body: ByteBuffer(string: #"{"draw": "\#(drawID)", "amountMg": 9, "witnessEmail": "\#(witness.account.email.text)", "witnessPassword": "\#(TestUsers.password)"}"#)) { response in
                    #expect(response.status == .unprocessableContent, "a waste larger than the remainder")
                }
                try await client.execute(uri: "/api/v1/register/sessions/\(sessionID.uuidString.lowercased())/wastes", method: .post, headers: nurse.json,
                                         body: waste(witness.account.email.text, TestUsers.password)) { response in
                    #expect(response.status == .created)
                    let body = try Self.json(response)
                    #expect(body["witnessName"] as? String == "Test Prescriber (prescriber)")
                }
                // The administration record links the draw by id; a draw of another session is refused.
                try await client.execute(uri: "/sessions/\(sessionID.uuidString.lowercased())/administration", method: .post, headers: nurse.form,
                                         body: nurse.formBody("product=Ketamine&lotNumber=K1&expiry=2027-06-30&concentrationMgPerMl=50&doseMg=35&route=intravenous&pumpRateMlPerHour=42&checkerEmail=\(Self.encoded(witness.account.email.text))&checkerPassword=\(Self.encoded(TestUsers.password))&registerDrawID=\(UUID().uuidString)")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"registerDrawID-error\""))
                }
                try await client.execute(uri: "/sessions/\(sessionID.uuidString.lowercased())/administration", method: .post, headers: nurse.form,
                                         body: nurse.formBody("product=Ketamine&lotNumber=K1&expiry=2027-06-30&concentrationMgPerMl=50&doseMg=35&route=intravenous&pumpRateMlPerHour=42&checkerEmail=\(Self.encoded(witness.account.email.text))&checkerPassword=\(Self.encoded(TestUsers.password))&registerDrawID=\(drawID)")) { response in
                    #expect(response.status == .seeOther)
                }
                try await client.execute(uri: "/api/v1/register/sessions/\(sessionID.uuidString.lowercased())", method: .get, headers: nurse.api) { response in
                    let body = try Self.json(response)
                    #expect(body["reconciled"] as? Bool == true)
                }
                // Pages: the running register, CSV, reports; the front desk sees none of it.
                try await client.execute(uri: "/register", method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(response.status == .ok && html.contains("Ketamine 50 mg/mL, 10 mL") && html.contains("Opened vial"))
                }
                try await client.execute(uri: "/register/products/\(productID)", method: .get, headers: nurse.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Witnessed waste") && html.contains("Test Prescriber (prescriber)") && html.contains("CSOS 7"))
                }
                try await client.execute(uri: "/register/products/\(productID)/register.csv", method: .get, headers: nurse.page) { response in
                    #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                    let lines = Self.body(response).split(separator: "\r\n")
                    #expect(lines.count == 4 && lines[0].hasPrefix("#,Date,Entry"))
                }
                for path in ["/register/inventory", "/register/loss-report", "/register/discrepancies", "/register/receive", "/register/count"] {
                    try await client.execute(uri: path, method: .get, headers: nurse.page) { response in #expect(response.status == .ok, "\(path)") }
                }
                try await client.execute(uri: "/register", method: .get, headers: desk.page) { response in #expect(response.status == .forbidden) }
                // A receipt through the form with bad input re-renders beside the fields.
                try await client.execute(uri: "/register/receive", method: .post, headers: nurse.form,
                                         body: nurse.formBody("product=\(productID)&lotNumber=&expiry=soon&units=-1&location=\(locationID)")) { response in
                    let html = Self.body(response)
                    #expect(response.status == .unprocessableContent)
                    for field in ["lotNumber", "expiry", "units", "supplier", "orderReference"] { #expect(html.contains("id=\"\(field)-error\""), "\(field)") }
                }
                // The application's shutdown closes the database: these checks run before it.
                #expect(try await RegisterRepository(database: services.database).verify().isIntact)
                #expect(try await services.audit.verify().firstBreak == nil)
            }
        }
    }

    @Test("A count with a discrepancy shows on administrators' home page until closed with a reason")
    func discrepancyOnHome() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let witness = try await TestUsers.make(services, role: .nurse)
            let admin = try await TestUsers.make(services, role: .administrator)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let register = RegisterRepository(database: services.database)
            let product = try await register.addProduct(RegisterProduct(name: "Spravato 28 mg", substance: .esketamine, form: .device,
                                                                        perUnit: RegisterAmount(micrograms: 28_000), concentrationMicrogramsPerMl: nil),
                                                        clinicID: clinic.id, stamp: Fixtures.stamp)
            let safe = try await register.addLocation(name: "Safe", kind: .safe, clinicID: clinic.id, stamp: Fixtures.stamp)
            try await register.receive(productID: product.id, lotNumber: "S1", expiry: Fixtures.today.adding(days: 100), units: 6, locationID: safe.id,
                                       supplier: "W", orderReference: "1", clinicID: clinic.id, today: Fixtures.today,
                                       signature: RegisterSignature(stamp: Fixtures.stamp, name: "N"))
            let line = try #require(try await register.stock(clinicID: clinic.id).first)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                let key = "count-\(line.id.uuidString.lowercased())"
                try await client.execute(uri: "/register/count", method: .post, headers: nurse.form,
                                         body: nurse.formBody("kind=end-of-day&\(key)=5&witnessEmail=\(witness.account.email.text)&witnessPassword=\(TestUsers.password.replacingOccurrences(of: " ", with: "+"))")) { response in
                    #expect(response.status == .seeOther)
                }
                var discrepancyPath = ""
                try await client.execute(uri: "/", method: .get, headers: admin.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("Open controlled-substance discrepancies (1)") && html.contains("-1 unit(s), -28 mg"))
                }
                try await client.execute(uri: "/", method: .get, headers: nurse.page) { response in
                    #expect(!Self.body(response).contains("Open controlled-substance discrepancies"))
                }
                try await client.execute(uri: "/register/discrepancies", method: .get, headers: admin.page) { response in
                    let html = Self.body(response)
                    let range = try #require(html.range(of: #"/register/discrepancies/[0-9a-f-]{36}"#, options: .regularExpression))
                    discrepancyPath = String(html[range])
                }
                try await client.execute(uri: discrepancyPath, method: .post, headers: admin.form,
                                         body: admin.formBody("resolution=loss&reason=short")) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("id=\"reason-error\""))
                }
                try await client.execute(uri: discrepancyPath, method: .post, headers: nurse.form,
                                         body: nurse.formBody("resolution=loss&reason=Device+not+found+after+searching")) { response in
                    #expect(response.status == .forbidden)
                }
                try await client.execute(uri: discrepancyPath, method: .post, headers: admin.form,
                                         body: admin.formBody("resolution=loss&reason=Device+not+found+after+searching+both+stores")) { response in
                    #expect(response.status == .seeOther)
                }
                try await client.execute(uri: "/", method: .get, headers: admin.page) { response in
                    #expect(!Self.body(response).contains("Open controlled-substance discrepancies"))
                }
                try await client.execute(uri: "/register/loss-report", method: .get, headers: admin.page) { response in
                    let html = Self.body(response)
                    #expect(html.contains("DEA Form 106") && html.contains("Spravato 28 mg") && html.contains("1 device · 28 mg"))
                }
                #expect(try await register.balances(clinicID: clinic.id).first?.units == 5)
            }
        }
    }

    @Test("Two concurrent API draws of the last device: exactly one is recorded")
    func concurrentDraws() async throws {
        try await TestApp.withServices { services in
            let nurse = try await TestUsers.make(services, role: .nurse)
            let other = try await TestUsers.make(services, role: .nurse)
            let clinic = try #require(try await services.clinics.primaryClinic())
            let register = RegisterRepository(database: services.database)
            let product = try await register.addProduct(RegisterProduct(name: "Spravato 28 mg", substance: .esketamine, form: .device,
                                                                        perUnit: RegisterAmount(micrograms: 28_000), concentrationMicrogramsPerMl: nil),
                                                        clinicID: clinic.id, stamp: Fixtures.stamp)
            let safe = try await register.addLocation(name: "Safe", kind: .safe, clinicID: clinic.id, stamp: Fixtures.stamp)
            try await register.receive(productID: product.id, lotNumber: "S1", expiry: Fixtures.today.adding(days: 100), units: 2, locationID: safe.id,
                                       supplier: "W", orderReference: "1", clinicID: clinic.id, today: Fixtures.today,
                                       signature: RegisterSignature(stamp: Fixtures.stamp, name: "N"))
            let line = try #require(try await register.stock(clinicID: clinic.id).first)
            var sessions: [UUID] = []
            for name in ["Ada", "Bea"] {
                let (_, id) = try await SessionFixtures.plannedSession(services.database, treatment: .esketamine, given: name)
                try await services.sessionStates.apply(.checkIn, to: id, stamp: Fixtures.stamp)
                try await services.sessionStates.apply(.beginChecks, to: id, stamp: Fixtures.stamp)
                sessions.append(id)
            }
            let ids = sessions
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.live) { client in
                async let first = client.execute(uri: "/api/v1/register/sessions/\(ids[0].uuidString.lowercased())/draws", method: .post,
                                                 headers: nurse.json, body: ByteBuffer(string: #"{"line": "\#(line.id.uuidString)", "amountMg": 56}"#))
                async let second = client.execute(uri: "/api/v1/register/sessions/\(ids[1].uuidString.lowercased())/draws", method: .post,
                                                  headers: other.json, body: ByteBuffer(string: #"{"line": "\#(line.id.uuidString)", "amountMg": 56}"#))
                let statuses = try await [first.status, second.status]
                #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
                #expect(statuses.filter { $0 == .unprocessableContent }.count == 1, "\(statuses)")
                #expect(try await register.balances(clinicID: clinic.id).first?.units == 0)
            }
        }
    }
}
