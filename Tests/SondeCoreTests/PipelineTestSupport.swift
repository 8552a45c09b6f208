import Foundation
import SondeCore
import SondeDNS
import SondePacket

/// The bundled sample capture (42 DNS messages) as one batch.
func sampleBatch(identity: String = "t") throws -> EventBatch {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples/sample.pcap")
    let data = try Data(contentsOf: url)
    var batch = EventBatch(identity: identity)
    var counters = DecodeCounters()
    var processor = PacketProcessor(ports: [53])
    data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
        var decoder = CaptureFileDecoder()
        var offset = 0
        while offset < all.count, let step = try? decoder.next(UnsafeRawBufferPointer(rebasing: all[offset...])) {
            let rest = UnsafeRawBufferPointer(rebasing: all[offset...])
            switch step {
            case .record(let r):
                processor.process(
                    packet: r.packet(in: rest), originalLength: r.originalLength, linkType: r.linkType,
                    timestamp: r.timestampNanoseconds, into: &batch, counters: &counters)
                offset += r.consumed
            case .skip(let n): offset += n
            case .needMoreData: return
            }
        }
    }
    return batch
}

/// An output that keeps what it is given in memory, and can be made to stall (a reader that stops reading).
final class MemoryOutput: OutputComponent, @unchecked Sendable {
    static let kind = "memory"
    static let schemes = ["memory"]
    static let reference = ComponentReference("- kind: memory")
    let format: FormatSettings
    let writer = MemoryWriter()

    init?(settings: inout ComponentSettings, context: ComponentContext) {
        format = FormatSettings(settings: &settings, defaultFormat: .json)
    }

    init(format: OutputFormat = .json) { self.format = FormatSettings(format: format) }

    var summary: String { "memory" }
    func makeEncoder() -> any EventEncoder { format.makeEncoder() }
    func makeWriter(context: ComponentContext) throws -> any ChunkWriter { writer }
}

final class MemoryWriter: ChunkWriter, @unchecked Sendable {
    private let lock = NSCondition()
    private var bytes: [UInt8] = []
    private(set) var chunks: [[UInt8]] = []
    private var stalled = false
    var events = 0

    func stall() { lock.withLock { stalled = true } }
    func resume() {
        lock.withLock {
            stalled = false
            lock.broadcast()
        }
    }

    func write(_ chunk: EncodedChunk) throws {
        let b = chunk.bytes, events = chunk.events
        lock.lock()
        while stalled { lock.wait() }
        bytes.append(contentsOf: b)
        chunks.append(Array(b))
        self.events += events
        lock.unlock()
    }

    func close() throws {
        if closing > 0 { usleep(closing) }
        lock.withLock { closed = true }
    }

    /// Whether the worker closed it (rather than abandoning it at the deadline).
    private(set) var closed = false
    /// Microseconds closing takes (a file's last flush).
    var closing: useconds_t = 0

    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
    var lines: [String] { text.split(separator: "\n").map(String.init) }
}

/// A transform for tests: keeps the events `keep` says yes to, and may set the source address.
final class TestTransform: TransformComponent, @unchecked Sendable {
    static let kind = "test"
    static let reference = ComponentReference("- kind: test")
    let keep: @Sendable (DNSEvent) -> Bool
    let source: IPAddress?

    init(keep: @escaping @Sendable (DNSEvent) -> Bool = { _ in true }, source: IPAddress? = nil) {
        self.keep = keep
        self.source = source
    }

    init?(settings: inout ComponentSettings, context: ComponentContext) { return nil }

    func makeStage() -> any EventStage { Stage(t: self) }

    struct Stage: EventStage {
        let t: TestTransform
        mutating func apply(_ rows: inout EventRows) {
            let keep = t.keep
            rows.retain { e, _, _ in keep(e.pointee) }
            if let s = t.source {
                for i in 0..<rows.count { rows.mutableEvent(i).pointee.source = s }
            }
        }
    }
}

/// A pipeline of `outputs`, each with its stages and queue.
func makePipeline(
    global: [any TransformComponent] = [], _ outputs: [(MemoryOutput, [any TransformComponent], QueuePolicy, Int)]
) throws -> Pipeline {
    let log = SondeLog.quiet
    let o = try outputs.enumerated().map { i, spec in
        Pipeline.Output(
            name: "m\(i)", component: spec.0, stages: spec.1.map { Pipeline.Stage(kind: "test", component: $0) },
            worker: OutputWorker(
                name: "m\(i)", kind: "memory", writer: try spec.0.makeWriter(context: ComponentContext(identity: "t", log: log)),
                policy: spec.2, capacityEvents: spec.3, capacityBytes: 1 << 24, chunkLimit: 4096, log: log))
    }
    return Pipeline(global: global.map { Pipeline.Stage(kind: "test", component: $0) }, outputs: o, reloads: ReloadHub(), stats: nil)
}

/// A copy of `batch` (events and messages).
func copy(_ batch: borrowing EventBatch) -> EventBatch {
    var out = EventBatch(identity: batch.identity)
    batch.forEach { e, m in out.append(e, message: m) }
    return out
}
