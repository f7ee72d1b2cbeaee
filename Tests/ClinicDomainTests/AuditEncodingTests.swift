import ClinicDomain
import Foundation
import Testing

@Suite("Audit entries: canonical encoding and CSV")
struct AuditEncodingTests {
    static let stamp = AuditStamp(at: Date(millisecondsSince1970: 1_795_359_600_000), userID: UUID(uuidString: "6F1C3B2A-0000-4000-8000-000000000001"),
                                  actorName: "nia@clinic.org", role: .nurse, requestID: "r1", ipAddress: "10.0.0.7")

    @Test("Any change to any field changes the encoding; empty and absent differ; field boundaries cannot shift")
    func encodingIsInjective() {
        let event = AuditEvent(.view, entityType: "patient", entityID: "p1", patientID: nil, summary: "chart")
        let base = AuditEntry.canonicalEncoding(sequence: 7, stamp: Self.stamp, event: event)
        var variants: [[UInt8]] = []
        var s = Self.stamp
        s.ipAddress = "10.0.0.8"; variants.append(AuditEntry.canonicalEncoding(sequence: 7, stamp: s, event: event))
        variants.append(AuditEntry.canonicalEncoding(sequence: 8, stamp: Self.stamp, event: event))
        var e = event
        e.summary = ""; variants.append(AuditEntry.canonicalEncoding(sequence: 7, stamp: Self.stamp, event: e))
        e = event; e.entityType = "patien"; e.entityID = "tp1"
        variants.append(AuditEntry.canonicalEncoding(sequence: 7, stamp: Self.stamp, event: e))
        s = Self.stamp; s.role = nil; variants.append(AuditEntry.canonicalEncoding(sequence: 7, stamp: s, event: event))
        e = event; e.patientID = UUID(); variants.append(AuditEntry.canonicalEncoding(sequence: 7, stamp: Self.stamp, event: e))
        for variant in variants { #expect(variant != base) }
        #expect(Set(variants.map { Data($0) }).count == variants.count)
    }

    @Test("The encoding is pinned byte for byte: stored entries were hashed with it, so it may never change", arguments: [
        ([String?](), "ketaclinic-audit-v1;"),
        (["1", nil, ""], "ketaclinic-audit-v1;1:1;-;0:;"),
        ([String(repeating: "a", count: 9), String(repeating: "b", count: 10)], "ketaclinic-audit-v1;9:aaaaaaaaa;10:bbbbbbbbbb;"),
        (["é", "👩‍⚕️"], "ketaclinic-audit-v1;2:é;13:👩‍⚕️;"),
    ])
    func encodingIsPinned(fields: [String?], expected: String) {
        #expect(AuditEntry.canonicalEncoding(storedFields: fields) == Array(expected.utf8))
    }

    @Test("Field lengths are written in decimal at every width (0, 9, 10, 99, 100, 999, 1,000, 12,345)")
    func lengthsInDecimal() {
        for length in [0, 9, 10, 99, 100, 999, 1_000, 12_345] {
            let field = String(repeating: "x", count: length)
            var appended: [UInt8] = [1, 2]
            AuditEntry.appendCanonicalEncoding(storedFields: [field], to: &appended)
            #expect(appended == [1, 2] + Array("ketaclinic-audit-v1;\(length):\(field);".utf8), "length \(length)")
        }
    }

    @Test("CSV quotes commas, quotes and line breaks, and defuses spreadsheet formulas")
    func csv() {
        let entry = AuditEntry(sequence: 3, stamp: Self.stamp,
                               event: AuditEvent(.update, entityType: "user", entityID: "u", summary: "=cmd|' /C calc'!A0, \"x\"\nnext"),
                               previousHash: AuditEntry.genesisHash, hash: "ab")
        let line = AuditCSV.line(entry)
        #expect(line.hasPrefix("3,2026-11-22T15:00:00.000Z,6F1C3B2A-0000-4000-8000-000000000001,nia@clinic.org,nurse,update,"))
        #expect(line.contains(#""'=cmd|' /C calc'!A0, ""x""\#nnext""#))
        #expect(line.hasSuffix(",ab\r\n"))
        #expect(AuditCSV.header.split(separator: ",").count == line.split(separator: ",", omittingEmptySubsequences: false).count - 1,
                "one comma inside the quoted summary")
    }

    @Test("A change summary lists only fields that changed")
    func changes() {
        #expect(AuditEvent.changes([("role", "nurse", "prescriber"), ("name", "A", "A")]) == "role: nurse → prescriber")
    }
}
