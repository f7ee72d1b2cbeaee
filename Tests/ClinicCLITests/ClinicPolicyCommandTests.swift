import ArgumentParser
@testable import ClinicCLI
import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

extension CommandLineSuites {
@Suite("clinic policy command")
struct ClinicPolicyCommandTests {
    private func run(_ arguments: [String]) async throws { try await CommandLineSuites.run(arguments) }

    @Test("set validates, stores through the repository and audits as the operator; show prints both policies")
    func setAndShow() async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        let url = location.description
        try await run(["clinic", "policy", "set", "--database", url, "restingSystolicLimit=170",
                       "screening.maximumLorazepamEquivalentMgPerDay=2.5", "resistance.adequateTrialWeeks=4",
                       "resistance.requireDifferentDrugs=false"])
        try await run(["clinic", "policy", "show", "--database", url])
        try await run(["clinic", "policy", "show", "--json", "--database", url])

        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let clinic = try #require(try await SQLClinicRepository(database: database).primaryClinic())
        let stored = try await ClinicPolicyRepository(database: database).policies(of: clinic.id)
        let entries = try await AuditTrail(database: database).page(AuditFilter(action: .update), limit: 10)
        await database.shutDown()
        #expect(stored.screening.restingSystolicLimit == 170)
        #expect(stored.screening.maximumLorazepamEquivalentMgPerDay == 2.5)
        #expect(stored.resistance == TreatmentResistancePolicy(adequateTrialWeeks: 4, minimumFailedTrials: 2, requireDifferentDrugs: false))
        let entry = try #require(entries.first { $0.event.entityType == "clinic_policy" })
        #expect(entry.stamp.actorName.hasPrefix("cli: ") && entry.stamp.requestID == "ketaclinic clinic policy set")
    }

    @Test("Unknown fields, bad values and values validated() refuses exit 2 and store nothing", arguments: [
        ["noSuchSetting=1"],
        ["restingSystolicLimit"],
        ["minimumHeartRate=fast"],
        ["restingSystolicLimit=500"],
        ["restingSystolicLimit=150.5"],
        ["restingDiastolicLimit=120", "restingSystolicLimit=120"],
        ["esketamineRecentCardiovascularEventDays=30"],
        ["resistance.minimumFailedTrials=0"],
        ["resistance.requireDifferentDrugs=maybe"],
        ["minimumHeartRate=40", "minimumHeartRate=45"],
    ])
    func invalid(assignments: [String]) async throws {
        let (location, cleanup) = try await TestDatabases.makeLocation(.sqlite)
        defer { Task { try await cleanup() } }
        try await run(["migrate", "--database", location.description])
        await #expect {
            try await run(["clinic", "policy", "set", "--database", location.description] + assignments)
        } throws: { ($0 as? ExitCode)?.rawValue == 2 }
        let database = try ClinicDatabase(location: location, logger: TestDatabases.quietLogger)
        let clinic = try await SQLClinicRepository(database: database).primaryClinic()
        var stored: ClinicPolicies?
        if let clinic { stored = try await ClinicPolicyRepository(database: database).policies(of: clinic.id) }
        await database.shutDown()
        #expect(stored == nil || stored == .defaults)
    }

    @Test("set without any FIELD=VALUE is a usage error")
    func noAssignments() {
        #expect(throws: (any Error).self) { try KetaClinicCommand.parseAsRoot(["clinic", "policy", "set"]) }
    }

    @Test("Every setting round-trips through its field name, so the page and the CLI can change each one")
    func everyFieldSettable() throws {
        var values: [String: String] = [:]
        for setting in ScreeningPolicy.descriptors {
            let upper = setting.allowedRange.upperBound
            values[setting.field] = ClinicPolicies.format(setting.field == "restingSystolicLimit" ? upper : upper - 1)
        }
        values["resistance.adequateTrialWeeks"] = "8"
        values["resistance.minimumFailedTrials"] = "3"
        values["resistance.requireDifferentDrugs"] = "off"
        let updated = try ClinicPolicies.defaults.applying(values)
        #expect(updated.fieldValues == values)
        #expect(try ClinicPolicies.defaults.applying(ClinicPolicies.defaults.fieldValues) == .defaults)
    }
}}
