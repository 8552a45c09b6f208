import Foundation
import Logging
import SondeCore
import SondeDNS
import SondeDnstap
import SondePacket
import SondeTransforms
import XCTest

/// The bundled sample capture, transforms made from settings, stages run on batches, pipelines with outputs kept
/// in memory, and DNS messages written by hand: what the transform tests share.
enum TransformFixtures {
    /// The repository: this file is in `Tests/<target>/`.
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The bundled sample capture (42 DNS messages, 21 query/response pairs) as one batch.
    static func sampleBatch(identity: String = "resolver-1") throws -> EventBatch {
        let data = try Data(contentsOf: repo.appendingPathComponent("samples/sample.pcap"))
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

    /// A temporary folder, removed when the test ends.
    static func temporaryFolder(_ test: XCTestCase) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-transform-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    /// A missing tool or package fails the test in CI and skips it elsewhere, naming what to install.
    static func missing(_ what: String, install: String) -> any Error {
        if inCI { return TestFailure("\(what) is missing (\(install)); CI must have it") }
        return XCTSkip("\(what) is missing: \(install)")
    }
}

// MARK: Settings

/// A setting value written in code: a scalar, a list or a mapping.
enum Setting: ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    case scalar(String)
    case list([String])
    case mapping([(String, String)])

    init(stringLiteral value: String) { self = .scalar(value) }
    init(arrayLiteral elements: String...) { self = .list(elements) }

    var value: SettingValue {
        let mark = SettingMark(source: "test")
        switch self {
        case .scalar(let s): return .scalar(s, mark)
        case .list(let items): return .list(items.map { .scalar($0, mark) }, mark)
        case .mapping(let pairs): return .mapping(pairs, source: "test")
        }
    }
}

extension ComponentContext {
    /// A context for tests: quiet unless given a log, with its own reload hub.
    static func test(log: SondeLog = .quiet, reloads: ReloadHub = ReloadHub(), fetch: (@Sendable (String) throws -> [UInt8])? = nil) -> ComponentContext {
        ComponentContext(identity: "test", log: log, reloads: reloads, fetch: fetch)
    }
}

/// Settings from `entries`, as the configuration loader would hand them to a component.
func componentSettings(_ entries: [(String, Setting)], path: String = "transforms[0]") -> ComponentSettings {
    let mark = SettingMark(source: "test")
    let value = SettingValue.mapping(entries.map { (key: $0.0, keyMark: mark, value: $0.1.value) }, mark)
    return ComponentSettings(value, path: path)
}

/// The transform made from `entries` and the problems reported (unread keys included); nil when it refused.
func tryTransform<T: TransformComponent>(
    _ type: T.Type, _ entries: [(String, Setting)], context: ComponentContext = .test()
) -> (T?, [String]) {
    var s = componentSettings(entries)
    let t = T(settings: &s, context: context)
    s.finish()
    return (t, s.issues.map(\.description))
}

/// The transform made from `entries`; fails the test when it reports any problem.
func makeTransform<T: TransformComponent>(
    _ type: T.Type, _ entries: [(String, Setting)], context: ComponentContext = .test(),
    file: StaticString = #filePath, line: UInt = #line
) throws -> T {
    let (t, issues) = tryTransform(type, entries, context: context)
    XCTAssertEqual(issues, [], file: file, line: line)
    return try XCTUnwrap(t, "\(T.kind) refused its settings: \(issues)", file: file, line: line)
}

// MARK: Running stages

/// What a run of stages left: the original index of every kept event, the events as changed, their enrichments.
struct StageRun {
    var kept: [Int]
    var events: [DNSEvent]
    var enrichments: [EventEnrichment?]
}

/// Runs `stages` on a copy of `batch`, as the global stage does (`shared: false`, rows owned and changed in place)
/// or as an output's stage does (`shared: true`, a selection over shared rows). Enrichments that point into a
/// stage stay valid until that stage's next batch.
func runStages(_ stages: inout [any EventStage], on batch: borrowing EventBatch, shared: Bool = false) -> StageRun {
    let copy = copyBatch(batch)
    var offsets: [Int32: Int] = [:]
    for i in 0..<copy.count { offsets[copy[i].messageOffset] = i }
    let identity = TestBytes(copy.identityEscaped)
    defer { identity.free() }
    let globalScratch = RowScratch(), routeScratch = RowScratch()
    let owned = EventRows(batch: copy, identity: identity.bytes, scratch: globalScratch)
    var rows = shared ? EventRows(sharing: owned, scratch: routeScratch) : owned
    for i in stages.indices { stages[i].apply(&rows) }
    var out = StageRun(kept: [], events: [], enrichments: [])
    for i in 0..<rows.count {
        let e = rows.event(i).pointee
        out.kept.append(offsets[e.messageOffset]!)
        out.events.append(e)
        out.enrichments.append(rows.enrichment(i)?.pointee)
    }
    // The rows point into the copy: it must outlive them.
    _ = copy.count
    return out
}

/// Bytes at a stable address for as long as a test needs them (an identity handed to rows and filters).
struct TestBytes {
    let bytes: UnsafeRawBufferPointer

    init(_ text: String) { self.init(Array(text.utf8)) }

    init(_ array: [UInt8]) {
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(array.count, 1), alignment: 1)
        b.copyBytes(from: array)
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(b)[0..<array.count])
    }

    func free() { UnsafeMutableRawPointer(mutating: bytes.baseAddress!).deallocate() }
}

/// One stage of `transform` run on `batch` (see ``runStages(_:on:shared:)``).
func runStages(_ transform: any TransformComponent, on batch: borrowing EventBatch, shared: Bool = false) -> StageRun {
    var stages = [transform.makeStage()]
    return runStages(&stages, on: batch, shared: shared)
}

/// A copy of `batch` (events and messages).
func copyBatch(_ batch: borrowing EventBatch) -> EventBatch {
    var out = EventBatch(identity: batch.identity)
    batch.forEach { e, m in out.append(e, message: m) }
    return out
}

/// The events of `batch` and their messages, copied out.
func contents(_ batch: borrowing EventBatch) -> [(event: DNSEvent, message: [UInt8])] {
    var out: [(DNSEvent, [UInt8])] = []
    batch.forEach { e, m in out.append((copy e, Array(m))) }
    return out
}

// MARK: Pipelines

/// An output that keeps its JSON (or other format) in memory.
final class RecordingOutput: OutputComponent, @unchecked Sendable {
    static let kind = "recording"
    static let schemes = ["recording"]
    static let reference = ComponentReference("- kind: recording")
    let format: FormatSettings
    let writer = RecordingWriter()

    init?(settings: inout ComponentSettings, context: ComponentContext) {
        format = FormatSettings(settings: &settings, defaultFormat: .json)
    }

    init(format: OutputFormat = .json) { self.format = FormatSettings(format: format) }

    var summary: String { "recording" }
    func makeEncoder() -> any EventEncoder { format.makeEncoder() }
    func makeWriter(context: ComponentContext) throws -> any ChunkWriter { writer }
}

final class RecordingWriter: ChunkWriter, @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    func write(_ chunk: EncodedChunk) throws { lock.withLock { bytes.append(contentsOf: chunk.bytes) } }
    func close() throws {}

    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
    var lines: [String] { text.split(separator: "\n").map(String.init) }

    /// Every line as a JSON object.
    func objects(file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try lines.map { l in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any], l, file: file, line: line)
        }
    }
}

/// Runs `batch` through a pipeline of the `global` transforms and one recording output per entry of `outputs`
/// (each with its own transforms), and returns what each output received.
func runPipeline(
    global: [any TransformComponent] = [], outputs: [[any TransformComponent]], batch: consuming EventBatch,
    format: OutputFormat = .json
) throws -> [RecordingWriter] {
    let log = SondeLog.quiet
    func stage(_ t: any TransformComponent) -> Pipeline.Stage { Pipeline.Stage(kind: type(of: t).kind, component: t) }
    var recorders: [RecordingOutput] = []
    let o = try outputs.enumerated().map { i, transforms in
        let r = RecordingOutput(format: format)
        recorders.append(r)
        return Pipeline.Output(
            name: "r\(i)", component: r, stages: transforms.map(stage),
            worker: OutputWorker(
                name: "r\(i)", kind: "recording", writer: try r.makeWriter(context: .test()), policy: .block,
                capacityEvents: 100_000, capacityBytes: 1 << 26, chunkLimit: 1 << 16, log: log))
    }
    let p = Pipeline(global: global.map(stage), outputs: o, reloads: ReloadHub(), stats: nil)
    try p.start()
    p.makeProducer().consume(&batch)
    p.finish(deadline: SondeThread.now() + 10)
    return recorders.map(\.writer)
}

// MARK: Names, independently of Sonde's name code

/// A DNS name read from the wire with a plain loop of its own (pointers followed), for expectations that must not
/// come from the code under test.
enum WireName {
    /// The labels of the name at `offset`, or nil when it is broken.
    static func labels(_ message: [UInt8], at offset: Int) -> [[UInt8]]? {
        var labels: [[UInt8]] = []
        var p = offset
        var jumps = 0
        while p < message.count {
            let length = Int(message[p])
            if length == 0 { return labels }
            if length & 0xc0 == 0xc0 {
                guard p + 1 < message.count, jumps < 64 else { return nil }
                p = (length & 0x3f) << 8 | Int(message[p + 1])
                jumps += 1
                continue
            }
            guard length < 64, p + 1 + length <= message.count else { return nil }
            labels.append(Array(message[(p + 1)..<(p + 1 + length)]))
            p += 1 + length
        }
        return nil
    }

    /// The question's name, lowercased, with its final dot (`www.sample.test.`); nil without a question.
    static func question(_ message: [UInt8]) -> String? {
        guard message.count >= 12, message[4] != 0 || message[5] != 0, let l = labels(message, at: 12) else { return nil }
        return text(l).lowercased()
    }

    /// The question's name as it came, with its final dot.
    static func questionAsSent(_ message: [UInt8]) -> String? {
        guard message.count >= 12, message[4] != 0 || message[5] != 0, let l = labels(message, at: 12) else { return nil }
        return text(l)
    }

    static func text(_ labels: [[UInt8]]) -> String {
        labels.isEmpty ? "." : labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".") + "."
    }
}

// MARK: Messages written by hand

/// DNS messages and events made in tests.
enum Craft {
    /// The wire form of `name` (labels split at dots; no escapes).
    static func name(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        for label in name.split(separator: ".", omittingEmptySubsequences: true) {
            out.append(UInt8(label.utf8.count))
            out += Array(label.utf8)
        }
        return out + [0]
    }

    /// A message with one question (or none when `name` is nil), `answers` raw records after it.
    static func message(
        id: UInt16 = 0x1234, response: Bool = false, flags: UInt16 = 0x0100, rcode: UInt16 = 0, name: String?,
        wireName: [UInt8]? = nil, qtype: UInt16 = 1, qclass: UInt16 = 1, answers: [[UInt8]] = []
    ) -> [UInt8] {
        let f = flags | (response ? 0x8000 : 0) | (rcode & 0xf)
        var m: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), UInt8(f >> 8), UInt8(f & 0xff)]
        let hasQuestion = name != nil || wireName != nil
        m += [0, hasQuestion ? 1 : 0, 0, UInt8(answers.count), 0, 0, 0, 0]
        if hasQuestion {
            m += wireName ?? self.name(name!)
            m += [UInt8(qtype >> 8), UInt8(qtype & 0xff), UInt8(qclass >> 8), UInt8(qclass & 0xff)]
        }
        for a in answers { m += a }
        return m
    }

    /// A TXT record for the question's name (a pointer to offset 12) holding `octets` octets of text.
    static func txtRecord(octets: Int) -> [UInt8] {
        var rdata: [UInt8] = []
        var left = octets
        while left > 0 {
            let n = min(left, 255)
            rdata += [UInt8(n)] + [UInt8](repeating: UInt8(ascii: "x"), count: n)
            left -= n
        }
        return [0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, UInt8(rdata.count >> 8), UInt8(rdata.count & 0xff)] + rdata
    }

    /// An event for `message` between `source` and `destination`.
    static func event(
        _ message: [UInt8], source: IPAddress = IPAddress(ipv4: 0x0a00_0001), destination: IPAddress = IPAddress(ipv4: 0xc000_0235),
        sourcePort: UInt16 = 40000, destinationPort: UInt16 = 53, transport: TransportProtocol = .udp
    ) -> DNSEvent {
        let layout = message.withUnsafeBytes { MessageLayout(decoding: $0) }
        return DNSEvent(
            timestamp: 1_700_000_000_000_000_000, input: .pcap, transport: transport, source: source, destination: destination,
            sourcePort: sourcePort, destinationPort: destinationPort, layout: layout)
    }

    /// A batch of messages, each from 10.0.0.1:40000 to 192.0.2.53:53 (responses the other way).
    static func batch(_ messages: [[UInt8]], identity: String = "resolver-1") -> EventBatch {
        var batch = EventBatch(identity: identity)
        for m in messages {
            let response = m.count >= 3 && m[2] & 0x80 != 0
            let e = response
                ? event(m, source: IPAddress(ipv4: 0xc000_0235), destination: IPAddress(ipv4: 0x0a00_0001), sourcePort: 53, destinationPort: 40000)
                : event(m)
            m.withUnsafeBytes { batch.append(e, message: $0) }
        }
        return batch
    }

    /// A batch of queries for `names` (type A).
    static func queries(_ names: [String]) -> EventBatch { batch(names.map { message(name: $0) }) }
}

// MARK: Addresses

extension IPAddress {
    /// An address from its text (tests only).
    init(_ text: String) {
        if text.contains(":") {
            var a = in6_addr()
            precondition(inet_pton(AF_INET6, text, &a) == 1, text)
            let (high, low) = withUnsafeBytes(of: a) { b in
                (b.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, b.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            }
            self.init(ipv6High: high, low: low)
        } else {
            var a = in_addr()
            precondition(inet_pton(AF_INET, text, &a) == 1, text)
            self.init(ipv4: UInt32(bigEndian: a.s_addr))
        }
    }

    /// The address as text.
    var text: String {
        if family == .v4 {
            let v = UInt32(truncatingIfNeeded: low)
            return "\(v >> 24).\(v >> 16 & 0xff).\(v >> 8 & 0xff).\(v & 0xff)"
        }
        var a = in6_addr()
        withUnsafeMutableBytes(of: &a) { b in
            for i in 0..<8 { b[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i))) }
            for i in 0..<8 { b[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i))) }
        }
        var buffer = [CChar](repeating: 0, count: 64)
        _ = inet_ntop(AF_INET6, &a, &buffer, 64)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

// MARK: The sample with varied fields

/// The sample's events with addresses, latencies, transactions, inputs and transports rewritten per
/// query/response pair, so that filters on those fields have something to tell apart.
enum VariedSample {
    /// The pairs of the sample: (query index, response index), matched by ID, ports and the question.
    static func pairs(_ batch: borrowing EventBatch) -> [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        var used = Set<Int>()
        for q in 0..<batch.count where !batch[q].layout.isResponse {
            let e = batch[q]
            for r in 0..<batch.count where !used.contains(r) {
                let x = batch[r]
                if x.layout.isResponse && x.layout.id == e.layout.id && x.destinationPort == e.sourcePort
                    && x.sourcePort == e.destinationPort && x.layout.qnameHash == e.layout.qnameHash
                {
                    pairs.append((q, r))
                    used.insert(r)
                    break
                }
            }
        }
        return pairs
    }

    /// The client's address of pair `k` (same family as `original`).
    static func client(_ k: Int, like original: IPAddress) -> IPAddress {
        if original.family == .v4 {
            return k % 2 == 0 ? IPAddress(ipv4: 0x0a00_0001 | UInt32(k) << 8) : IPAddress(ipv4: 0xc633_6400 | UInt32(k))
        }
        return k % 2 == 0 ? IPAddress(ipv6High: 0x2001_0db8_0000_0000 | UInt64(k) << 16, low: 1) : IPAddress(ipv6High: 0xfd00_0000_0000_0000, low: UInt64(k))
    }

    /// The server's address of pair `k`.
    static func server(_ k: Int, like original: IPAddress) -> IPAddress {
        if original.family == .v4 { return IPAddress(ipv4: k % 3 == 0 ? 0xc000_0235 : 0xc000_0236) }
        return IPAddress(ipv6High: 0x2001_0db8_ffff_0000, low: 0x53)
    }

    /// The sample, rewritten.
    static func batch(identity: String = "resolver-1") throws -> EventBatch {
        var batch = try TransformFixtures.sampleBatch(identity: identity)
        let pairs = self.pairs(batch)
        precondition(pairs.count == 21, "the sample has 21 pairs")
        for (k, (q, r)) in pairs.enumerated() {
            let client = self.client(k, like: batch[q].source), server = self.server(k, like: batch[q].destination)
            let transaction = [Transaction.none, .answered, .unanswered, .unmatched][k % 4]
            let input = InputKind.allCases[k % 3]
            let transport = TransportProtocol.allCases[k % 7]
            batch[q].source = client
            batch[q].destination = server
            batch[r].source = server
            batch[r].destination = client
            batch[r].latency = Int64(k) * 7_000_000  // k × 7 ms; queries keep -1 (no latency)
            for i in [q, r] {
                batch[i].transaction = transaction
                batch[i].input = input
                batch[i].transport = transport
            }
        }
        return batch
    }
}

// MARK: Logs

/// A log handler that keeps every message, for tests that check what a component logged.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(Logger.Level, String)] = []

    var log: SondeLog {
        var logger = Logger(label: "test") { _ in Handler(recorder: self) }
        logger.logLevel = .debug
        return SondeLog(logger, burst: 1000, window: 1)
    }

    func add(_ level: Logger.Level, _ message: String) { lock.withLock { entries.append((level, message)) } }

    var messages: [(level: Logger.Level, text: String)] { lock.withLock { entries.map { (level: $0.0, text: $0.1) } } }
    var warnings: [String] { messages.filter { $0.level == .warning }.map(\.text) }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) { recorder.add(event.level, "\(event.message)") }
    }
}
