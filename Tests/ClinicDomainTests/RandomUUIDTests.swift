import ClinicDomain
import Foundation
import Testing

@Suite("Random and time-ordered ids")
struct RandomUUIDTests {
    @Test("UUID.random() is a version-4 UUID with the RFC variant (RFC 9562 §5.4), and ids do not repeat")
    func versionAndVariant() {
        let ids = (0..<10_000).map { _ in UUID.random() }
        for id in ids.prefix(100) {
            let text = id.uuidString
            // xxxxxxxx-xxxx-4xxx-[89AB]xxx-xxxxxxxxxxxx
            #expect(Array(text)[14] == "4", "\(text)")
            #expect("89AB".contains(Array(text)[19]), "\(text)")
            #expect(UUID(uuidString: text) == id)
        }
        #expect(Set(ids).count == ids.count)
    }

    @Test("Time-ordered ids are version 7 with the RFC variant, carry the time in their first 48 bits, and sort in the order made (RFC 9562 §5.7, §6.2 method 1)",
          arguments: [0.0, 1_796_573_749.271, 4_102_444_800.0])
    func timeOrdered(seconds: Double) {
        let instant = Date(timeIntervalSince1970: seconds)
        var generator = TimeOrderedUUIDs(at: instant)
        let ids = (0..<5_000).map { _ in generator.next() }
        let milliseconds = UInt64((seconds * 1000).rounded(.down))
        for id in ids.prefix(100) {
            let text = id.uuidString
            #expect(Array(text)[14] == "7", "\(text)")
            #expect("89AB".contains(Array(text)[19]), "\(text)")
            let hex = text.replacingOccurrences(of: "-", with: "")
            #expect(UInt64(hex.prefix(12), radix: 16) == milliseconds, "the first 48 bits are the Unix time in ms")
        }
        #expect(ids.map(\.uuidString) == ids.map(\.uuidString).sorted(), "each id sorts after the one before")
        #expect(Set(ids).count == ids.count)
    }

    @Test("storedText is uuidString, written without sprintf", arguments: [
        "00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "0192F4C8-1A2B-7C3D-8E4F-5A6B7C8D9E0F",
    ])
    func storedText(text: String) {
        let id = UUID(uuidString: text)!
        #expect(id.storedText == text)
        #expect(id.storedText == id.uuidString)
        let random = UUID.random()
        #expect(random.storedText == random.uuidString)
    }
}
