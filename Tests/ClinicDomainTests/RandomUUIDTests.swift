import ClinicDomain
import Foundation
import Testing

@Suite("Random ids")
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
}
