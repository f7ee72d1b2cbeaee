import ClinicDomain
import ClinicStorage
import Foundation
import Logging
import ServiceLifecycle

/// Takes the scheduled backups while the server runs (`serve --backup-every 6h --backup-keep 28`).
///
/// A backup is due one interval after the newest good one (a backup taken with the command
/// counts too), or at once when there has never been one. Each attempt, good or failed, is
/// recorded in the backup log with its audit entry; after a good one, retention removes all but
/// the newest `keep` scheduled files (and their `.sha256`). A failed attempt is retried after
/// five minutes (or the interval, if shorter). When the newest good backup is older than the
/// policy allows, a warning is logged each time it is checked; administrators see it in red on
/// the backups page.
struct BackupScheduler: Service {
    let services: ClinicServices
    let schedule: BackupSchedule
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    private func loop() async {
        let log = BackupLog(database: services.database)
        logger.info("scheduled backups on", metadata: [
            "every": "\(DurationText.age(schedule.intervalSeconds))", "keep": "\(schedule.keep)",
            "directory": "\(schedule.directory)"])
        var retryAt: Date?
        while !Task.isCancelled {
            let now = services.now()
            let last: BackupRun?
            do { last = try await log.lastSuccess() } catch {
                logger.warning("cannot read the backup log; trying again in 30 s", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(30))
                continue
            }
            let freshness = schedule.freshness(lastSuccess: last?.finishedAt, now: now)
            if case .overdue(let age) = freshness {
                logger.warning("the last good backup is older than the backup policy", metadata: [
                    "age": "\(DurationText.age(age))", "policy": "every \(DurationText.age(schedule.intervalSeconds))"])
            }
            var due = schedule.nextDue(lastSuccess: last?.finishedAt, now: now)
            if let retryAt, retryAt > due { due = retryAt }
            if due > now {
                // Wake at least once a minute, so a backup taken meanwhile moves the next one.
                let wait = min(due.timeIntervalSince(now), 60)
                try? await Task.sleep(for: .milliseconds(Int64(saturating: wait * 1000)))
                continue
            }
            if await takeBackup(log: log) {
                retryAt = nil
            } else {
                retryAt = services.now().addingTimeInterval(TimeInterval(min(schedule.intervalSeconds, 300)))
            }
        }
    }

    /// One backup, logged; true when it succeeded.
    private func takeBackup(log: BackupLog) async -> Bool {
        let started = services.now()
        let name = BackupSchedule.fileName(at: started, engine: services.database.engine)
        let path = URL(fileURLWithPath: schedule.directory).appendingPathComponent(name).path
        let host = ProcessInfo.processInfo.hostName
        let run: BackupRun
        do {
            let result = try await DatabaseBackup(database: services.database, logger: logger)
                .write(to: path, now: services.now)
            run = BackupRun(startedAt: result.startedAt, finishedAt: result.finishedAt, trigger: .scheduled, succeeded: true,
                            file: result.file, bytes: result.bytes, sha256: result.sha256,
                            message: "written and checked", host: host)
            logger.notice("scheduled backup written", metadata: [
                "file": "\(result.file)", "bytes": "\(result.bytes)", "sha256": "\(result.sha256)",
                "seconds": "\(String(format: "%.2f", result.finishedAt.timeIntervalSince(result.startedAt)))"])
        } catch {
            run = BackupRun(startedAt: started, finishedAt: services.now(), trigger: .scheduled, succeeded: false,
                            file: path, bytes: 0, sha256: "", message: String(describing: error), host: host)
            logger.error("scheduled backup failed", metadata: ["file": "\(path)", "error": "\(error)"])
        }
        do {
            try await log.record(run, stamp: AuditStamp(at: services.now(), userID: nil, actorName: "server: scheduled backup",
                                                        role: nil, requestID: "backup-\(run.id.uuidString.lowercased())",
                                                        ipAddress: "local"))
        } catch {
            logger.error("cannot record the backup in the backup log", metadata: ["error": "\(error)"])
        }
        if run.succeeded { prune() }
        return run.succeeded
    }

    /// Removes the scheduled backups beyond the newest `keep`.
    private func prune() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: schedule.directory)) ?? []
        for name in BackupSchedule.filesToPrune(names, keep: schedule.keep, engine: services.database.engine) {
            let path = URL(fileURLWithPath: schedule.directory).appendingPathComponent(name).path
            do {
                try FileManager.default.removeItem(atPath: path)
                try? FileManager.default.removeItem(atPath: BackupFile.checksumPath(for: path))
                logger.info("old backup removed by retention", metadata: ["file": "\(path)", "keep": "\(schedule.keep)"])
            } catch {
                logger.warning("cannot remove an old backup", metadata: ["file": "\(path)", "error": "\(error)"])
            }
        }
    }
}
