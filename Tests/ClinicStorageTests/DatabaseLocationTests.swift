import ClinicStorage
import Testing

@Suite("Database locations")
struct DatabaseLocationTests {
    @Test("--database values parse or are refused with the accepted forms", arguments: [
        ("sqlite:./ketaclinic.sqlite", DatabaseLocation.sqlite(path: "./ketaclinic.sqlite")),
        ("sqlite:///var/lib/kc.sqlite", .sqlite(path: "/var/lib/kc.sqlite")),
        ("postgres://kc:pw@db:5432/kc", .postgres(url: "postgres://kc:pw@db:5432/kc")),
        ("postgresql://kc@db/kc", .postgres(url: "postgresql://kc@db/kc")),
        ("mysql://db/kc", nil),
        ("sqlite:", nil),
        ("postgres://db", nil),
        ("./file.sqlite", nil),
    ] as [(String, DatabaseLocation?)])
    func parse(text: String, expected: DatabaseLocation?) {
        #expect((try? DatabaseLocation(parsing: text)) == expected)
    }

    @Test("A PostgreSQL password never appears in logs")
    func masking() throws {
        let location = try DatabaseLocation(parsing: "postgres://kc:secret@db:5432/kc")
        #expect(!location.description.contains("secret"))
        #expect(location.description.contains("db:5432/kc"))
    }
}
