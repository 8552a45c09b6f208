import Foundation
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
public import NIOCore
import NIOPosix
import NIOSSL
public import SondeCore
import ServiceLifecycle

/// What the API shows: the statistics, the pipeline's outputs, the Prometheus exposition, and readiness.
public struct APIContent: Sendable {
    public var stats: StatsStore
    public var pipeline: Pipeline?
    public var metrics: MetricsExporter
    /// Whether Sonde is ready (every input listening or capturing), and why not.
    public var ready: @Sendable () -> (Bool, String)
    /// Compiles the event tail's `filter` (the filter transform's expressions); nil takes none.
    public var filter: (@Sendable (String) throws -> any EventPredicate)?

    public init(
        stats: StatsStore, pipeline: Pipeline?, metrics: MetricsExporter,
        filter: (@Sendable (String) throws -> any EventPredicate)? = nil, ready: @escaping @Sendable () -> (Bool, String)
    ) {
        self.stats = stats
        self.pipeline = pipeline
        self.metrics = metrics
        self.filter = filter
        self.ready = ready
    }
}

/// One HTTP listener for the REST API, `/metrics`, `/health`, `/ready`, `/openapi.yaml` and the dashboard, on
/// Hummingbird. Started and stopped from Sonde's threads (the runner is not async): the application runs in its
/// own service group, in a task, and ``stop()`` shuts it down gracefully.
public final class APIServer: Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let tail: EventTail?
    /// The address it listens on (port 0 becomes the port the system chose).
    public let localAddress: String

    /// Whether it serves HTTPS.
    public let usesTLS: Bool

    /// Binds `host:port` and starts serving, over TLS when `tls` has a certificate and key (PEM files; with `ca`,
    /// clients must present a certificate it signed); throws when it cannot listen or read the files.
    public init(
        host: String, port: Int, content: APIContent, credentials: APICredentials, tls: SocketTLSConfiguration? = nil,
        eventLoopGroup: any EventLoopGroup, logger: Logger
    ) throws {
        var server: HTTPServerBuilder = .http1()
        if let tls, tls.certificate != nil || tls.key != nil {
            server = try .tls(.http1(), tlsConfiguration: Self.tlsConfiguration(tls))
        }
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: AuthMiddleware(credentials: credentials, open: ["/health", "/ready", "/"]))
        router.add(middleware: MethodMiddleware(routes: APIRoutes.methods))
        APIRoutes.add(to: router, content: content)
        let started = ConditionLock()
        let address = LockedBox<String?>(nil)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let app = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "sonde"),
            onServerRunning: { channel in
                let a = channel.localAddress
                let host = a?.ipAddress ?? "?"
                address.set("\(host.contains(":") ? "[\(host)]" : host):\(a?.port ?? 0)")
                started.withLock { started.broadcast() }
            },
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: quiet
        )
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: quiet))
        let failure = LockedBox<(any Error)?>(nil)
        let task = Task {
            do {
                try await group.run()
            } catch {
                failure.set(error)
                started.withLock { started.broadcast() }
                throw error
            }
        }
        let deadline = SondeThread.now() + 10
        started.withLock {
            while address.get() == nil && failure.get() == nil && SondeThread.now() < deadline { _ = started.wait(seconds: 0.5) }
        }
        if let error = failure.get() { throw SondeError("cannot listen on \(host):\(port): \(error)") }
        guard let bound = address.get() else {
            task.cancel()
            throw SondeError("the API did not start listening on \(host):\(port) within 10 s")
        }
        self.group = group
        self.task = task
        tail = content.pipeline?.tail
        usesTLS = tls?.certificate != nil
        localAddress = bound
    }

    /// The listener's TLS settings: the dnstap listener's keys and meaning (`tls_certificate`, `tls_key`, `tls_ca`).
    static func tlsConfiguration(_ c: SocketTLSConfiguration) throws -> TLSConfiguration {
        guard let cert = c.certificate, let key = c.key else { throw SondeError("TLS needs both tls_certificate and tls_key") }
        var tls: TLSConfiguration
        do {
            tls = .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        } catch {
            throw SondeError("cannot read the TLS certificate \(cert) or key \(key): \(error)")
        }
        if let ca = c.ca {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .file(ca)
        }
        return tls
    }

    /// Stops listening and waits (at most 5 s) for requests under way; event tails end first.
    public func stop() {
        tail?.closeAll()
        let done = ConditionLock()
        let finished = LockedBox(false)
        let group = self.group, task = self.task
        Task {
            await group.triggerGracefulShutdown()
            _ = await task.result
            finished.set(true)
            done.withLock { done.broadcast() }
        }
        let deadline = SondeThread.now() + 5
        done.withLock {
            while !finished.get() && SondeThread.now() < deadline { _ = done.wait(seconds: 0.5) }
        }
    }
}

/// A value shared between threads under a lock.
final class LockedBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func get() -> T { lock.withLock { value } }
    func set(_ v: T) { lock.withLock { value = v } }
}
