import ArgumentParser
import ClinicServer
import ClinicStorage
import Foundation

/// `ketaclinic demo`: fills a database with the synthetic demo clinic.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Fill the database with a deterministic synthetic demo clinic.",
        discussion: "Names are invented and obviously synthetic. The same seed gives the same clinic.")

    @OptionGroup var options: ServerOptions
    @Option(help: "Number of synthetic patients to add (default 200).") var patients: Int?
    @Option(help: "Seed; the same seed gives the same clinic (default 1).") var seed: UInt64?
    @Option(help: "Also seat this many synthetic patients for IV sessions today, one per chair (load tests of the chair board).")
    var loadTestChairs: Int?
    @Option(help: "Spread the synthetic patients over this many clinics of a network (2–10; PostgreSQL only).")
    var networkClinics: Int?
    @Option(help: "Also give the calendar this many chairs, nurses on shift for them, and a year of past sessions booked into them (load tests of course proposals).")
    var scheduleChairs: Int?
    @Option(help: "Also add one patient with two years of history: a weekly PHQ-9 and this many past IV sessions (1–52), each with a 1 Hz monitor stream (load tests of the chart and session pages).")
    var chartHistory: Int?

    func validate() throws {
        if let patients, patients < 0 || patients > 10_000_000 {
            throw ValidationError("--patients must be from 0 to 10000000.")
        }
        if let networkClinics, !DemoClinicLoader.networkClinicRange.contains(networkClinics) {
            throw ValidationError("--network-clinics must be from 1 to 10.")
        }
        if let loadTestChairs, !(1...500).contains(loadTestChairs) {
            throw ValidationError("--load-test-chairs must be from 1 to 500.")
        }
        if let scheduleChairs, !(1...200).contains(scheduleChairs) {
            throw ValidationError("--schedule-chairs must be from 1 to 200.")
        }
        if let chartHistory, !(1...52).contains(chartHistory) {
            throw ValidationError("--chart-history must be from 1 to 52.")
        }
    }

    func run() async throws {
        try await CommandSupport.reportingErrors {
            var settings = try options.resolve()
            if let patients { settings.demoPatients = patients }
            if let seed { settings.demoSeed = seed }
            let logger = CommandSupport.bootstrapLogging(settings)
            if (networkClinics ?? 1) > 1, settings.database.engine != .postgres {
                throw CommandSupport.fail("network-clinics: " + ClinicNetworkNeedsPostgresError().description, code: 2)
            }
            let database = try CommandSupport.openDatabase(settings, logger: logger)
            do {
                try await Migrator().migrate(database)
                let progress = ProgressBar(label: "Loading demo clinic")
                let started = Date()
                let summary = try await DemoClinicLoader(database: database).load(
                    patients: settings.demoPatients, seed: settings.demoSeed, now: Date(), networkClinics: networkClinics ?? 1,
                    progress: progress.update)
                let seconds = Date().timeIntervalSince(started)
                print("Added \(summary.patientsAdded) demo patients in \(String(format: "%.1f", seconds)) s to \(settings.database).")
                if let loadTestChairs {
                    let seated = try await DemoClinicLoader(database: database).seatLoadTestPatients(loadTestChairs, now: Date())
                    print("Seated \(seated.count) load-test patients in chairs Bay 1 to Bay \(seated.count), checked in for IV sessions today.")
                }
                if let chartHistory {
                    let history = try await DemoClinicLoader(database: database).addChartHistoryPatient(sessions: chartHistory, now: Date())
                    print("Chart history: patient \(history.patientID.uuidString), \(history.sessionIDs.count) past sessions "
                          + "(latest \(history.sessionIDs.last?.uuidString ?? "none")), \(history.readings) monitor readings, "
                          + "\(history.ratings) PHQ-9 ratings.")
                }
                let credentials = try await DemoAccounts.create(in: database, bcryptCost: settings.bcryptCost, now: Date())
                if summary.patientsAdded > 0 { try await DemoRegister.load(database: database, now: Date()) }
                try await DemoSchedule.load(in: database, bcryptCost: settings.bcryptCost, now: Date())
                if let scheduleChairs {
                    let year = try await DemoSchedule.loadYear(in: database, chairs: scheduleChairs, bcryptCost: settings.bcryptCost, now: Date())
                    print("Calendar: \(year.chairs) chairs, \(year.nurses) nurses on shift, \(year.bookings) past sessions of the last year booked into chairs.")
                }
                print(DemoAccounts.announcement(credentials), terminator: "")
            } catch {
                await database.shutDown()
                throw error
            }
            await database.shutDown()
        }
    }
}
