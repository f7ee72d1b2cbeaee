import ClinicDomain
import ClinicStorage
import Foundation
import Testing
import TestSupport

/// Bounded in time: a listener that never connects must fail its test, not hold up the run.
@Suite("The live board's event bus", .timeLimit(.minutes(10)))
struct BoardBusTests {
    /// A reading stored at a moment with milliseconds, so precision losses show.
    static func reading(session: UUID = UUID(), milliseconds: Int64 = 1_795_000_000_123) -> BoardEvent {
        let storedAt = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        return BoardEvent(kind: .reading, sessionID: session, storedAt: storedAt,
                          reading: .init(takenAt: storedAt.addingTimeInterval(-2.5),
                                         values: VitalReading(systolic: 150, diastolic: 95, heartRate: 88, oxygenSaturation: 97,
                                                              respiratoryRate: 14)))
    }

    static func alert(session: UUID) -> BoardEvent {
        BoardEvent(kind: .alertRaised, sessionID: session, storedAt: Date(timeIntervalSince1970: 1_795_000_001.456),
                   alert: .init(id: UUID(), code: "systolic-high", message: "Systolic 182 mmHg is above 180 mmHg"))
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// Polls `condition` for up to 2 s.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }

    /// The first event of `subscription`, or nil after `timeout`.
    static func first(of subscription: BoardSubscription, within timeout: Duration) async -> BoardEvent? {
        await withTaskGroup(of: BoardEvent?.self) { group in
            group.addTask { for await event in subscription { return event }; return nil }
            group.addTask { try? await Task.sleep(for: timeout); return nil }
            let result = await group.next() ?? nil
            group.cancelAll()
            return result
        }
    }

    @Test("The wire form keeps storedAt to the millisecond and refuses events over the notification limit")
    func wireForm() throws {
        let event = Self.reading()
        let text = try BoardEventJSON.encode(event)
        #expect(!text.contains("\n"))
        #expect(text.contains(#""storedAt":1795000000123"#))
        let decoded = try BoardEventJSON.decode(text)
        #expect(decoded == event)
        #expect(Self.milliseconds(decoded.storedAt) == 1_795_000_000_123)
        let huge = BoardEvent(kind: .alertRaised, sessionID: UUID(), storedAt: Date(),
                              alert: .init(id: UUID(), code: "x", message: String(repeating: "é", count: 4_000)))
        #expect(throws: BoardEventTooLarge.self) { try BoardEventJSON.encode(huge) }
    }

    @Test("In process, an event over the notification limit is refused as on PostgreSQL")
    func tooLargeInProcess() async throws {
        let bus = InProcessBoardBus()
        let huge = BoardEvent(kind: .alertRaised, sessionID: UUID(), storedAt: Date(),
                              alert: .init(id: UUID(), code: "x", message: String(repeating: "a", count: 8_000)))
        await #expect(throws: BoardEventTooLarge.self) { try await bus.publish(huge) }
    }

    @Test("An event without an alert message is bounded: the largest one of every kind encodes far under the limit, so the bus need not measure it")
    func boundedWithoutEncoding() throws {
        let extreme = VitalReading(systolic: Int.min, diastolic: Int.min, heartRate: Int.min, oxygenSaturation: Int.min, respiratoryRate: Int.min,
                                   temperatureCelsius: -Double.greatestFiniteMagnitude)
        for kind in BoardEvent.Kind.allCases {
            let event = BoardEvent(kind: kind, sessionID: UUID(), storedAt: Date(timeIntervalSince1970: -1e12),
                                   reading: .init(takenAt: Date(timeIntervalSince1970: 1e12), values: extreme),
                                   state: TreatmentSessionState.allCases.max { $0.rawValue.count < $1.rawValue.count })
            #expect(BoardEventJSON.isBoundedWithoutEncoding(event))
            #expect(try BoardEventJSON.encode(event).utf8.count < BoardEventJSON.maximumBytes / 4, "\(kind)")
        }
        let withMessage = BoardEvent(kind: .alertRaised, sessionID: UUID(), storedAt: Date(), alert: .init(id: UUID(), code: "x", message: "y"))
        #expect(!BoardEventJSON.isBoundedWithoutEncoding(withMessage), "an alert's message is free text: it is measured")
    }

    @Test("In process: two subscribers each receive every event, in order")
    func fanOut() async throws {
        let bus = InProcessBoardBus()
        let first = bus.subscribe()
        let second = bus.subscribe()
        #expect(bus.subscriberCount == 2)
        let session = UUID()
        let events = [Self.reading(session: session), Self.alert(session: session)]
        for event in events { try await bus.publish(event) }
        bus.finish()
        var received: [[BoardEvent]] = []
        for subscription in [first, second] {
            var got: [BoardEvent] = []
            for await event in subscription { got.append(event) }
            received.append(got)
        }
        #expect(received == [events, events])
    }

    @Test("In process: a subscriber that stops (cancelled, breaks out, or dropped) is unregistered")
    func unsubscribe() async throws {
        let bus = InProcessBoardBus()
        let listener = Task { for await _ in bus.subscribe() {} }
        #expect(try await Self.eventually { bus.subscriberCount == 1 })
        listener.cancel()
        await listener.value
        #expect(try await Self.eventually { bus.subscriberCount == 0 })

        let breaking = Task { () -> BoardEvent? in
            for await event in bus.subscribe() { return event }
            return nil
        }
        #expect(try await Self.eventually { bus.subscriberCount == 1 })
        try await bus.publish(Self.reading())
        #expect(await breaking.value != nil)
        #expect(try await Self.eventually { bus.subscriberCount == 0 })

        do { _ = bus.subscribe() }
        #expect(try await Self.eventually { bus.subscriberCount == 0 })
        try await bus.publish(Self.reading())
    }

    @Test("On PostgreSQL: published on one instance, received on another within moments, storedAt to the millisecond; the listener reconnects and ends the streams that missed events")
    func acrossInstances() async throws {
        guard TestDatabases.engines.contains(.postgres) else {
            #expect(!TestDatabases.postgresRequired, "KETACLINIC_REQUIRE_POSTGRES=1 but no KETACLINIC_TEST_POSTGRES_URL")
            return
        }
        try await TestDatabases.withPostgresSlot {
            let (location, cleanup) = try await TestDatabases.makeLocation(.postgres)
            let one = try ClinicDatabase(location: location, poolSize: 2, logger: TestDatabases.quietLogger)
            let two = try ClinicDatabase(location: location, poolSize: 2, logger: TestDatabases.quietLogger)
            do {
                try await Self.deliverAcross(one, two)
            } catch {
                await one.shutDown()
                await two.shutDown()
                try? await cleanup()
                throw error
            }
            await one.shutDown()
            await two.shutDown()
            try await cleanup()
        }
    }

    private static func deliverAcross(_ one: ClinicDatabase, _ two: ClinicDatabase) async throws {
        let publisher = try PostgresBoardBus(database: one, logger: TestDatabases.quietLogger)
        let receiver = try PostgresBoardBus(database: two, logger: TestDatabases.quietLogger, healthCheckInterval: .seconds(1))
        #expect(BoardBuses.make(for: two, logger: TestDatabases.quietLogger) is PostgresBoardBus)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await publisher.run() }
            group.addTask { try await receiver.run() }
            await publisher.waitUntilListening()
            await receiver.waitUntilListening()
            let elsewhere = receiver.subscribe()
            let here = publisher.subscribe()
            let event = reading()
            let started = ContinuousClock.now
            try await publisher.publish(event)
            // Delivered promptly across instances; the bound leaves room for the whole suite running in
            // parallel on two cores (the board benchmark measures the latency itself: BENCHMARKS.md).
            let received = await first(of: elsewhere, within: .seconds(3))
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(received == event)
            #expect(received.map { milliseconds($0.storedAt) } == 1_795_000_000_123)
            #expect(await first(of: here, within: .seconds(1)) == event, "the publisher's instance delivers through PostgreSQL too")

            // The listening connections are cut: the bus reconnects and delivers again.
            try await one.read { db in
                try await db.raw("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()
                      AND (query ILIKE 'LISTEN%' OR query = 'SELECT 1')
                    """).run()
            }
            #expect(try await eventually { !receiver.isListening })
            await receiver.waitUntilListening()
            await publisher.waitUntilListening()
            // Events published while it was down are gone: the subscriptions from before the loss
            // are ended, so each board stream closes with its reconnect hint and the board redraws.
            #expect(try await eventually { receiver.subscriberCount == 0 && publisher.subscriberCount == 0 })
            let later = alert(session: UUID())
            let again = receiver.subscribe()
            try await publisher.publish(later)
            #expect(await first(of: again, within: .seconds(1)) == later)
            group.cancelAll()
        }
        #expect(!receiver.isListening)
    }
}
