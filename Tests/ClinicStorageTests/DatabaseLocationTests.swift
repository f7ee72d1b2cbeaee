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
        ("./file.sqlite", .sqlite(path: "./file.sqlite")),
        ("clinic.sqlite", .sqlite(path: "clinic.sqlite")),
        ("/var/lib/ketaclinic/clinic.sqlite", .sqlite(path: "/var/lib/ketaclinic/clinic.sqlite")),
        ("  clinic.sqlite ", .sqlite(path: "clinic.sqlite")),
        ("file:clinic.sqlite", .sqlite(path: "clinic.sqlite")),
        ("file:/var/lib/kc.sqlite", .sqlite(path: "/var/lib/kc.sqlite")),
        ("file:///var/lib/kc.sqlite", .sqlite(path: "/var/lib/kc.sqlite")),
        ("file://localhost/var/lib/kc.sqlite", .sqlite(path: "/var/lib/kc.sqlite")),
        ("file:///var/lib/my%20clinic.sqlite?mode=rwc", .sqlite(path: "/var/lib/my clinic.sqlite")),
        ("file://otherhost/var/lib/kc.sqlite", nil),
        ("file:", nil),
        ("file:///", nil),
        ("postgress://db/kc", nil),
        ("postgres:kc", nil),
        ("", nil),
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

    @Test("A refused value is answered with the accepted forms, a plain path among them")
    func refusalNamesForms() {
        let error = #expect(throws: DatabaseLocationError.self) { try DatabaseLocation(parsing: "mysql://db/kc") }
        let message = error?.description ?? ""
        #expect(message.contains("mysql://db/kc") && message.contains("file path") && message.contains("postgres://"))
    }
}
