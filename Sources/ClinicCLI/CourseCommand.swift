import ArgumentParser
import ClinicDomain
import Foundation

/// `ketaclinic course`: proposes a course of sessions for a built-in protocol (docs/treatment-plans.md):
/// dates on the clinic's working days with the protocol's spacing, and each session's dose.
struct CourseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course",
        abstract: "Propose the session dates and doses of a course for a protocol.",
        discussion: """
            Protocols: \(ProtocolLibrary.builtIn.map(\.id).joined(separator: ", ")). \
            Example: ketaclinic course --protocol esketamine-us --start 2026-12-07 --sessions 12. \
            Ketamine doses need --weight-kg for mg (otherwise mg/kg is shown). Exits 2 for invalid input \
            and for a dose past a hard limit.
            """)

    @Option(name: .customLong("protocol"), help: "Built-in protocol id.") var protocolID: String
    @Option(help: "First session's date, YYYY-MM-DD (moved to the next working day if needed).") var start: String
    @Option(help: "Number of sessions (default: the protocol's phases with an end).") var sessions: Int?
    @Option(name: .customLong("weight-kg"), help: "Body weight, kg (ketamine doses in mg).") var weightKg: Double?
    @Option(name: .customLong("height-cm"), help: "Height, cm.") var heightCm: Double?
    @Option(help: "Sex at birth: female or male.") var sex: String?
    @Option(name: .customLong("age"), help: "Age in years (esketamine EU start dose at 65 or over).") var ageYears: Int?
    @Option(name: .customLong("mg-per-kg"), help: "Target ketamine dose (default: the protocol's).") var mgPerKg: Double?
    @Option(help: "Esketamine devices from session 2 on: 2 (56 mg) or 3 (84 mg); default 2.") var devices: Int?
    @Option(help: "Infusion duration, minutes (default: the protocol's).") var minutes: Double?
    @Option(name: .customLong("frequency"), help: "Per phase, in order: 3/week, 2/week, every-1-weeks, every-2-weeks …")
    var frequencies: [String] = []
    @Option(name: .customLong("working-days"), help: "Working days (default mon,tue,wed,thu,fri).")
    var workingDays: String = ClinicSettings.workingDaysCode(Weekday.mondayToFriday)
    @Flag(help: "Print the result as JSON.") var json = false

    /// Why the input was refused.
    struct InputError: Error, CustomStringConvertible {
        /// One problem per line.
        let description: String
    }

    /// The JSON `--json` prints.
    struct Output: Encodable {
        struct ProtocolRef: Encodable { let id: String, version: Int, name: String }
        struct Session: Encodable {
            let number: Int, date: String, weekday: String, phase: String
            let mgPerKg: Double?, devices: Int?, doseMg: Double?, change: String
            let courseTotalMg: Double?, rollingSevenDayMg: Double?
            let warnings: [DoseWarning]
        }
        let `protocol`: ProtocolRef
        let start: String
        let sessions: [Session]
        let dose: DoseOrder?
        let courseTotalMg: Double?
        let largestSevenDayMg: Double?
        let warnings: [DoseWarning]
    }

    func run() throws {
        let proposal: CourseProposal
        do { proposal = try propose() } catch { throw CommandSupport.fail(error.description, code: 2) }
        if proposal.warnings.hasHardLimit {
            let refusals = proposal.warnings.filter { $0.level == .hardLimit }.map { "  \($0.code): \($0.message)" }
            throw CommandSupport.fail("course refused, a dose is past a hard limit:\n" + refusals.joined(separator: "\n"), code: 2)
        }
        print(json ? try Self.jsonText(proposal) : Self.report(proposal))
    }

    /// Parses the options and proposes the course, or says every thing that is wrong.
    func propose() throws(InputError) -> CourseProposal {
        var problems: [String] = []
        let chosen = ProtocolLibrary.builtIn(id: protocolID.trimmed)
        if chosen == nil { problems.append("--protocol: use one of \(ProtocolLibrary.builtIn.map(\.id).joined(separator: ", ")).") }
        let startDate = CalendarDate(iso: start.trimmed)
        if startDate == nil { problems.append("--start: use a date such as 2026-12-07.") }
        let days = ClinicSettings.workingDays(code: workingDays)
        if days == nil || days?.isEmpty == true { problems.append("--working-days: use day names such as mon,wed,fri.") }
        let parsedFrequencies = frequencies.map(CourseFrequency.init(code:))
        if parsedFrequencies.contains(nil) { problems.append("--frequency: use 1/week to 3/week or every-1-weeks to every-8-weeks.") }
        var parsedSex: SexAtBirth?
        if let sex {
            parsedSex = SexAtBirth(rawValue: sex.trimmed.lowercased())
            if parsedSex == nil { problems.append("--sex: use female or male.") }
        }
        if let weightKg, !WeightMeasurement.plausibleKilograms.contains(weightKg) { problems.append("--weight-kg: use 25 to 350 kg.") }
        if let ageYears, !(0...130).contains(ageYears) { problems.append("--age: use 0 to 130 years.") }
        guard problems.isEmpty, let chosen, let startDate, let days else {
            throw InputError(description: problems.joined(separator: "\n"))
        }
        let target: PlanDoseTarget
        if chosen.esketamine != nil {
            if mgPerKg != nil { problems.append("--mg-per-kg: esketamine is dosed in devices; use --devices.") }
            target = .devices(devices ?? 2)
        } else {
            if devices != nil { problems.append("--devices: ketamine is dosed in mg/kg; use --mg-per-kg.") }
            target = .mgPerKg(mgPerKg ?? chosen.weightBased?.mgPerKg ?? 0.5)
        }
        let count = sessions ?? chosen.schedule.defaultSessionCount
        if !(1...TreatmentPlanReview.maximumSessions).contains(count) { problems.append("--sessions: use 1 to 52.") }
        for (index, frequency) in parsedFrequencies.compactMap({ $0 }).enumerated() {
            guard chosen.schedule.phases.indices.contains(index) else {
                problems.append("--frequency: the protocol has \(chosen.schedule.phases.count) phases.")
                break
            }
            let phase = chosen.schedule.phases[index]
            if !phase.allowedFrequencies.contains(frequency) {
                problems.append("--frequency: \(phase.name) runs \(phase.allowedFrequencies.map(\.code).joined(separator: " or ")).")
            }
        }
        guard problems.isEmpty else { throw InputError(description: problems.joined(separator: "\n")) }
        do {
            return try CourseProposal(protocol: chosen, start: startDate, count: count,
                                      frequencies: parsedFrequencies.isEmpty ? nil : parsedFrequencies.compactMap { $0 },
                                      workingDays: days, target: target, minutes: minutes,
                                      patient: PlanPatient(weight: weightKg.map(Kilograms.init), height: heightCm.map(Centimetres.init),
                                                           sex: parsedSex, ageYears: ageYears))
        } catch {
            throw InputError(description: "the course cannot be proposed: \(error.description)")
        }
    }

    /// The JSON text `--json` prints.
    static func jsonText(_ proposal: CourseProposal) throws -> String {
        let chosen = proposal.treatmentProtocol
        let output = Output(
            protocol: .init(id: chosen.id, version: chosen.version, name: chosen.name),
            start: proposal.sessions.first?.date.iso ?? "",
            sessions: proposal.sessions.map {
                .init(number: $0.number, date: $0.date.iso, weekday: $0.date.weekday.code, phase: $0.phaseName, mgPerKg: $0.mgPerKg,
                      devices: $0.devices, doseMg: $0.doseMg?.value, change: $0.change, courseTotalMg: $0.courseTotalMg?.value,
                      rollingSevenDayMg: $0.rollingSevenDayMg?.value, warnings: $0.warnings)
            },
            dose: proposal.weightBasedDose?.order, courseTotalMg: proposal.courseTotal?.value,
            largestSevenDayMg: proposal.largestSevenDayTotal?.value, warnings: proposal.warnings)
        return try CommandSupport.jsonText(output)
    }

    /// The course as a table.
    static func report(_ proposal: CourseProposal) -> String {
        let chosen = proposal.treatmentProtocol
        var lines = ["\(chosen.name) (\(chosen.id) v\(chosen.version)): \(proposal.sessions.count) sessions", ""]
        if let dose = proposal.weightBasedDose {
            lines.append(DoseCommand.report(dose))
            lines.append("")
        }
        var table = TextTable([.number("#"), .text("Date"), .text("Phase"), .text("Dose"), .number("Course"), .number("7 days")])
        for session in proposal.sessions {
            var dose = session.doseMg?.description ?? ""
            if let devices = session.devices { dose += " (\(devices) device\(devices == 1 ? "" : "s"))" }
            if session.doseMg == nil, let mgPerKg = session.mgPerKg { dose = MilligramsPerKilogram(mgPerKg).description }
            table.add([String(session.number), "\(session.date.weekday.code.capitalized) \(session.date.iso)", session.phaseName, dose,
                       session.courseTotalMg?.description ?? "", session.rollingSevenDayMg?.description ?? ""])
        }
        lines += table.lines()
        for warning in proposal.warnings where warning.level != .information {
            lines.append("[\(warning.level.rawValue)] \(warning.code): \(warning.message)")
        }
        return lines.joined(separator: "\n")
    }
}
