#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
public import NIOCore
import NIOPosix
import NIOSSL
public import SondeCore

/// Receives dnstap over TCP, TLS or a unix socket: as a server that senders connect to (BIND, Unbound, Knot,
/// dnsdist, `fstrm_replay`…), or as a client that dials a sender listening for collectors, reconnecting with
/// back-off.
///
/// Every connection runs the Frame Streams handshake and hands decoded batches to the sink on its event loop.
/// Limits: connections at once (more are refused), frame size (longer frames skipped), idle time, and an
/// allow-list of client networks; each refusal and failure is counted in ``state``.
public final class DnstapInput: @unchecked Sendable {
    /// The component kind.
    public static let kind = "dnstap"

    public let configuration: DnstapInputConfiguration
    /// Shared counters and log.
    public let state: DnstapInputState
    private let group: any EventLoopGroup
    private let sink: any BatchSink
    private let allow: [IPNetwork]
    private var serverChannel: (any Channel)?
    private let clientState = NIOLockedValueBoxShim()
    private let sslContext: NIOSSLContext?
    /// One consumer per event loop: the connections a loop serves run one at a time on its thread, so they share
    /// it (and its transforms' caches) instead of each making its own.
    private let consumerLock = NIOLock()
    nonisolated(unsafe) private var consumers: [ObjectIdentifier: any BatchConsumer] = [:]

    /// Prepares the input; ``start()`` binds or dials.
    public init(
        configuration: DnstapInputConfiguration, group: any EventLoopGroup, sink: any BatchSink,
        logger: @escaping @Sendable (String) -> Void
    ) throws {
        self.configuration = configuration
        self.group = group
        self.sink = sink
        state = DnstapInputState(logger: logger)
        allow = try configuration.allow.map { try IPNetwork(parsing: $0) }
        if case .tls = configuration.endpoint {
            sslContext = try Self.makeSSLContext(configuration)
        } else {
            sslContext = nil
        }
    }

    /// Where the server listens once started (the port is the real one when 0 was asked for).
    public var localAddress: SocketAddress? { serverChannel?.localAddress }

    /// Binds (server mode) or starts dialling (client mode).
    public func start() throws {
        switch configuration.mode {
        case .listen: try listen()
        case .connect: dial(attempt: 0)
        }
    }

    /// Stops accepting and closes every connection; what was received is delivered before each closes.
    public func stop() {
        clientState.stop()
        try? serverChannel?.close().wait()
        clientState.closeChannel()
    }

    // MARK: Server

    private func listen() throws {
        let c = configuration
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in
                if !allow.isEmpty, let address = channel.remoteAddress, !allowed(address) {
                    state.refuse()
                    state.log("dnstap: refused \(address): not in the allow-list")
                    return channel.close()
                }
                guard state.admit(channel, limit: c.maxConnections) else {
                    state.log("dnstap: refused \(channel.remoteAddress.map { "\($0)" } ?? "peer"): \(c.maxConnections) connections are open")
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture { try self.addHandlers(channel) }
            }
        switch c.endpoint {
        case .tcp(let host, let port), .tls(let host, let port):
            serverChannel = try bootstrap.bind(host: host, port: port).wait()
        case .unix(let path):
            serverChannel = try bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).wait()
            chmod(path, mode_t(c.unixMode))
        }
    }

    private func addHandlers(_ channel: any Channel) throws {
        let sync = channel.pipeline.syncOperations
        if let sslContext {
            let handler: NIOSSLHandler
            if configuration.mode == .listen {
                handler = NIOSSLServerHandler(context: sslContext)
            } else {
                let host: String?
                if case .tls(let h, _) = configuration.endpoint { host = h } else { host = nil }
                handler = try NIOSSLClientHandler(context: sslContext, serverHostname: host.flatMap { Self.isIPAddress($0) ? nil : $0 })
            }
            try sync.addHandler(handler)
        }
        if configuration.idleTimeout > 0 {
            try sync.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(configuration.idleTimeout))))
        }
        let consumer = consumerLock.withLock {
            let key = ObjectIdentifier(channel.eventLoop)
            if let c = consumers[key] { return c }
            let c = sink.makeConsumer()
            consumers[key] = c
            return c
        }
        try sync.addHandler(DnstapConnectionHandler(maximumFrameLength: configuration.maxFrameSize, consumer: consumer, state: state))
    }

    private func allowed(_ address: SocketAddress) -> Bool {
        guard let ip = address.ipAddress else { return true }  // unix sockets: file permissions decide
        return allow.contains { $0.contains(ip) }
    }

    // MARK: Client

    private func dial(attempt: Int) {
        guard !clientState.isStopped else { return }
        let c = configuration
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelInitializer { [self] channel in
                _ = state.admit(channel, limit: Int.max)
                return channel.eventLoop.makeCompletedFuture { try self.addHandlers(channel) }
            }
        let future: EventLoopFuture<any Channel>
        switch c.endpoint {
        case .tcp(let host, let port), .tls(let host, let port): future = bootstrap.connect(host: host, port: port)
        case .unix(let path): future = bootstrap.connect(unixDomainSocketPath: path)
        }
        future.whenComplete { [self] result in
            switch result {
            case .success(let channel):
                clientState.setChannel(channel)
                channel.closeFuture.whenComplete { _ in self.retry(after: 0) }
            case .failure(let error):
                if attempt == 0 { state.log("dnstap: cannot reach \(c.endpoint): \(error); retrying") }
                retry(after: attempt + 1)
            }
        }
    }

    private func retry(after attempt: Int) {
        guard !clientState.isStopped else { return }
        let delay = min(configuration.retryMaximum, configuration.retryInitial * Double(1 << min(attempt, 16)))
        group.next().scheduleTask(in: .milliseconds(Int64(delay * 1000))) { self.dial(attempt: attempt) }
    }

    // MARK: TLS

    static func makeSSLContext(_ c: DnstapInputConfiguration) throws -> NIOSSLContext {
        var tls: NIOSSL.TLSConfiguration
        if c.mode == .listen {
            guard let cert = c.tls.certificate, let key = c.tls.key else {
                throw SondeError("dnstap input \(c.endpoint): TLS needs tls_certificate and tls_key")
            }
            tls = .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            if let ca = c.tls.ca {
                tls.certificateVerification = .noHostnameVerification
                tls.trustRoots = .file(ca)
            }
        } else {
            tls = .makeClientConfiguration()
            if let ca = c.tls.ca { tls.trustRoots = .file(ca) }
            if !c.tls.verify { tls.certificateVerification = .none }
            if let cert = c.tls.certificate, let key = c.tls.key {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
        }
        return try NIOSSLContext(configuration: tls)
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// The client side's mutable state (stopped flag and the current channel), behind a lock.
final class NIOLockedValueBoxShim: @unchecked Sendable {
    private let lock = NIOLock()
    private var stopped = false
    private var channel: (any Channel)?

    var isStopped: Bool { lock.withLock { stopped } }
    func stop() { lock.withLock { stopped = true } }
    func setChannel(_ c: any Channel) { lock.withLock { channel = c } }
    func closeChannel() {
        let c = lock.withLock { channel }
        try? c?.close().wait()
    }
}
