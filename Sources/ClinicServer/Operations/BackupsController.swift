import ClinicDomain
import ClinicStorage
import ClinicWeb
import Foundation
import Hummingbird

/// The backup log for administrators: `GET /admin/backups` (page) and
/// `GET /api/v1/operations/backups` (JSON for monitoring), both showing each backup's age and
/// whether the newest good one is older than the policy.
struct BackupsController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    func addRoutes(to routes: SecureRoutes) {
        routes.staff(.get, "/admin/backups", .permission(.operationsMetrics), use: page)
        routes.staff(.get, "/api/v1/operations/backups", .permission(.operationsMetrics), answer: .encoding(BackupStatusResource.self), use: api)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let status = try await BackupStatus.read(services)
        let zone = clinic.settings.resolvedTimeZone
        let rows = status.runs.map { run in
            BackupsPage.Row(finished: Instant.text(run.finishedAt, in: zone),
                            age: DurationText.age(max(0, Int(saturating: status.now.timeIntervalSince(run.finishedAt)))),
                            trigger: run.trigger.rawValue, succeeded: run.succeeded, file: run.file,
                            size: ByteCountFormatter.string(fromByteCount: run.bytes, countStyle: .file),
                            sha256: run.sha256, message: run.message)
        }
        let standing: BackupsPage.Standing
        switch status.freshness {
        case .never: standing = .never
        case .current(let age): standing = .current(age: DurationText.age(age))
        case .overdue(let age): standing = .overdue(age: DurationText.age(age), policy: status.policyText ?? "")
        }
        let model = BackupsPage.Model(policy: status.policyText, standing: standing, rows: rows,
                                      engine: services.database.engine.rawValue)
        return WebResponses.page(BackupsPage.render(model, context: WebResponses.pageContext(clinic, request, context, section: .backups)))
    }

    @Sendable func api(_ request: Request, context: Context) async throws -> Response {
        let status = try await BackupStatus.read(services)
        return try APIResponse.json(BackupStatusResource(status))
    }
}

/// The backup log read against the policy, for the page, the API and `/metrics`.
struct BackupStatus: Sendable {
    /// When it was read.
    let now: Date
    /// The policy, when scheduled backups are on.
    let schedule: BackupSchedule?
    /// Recent attempts, newest first.
    let runs: [BackupRun]
    /// The newest good one.
    let lastSuccess: BackupRun?

    /// How fresh the newest good backup is. Without a schedule, a day is the policy: a clinic
    /// that backs up with the command (from cron) should still hear when it stopped.
    var freshness: BackupFreshness {
        effectiveSchedule.freshness(lastSuccess: lastSuccess?.finishedAt, now: now)
    }

    /// The schedule that judges freshness (the configured one, else daily).
    var effectiveSchedule: BackupSchedule {
        schedule ?? BackupSchedule(intervalSeconds: 86_400, keep: 0, directory: "")
    }

    /// The policy in words.
    var policyText: String? {
        schedule.map { "every \(DurationText.age($0.intervalSeconds)), keeping the newest \($0.keep), in \($0.directory)" }
    }

    static func read(_ services: ClinicServices) async throws -> BackupStatus {
        let log = BackupLog(database: services.database)
        return BackupStatus(now: services.now(), schedule: services.settings.backupSchedule,
                            runs: try await log.recent(limit: 50), lastSuccess: try await log.lastSuccess())
    }
}

/// The JSON shape of ``BackupStatus``.
struct BackupStatusResource: Codable {
    struct Policy: Codable {
        var everySeconds: Int
        var keep: Int
        var directory: String
        var overdueAfterSeconds: Int
    }

    struct Run: Codable {
        var id: String
        var startedAt: Date
        var finishedAt: Date
        var ageSeconds: Int
        var trigger: String
        var succeeded: Bool
        var file: String
        var bytes: Int64
        var sha256: String
        var message: String
        var host: String
    }

    var policy: Policy?
    /// `current`, `overdue` or `never`.
    var freshness: String
    /// True when an administrator must look (overdue, or never backed up).
    var alert: Bool
    var lastSuccess: Run?
    var runs: [Run]

    init(_ status: BackupStatus) {
        policy = status.schedule.map {
            Policy(everySeconds: $0.intervalSeconds, keep: $0.keep, directory: $0.directory, overdueAfterSeconds: $0.overdueAfterSeconds)
        }
        switch status.freshness {
        case .never: freshness = "never"
        case .current: freshness = "current"
        case .overdue: freshness = "overdue"
        }
        alert = status.freshness.needsAttention
        let run = { (run: BackupRun) in
            Run(id: run.id.uuidString.lowercased(), startedAt: run.startedAt, finishedAt: run.finishedAt,
                ageSeconds: max(0, Int(saturating: status.now.timeIntervalSince(run.finishedAt))), trigger: run.trigger.rawValue,
                succeeded: run.succeeded, file: run.file, bytes: run.bytes, sha256: run.sha256, message: run.message, host: run.host)
        }
        lastSuccess = status.lastSuccess.map(run)
        runs = status.runs.map(run)
    }
}
