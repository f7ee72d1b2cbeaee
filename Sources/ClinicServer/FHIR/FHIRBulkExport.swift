import ClinicDomain
import ClinicStorage
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// FHIR Bulk Data export [F11]: `GET /fhir/r4/$export` (the whole clinic) and `GET /fhir/r4/Patient/$export`
/// (the Patient compartment types) with `Prefer: respond-async` answer 202 with a status URL; polling
/// it answers 202 with `X-Progress` while the job runs, then 200 with the manifest; the NDJSON files
/// download from the manifest's URLs; `DELETE` on the status URL cancels the job and removes its files.
/// All need a token holding `fhir.export`.
///
/// Jobs run in this server process, writing to `<fhirExportDirectory>/<job id>/` with the same
/// streaming export as `ketaclinic export fhir`. A job whose process stopped (a restart, a crash) stops
/// sending its heartbeat: the next status poll after ``staleSeconds`` reports it failed, and the client
/// starts a new export.
struct FHIRBulkExportController: Sendable {
    typealias Context = StaffRequestContext
    let services: ClinicServices

    /// Seconds without a heartbeat after which a running job is taken as interrupted.
    static let staleSeconds: TimeInterval = 60
    /// The output formats accepted for `_outputFormat` [F11].
    static let outputFormats: Set<String> = ["application/fhir+ndjson", "application/ndjson", "ndjson"]

    func addRoutes(to routes: SecureRoutes) {
        let base = FHIRController.base
        routes.staff(.get, "\(base)/$export", .permission(.fhirExport)) { request, context in
            try await kickOff(request, context: context, level: "system")
        }
        routes.staff(.get, "\(base)/Patient/$export", .permission(.fhirExport)) { request, context in
            try await kickOff(request, context: context, level: "patient")
        }
        routes.staff(.get, "\(base)/$export-status/:job", .permission(.fhirExport), use: status)
        routes.staff(.delete, "\(base)/$export-status/:job", .permission(.fhirExport), use: cancel)
        routes.staff(.get, "\(base)/$export-file/:job/:file", .permission(.fhirExport), use: download)
    }

    private var repository: FHIRExportJobRepository { FHIRExportJobRepository(database: services.database) }

    @Sendable func kickOff(_ request: Request, context: Context, level: String) async throws -> Response {
        guard request.headers[HTTPField.Name("Prefer")!]?.lowercased().contains("respond-async") == true else {
            throw FHIRError.invalid("$export runs asynchronously: send the header Prefer: respond-async.")
        }
        let clinic = try await services.currentClinic()
        let allowed = level == "patient" ? FHIRResourceKinds.all.filter(\.isPatientData) : FHIRResourceKinds.all
        var kinds = allowed
        var since: Date?
        for (name, value) in request.uri.queryParameters.map({ (String($0.key), String($0.value)) }) {
            switch name {
            case "_type":
                kinds = try value.split(separator: ",").map { type in
                    guard let kind = allowed.first(where: { $0.type == type }) else {
                        throw FHIRError.notSupported("_type: \(type) is not exported at this level; exported: \(allowed.map(\.type).joined(separator: ", ")).")
                    }
                    return kind
                }
                guard !kinds.isEmpty else { throw FHIRError.invalid("_type names no type.") }
            case "_since":
                guard let range = FHIRDateRange.parse(value, timeZone: clinic.settings.resolvedTimeZone) else {
                    throw FHIRError.invalid("_since must be a FHIR instant such as 2026-01-01T00:00:00Z.")
                }
                since = Date(millisecondsSince1970: range.start)
            case "_outputFormat":
                guard Self.outputFormats.contains(value) else {
                    throw FHIRError.notSupported("_outputFormat: only application/fhir+ndjson is written.")
                }
            default:
                throw FHIRError.notSupported("$export has no parameter '\(name)' here; supported: _type, _since, _outputFormat.")
            }
        }
        let id = UUID.random()
        let requestURL = services.settings.linkBase + request.uri.description
        let stamp = context.stamp(at: services.now())
        try await repository.start(id: id, clinicID: clinic.id, level: level, types: kinds.map(\.type), since: since,
                                   requestURL: requestURL, stamp: stamp)
        let store = FHIRStore(database: services.database, context: try await .of(clinic, database: services.database))
        var filter = FHIRRowFilter()
        if let since { filter.lastUpdated = [FHIRBound(since.millisecondsSince1970, isLower: true)] }
        FHIRExportRunner.shared.start(id: id, kinds: kinds, filter: filter, store: store,
                                      directory: jobDirectory(id), repository: repository, now: services.now)
        return Response(status: .accepted, headers: [
            .contentLocation: services.settings.linkBase + FHIRController.base + "/$export-status/\(id.uuidString.lowercased())",
            .cacheControl: "no-store",
        ])
    }

    @Sendable func status(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let job = try await job(context, clinic: clinic)
        switch job.state {
        case .running:
            let now = services.now()
            if now.timeIntervalSince(job.heartbeatAt) > Self.staleSeconds, !FHIRExportRunner.shared.isRunning(job.id) {
                try await repository.finish(job.id, output: nil, error: "The export stopped when the server restarted; start a new export.", at: now)
                return failed("The export stopped when the server restarted; start a new export.")
            }
            let estimate = job.rowsEstimated > 0 ? " of about \(job.rowsEstimated)" : ""
            return Response(status: .accepted, headers: [
                HTTPField.Name("X-Progress")!: "\(job.rowsRead)\(estimate) rows read", .retryAfter: "2", .cacheControl: "no-store",
            ])
        case .failed:
            return failed(job.error ?? "The export failed.")
        case .cancelled:
            throw FHIRError.notFound("That export was cancelled.")
        case .completed:
            let base = services.settings.linkBase + FHIRController.base
            var manifest = FHIRObject()
            manifest.set("transactionTime", FHIRTime.instant(job.requestedAt))
            manifest.set("request", job.requestURL)
            manifest.set("requiresAccessToken", .boolean(true))
            manifest.set("output", .array(job.output.map { file in
                .object([
                    ("type", .string(file.type)),
                    ("url", .string("\(base)/$export-file/\(job.id.uuidString.lowercased())/\(file.name)")),
                    ("count", .integer(Int64(file.count))),
                ])
            }))
            manifest.set("error", .array([]))
            var writer = FHIRJSONWriter()
            writer.write(manifest.json)
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: writer.bytes)))
        }
    }

    /// A failed job [F11]: 500 with an OperationOutcome.
    private func failed(_ message: String) -> Response {
        FHIRResponses.outcome(status: 500, code: "exception", diagnostics: message)
    }

    @Sendable func cancel(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let job = try await job(context, clinic: clinic)
        guard try await repository.cancel(job.id, clinicID: clinic.id, stamp: context.stamp(at: services.now())) else {
            throw FHIRError.notFound("That export was already cancelled.")
        }
        await FHIRExportRunner.shared.cancel(job.id)
        try? FileManager.default.removeItem(at: jobDirectory(job.id))
        return Response(status: .accepted, headers: [.cacheControl: "no-store"])
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let clinic = try await services.currentClinic()
        let job = try await job(context, clinic: clinic)
        guard job.state == .completed, let name = context.parameters.get("file"),
              let file = job.output.first(where: { $0.name == name }) else {
            throw FHIRError.notFound("That export has no such file.")
        }
        let url = jobDirectory(job.id).appendingPathComponent(file.name)
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw FHIRError.notFound("The file is no longer on the server; start a new export.")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
        try await services.audit.record(AuditEvent(.export, entityType: "fhir_export_file", entityID: job.id.uuidString,
                                                   summary: "downloaded \(file.name) (\(file.count) resources)"),
                                        stamp: context.stamp(at: services.now()))
        let body = ResponseBody(contentLength: size) { writer in
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 256 * 1024), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/fhir+ndjson", .cacheControl: "no-store"], body: body)
    }

    private func job(_ context: Context, clinic: Clinic) async throws -> FHIRExportJob {
        guard let id = context.parameters.get("job").flatMap(UUID.init(uuidString:)),
              let job = try await repository.find(id, clinicID: clinic.id) else {
            throw FHIRError.notFound("No export of this clinic has that id.")
        }
        return job
    }

    private func jobDirectory(_ id: UUID) -> URL {
        URL(fileURLWithPath: services.settings.fhirExportDirectory).appendingPathComponent(id.uuidString.lowercased())
    }
}

/// Runs export jobs in this process and remembers which are running and which were cancelled.
final class FHIRExportRunner: Sendable {
    /// The process's runner.
    static let shared = FHIRExportRunner()

    private let state = Mutex<(running: Set<UUID>, cancelled: Set<UUID>)>(([], []))

    /// True while `id` runs here.
    func isRunning(_ id: UUID) -> Bool { state.withLock { $0.running.contains(id) } }

    /// Asks a running job to stop at its next batch.
    func cancel(_ id: UUID) async { state.withLock { _ = $0.cancelled.insert(id) } }

    /// Starts job `id` in the background.
    func start(id: UUID, kinds: [FHIRResourceKind], filter: FHIRRowFilter, store: FHIRStore, directory: URL,
               repository: FHIRExportJobRepository, now: @escaping @Sendable () -> Date) {
        state.withLock { _ = $0.running.insert(id) }
        Task.detached { [self] in
            defer { state.withLock { _ = $0.running.remove(id); _ = $0.cancelled.remove(id) } }
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                var estimate: Int64 = 0
                for kind in kinds { estimate += Int64(try await store.estimatedRows(kind)) }
                try await repository.progress(id, rowsRead: 0, rowsEstimated: estimate, at: now())
                var lastBeat = now()
                let files = try await FHIRNDJSONExport(store: store).write(kinds, filter: filter, to: directory, progress: { rows in
                    let time = now()
                    guard time.timeIntervalSince(lastBeat) >= 2 else { return }
                    lastBeat = time
                    try? await repository.progress(id, rowsRead: Int64(rows), rowsEstimated: estimate, at: time)
                }, isCancelled: { self.state.withLock { $0.cancelled.contains(id) } })
                let output = files.map { FHIRExportJob.OutputFile(type: $0.type, name: $0.name, count: $0.count) }
                if try await !repository.finish(id, output: output, error: nil, at: now()) {
                    try? FileManager.default.removeItem(at: directory)
                }
            } catch is CancellationError {
                try? FileManager.default.removeItem(at: directory)
            } catch {
                _ = try? await repository.finish(id, output: nil, error: "The export failed: \(error)", at: now())
                try? FileManager.default.removeItem(at: directory)
            }
        }
    }
}
