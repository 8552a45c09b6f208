#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import SondeCore
public import SondePacket

/// Reads pcap, pcapng and dnstap (Frame Streams) files, or standard input, and turns their packets or dnstap
/// frames into DNS events.
///
/// The format is taken from the first octets, not the file name. A file that cannot be read or that is damaged
/// past recovery is reported and counted, and the next file is read: one bad file does not end the run.
public final class PcapFileInput {
    /// What to read and how.
    public struct Configuration: Sendable {
        /// Files to read in order; `-` is standard input.
        public var paths: [String]
        /// DNS ports.
        public var ports: PortSet
        /// The events' identity.
        public var identity: String
        /// Events per batch.
        public var batchSize: Int
        /// TCP reassembly and IP defragmentation.
        public var reassemble: Bool
        /// The longest dnstap frame read; longer ones are skipped and counted.
        public var maximumFrameLength = 1 << 20
        /// Read packets at their captured pace times this factor (as if live); nil reads as fast as possible.
        public var replaySpeed: Double?

        public init(
            paths: [String], ports: PortSet = [53], identity: String = "", batchSize: Int = 512, reassemble: Bool = true
        ) {
            self.paths = paths
            self.ports = ports
            self.identity = identity
            self.batchSize = batchSize
            self.reassemble = reassemble
        }
    }

    /// The component kind.
    public static let kind = "pcap"

    public var configuration: Configuration
    /// Packet outcomes so far.
    public private(set) var counters = DecodeCounters()
    /// dnstap frame outcomes so far (dnstap files only).
    public internal(set) var dnstapCounters = DnstapCounters()
    /// Whether any file was a dnstap file.
    public internal(set) var sawDnstap = false
    /// One line per file that failed, in order.
    public private(set) var failures: [String] = []

    public init(configuration: Configuration) { self.configuration = configuration }

    /// Reads every file, handing full batches to `sink`; `progress` is told about bytes read.
    public func run(progress: ProgressReporter? = nil, sink: (inout EventBatch) throws -> Void) throws {
        var batch = EventBatch(identity: configuration.identity, capacity: configuration.batchSize)
        var processor = PacketProcessor(ports: configuration.ports, input: .pcap, reassemble: configuration.reassemble)
        var sources: [ByteSource] = []
        for path in configuration.paths {
            do { sources.append(try ByteSource(path: path)) } catch { failures.append("\(error)") }
        }
        progress?.start(totalBytes: sources.reduce(0) { $0 + ($1.size ?? 0) }, knownTotal: sources.allSatisfy { $0.size != nil })
        var doneBytes = 0
        for source in sources {
            do {
                try read(source, &processor, &batch, progress, doneBytes, sink)
            } catch let error as CaptureFileError {
                failures.append("\(source.path): \(error) (at byte \(source.consumedTotal))")
            } catch let error as SondeError {
                failures.append("\(error)")
            }
            doneBytes += source.consumedTotal
        }
        // What the TCP streams still hold whole (behind holes, or in flows that never ended) comes out too.
        processor.flush(into: &batch)
        if !batch.isEmpty { try sink(&batch) }
        processor.finish(counters: &counters)
        progress?.finish()
    }

    private func read(
        _ source: ByteSource, _ processor: inout PacketProcessor, _ batch: inout EventBatch, _ progress: ProgressReporter?,
        _ before: Int, _ sink: (inout EventBatch) throws -> Void
    ) throws {
        _ = try source.fill(minimum: 4)
        if Self.isFrameStream(source.available) {
            sawDnstap = true
            return try readDnstap(source, &batch, progress, before, sink)
        }
        var decoder = CaptureFileDecoder()
        var counters = self.counters
        defer { self.counters = counters }
        let batchSize = configuration.batchSize
        var pace = configuration.replaySpeed.map { Pacer(speed: $0) }
        while true {
            let step = try decoder.next(source.available)
            switch step {
            case .record(let r):
                if pace != nil, let wait = pace!.wait(for: r.timestampNanoseconds) {
                    // Hand over what is ready before sleeping, so events come out when their packets would have.
                    if !batch.isEmpty {
                        try sink(&batch)
                        batch.removeAll()
                    }
                    Pacer.sleep(wait)
                }
                let bytes = source.available
                let packet = UnsafeRawBufferPointer(rebasing: bytes[r.dataOffset..<(r.dataOffset + r.capturedLength)])
                processor.process(
                    packet: packet, originalLength: r.originalLength, linkType: r.linkType,
                    timestamp: r.timestampNanoseconds, into: &batch, counters: &counters)
                source.consume(r.consumed)
                if batch.count >= batchSize {
                    try sink(&batch)
                    batch.removeAll()
                    progress?.update(bytes: before + source.consumedTotal, messages: counters.dnsPackets)
                }
            case .skip(let consumed):
                source.consume(consumed)
            case .needMoreData(let atLeast):
                if source.atEOF {
                    try decoder.finish(unconsumedBytes: source.available.count)
                    return
                }
                _ = try source.fill(minimum: max(atLeast, source.available.count + 1))
            }
        }
    }
}

/// Paces a replay: packet times, scaled by the speed, are mapped onto the wall clock from the first packet on.
struct Pacer {
    let speed: Double
    var first: (packet: Int64, wall: Int64)?

    init(speed: Double) { self.speed = speed }

    /// Nanoseconds to sleep before the packet stamped `timestamp` is due (nil when it is due already).
    mutating func wait(for timestamp: Int64) -> Int64? {
        let now = Self.now()
        guard let first else {
            self.first = (timestamp, now)
            return nil
        }
        let due = first.wall + Int64(Double(timestamp - first.packet) / speed)
        return due - now > 1_000_000 ? due - now : nil
    }

    static func now() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }

    static func sleep(_ nanoseconds: Int64) {
        var t = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        nanosleep(&t, nil)
    }
}
