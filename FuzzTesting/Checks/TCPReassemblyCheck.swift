// The body of the FuzzTCPReassembly fuzz target, and its replay over the committed seeds and crashers (by the
// ReplayReassemblyTests target of this package; the reassembler is new, so the main test suite does not carry this
// file yet).
import SondePacket

#if !SONDE_FUZZ_TARGET
import Foundation
import XCTest

final class FuzzRegressionTests: XCTestCase {
    /// Every seed and every crasher ever found by FuzzTCPReassembly still passes the fuzz target's checks.
    func testFuzzTCPReassemblyInputs() throws {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("FuzzTesting/Seeds").path) {
            guard directory.path != "/" else { throw CocoaError(.fileNoSuchFile) }
            directory.deleteLastPathComponent()
        }
        var count = 0
        for folder in ["Seeds", "Regressions"] {
            let url = directory.appendingPathComponent("FuzzTesting/\(folder)/FuzzTCPReassembly")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                let bytes = Array(try Data(contentsOf: url.appendingPathComponent(name)))
                do { try bytes.withUnsafeBytes { try TCPReassemblyFuzzCheck.run($0, dns: { _ in }) } } catch {
                    XCTFail("\(folder)/\(name): \(error)")
                }
                count += folder == "Seeds" ? 1 : 0
            }
        }
        XCTAssertGreaterThan(count, 0, "FuzzTesting/Seeds/FuzzTCPReassembly holds no seed")
    }
}
#endif

/// Feeds TCPReassembler segment streams built from the input; throws the first broken property.
///
/// An even first byte is a conversation: two directions of one connection, each a few messages framed with
/// their 2-byte lengths, cut into segments that arrive reordered, repeated and overlapping after the SYNs, then
/// the FINs. Every message must come out once, whole and in order, and both flows must close. An odd first byte
/// is chaos: segments of four flows with any flags and sequence numbers, under small limits or the defaults;
/// then only the limits must hold (flows, buffered bytes, message sizes). An even first byte with bit 1 set is a
/// lossy conversation: the same, with segments left out as a lossy capture misses them and acknowledgments from
/// the other side (which may acknowledge bytes the capture lost, never bytes it has still to see); after the end
/// of input every message whose bytes (length prefix included) were all delivered must have come out, once and
/// in order, and nothing else.
enum TCPReassemblyFuzzCheck {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Failure(description: message()) }
    }

    /// Reads the input front to back; past its end every byte is 0.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0
        var isAtEnd: Bool { position >= bytes.count }
        mutating func byte() -> UInt8 {
            defer { position += 1 }
            return position < bytes.count ? bytes[position] : 0
        }
        mutating func u16() -> Int { Int(byte()) << 8 | Int(byte()) }
        mutating func u32() -> UInt32 { UInt32(u16()) << 16 | UInt32(u16()) }
        mutating func take(_ n: Int) -> [UInt8] { (0..<n).map { _ in byte() } }
    }

    /// One segment to feed.
    struct Segment {
        var direction: Int
        var sequence: UInt32
        var flags: TCPFlags
        var payload: [UInt8]
    }

    static let client = IPAddress(ipv4: 0xc000_0201), server = IPAddress(ipv4: 0xc000_0235)

    static func run(_ input: UnsafeRawBufferPointer, dns: (UnsafeRawBufferPointer) throws -> Void) throws {
        var reader = Reader(bytes: input)
        let mode = reader.byte()
        if mode & 3 == 2 {
            try lossyConversation(&reader, dns: dns)
        } else if mode & 1 == 0 {
            try conversation(&reader, dns: dns)
        } else {
            try chaos(&reader, small: mode & 2 != 0)
        }
    }

    static func conversation(_ reader: inout Reader, dns: (UnsafeRawBufferPointer) throws -> Void) throws {
        var reassembler = TCPReassembler()
        var sent: [[[UInt8]]] = [[], []]
        var segments: [[Segment]] = [[], []]
        var syns: [Segment] = []
        for direction in 0..<2 {
            let isn = reader.u32()
            syns.append(Segment(direction: direction, sequence: isn, flags: direction == 0 ? [.syn] : [.syn, .ack], payload: []))
            var stream: [UInt8] = []
            for _ in 0..<(reader.byte() % 5) {
                let message = reader.take(reader.u16() % 1024)
                sent[direction].append(message)
                stream += [UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message
            }
            // Cut into at most 24 segments, add up to 4 overlapping retransmissions and the FIN, then shuffle by
            // keys from the input (ties keep stream order): at most 29 segments wait behind a gap, under the 64
            // that TCPReassembler holds.
            var cuts: [Segment] = []
            var at = 0
            while at < stream.count {
                let length = cuts.count == 23 ? stream.count - at : min(1 + Int(reader.byte()) * 4, stream.count - at)
                cuts.append(Segment(direction: direction, sequence: isn &+ 1 &+ UInt32(at), flags: [.ack], payload: Array(stream[at..<(at + length)])))
                at += length
            }
            for _ in 0..<(stream.isEmpty ? 0 : reader.byte() % 5) {
                let start = reader.u16() % stream.count
                let end = min(stream.count, start + 1 + Int(reader.byte()) * 2)
                cuts.append(Segment(direction: direction, sequence: isn &+ 1 &+ UInt32(start), flags: [.ack, .psh], payload: Array(stream[start..<end])))
            }
            cuts.append(Segment(direction: direction, sequence: isn &+ 1 &+ UInt32(stream.count), flags: [.fin, .ack], payload: []))
            let keys = cuts.map { _ in reader.byte() }
            segments[direction] = cuts.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.map { cuts[$0] }
        }
        var order = syns
        while !segments[0].isEmpty || !segments[1].isEmpty {
            let direction = segments[0].isEmpty ? 1 : segments[1].isEmpty ? 0 : Int(reader.byte() & 1)
            order.append(segments[direction].removeFirst())
        }
        var received: [[[UInt8]]] = [[], []]
        for segment in order {
            let (from, to) = segment.direction == 0 ? (client, server) : (server, client)
            let (fromPort, toPort): (UInt16, UInt16) = segment.direction == 0 ? (40000, 53) : (53, 40000)
            var delivered: [[UInt8]] = []
            segment.payload.withUnsafeBytes { bytes in
                withExactCopy(bytes) { payload in
                    reassembler.process(source: from, sourcePort: fromPort, destination: to, destinationPort: toPort,
                                        sequence: segment.sequence, flags: segment.flags, payload: payload, timestamp: 0) { message, _ in
                        delivered.append(Array(message))
                    }
                }
            }
            for message in delivered {
                try message.withUnsafeBytes { try withExactCopy($0, dns) }
            }
            received[segment.direction] += delivered
        }
        for direction in 0..<2 {
            try require(received[direction] == sent[direction],
                        "direction \(direction): sent \(sent[direction].map(\.count)) bytes, received \(received[direction].map(\.count)); counters \(reassembler.counters)")
        }
        try require(reassembler.flowCount == 0 && reassembler.counters.flowsClosed == 2,
                    "after both FINs \(reassembler.flowCount) flows are left, \(reassembler.counters.flowsClosed) closed")
        try require(reassembler.bufferedBytes <= reassembler.configuration.maxTotalBytes, "over the byte budget")
    }

    /// A message no offset of which but its first looks like a message start to `DNSMessageBoundary` (a stream of
    /// them is unambiguous once a hole makes the reassembler hunt; arbitrary bytes are not, whatever a hunt does):
    /// 256 to 1,279 bytes; an id and flags without zero bytes; one question of 1 to 3 labels of 2 to 10 letters,
    /// type TXT, class IN; then filler bytes 0xC0 (at least 8).
    static func dnsLikeMessage(_ reader: inout Reader) -> [UInt8] {
        var m: [UInt8] = [reader.byte() | 0x80, reader.byte() | 0x80]
        m += reader.byte() & 1 == 0 ? [0x01, 0x20] : [0x81, 0xA0]
        m += [0, 1, 0, 0, 0, 0, 0, 0]
        for _ in 0..<(1 + Int(reader.byte() % 3)) {
            let length = 2 + Int(reader.byte() % 9)
            m.append(UInt8(length))
            for _ in 0..<length { m.append(0x61 + reader.byte() % 26) }
        }
        m += [0, 0, 0x10, 0, 1]
        let total = 256 + reader.u16() % 1024
        m += [UInt8](repeating: 0xC0, count: max(8, total - m.count))
        return m
    }

    static func lossyConversation(_ reader: inout Reader, dns: (UnsafeRawBufferPointer) throws -> Void) throws {
        var reassembler = TCPReassembler()
        let isns = [reader.u32(), reader.u32()]
        var streams: [[UInt8]] = [[], []]
        var sent: [[(start: Int, end: Int, bytes: [UInt8])]] = [[], []]
        var pending: [[(segment: Segment, delivered: Bool, start: Int)]] = [[], []]
        for direction in 0..<2 {
            for _ in 0..<(1 + reader.byte() % 5) {
                let message = dnsLikeMessage(&reader)
                sent[direction].append((start: streams[direction].count, end: streams[direction].count + 2 + message.count, bytes: message))
                streams[direction] += [UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message
            }
            let stream = streams[direction]
            var cuts: [(Segment, Int)] = []
            var at = 0
            while at < stream.count {
                let length = cuts.count == 23 ? stream.count - at : min(1 + Int(reader.byte()) * 8, stream.count - at)
                cuts.append((Segment(direction: direction, sequence: isns[direction] &+ 1 &+ UInt32(at), flags: [.ack], payload: Array(stream[at..<(at + length)])), at))
                at += length
            }
            for _ in 0..<(reader.byte() % 5) {
                let start = reader.u16() % stream.count
                let end = min(stream.count, start + 1 + Int(reader.byte()) * 4)
                cuts.append((Segment(direction: direction, sequence: isns[direction] &+ 1 &+ UInt32(start), flags: [.ack, .psh], payload: Array(stream[start..<end])), start))
            }
            cuts.append((Segment(direction: direction, sequence: isns[direction] &+ 1 &+ UInt32(stream.count), flags: [.fin, .ack], payload: []), stream.count))
            // A fourth of the segments, about, never reach the capture.
            let keys = cuts.map { _ in reader.byte() }
            pending[direction] = cuts.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.map { i in
                (segment: cuts[i].0, delivered: keys[i] & 3 != 0, start: cuts[i].1)
            }
        }
        // Which stream bytes reach the capture at all, and which have reached it so far.
        var delivers = streams.map { [Bool](repeating: false, count: $0.count) }
        var seen = delivers
        for direction in 0..<2 {
            for p in pending[direction] where p.delivered {
                for i in p.start..<(p.start + p.segment.payload.count) { delivers[direction][i] = true }
            }
        }
        // The handshake reaches the capture or not, as the input says. Without its SYN the capture joins a direction
        // at the first data it sees: what comes before was never delivered.
        let handshake = (0..<2).map { _ in reader.byte() & 3 != 0 }
        for direction in 0..<2 where !handshake[direction] {
            guard let first = pending[direction].first(where: { $0.delivered && !$0.segment.payload.isEmpty }) else { continue }
            for i in 0..<first.start { delivers[direction][i] = false }
        }
        var received: [[[UInt8]]] = [[], []]
        func take(_ message: UnsafeRawBufferPointer, direction: Int) throws {
            try withExactCopy(message, dns)
            received[direction].append(Array(message))
        }
        func takeFlushed() throws {
            var flushed: [([UInt8], Int)] = []
            reassembler.takeFlushedMessages { message, flow in flushed.append((Array(message), flow.sourcePort == 53 ? 1 : 0)) }
            for (message, direction) in flushed { try message.withUnsafeBytes { try take($0, direction: direction) } }
        }
        for direction in 0..<2 where handshake[direction] {
            let (from, to) = direction == 0 ? (client, server) : (server, client)
            let (fromPort, toPort): (UInt16, UInt16) = direction == 0 ? (40000, 53) : (53, 40000)
            reassembler.process(source: from, sourcePort: fromPort, destination: to, destinationPort: toPort, sequence: isns[direction],
                                flags: direction == 0 ? [.syn] : [.syn, .ack], payload: UnsafeRawBufferPointer(start: nil, count: 0),
                                timestamp: 0) { _, _ in }
        }
        while !pending[0].isEmpty || !pending[1].isEmpty {
            let direction = pending[0].isEmpty ? 1 : pending[1].isEmpty ? 0 : Int(reader.byte() & 1)
            let (segment, delivered, start) = pending[direction].removeFirst()
            guard delivered else { continue }
            for i in start..<(start + segment.payload.count) { seen[direction][i] = true }
            // The other side acknowledges what its receiver has: any prefix of its stream short of the first byte
            // the capture has still to see (the receiver cannot have it before the capture).
            let other = 1 - direction
            let limit = (0..<streams[other].count).first { !seen[other][$0] && delivers[other][$0] } ?? streams[other].count
            let acknowledged = reader.byte() & 1 == 0 ? limit : Int(reader.byte()) * limit / 255
            let (from, to) = direction == 0 ? (client, server) : (server, client)
            let (fromPort, toPort): (UInt16, UInt16) = direction == 0 ? (40000, 53) : (53, 40000)
            var own: [[UInt8]] = []
            segment.payload.withUnsafeBytes { bytes in
                withExactCopy(bytes) { payload in
                    reassembler.process(
                        source: from, sourcePort: fromPort, destination: to, destinationPort: toPort, sequence: segment.sequence,
                        acknowledgment: isns[other] &+ 1 &+ UInt32(acknowledged), flags: segment.flags, payload: payload, timestamp: 0
                    ) { message, _ in own.append(Array(message)) }
                }
            }
            for message in own { try message.withUnsafeBytes { try take($0, direction: direction) } }
            try takeFlushed()
        }
        reassembler.finish()
        try takeFlushed()
        for direction in 0..<2 {
            let whole = sent[direction].filter { m in (m.start..<m.end).allSatisfy { delivers[direction][$0] } }.map(\.bytes)
            try require(received[direction] == whole,
                        "direction \(direction): whole messages \(whole.map(\.count)) bytes, received \(received[direction].map(\.count)); counters \(reassembler.counters)")
        }
        try require(reassembler.flowCount == 0 && reassembler.bufferedBytes <= reassembler.configuration.maxTotalBytes,
                    "after the end \(reassembler.flowCount) flows are left")
    }

    static func chaos(_ reader: inout Reader, small: Bool) throws {
        let configuration = small
            ? TCPReassembler.Configuration(
                maxFlows: 1 + Int(reader.byte() % 4), maxBytesPerFlow: reader.u16() % 4096, maxTotalBytes: reader.u16() * 4,
                idleTimeoutNanoseconds: Int64(reader.byte()) * 100_000_000, maxOutOfOrderSegmentsPerFlow: Int(reader.byte() % 8))
            : TCPReassembler.Configuration()
        var reassembler = TCPReassembler(configuration: configuration)
        var next = (0..<4).map { _ in reader.u32() }
        let hosts = [client, server, IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1)]
        let keys: [(IPAddress, UInt16, IPAddress, UInt16)] = [
            (hosts[0], 40000, hosts[1], 53), (hosts[1], 53, hosts[0], 40000), (hosts[2], 40001, hosts[1], 53), (hosts[1], 53, hosts[2], 40001),
        ]
        var now: Int64 = 0
        var operations = 0
        while !reader.isAtEnd && operations < 1000 {
            operations += 1
            let op = reader.byte()
            let flow = Int(op & 3)
            let flags = TCPFlags(rawValue: reader.byte())
            // In order from where the flow stands, or anywhere within 32 KiB of it.
            let sequence = op & 4 != 0 ? next[flow] : next[flow] &+ UInt32(truncatingIfNeeded: reader.u16() &- 32768)
            let payload = reader.take(op & 8 != 0 ? reader.u16() % 2048 : Int(reader.byte() % 64))
            next[flow] = sequence &+ UInt32(payload.count)
            now &+= Int64(reader.byte()) * 50_000_000
            let (source, sourcePort, destination, destinationPort) = keys[flow]
            try payload.withUnsafeBytes { bytes in
                try withExactCopy(bytes) { payload in
                    var broken: String?
                    reassembler.process(source: source, sourcePort: sourcePort, destination: destination, destinationPort: destinationPort,
                                        sequence: sequence, flags: flags, payload: payload, timestamp: now) { message, _ in
                        if message.count > 65535 { broken = "a message of \(message.count) bytes" }
                        withExactCopy(message) { _ in }
                    }
                    if let broken { throw Failure(description: broken) }
                }
            }
            if op & 16 != 0 { reassembler.expire(now: now) }
            try require(reassembler.flowCount <= max(configuration.maxFlows, 0), "\(reassembler.flowCount) flows, limit \(configuration.maxFlows)")
            try require(reassembler.bufferedBytes <= configuration.maxTotalBytes,
                        "\(reassembler.bufferedBytes) bytes buffered, limit \(configuration.maxTotalBytes); \(configuration)")
        }
    }

    /// Runs `body` on a copy of `bytes` in memory of exactly that size, so that AddressSanitizer sees a read past
    /// the end.
    static func withExactCopy<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyMemory(from: bytes)
        return try body(UnsafeRawBufferPointer(copy))
    }
}
