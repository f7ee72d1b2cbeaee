import ClinicServer
import ClinicStorage
import Testing

@Suite("Server settings")
struct ServerSettingsTests {
    @Test("A flag beats the environment, which beats the config file, which beats the default")
    func precedence() throws {
        let settings = try ServerSettings.resolve(
            flags: ["port": "9001"],
            environment: ["KETACLINIC_PORT": "9002", "KETACLINIC_HOST": "0.0.0.0", "KETACLINIC_DEMO_PATIENTS": "50"],
            configFile: ["port": "9003", "host": "10.0.0.1", "database": "sqlite:/var/lib/kc.sqlite", "demoPatients": "7"])
        #expect(settings.port == 9001)
        #expect(settings.host == "0.0.0.0")
        #expect(settings.demoPatients == 50)
        #expect(settings.database == .sqlite(path: "/var/lib/kc.sqlite"))
        #expect(settings.bodyLimitBytes == 1 << 20)
    }

    @Test("Bad values are refused with the setting's name", arguments: [
        (["port": "70000"], "port must be a whole number from 0 to 65535"),
        (["database": "mysql://x/y"], "is not a database location"),
        (["logLevel": "loud"], "log-level must be one of"),
        (["demo": "maybe"], "demo must be true or false"),
        (["bodyLimitBytes": "10"], "body-limit-bytes must be a whole number"),
    ])
    func refused(flags: [String: String], message: String) {
        #expect {
            try ServerSettings.resolve(flags: flags, environment: [:], configFile: [:])
        } throws: { error in
            String(describing: error).contains(message)
        }
    }

    @Test("A misspelt config-file key is refused, not ignored")
    func unknownConfigKey() {
        #expect(throws: SettingsError.self) {
            try ServerSettings.resolve(flags: [:], environment: [:], configFile: ["prot": "8080"])
        }
    }

    @Test("Every setting has a flag and an environment variable spelled from its name")
    func spellings() {
        let key = SettingKey.all.first { $0.name == "bodyLimitBytes" }!
        #expect(key.flag == "--body-limit-bytes")
        #expect(key.environmentVariable == "KETACLINIC_BODY_LIMIT_BYTES")
        #expect(SettingKey.all.count == Set(SettingKey.all.map(\.name)).count)
    }
}
