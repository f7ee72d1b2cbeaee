import ClinicStorage
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The MLLP listener for monitor gateways: its own port, off unless configured, optional TLS,
/// only the allowed gateway addresses. Each connection is served in order, one message at a
/// time: the frame is parsed and stored, and its ACK is written only after the commit, so a
/// gateway that gets no AA resends. On graceful shutdown it stops accepting, lets a message in
/// progress finish and be answered, and closes every connection before the database closes.
public struct MLLPListener: Service {
    let services: ClinicServices
    let settings: MonitorListenerSettings
    let logger: Logger
    /// Called with the bound port once listening (the tests bind port 0).
    let onListening: @Sendable (Int) -> Void
    private let connections = ConnectionRegistry()

    /// A listener for `services` under `settings` (whose port must be set, or 0 for any free port).
    public init(services: ClinicServices, settings: MonitorListenerSettings, logger: Logger,
                onListening: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.services = services
        self.settings = settings
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        let tls = try Self.tlsContext(settings)
        let settings = self.settings
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .bind(host: settings.host, port: settings.port ?? 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                    try pipeline.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(settings.idleSeconds))))
                    try pipeline.addHandler(MLLPFramingHandler(maxFrameBytes: settings.maxFrameBytes,
                                                               frameTimeout: .seconds(Int64(settings.frameSeconds))))
                    return try NIOAsyncChannel<MLLPInbound, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress?.port ?? settings.port ?? 0
        logger.info("MLLP listener for monitor gateways started", metadata: [
            "address": "\(settings.host):\(port)", "tls": "\(tls != nil)", "gateways": "\(settings.gateways)"])
        onListening(port)
        let ingest = MonitorIngest(services: services, logger: logger)
        let connections = self.connections
        let stop: @Sendable () -> Void = {
            server.channel.close(promise: nil)
            connections.stop()
        }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await serve(connection, ingest: ingest) }
                        }
                    }
                }
            } onGracefulShutdown: { stop() }
        } onCancel: { stop() }
        logger.info("MLLP listener stopped")
    }

    /// Serves one connection until it closes, breaks the framing, or the server stops.
    private func serve(_ connection: NIOAsyncChannel<MLLPInbound, ByteBuffer>, ingest: MonitorIngest) async {
        let peer = connection.channel.remoteAddress?.ipAddress ?? "unknown"
        guard settings.gateways.allows(peer) else {
            MonitorMetrics.connection("refused")
            logger.warning("MLLP connection refused: address not in mllp-gateways", metadata: ["gateway": "\(peer)"])
            try? await connection.channel.close()
            return
        }
        MonitorMetrics.connection("accepted")
        guard let id = connections.open(connection.channel) else {
            try? await connection.channel.close()
            return
        }
        defer { connections.close(id) }
        do {
            try await connection.executeThenClose { inbound, outbound in
                for try await item in inbound {
                    switch item {
                    case .frame(let buffer):
                        connections.setBusy(id, true)
                        let ack = await ingest.acknowledge(Array(buffer.readableBytesView), gateway: peer)
                        try await outbound.write(ByteBuffer(string: ack))
                        if !connections.setBusy(id, false) { return }   // stopping: answered, now close
                    case .violation(let reason):
                        await ingest.recordViolation(reason, gateway: peer)
                        return
                    }
                }
            }
        } catch {
            logger.debug("MLLP connection ended", metadata: ["gateway": "\(peer)", "error": "\(error)"])
        }
    }

    /// The TLS context when a certificate and key are configured.
    static func tlsContext(_ settings: MonitorListenerSettings) throws -> NIOSSLContext? {
        guard let certificate = settings.tlsCertificate, let key = settings.tlsKey else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SettingsError("mllp-tls-certificate / mllp-tls-key: cannot load \(certificate) and \(key): \(error)")
        }
    }
}

/// The open connections, so a graceful shutdown can close the idle ones at once and the busy
/// ones right after their answer.
final class ConnectionRegistry: Sendable {
    private struct State {
        var next = 0
        var channels: [Int: (channel: any Channel, busy: Bool)] = [:]
        var stopping = false
    }

    private let state = Mutex(State())

    /// Registers `channel`; nil when the server is stopping.
    func open(_ channel: any Channel) -> Int? {
        let id: Int? = state.withLock { state in
            guard !state.stopping else { return nil }
            state.next += 1
            state.channels[state.next] = (channel, false)
            return state.next
        }
        MonitorMetrics.openConnections(state.withLock { $0.channels.count })
        return id
    }

    /// Marks the connection busy or idle; returns false when it should now close (stopping).
    @discardableResult
    func setBusy(_ id: Int, _ busy: Bool) -> Bool {
        state.withLock { state in
            state.channels[id]?.busy = busy
            return !state.stopping
        }
    }

    /// Forgets a closed connection.
    func close(_ id: Int) {
        let count = state.withLock { state in
            state.channels[id] = nil
            return state.channels.count
        }
        MonitorMetrics.openConnections(count)
    }

    /// Stops: closes the idle connections now; busy ones close after their answer.
    func stop() {
        let idle = state.withLock { state in
            state.stopping = true
            return state.channels.values.filter { !$0.busy }.map(\.channel)
        }
        for channel in idle { channel.close(promise: nil) }
    }
}
