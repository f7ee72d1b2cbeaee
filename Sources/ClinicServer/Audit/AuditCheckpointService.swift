import ClinicStorage
import Foundation
import Logging
import ServiceLifecycle

/// Signs the audit chain head at the configured interval and once more at shutdown, appending
/// each checkpoint to the checkpoint file outside the database. `ketaclinic audit verify
/// --checkpoints FILE` then catches a cut tail or a rewritten entry before the last checkpoint.
struct AuditCheckpointService: Service {
    let services: ClinicServices
    let logger: Logger

    func run() async throws {
        let minutes = services.settings.auditCheckpointMinutes
        if minutes > 0 {
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(minutes * 60))
                    if Task.isCancelled { break }
                    await writeCheckpoint()
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        await writeCheckpoint()
    }

    /// Appends one checkpoint; a failure is logged, never fatal to the server.
    func writeCheckpoint() async {
        let path = services.settings.resolvedAuditCheckpointFile
        do {
            let checkpoint = try await services.audit.checkpoint(at: services.now())
            try AuditCheckpoint.append(checkpoint, toFile: path)
            logger.info("audit checkpoint written", metadata: ["sequence": "\(checkpoint.sequence)", "file": "\(path)"])
        } catch {
            logger.error("audit checkpoint failed", metadata: ["error": "\(error)", "file": "\(path)"])
        }
    }
}
