import ClinicDomain
@testable import ClinicServer
import Foundation
import Testing

/// The gateway's batch read straight from its bytes must give what `JSONDecoder` gives, or nothing
/// (and then `JSONDecoder` reads it as before).
@Suite("Reading a gateway's batch without JSONDecoder")
struct FlatJSONReaderTests {
    /// What `JSONDecoder` makes of a `{"readings": [...]}` body, nil when it refuses it.
    private static func decoded(_ text: String) -> [FlatJSONObject]? {
        struct Body: Decodable { let readings: [FlatJSONObject] }
        return try? JSONDecoder().decode(Body.self, from: Data(text.utf8)).readings
    }

    private static func fast(_ text: String) -> [FlatJSONObject]? {
        FlatJSONArrayReader.objects(in: Data(text.utf8), member: "readings")
    }

    /// A body and whether the reader must take it (else it must leave it to `JSONDecoder`).
    struct Vector: Sendable, CustomTestStringConvertible {
        let body: String
        let taken: Bool
        let why: String
        var testDescription: String { why }
    }

    static let vectors: [Vector] = [
        .init(body: #"{"readings":[{"heartRate":72,"oxygenSaturation":98,"takenAt":"2026-12-07T01:00:00Z"}]}"#, taken: true,
              why: "a gateway's usual batch"),
        .init(body: " \n{ \"readings\" : [ { \"systolic\" : 128 , \"diastolic\" : 82 } , { } ] } \t", taken: true, why: "whitespace anywhere"),
        .init(body: #"{"readings":[]}"#, taken: true, why: "an empty list (the batch bound refuses it later)"),
        .init(body: #"{"readings":[{"temperatureCelsius":37.5,"a":-0,"b":1e2,"c":-2.5E-3,"d":12345678901234567890}]}"#, taken: true,
              why: "numbers of every JSON form, one too long for an exact whole number"),
        .init(body: #"{"readings":[{"note":"caf\u00e9 \"quoted\" \\ \/ \b\f\n\r\t \ud83d\ude00","x":null,"y":true,"z":false}]}"#, taken: true,
              why: "escapes, a surrogate pair, null and flags"),
        .init(body: #"{"readings":[{"note":"Zoë 🙂"}]}"#, taken: true, why: "UTF-8 text"),
        .init(body: #"{"readings":[{"symptoms":["nausea"]}]}"#, taken: false, why: "a list value"),
        .init(body: #"{"readings":[{"a":{"b":1}}]}"#, taken: false, why: "a nested object"),
        .init(body: #"{"readings":[{"a":1,"a":2}]}"#, taken: false, why: "a name given twice"),
        .init(body: #"{"readings":[{"a":1}],"chair":"Bay 1"}"#, taken: false, why: "another member beside readings"),
        .init(body: #"{"heartRate":72}"#, taken: false, why: "a single reading"),
        .init(body: #"{"readings":[{"a":01}]}"#, taken: false, why: "a leading zero"),
        .init(body: #"{"readings":[{"a":1.}]}"#, taken: false, why: "a bare decimal point"),
        .init(body: #"{"readings":[{"a":1e400}]}"#, taken: false, why: "a number beyond a Double"),
        .init(body: #"{"readings":[{"a":1e-400}]}"#, taken: false, why: "a number too small for a Double"),
        .init(body: #"{"readings":[{"a":0.0e-400,"b":-0.000}]}"#, taken: true, why: "zeros written with an exponent or decimals"),
        .init(body: #"{"readings":[{"a":"\ud83d"}]}"#, taken: false, why: "a lone surrogate"),
        .init(body: "{\"readings\":[{\"a\":\"tab\there\"}]}", taken: false, why: "a raw control character in a string"),
        .init(body: #"{"readings":[{"a":tru}]}"#, taken: false, why: "a misspelt word"),
        .init(body: #"{"readings":[{"a":1}]} x"#, taken: false, why: "text after the body"),
        .init(body: #"{"readings":[{"a":1},]}"#, taken: false, why: "a trailing comma"),
        .init(body: #"{"readings":[{"a":1}"#, taken: false, why: "a cut body"),
    ]

    @Test("Each body is taken with JSONDecoder's values, or left to JSONDecoder", arguments: vectors)
    func sameAsJSONDecoder(vector: Vector) {
        let fast = Self.fast(vector.body)
        #expect((fast != nil) == vector.taken)
        if let fast { #expect(fast == Self.decoded(vector.body), "the same values as JSONDecoder") }
    }

    @Test("Invalid UTF-8 is left to JSONDecoder")
    func invalidUTF8() {
        var bytes = Array(#"{"readings":[{"note":"x"}]}"#.utf8)
        bytes[bytes.firstIndex(of: UInt8(ascii: "x"))!] = 0xFF
        #expect(FlatJSONArrayReader.objects(in: Data(bytes), member: "readings") == nil)
    }

    @Test("Thousands of mutated batches: whatever the reader takes, JSONDecoder reads the same")
    func mutatedBatches() {
        var generator = SeededGenerator(seed: 19)
        let base = Array(#"{"readings":[{"heartRate":72,"oxygenSaturation":98,"systolic":-1.5e1,"takenAt":"2026-12-07T01:00:00Z","x":null,"y":true}]}"#.utf8)
        let alphabet = Array(#"{}[]":,.-+eE0123456789 \ntruefalsn"#.utf8) + [0xC3, 0xA9, 0xFF, 0x00]
        var taken = 0
        for _ in 0..<5_000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: index)
                }
            }
            guard let fast = FlatJSONArrayReader.objects(in: Data(bytes), member: "readings") else { continue }
            taken += 1
            struct Body: Decodable { let readings: [FlatJSONObject] }
            let slow = try? JSONDecoder().decode(Body.self, from: Data(bytes)).readings
            #expect(fast == slow, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(taken > 100, "enough mutations stay readable to compare")
    }
}
