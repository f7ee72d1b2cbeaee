import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Every clinic policy page goes through the one mechanism (`PolicyPageController`): these
/// vectors hold each page to it — shown only to those with the page's permission (administrators hold them all), a bad value refused with its
/// field error and nothing stored, an unchanged form storing nothing, a change stored and audited.
@Suite("Clinic policy pages")
struct PolicyPageTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let path: String
        /// A field and a value the policy refuses, with words of the field error.
        let bad: (field: String, value: String, error: String)
        /// A field and a new sound value.
        let change: (field: String, value: String)
        var testDescription: String { path }
    }

    static let vectors: [Vector] = [
        Vector(path: "/admin/clinic/policy", bad: ("restingSystolicLimit", "high", "number"), change: ("restingSystolicLimit", "170")),
        Vector(path: "/admin/clinic/sessions", bad: ("systolicAbove", "high", "whole number"), change: ("systolicAbove", "175")),
        Vector(path: "/admin/clinic/safety", bad: ("escalateAfterMinutes", "soon", "whole number"), change: ("linkLifetimeHours", "48")),
        Vector(path: "/admin/clinic/rems", bad: ("kind", "elsewhere", "outpatient or inpatient"), change: ("settingName", "Harbour Clinic")),
        // The REMS floor of 2 hours [R19] refuses 90 minutes of chair time for esketamine.
        Vector(path: "/admin/clinic/scheduling", bad: ("esketamineChairMinutes", "90", "at least 2 hours"), change: ("chairsPerNurse", "3")),
        // The register's own managers (`register.manage`); USP <797>'s 28 days is the default [X1].
        Vector(path: "/register/policy", bad: ("openedVialBeyondUseDays", "a month", "whole number of days"),
               change: ("syringeStepHundredthsMl", "5")),
        // No RxCUI is in the reference (NOT FOUND), so the clinic enters its own; digits only.
        Vector(path: "/admin/clinic/medication-codes", bad: ("ketamineRxCUI", "ketamine", "digits"), change: ("esketamineRxCUI", "1234567")),
    ]

    /// The form's current values, read from the page's inputs, selects and text areas.
    private static func formValues(_ html: String) -> [String: String] {
        var values: [String: String] = [:]
        let input = try! Regex(#"<input[^>]*name="([^"]+)"[^>]*>"#)
        for match in html.matches(of: input) {
            let tag = String(html[match.range])
            guard let name = match.output[1].substring.map(String.init), !tag.contains(#"type="hidden""#) || name == "csrf" else { continue }
            if tag.contains(#"type="checkbox""#) {
                if tag.contains("checked") { values[name] = "on" }
                continue
            }
            if let value = tag.firstMatch(of: try! Regex(#"value="([^"]*)""#))?.output[1].substring { values[name] = Self.unescape(String(value)) }
            else { values[name] = "" }
        }
        let select = try! Regex(#"<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>"#).dotMatchesNewlines()
        for match in html.matches(of: select) {
            guard let name = match.output[1].substring.map(String.init), let options = match.output[2].substring else { continue }
            if let chosen = String(options).firstMatch(of: try! Regex(#"<option value="([^"]*)" selected"#))?.output[1].substring {
                values[name] = Self.unescape(String(chosen))
            }
        }
        let area = try! Regex(#"<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>"#).dotMatchesNewlines()
        for match in html.matches(of: area) {
            guard let name = match.output[1].substring.map(String.init), let text = match.output[2].substring else { continue }
            values[name] = Self.unescape(String(text))
        }
        values.removeValue(forKey: "csrf")
        return values
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    private static func encoded(_ values: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: ".-_")
        return values.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    @Test("Each policy page: administrators only; a bad value is a field error and stores nothing; unchanged stores nothing; a change is audited",
          arguments: vectors)
    func oneMechanism(_ vector: Vector) async throws {
        try await TestApp.withServices { services in
            let admin = try await TestUsers.make(services, role: .administrator)
            let nurse = try await TestUsers.make(services, role: .nurse)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                #expect(try await client.execute(uri: vector.path, method: .get, headers: nurse.page) { $0.status } == .forbidden)
                let html = try await client.execute(uri: vector.path, method: .get, headers: admin.page) { response in
                    #expect(response.status == .ok)
                    return String(buffer: response.body)
                }
                let current = Self.formValues(html)
                #expect(current[vector.change.field] != nil, "the page shows \(vector.change.field)")
                let updates = { try await services.audit.page(AuditFilter(action: .update), limit: 1_000).count }
                let before = try await updates()

                var bad = current
                bad[vector.bad.field] = vector.bad.value
                try await client.execute(uri: vector.path, method: .post, headers: admin.form, body: admin.formBody(Self.encoded(bad))) { response in
                    #expect(response.status == .unprocessableContent)
                    let page = String(buffer: response.body)
                    #expect(page.contains(vector.bad.error), "the field error explains itself")
                    #expect(page.contains(#"aria-invalid="true""#))
                }
                #expect(try await updates() == before, "a refused form stores nothing")

                try await client.execute(uri: vector.path, method: .post, headers: admin.form, body: admin.formBody(Self.encoded(current))) { response in
                    #expect(response.status == .seeOther)
                }
                #expect(try await updates() == before, "an unchanged form stores nothing")

                var changed = current
                changed[vector.change.field] = vector.change.value
                try await client.execute(uri: vector.path, method: .post, headers: admin.form, body: admin.formBody(Self.encoded(changed))) { response in
                    #expect(response.status == .seeOther)
                    #expect(response.headers[.location] == vector.path)
                }
                #expect(try await updates() == before + 1, "the change is audited")
                let shown = try await client.execute(uri: vector.path, method: .get, headers: admin.page) { String(buffer: $0.body) }
                #expect(Self.formValues(shown)[vector.change.field] == vector.change.value, "the page shows the stored value")
            }
        }
    }
}
