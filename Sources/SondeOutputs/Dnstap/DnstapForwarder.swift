#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
public import SondeCore
public import SondeDNS
import SondeFrameStreams

/// Sends dnstap frames to a receiver as the writer of a bidirectional Frame Streams session (READY → ACCEPT,
/// START, data, STOP → FINISH), reconnecting with back-off when the receiver goes away.
///
/// While connected, a slow receiver slows the caller (at most ``maximumInFlight`` bytes are queued in the
/// socket's pipeline), so nothing is lost. While disconnected, up to `bufferFrames` frames wait for the next
/// session; beyond that frames are dropped and counted in ``droppedFrames``.
public final class DnstapForwarder: @unchecked Sendable {
    public let endpoint: SocketEndpoint
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let lock = NIOLock()
    private var ready: (any Channel)?
    private var pending: [ByteBuffer] = []
    private var pendingFrames = 0
    private var dropped: UInt64 = 0
    private var stopped = false
    private var loggedDown = false
    public let bufferFrames: Int
    private let inFlight = NIOLockedValueBox(0)
    private let sslContext: NIOSSLContext?
    private var finishPromise: EventLoopPromise<Void>?
    static let maximumInFlight = 4 << 20

    /// Frames dropped because the receiver was away and the buffer was full.
    public var droppedFrames: UInt64 { lock.withLock { dropped } }
    /// Of those, the frames still waiting for a receiver when the run ended (accepted by `send`, then lost).
    public var droppedAtEnd: UInt64 { lock.withLock { droppedAtEndCount } }
    private var droppedAtEndCount: UInt64 = 0

    private let log: SondeLog

    public init(endpoint: SocketEndpoint, tls: SocketTLSConfiguration, bufferFrames: Int, log: SondeLog) throws {
        self.log = log
        self.endpoint = endpoint
        self.bufferFrames = bufferFrames
        if case .tls = endpoint {
            var c = NIOSSL.TLSConfiguration.makeClientConfiguration()
            if let ca = tls.ca { c.trustRoots = .file(ca) }
            if !tls.verify { c.certificateVerification = .none }
            if let cert = tls.certificate, let key = tls.key {
                c.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                c.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
            sslContext = try NIOSSLContext(configuration: c)
        } else {
            sslContext = nil
        }
        dial(attempt: 0)
    }

    /// Sends `frames` frames; returns how many were dropped (the receiver away and the buffer full).
    @discardableResult
    public func send(_ frameBytes: UnsafeRawBufferPointer, frames: Int) -> Int {
        guard frameBytes.count > 0 else { return 0 }
        var bytes = ByteBufferAllocator().buffer(capacity: frameBytes.count)
        bytes.writeBytes(frameBytes)
        lock.lock()
        defer { lock.unlock() }
        // Back-pressure: wait while the receiver is behind (with the lock released so the session can end).
        while ready != nil && inFlight.withLockedValue({ $0 }) > Self.maximumInFlight {
            lock.unlock()
            usleep(200)
            lock.lock()
        }
        if let channel = ready {
            write(bytes, to: channel)
        } else if pendingFrames + frames <= bufferFrames {
            pending.append(bytes)
            pendingFrames += frames
        } else {
            dropped += UInt64(frames)
            return frames
        }
        return 0
    }

    private func write(_ bytes: ByteBuffer, to channel: any Channel) {
        let n = bytes.readableBytes
        inFlight.withLockedValue { $0 += n }
        channel.writeAndFlush(bytes).whenComplete { [inFlight] _ in inFlight.withLockedValue { $0 -= n } }
    }

    /// Waits a little for a session if frames are waiting, ends the session with STOP/FINISH, and stops.
    public func finish() {
        let deadline = ProgressReporter.nowSeconds() + 5
        while lock.withLock({ ready == nil && pendingFrames > 0 }) && ProgressReporter.nowSeconds() < deadline {
            usleep(10_000)
        }
        let channel: (any Channel)? = lock.withLock {
            stopped = true
            if ready == nil {
                dropped += UInt64(pendingFrames)
                droppedAtEndCount += UInt64(pendingFrames)
                pending = []
                pendingFrames = 0
            }
            return ready
        }
        if let channel {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            lock.withLock { finishPromise = promise }
            channel.writeAndFlush(ByteBuffer(bytes: FrameStreamControl(.stop).encoded()), promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(5)) { promise.succeed() }
            channel.closeFuture.whenComplete { _ in promise.succeed() }
            try? promise.futureResult.wait()
            try? channel.close().wait()
        }
        try? group.syncShutdownGracefully()
    }

    // MARK: Session

    private func dial(attempt: Int) {
        if lock.withLock({ stopped }) { return }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(5))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        var host: String?
                        if case .tls(let h, _) = endpoint, (try? SocketAddress(ipAddress: h, port: 0)) == nil { host = h }
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHandler(WriterHandler(forwarder: self))
                }
            }
        let future: EventLoopFuture<any Channel>
        switch endpoint {
        case .tcp(let host, let port), .tls(let host, let port): future = bootstrap.connect(host: host, port: port)
        case .unix(let path): future = bootstrap.connect(unixDomainSocketPath: path)
        }
        future.whenComplete { [self] result in
            switch result {
            case .success(let channel):
                channel.closeFuture.whenComplete { _ in self.sessionEnded(channel) }
            case .failure(let error):
                let first = lock.withLock {
                    defer { loggedDown = true }
                    return !loggedDown
                }
                if first { log.warning("dnstap output: cannot reach \(endpoint): \(error); retrying") }
                retry(attempt + 1)
            }
        }
    }

    private func retry(_ attempt: Int) {
        if lock.withLock({ stopped }) { return }
        let delay = min(30.0, 0.1 * Double(1 << min(attempt, 12)))
        group.next().scheduleTask(in: .milliseconds(Int64(delay * 1000))) { self.dial(attempt: attempt) }
    }

    /// The receiver accepted and START is sent: frames flow, the buffered ones first.
    fileprivate func sessionStarted(_ channel: any Channel) {
        lock.withLock {
            loggedDown = false
            for bytes in pending { write(bytes, to: channel) }
            pending = []
            pendingFrames = 0
            ready = channel
        }
    }

    fileprivate func finished() {
        lock.withLock { finishPromise }?.succeed()
    }

    private func sessionEnded(_ channel: any Channel) {
        let again: Bool = lock.withLock {
            if ready === channel { ready = nil }
            return !stopped
        }
        if again {
            log.warning("dnstap output: \(endpoint) closed the session; reconnecting")
            retry(0)
        }
    }

    /// The writer's side of the handshake on one connection.
    final class WriterHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let forwarder: DnstapForwarder
        var decoder = FrameStreamDecoder(maximumFrameLength: 0)
        var received = ByteBuffer()
        var started = false

        init(forwarder: DnstapForwarder) { self.forwarder = forwarder }

        func channelActive(context: ChannelHandlerContext) {
            let ready = FrameStreamControl(.ready, contentTypes: [FrameStreamControl.dnstapContentType])
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: ready.encoded())), promise: nil)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            received.writeBuffer(&bytes)
            var controls: [FrameStreamControl] = []
            var failed = false
            let consumed = received.withUnsafeReadableBytes { b -> Int in
                var offset = 0
                do {
                    while let frame = try decoder.next(b, from: &offset) {
                        if case .control(let c) = frame { controls.append(c) } else { failed = true }
                    }
                } catch {
                    // A receiver that sends what is not a control frame: end the session (it reconnects).
                    failed = true
                }
                return offset
            }
            received.moveReaderIndex(forwardBy: consumed)
            received.discardReadBytes()
            for c in controls {
                if c.kind == .accept && !started {
                    guard c.allows(FrameStreamControl.dnstapContentType) else { failed = true; break }
                    started = true
                    let start = FrameStreamControl(.start, contentTypes: [FrameStreamControl.dnstapContentType])
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: start.encoded())), promise: nil)
                    forwarder.sessionStarted(context.channel)
                } else if c.kind == .finish {
                    forwarder.finished()
                    context.close(promise: nil)
                }
            }
            if failed { context.close(promise: nil) }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

