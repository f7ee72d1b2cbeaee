import ClinicDomain
import ClinicServer
import ClinicStorage
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Appointment reminders: the outbox, the policy API, no double sending, SMTP delivery to a local test server")
struct ReminderTests {
    private static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// A patient with an email address and an IV session booked Monday 23 November 2026 at 10:00 (UTC): 19 hours after "now".
    private static func bookedPatient(_ services: ClinicServices, email: String? = "ada@example.org") async throws -> (PatientSummary, UUID) {
        let monday = Fixtures.today.adding(days: 1)
        let (patient, session) = try await SessionFixtures.plannedSession(services.database, treatment: .ivKetamine, on: monday)
        if let email { _ = try await services.records.add(ContactDetails(phone: "+1 555 0100", email: email), to: patient.id, stamp: Fixtures.stamp) }
        let clinic = try #require(try await services.clinics.primaryClinic())
        let schedule = ScheduleRepository(database: services.database)
        let nurse = try await TestUsers.make(services, role: .nurse)
        try await schedule.addShift(userID: nurse.account.id, weekday: .monday, span: DaySpan(start: ClockTime(hour: 8)!, end: ClockTime(hour: 18)!)!,
                                    to: clinic.id, stamp: Fixtures.stamp)
        let chair = try await schedule.addChair(named: "Chair 1", to: clinic.id, stamp: Fixtures.stamp)
        try await schedule.book(Booking(sessionID: session, patientID: patient.id, chairID: chair.id,
                                        slot: DaySlot(date: monday, span: DaySpan(start: ClockTime(hour: 10)!, end: ClockTime(hour: 12)!)!),
                                        treatment: .ivKetamine),
                                in: clinic.id, timeZone: clinic.settings.resolvedTimeZone, now: Fixtures.now, stamp: Fixtures.stamp)
        return (patient, session)
    }

    @Test("Due reminders go through the outbox once, with the date, time and place only; the policy is validated; the record is listed")
    func outboxReminders() async throws {
        let outbox = RecordingOutbox()
        try await TestApp.withServices(outbox: outbox) { services in
            _ = try await Self.bookedPatient(services)
            let clinic = try #require(try await services.clinics.primaryClinic())
            try await ReminderRepository(database: services.database).update(
                ReminderPolicy(enabled: true, hoursBefore: 24, place: "12 Mill Lane", smtp: nil), of: clinic.id, stamp: Fixtures.stamp)
            let admin = try await TestUsers.make(services, role: .administrator)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/schedule/reminders/policy", method: .put, headers: admin.json,
                                         body: ByteBuffer(string: #"{"enabled":true,"hoursBefore":0,"place":""}"#)) { response in
                    #expect(response.status == .unprocessableContent)
                    #expect(Self.body(response).contains("hoursBefore"))
                }
                try await client.execute(uri: "/api/v1/schedule/reminders/policy", method: .put, headers: desk.json,
                                         body: ByteBuffer(string: #"{"enabled":true,"hoursBefore":24,"place":""}"#)) { #expect($0.status == .forbidden) }
                try await client.execute(uri: "/api/v1/schedule/reminders/policy", method: .get, headers: desk.api) {
                    #expect(Self.body($0).contains(#""hoursBefore":24"#))
                }
                // The server's reminder task and this request race for the due reminder: exactly one sends it.
                try await client.execute(uri: "/api/v1/schedule/reminders/send", method: .post, headers: desk.api) { response in
                    #expect(response.status == .ok)
                    #expect(Self.body(response).contains(#""failed":0"#), "\(Self.body(response))")
                }
                try await client.execute(uri: "/api/v1/schedule/reminders/send", method: .post, headers: desk.api) { response in
                    #expect(Self.body(response).contains(#""sent":0"#), "sent once, never twice")
                }
                try await client.execute(uri: "/api/v1/schedule/reminders?date=2026-11-23", method: .get, headers: desk.api) { response in
                    #expect(Self.body(response).contains(#""status":"sent""#) && Self.body(response).contains(#""channel":"email""#))
                    #expect(!Self.body(response).contains("ada@example.org"), "the address is not listed")
                }
                try await client.execute(uri: "/api/v1/schedule/reminders?date=23-11-2026", method: .get, headers: desk.api) {
                    #expect($0.status == .unprocessableContent)
                }
            }
            let messages = outbox.messages
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            #expect(message.channel == .email && message.recipient == "ada@example.org")
            #expect(message.body.contains("Monday 23 November 2026 at 10:00") && message.body.contains("12 Mill Lane"))
            for clinical in ["ketamine", "IV", "Chair", "dose"] { #expect(!message.body.contains(clinical)) }
        }
    }

    @Test("A patient without contact details is skipped and recorded, not retried")
    func noContact() async throws {
        let outbox = RecordingOutbox()
        try await TestApp.withServices(outbox: outbox) { services in
            _ = try await Self.bookedPatient(services, email: nil)
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome(sent: 0, skipped: 1, failed: 0))
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome())
            #expect(outbox.messages.isEmpty)
        }
    }

    /// Monday 23 November 2026 at 08:00 UTC: two hours before the booked session.
    private static let mondayMorning = Fixtures.now.addingTimeInterval(17 * 3600)

    @Test("Before the session, the PHQ-9 the plan asks for goes as a one-time link through the outbox, once, audited and revocable")
    func questionnaireLinks() async throws {
        let outbox = RecordingOutbox()
        try await TestApp.withServices(outbox: outbox, now: { Self.mondayMorning }) { services in
            let (patient, _) = try await Self.bookedPatient(services)
            let desk = try await TestUsers.make(services, role: .frontDesk)
            let admin = try await TestUsers.make(services, role: .administrator)
            let app = buildApplication(services: services, logger: TestDatabases.quietLogger)
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/v1/schedule/reminders/policy", method: .put, headers: admin.json,
                                         body: ByteBuffer(string: #"{"enabled":true,"hoursBefore":24,"place":"","questionnaireHoursBefore":13}"#)) {
                    #expect($0.status == .unprocessableContent && Self.body($0).contains("questionnaireHoursBefore"))
                }
                try await client.execute(uri: "/api/v1/schedule/reminders/policy", method: .get, headers: desk.api) {
                    #expect(Self.body($0).contains(#""questionnaireHoursBefore":3"#) && Self.body($0).contains(#""questionnaireLinks":true"#))
                }
                try await client.execute(uri: "/api/v1/schedule/reminders/send", method: .post, headers: desk.api) { response in
                    #expect(Self.body(response).contains(#""linksSent":1"#) && Self.body(response).contains(#""sent":1"#), "\(Self.body(response))")
                }
                try await client.execute(uri: "/api/v1/schedule/reminders/send", method: .post, headers: desk.api) { response in
                    #expect(Self.body(response).contains(#""linksSent":0"#), "never twice")
                }
                try await client.execute(uri: "/api/v1/schedule/reminders?date=2026-11-23", method: .get, headers: desk.api) { response in
                    let text = Self.body(response)
                    #expect(text.contains(#""kind":"questionnaire""#) && text.contains(#""instruments":["phq9"]"#) && text.contains(#""kind":"appointment""#),
                            "\(text)")
                }
                let messages = outbox.messages.filter { $0.subject == "Your questionnaire" }
                #expect(messages.count == 1 && outbox.messages.count == 2, "the appointment reminder and one questionnaire link")
                let message = try #require(messages.first)
                #expect(message.channel == .email && message.recipient == "ada@example.org")
                #expect(message.body.hasPrefix("KetaClinic: please answer your questionnaire at ") && message.body.hasSuffix("It works once."))
                for clinical in ["PHQ", "ketamine", "IV", "dose", "depression"] { #expect(!message.body.contains(clinical), "\(clinical)") }
                // The code in the message opens the link the staff see on the patient's page, open until an hour after the start.
                let address = try #require(message.body.split(separator: " ").first { $0.contains("/r/") })
                let code = String(address.split(separator: "/").last ?? "")
                let found = try await services.selfReportLinks.link(code: code)
                let link = try #require(found)
                #expect(link.patientID == patient.id && link.instruments == [.phq9])
                #expect(link.expiresAt == Self.mondayMorning.addingTimeInterval(3 * 3600))
                #expect(try await services.selfReportLinks.links(patientID: patient.id).map(\.id) == [link.id])
                #expect(try await services.selfReportLinks.revoke(link.id, patientID: patient.id, stamp: Fixtures.stamp), "revocable like a staff link")
                let audit = try await services.audit.page(AuditFilter(patientID: patient.id), limit: 50).map(\.event.summary)
                #expect(audit.contains { $0.hasPrefix("self-report link for phq9") } && audit.contains("questionnaire link (phq9) sent by email for 2026-11-23 10:00–12:00"),
                        "\(audit)")
            }
        }
    }

    @Test("No questionnaire link when the PHQ-9 is already answered that day (recorded as skipped), when turned off, or before the session's day")
    func questionnaireNotDue() async throws {
        let outbox = RecordingOutbox()
        try await TestApp.withServices(outbox: outbox, now: { Self.mondayMorning }) { services in
            let (patient, _) = try await Self.bookedPatient(services)
            let score = try InstrumentScoring.score(.phq9, answers: [1, 1, 1, 1, 1, 1, 1, 1, 1])
            _ = try await services.scales.record([ScaleResponse(id: UUID(), patientID: patient.id, score: score, administeredOn: Fixtures.today.adding(days: 1),
                                                                recordedAt: Self.mondayMorning, source: .staff, recordedByName: "Nurse")],
                                                 stamp: Fixtures.stamp)
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome(sent: 1, linksSkipped: 1))
            let clinic = try #require(try await services.clinics.primaryClinic())
            let records = try await ReminderRepository(database: services.database).records(in: clinic.id, from: Self.mondayMorning,
                                                                                            to: Self.mondayMorning.addingTimeInterval(86_400))
            #expect(records.last?.kind == .questionnaire && records.last?.status == .skipped
                    && records.last?.detail == "no self-report questionnaire due before this session")
            #expect(try await services.selfReportLinks.links(patientID: patient.id).isEmpty, "no link issued")
        }
        try await TestApp.withServices(outbox: outbox, now: { Self.mondayMorning }) { services in
            let (patient, _) = try await Self.bookedPatient(services)
            let clinic = try #require(try await services.clinics.primaryClinic())
            try await ReminderRepository(database: services.database).update(
                ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: nil, questionnaireLinks: false), of: clinic.id, stamp: Fixtures.stamp)
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome(sent: 1))
            #expect(try await services.selfReportLinks.links(patientID: patient.id).isEmpty)
        }
        // 12 hours before a 10:00 session is still Sunday: the link waits for the session's day.
        try await TestApp.withServices(outbox: outbox, now: { Self.mondayMorning.addingTimeInterval(-10 * 3600) }) { services in
            _ = try await Self.bookedPatient(services)
            let clinic = try #require(try await services.clinics.primaryClinic())
            try await ReminderRepository(database: services.database).update(
                ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: nil, questionnaireHoursBefore: 12), of: clinic.id, stamp: Fixtures.stamp)
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome(sent: 1))
        }
    }

    @Test("With the clinic's SMTP relay configured, the reminder is delivered over SMTP (aiosmtpd from PyPI as the relay)")
    func smtpDelivery() async throws {
        guard let relay = try LocalSMTPServer.start() else {
            #expect(ProcessInfo.processInfo.environment["KETACLINIC_REQUIRE_AIOSMTPD"] != "1",
                    "KETACLINIC_REQUIRE_AIOSMTPD=1 but python3 -m aiosmtpd is not available")
            return
        }
        defer { relay.stop() }
        let outbox = RecordingOutbox()
        try await TestApp.withServices(outbox: outbox) { services in
            _ = try await Self.bookedPatient(services)
            let clinic = try #require(try await services.clinics.primaryClinic())
            try await ReminderRepository(database: services.database).update(
                ReminderPolicy(enabled: true, hoursBefore: 24, place: "Riverside, 2nd floor",
                               smtp: SMTPRelay(host: "127.0.0.1", port: relay.port, sender: "desk@riverside.example")),
                of: clinic.id, stamp: Fixtures.stamp)
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome(sent: 1, skipped: 0, failed: 0))
            #expect(outbox.messages.isEmpty, "email went to the relay, not the outbox")
            let received = try await relay.waitForMessage()
            #expect(received.contains("Subject: Appointment reminder: Monday 23 November 2026 at 10:00"), "\(received)")
            #expect(received.contains("To: <ada@example.org>") && received.contains("From: <desk@riverside.example>"))
            let body = LocalSMTPServer.decodedBody(received)
            #expect(body.contains("a reminder of your appointment on Monday 23 November 2026 at 10:00, at KetaClinic, Riverside, 2nd floor."), "\(body)")
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome(), "never sent twice")
        }
        // The questionnaire link over the same relay (the appointment reminder is not due yet at 1 hour).
        try await TestApp.withServices(now: { Self.mondayMorning }) { services in
            let (patient, _) = try await Self.bookedPatient(services)
            let clinic = try #require(try await services.clinics.primaryClinic())
            try await ReminderRepository(database: services.database).update(
                ReminderPolicy(enabled: true, hoursBefore: 1, place: "", smtp: SMTPRelay(host: "127.0.0.1", port: relay.port, sender: "desk@riverside.example")),
                of: clinic.id, stamp: Fixtures.stamp)
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome(linksSent: 1))
            let received = try await relay.waitForMessage(number: 2)
            #expect(received.contains("Subject: Your questionnaire") && received.contains("To: <ada@example.org>"), "\(received)")
            let body = LocalSMTPServer.decodedBody(received)
            #expect(body.hasPrefix("KetaClinic: please answer your questionnaire at ") && !body.contains("PHQ"), "\(body)")
            #expect(try await services.selfReportLinks.links(patientID: patient.id).count == 1)
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome(), "never sent twice")
        }
        // A relay that is not listening: the reminder is recorded as failed with the reason.
        try await TestApp.withServices { services in
            _ = try await Self.bookedPatient(services)
            let clinic = try #require(try await services.clinics.primaryClinic())
            try await ReminderRepository(database: services.database).update(
                ReminderPolicy(enabled: true, hoursBefore: 24, place: "", smtp: SMTPRelay(host: "127.0.0.1", port: 9, sender: "desk@riverside.example")),
                of: clinic.id, stamp: Fixtures.stamp)
            #expect(try await ReminderService(services: services).sendDue().failed == 1)
            let records = try await ReminderRepository(database: services.database).records(in: clinic.id, from: Fixtures.now,
                                                                                            to: Fixtures.now.addingTimeInterval(86_400))
            #expect(records.first?.status == .failed && records.first?.detail?.isEmpty == false)
        }
        // A questionnaire link the relay never took is withdrawn at once, so its code opens nothing.
        try await TestApp.withServices(now: { Self.mondayMorning }) { services in
            let (patient, _) = try await Self.bookedPatient(services)
            let clinic = try #require(try await services.clinics.primaryClinic())
            try await ReminderRepository(database: services.database).update(
                ReminderPolicy(enabled: true, hoursBefore: 1, place: "", smtp: SMTPRelay(host: "127.0.0.1", port: 9, sender: "desk@riverside.example")),
                of: clinic.id, stamp: Fixtures.stamp)
            #expect(try await ReminderService(services: services).sendDue() == ReminderService.Outcome(linksFailed: 1))
            let links = try await services.selfReportLinks.links(patientID: patient.id)
            #expect(links.count == 1 && links.first?.revokedAt != nil)
        }
    }
}

/// `python3 -m aiosmtpd` (the PyPI package) on a free local port, printing each message it receives;
/// started and stopped by the test that uses it.
final class LocalSMTPServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let output: URL

    private init(port: Int, process: Process, output: URL) {
        self.port = port
        self.process = process
        self.output = output
    }

    /// Starts the server, or nil when python3 or aiosmtpd is missing.
    static func start() throws -> LocalSMTPServer? {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import aiosmtpd"]
        check.standardOutput = FileHandle.nullDevice
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { return nil }
        check.waitUntilExit()
        guard check.terminationStatus == 0 else { return nil }
        let port = Int.random(in: 20_000...40_000)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("aiosmtpd-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The server prints its own process id first: a `python3` shim may run it under another one.
        process.arguments = ["python3", "-u", "-c",
                             "import os, sys; print('PID', os.getpid(), flush=True); from aiosmtpd.main import main; "
                             + "main(['-n', '-l', '127.0.0.1:\(port)'])"]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = LocalSMTPServer(port: port, process: process, output: output)
        // Wait until it accepts connections.
        for _ in 0..<50 {
            if server.isListening() { return server }
            Thread.sleep(forTimeInterval: 0.1)
        }
        server.stop()
        throw SMTPClient.Failure(description: "aiosmtpd did not start on port \(port)")
    }

    private func isListening() -> Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import socket; socket.create_connection(('127.0.0.1', \(port)), 0.5).close()"]
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    /// The `number`th message received (headers and body as the server printed them), waiting up to 10 s.
    func waitForMessage(number: Int = 1) async throws -> String {
        for _ in 0..<100 {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            let messages = text.components(separatedBy: "---------- MESSAGE FOLLOWS ----------").dropFirst()
                .filter { $0.contains("------------ END MESSAGE ------------") }
                .map { $0.components(separatedBy: "------------ END MESSAGE ------------")[0] }
            if messages.count >= number { return messages[messages.startIndex + number - 1] }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SMTPClient.Failure(description: "aiosmtpd received no message")
    }

    /// The base64 body of a printed message, decoded.
    static func decodedBody(_ message: String) -> String {
        let parts = message.components(separatedBy: "\n\n")
        let encoded = parts.dropFirst().joined().replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: "\r", with: "")
        return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Stops the server this test started.
    func stop() {
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PID ") }), let pid = Int32(line.dropFirst(4)) {
            kill(pid, SIGKILL)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for _ in 0..<50 where process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        try? FileManager.default.removeItem(at: output)
    }
}
