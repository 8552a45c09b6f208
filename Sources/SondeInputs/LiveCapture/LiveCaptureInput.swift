#if canImport(Glibc)
import Atomics
import Glibc
import NIOConcurrencyHelpers
public import SondeCore
import SondePacket
public import SondeTransforms

/// Captures DNS on one network interface: one or several threads, each reading its own `TPACKET_V3` ring (joined
/// in one `PACKET_FANOUT` group when there are several), decoding packets in place into batches and handing them
/// to the sink.
///
/// There is no queue between a ring and the outputs: a thread hands its batch over and goes on reading, so when
/// the outputs fall behind the ring fills and the kernel drops packets, and those drops are counted from the
/// ring's statistics. Every packet the kernel accepted ends in one counter (see ``CaptureCounters``).
public final class LiveCaptureInput: @unchecked Sendable {
    /// What every capture shares.
    public struct Settings: Sendable {
        public var ports: [UInt16]
        public var identity: String
        public var reassemble: Bool
        /// Query/response matching, per thread (fanout keeps a flow on one thread); nil switches it off.
        public var matching: QueryResponseMatcher.Configuration?
        public var batchSize = 512

        public init(ports: [UInt16], identity: String, reassemble: Bool, matching: QueryResponseMatcher.Configuration?) {
            self.ports = ports
            self.identity = identity
            self.reassemble = reassemble
            self.matching = matching
        }
    }

    public let configuration: CaptureConfiguration
    let settings: Settings
    let sink: any BatchSink
    let deduplicator: PacketDeduplicator?
    /// The filter in the kernel (the configured one, or the default).
    public let filterExpression: String
    private var rings: [PacketRing] = []
    private var threads: [pthread_t] = []
    private let stopping = ManagedAtomic(false)
    private let lock = NIOLock()
    private var published: [Snapshot] = []

    /// One thread's counters.
    public struct Snapshot: Sendable {
        public var capture = CaptureCounters()
        public var decode = DecodeCounters()
        public var matching = MatchingCounters()

        public init(capture: CaptureCounters = .init(), decode: DecodeCounters = .init(), matching: MatchingCounters = .init()) {
            self.capture = capture
            self.decode = decode
            self.matching = matching
        }

        public mutating func add(_ o: Snapshot) {
            capture.add(o.capture)
            decode.add(o.decode)
            matching.add(o.matching)
        }
    }

    /// Fanout group ids handed out in this process (offset by the pid, so two Sondes do not share a group).
    static let fanoutGroups = ManagedAtomic<UInt16>(0)

    /// Where state changes are told (the interface going down and coming back), at most once per change.
    let log: @Sendable (String) -> Void

    public init(
        configuration: CaptureConfiguration, settings: Settings, sink: any BatchSink, deduplicator: PacketDeduplicator?,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.log = log
        self.configuration = configuration
        self.settings = settings
        self.sink = sink
        self.deduplicator = deduplicator
        filterExpression = configuration.filter ?? CaptureConfiguration.defaultFilter(ports: settings.ports)
    }

    /// Opens the rings (so every error surfaces here, on the caller's thread) and starts the threads.
    public func start() throws {
        let link = try PacketRing.link(of: configuration.interface)
        // The default filter is Sonde's own program; only a filter expression needs libpcap.
        let program: [BPFInstruction]
        if configuration.filter == nil {
            program = try DNSFilterProgram.make(ports: settings.ports, frame: link.frame)
        } else {
            program = try BPFCompiler.compile(filterExpression, linkType: link.linkType)
        }
        let group: UInt16? =
            configuration.fanout > 1
            ? UInt16(truncatingIfNeeded: getpid()) &+ Self.fanoutGroups.loadThenWrappingIncrement(ordering: .relaxed) : nil
        for _ in 0..<configuration.fanout {
            rings.append(try PacketRing(configuration: configuration, link: link, filter: program, fanoutGroup: group))
        }
        published = Array(repeating: Snapshot(), count: rings.count)
        for (i, ring) in rings.enumerated() {
            threads.append(try Self.spawn { [self] in self.work(ring, index: i) })
        }
    }

    /// Stops the threads after they deliver what their rings hold; returns when they are done.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        for t in threads { pthread_join(t, nil) }
        threads = []
    }

    /// Every thread's counters, summed.
    public var snapshot: Snapshot {
        lock.withLock {
            var s = Snapshot()
            for p in published { s.add(p) }
            return s
        }
    }

    private func work(_ ring: PacketRing, index: Int) {
        var batch = EventBatch(identity: settings.identity, capacity: settings.batchSize)
        var processor = PacketProcessor(ports: PortSet(settings.ports), input: .live, reassemble: settings.reassemble)
        let matcher = settings.matching.map { QueryResponseMatcher(configuration: $0) }
        var capture = CaptureCounters()
        var decode = DecodeCounters()
        let sample = configuration.sample
        var sampleIndex = 0
        let batchSize = settings.batchSize
        let linkType = ring.link.linkType
        let loopback = ring.link.isLoopback
        let cooked = ring.link.isCooked
        // A named interface is every packet's; `any` says per packet (`sll_ifindex`).
        let fixedInterface = cooked ? 0 : InterfaceNames.index(of: configuration.interface)
        var interfaces = InterfaceIndexCache()
        let deduplicator = self.deduplicator
        let consumer = sink.makeConsumer()

        func emit(_ batch: inout EventBatch) {
            if let matcher {
                matcher.process(&batch)
                if !batch.isEmpty { consumer.consume(&batch) }
                matcher.takeRetired { consumer.consume(&$0) }
            } else {
                consumer.consume(&batch)
            }
            batch.removeAll()
        }
        // The kernel's counters are read with every publication (one getsockopt per block or idle wait), so
        // kernel_packets never lags received in a report.
        func publish() {
            ring.takeStatistics(into: &capture)
            var d = decode
            processor.finish(counters: &d)
            let m = matcher?.counters ?? MatchingCounters()
            lock.withLock { published[index] = Snapshot(capture: capture, decode: d, matching: m) }
        }

        var draining = false
        // While draining, the kernel still holds a partly filled block until its timeout retires it: wait that
        // long (and a little more) so the packets that arrived just before the stop are delivered too.
        var drainUntil = 0.0
        var down = false
        while true {
            if !draining && stopping.load(ordering: .relaxed) {
                draining = true
                drainUntil = SondeThread.now() + Double(configuration.blockTimeout) / 1000 + 0.05
            }
            let wait = draining ? Int32(max(0, (drainUntil - SondeThread.now()) * 1000)) : 100
            let next = ring.nextBlock(timeout: wait)
            if ring.pendingError != 0 {
                if !down {
                    down = true
                    log("sonde: \(configuration.interface): \(String(cString: strerror(ring.pendingError))); capturing again when it is back")
                }
                ring.pendingError = 0
            }
            guard let block = next else {
                if draining && SondeThread.now() >= drainUntil { break }
                // A quiet link: flows and holes still time out, on the clock the kernel stamps packets with.
                processor.expire(now: Self.realtimeNow(), into: &batch)
                if !batch.isEmpty { emit(&batch) }
                publish()
                continue
            }
            if down {
                down = false
                log("sonde: \(configuration.interface): capturing again")
            }
            capture.blocks &+= 1
            PacketRing.forEachPacket(in: block) { frame, info in
                capture.received &+= 1
                var interface = fixedInterface
                var vlan = info.vlan
                var packet = frame
                if cooked {
                    interface = interfaces.index(of: info.interfaceIndex)
                    if info.isOutgoing && info.hardwareType == PacketRing.arphrdLoopbackType {
                        capture.loopbackCopies &+= 1
                        return
                    }
                    // An inner 802.1Q tag the kernel left in place (the outer one is `info.vlan`): the innermost.
                    if Self.startsWithInnerTag(frame, etherType: info.etherType, wireLength: info.wireLength) {
                        vlan = UInt16(bigEndian: frame.loadUnaligned(fromByteOffset: 0, as: UInt16.self))
                        packet = UnsafeRawBufferPointer(rebasing: frame[4...])
                    }
                } else if info.isOutgoing && loopback {
                    capture.loopbackCopies &+= 1
                    return
                }
                let network = cooked ? 0 : info.network
                let timestamp = info.timestamp
                if let sample {
                    let keep = sampleIndex < sample.keep
                    sampleIndex = sampleIndex + 1 == sample.of ? 0 : sampleIndex + 1
                    if !keep {
                        capture.sampledOut &+= 1
                        return
                    }
                }
                if let deduplicator, network < packet.count,
                    deduplicator.isDuplicate(network: UnsafeRawBufferPointer(rebasing: packet[network...]), timestamp: timestamp)
                {
                    capture.duplicates &+= 1
                    return
                }
                processor.process(
                    packet: packet, originalLength: info.wireLength, linkType: linkType, timestamp: timestamp,
                    interface: interface, vlan: vlan, into: &batch, counters: &decode)
                if batch.count >= batchSize { emit(&batch) }
            }
            ring.release(block)
            if !batch.isEmpty { emit(&batch) }
            publish()
        }
        // What the TCP streams still hold whole comes out before the matcher's last word.
        processor.flush(into: &batch)
        if !batch.isEmpty { emit(&batch) }
        if let matcher {
            matcher.finish()
            matcher.takeRetired { consumer.consume(&$0) }
        }
        publish()
    }

    /// `CLOCK_REALTIME` in nanoseconds: the clock of the ring's time stamps.
    static func realtimeNow() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }

    final class ThreadBody {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func spawn(_ body: @escaping () -> Void) throws -> pthread_t {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            Unmanaged<ThreadBody>.fromOpaque(argument!).takeRetainedValue().body()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(box).release()
            throw SondeError("cannot start a capture thread: \(String(cString: strerror(status)))")
        }
        return thread
    }
}
#endif
