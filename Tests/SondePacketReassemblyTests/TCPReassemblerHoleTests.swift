@testable import SondePacket
import Foundation
import XCTest

/// Holes: bytes a capture missed. A hole is declared lost when the other side acknowledges past it, when it waited
/// longer than the hole timeout, or when its flow ends; it then costs only the messages it cut.
final class TCPReassemblerHoleTests: XCTestCase {
    let client = IPAddress(ipv4: 0x0a00_0001)
    let server = IPAddress(ipv4: 0x0a00_0002)

    /// Both directions of one connection, recording what comes out, and where.
    struct Conversation {
        var reassembler: TCPReassembler
        /// Messages of the segment's own flow, and flushed ones with their flow's source port.
        var own: [[UInt8]] = []
        var flushed: [(message: [UInt8], sourcePort: UInt16, tag: UInt32)] = []
        let client: IPAddress, server: IPAddress

        mutating func segment(
            fromClient: Bool, seq: UInt32, ack: UInt32? = nil, flags: TCPFlags = [.ack, .psh], _ bytes: [UInt8] = [], time: Int64 = 0, tag: UInt32 = 0
        ) {
            var got: [[UInt8]] = []
            bytes.withUnsafeBytes { payload in
                reassembler.process(
                    source: fromClient ? client : server, sourcePort: fromClient ? 40_000 : 53,
                    destination: fromClient ? server : client, destinationPort: fromClient ? 53 : 40_000, sequence: seq,
                    acknowledgment: ack, flags: ack == nil ? flags : flags.union(.ack), payload: payload, timestamp: time, tag: tag
                ) { message, _ in got.append(Array(message)) }
            }
            own += got
            takeFlushed()
        }

        mutating func takeFlushed() {
            var got: [([UInt8], UInt16, UInt32)] = []
            reassembler.takeFlushedMessages { message, flow in got.append((Array(message), flow.sourcePort, flow.tag)) }
            flushed += got.map { (message: $0.0, sourcePort: $0.1, tag: $0.2) }
        }

        var all: [[UInt8]] { own + flushed.map(\.message) }
    }

    func conversation(_ configuration: TCPReassembler.Configuration = .init()) -> Conversation {
        Conversation(reassembler: TCPReassembler(configuration: configuration), client: client, server: server)
    }

    /// Three messages back to back, each 40 bytes with its prefix: offsets 0, 40, 80 of the stream.
    func threeMessages() -> (messages: [[UInt8]], stream: [UInt8]) {
        var rng = SeededGenerator(seed: 7)
        let messages = (0..<3).map { _ in DNSLike.message(length: 38, using: &rng) }
        return (messages, DNSLike.stream(messages))
    }

    func testAHoleTheServerAcknowledgedIsSkippedAtOnce() {
        let (messages, stream) = threeMessages()
        var c = conversation()
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1001, Array(stream[0..<40]))
        // The second message is lost; the third waits behind the hole.
        c.segment(fromClient: true, seq: 1081, Array(stream[80...]))
        XCTAssertEqual(c.all, [messages[0]])
        // The server got it all: its acknowledgment passes the hole.
        c.segment(fromClient: false, seq: 5000, ack: 1121, flags: [.ack])
        XCTAssertEqual(c.all, [messages[0], messages[2]])
        XCTAssertEqual(c.flushed.first?.sourcePort, 40_000, "delivered as the client's, though the server's segment let it out")
        let counters = c.reassembler.counters
        XCTAssertEqual(counters.gapsSkipped, 1)
        XCTAssertEqual(counters.gapsAcknowledged, 1)
        XCTAssertEqual(counters.gapBytesSkipped, 40)
        XCTAssertEqual(counters.messagesFlushed, 1)
    }

    func testAnAcknowledgmentSeenBeforeTheDataAheadSkipsTheHoleWhenItComes() {
        let (messages, stream) = threeMessages()
        var c = conversation()
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1001, Array(stream[0..<40]))
        // The server sends data (its flow exists) and acknowledges the second message, which the capture lost.
        c.segment(fromClient: false, seq: 5000, ack: 1081, flags: [.syn, .ack])
        c.segment(fromClient: true, seq: 1081, Array(stream[80...]))
        XCTAssertEqual(c.all, [messages[0], messages[2]])
        XCTAssertEqual(c.flushed.count, 0, "the client's own segment let it out")
    }

    func testAnAcknowledgmentShortOfTheHolesEndWaits() {
        let (messages, stream) = threeMessages()
        var c = conversation()
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1001, Array(stream[0..<40]))
        c.segment(fromClient: true, seq: 1081, Array(stream[80...]))
        // Acknowledging into the hole: the rest of it may still be retransmitted.
        c.segment(fromClient: false, seq: 5000, ack: 1060, flags: [.ack])
        XCTAssertEqual(c.all, [messages[0]])
        c.segment(fromClient: true, seq: 1041, Array(stream[40..<80]))
        XCTAssertEqual(c.all, messages, "the retransmission filled the hole")
        XCTAssertEqual(c.reassembler.counters.gapsSkipped, 0)
    }

    func testAHoleThatWaitsTooLongIsSkipped() {
        let (messages, stream) = threeMessages()
        var c = conversation(.init(holeTimeoutNanoseconds: 1_000))
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1001, Array(stream[0..<40]), time: 0)
        c.segment(fromClient: true, seq: 1081, Array(stream[80...]), time: 100)
        XCTAssertEqual(c.reassembler.holeDeadline, 1_100)
        c.reassembler.expire(now: 1_000)
        c.takeFlushed()
        XCTAssertEqual(c.all, [messages[0]], "not yet")
        c.reassembler.expire(now: 1_101)
        c.takeFlushed()
        XCTAssertEqual(c.all, [messages[0], messages[2]])
        XCTAssertEqual(c.reassembler.counters.gapsTimedOut, 1)
        XCTAssertEqual(c.reassembler.holeDeadline, .max)
    }

    func testAHoleOlderThanTheTimeoutGoesWithTheFlowsNextSegment() {
        var rng = SeededGenerator(seed: 8)
        let messages = (0..<4).map { _ in DNSLike.message(length: 38, using: &rng) }
        let stream = DNSLike.stream(messages)
        var c = conversation(.init(holeTimeoutNanoseconds: 1_000))
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1001, Array(stream[0..<40]), time: 0)
        c.segment(fromClient: true, seq: 1081, Array(stream[80..<120]), time: 10)
        c.segment(fromClient: true, seq: 1121, Array(stream[120...]), time: 5_000)
        XCTAssertEqual(c.own, [messages[0], messages[2], messages[3]])
    }

    func testTheEndOfInputDeliversWhatWaitsBehindHoles() {
        let (messages, stream) = threeMessages()
        var c = conversation()
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1001, Array(stream[0..<40]), tag: 7)
        c.segment(fromClient: true, seq: 1081, Array(stream[80...]), tag: 9)
        c.reassembler.finish()
        c.takeFlushed()
        XCTAssertEqual(c.all, [messages[0], messages[2]])
        XCTAssertEqual(c.flushed.first?.tag, 9, "the tag of the flow's last segment")
        XCTAssertEqual(c.reassembler.flowCount, 0)
        XCTAssertEqual(c.reassembler.counters.gapsAtEnd, 1)
    }

    func testEvictionTimeoutAndRSTDeliverWhatWaitsBehindHoles() {
        let (messages, stream) = threeMessages()
        // Eviction: a second flow takes the only place.
        var c = conversation(.init(maxFlows: 1))
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1081, Array(stream[80...]))
        c.segment(fromClient: false, seq: 5000, flags: [.syn, .ack])
        XCTAssertEqual(c.all, [messages[2]])
        XCTAssertEqual(c.reassembler.counters.flowsEvicted, 1)
        // Idle timeout.
        c = conversation(.init(idleTimeoutNanoseconds: 10))
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1081, Array(stream[80...]))
        c.reassembler.expire(now: 100)
        c.takeFlushed()
        XCTAssertEqual(c.all, [messages[2]])
        XCTAssertEqual(c.reassembler.counters.flowsTimedOut, 1)
        // RST.
        c = conversation()
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1081, Array(stream[80...]))
        c.segment(fromClient: false, seq: 5000, flags: [.rst])
        XCTAssertEqual(c.all, [messages[2]])
    }

    func testAHoleInsideAMessageKeepsTheFraming() {
        // The hole ends inside the first message, whose length was seen: the framing passes over the rest of it.
        let (messages, stream) = threeMessages()
        var c = conversation()
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1001, Array(stream[0..<10]))
        c.segment(fromClient: true, seq: 1031, Array(stream[30...]))
        c.segment(fromClient: false, seq: 5000, ack: 1121, flags: [.ack])
        XCTAssertEqual(c.all, [messages[1], messages[2]])
        XCTAssertEqual(c.reassembler.counters.resynchronisations, 0, "no hunting for a boundary")
        XCTAssertEqual(c.reassembler.counters.gapBytesSkipped, 20)
    }

    func testAHoleBeforeTheFINClosesTheFlowOnceAcknowledged() {
        let (messages, stream) = threeMessages()
        var c = conversation()
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1001, Array(stream[0..<80]))
        // The last message and the FIN after it: the message is lost.
        c.segment(fromClient: true, seq: 1121, flags: [.fin, .ack])
        XCTAssertEqual(c.reassembler.flowCount, 1)
        c.segment(fromClient: false, seq: 5000, ack: 1122, flags: [.ack])
        XCTAssertEqual(c.all, Array(messages[0..<2]))
        XCTAssertEqual(c.reassembler.counters.flowsClosed, 1)
        XCTAssertEqual(c.reassembler.counters.gapsAcknowledged, 1)
    }

    func testAnAcknowledgmentFarOffIsIgnored() {
        let (messages, stream) = threeMessages()
        var c = conversation()
        c.segment(fromClient: true, seq: 1000, flags: [.syn])
        c.segment(fromClient: true, seq: 1001, Array(stream[0..<40]))
        c.segment(fromClient: true, seq: 1081, Array(stream[80...]))
        c.segment(fromClient: false, seq: 5000, ack: 1001 &+ 0x8000_0000, flags: [.ack])
        XCTAssertEqual(c.all, [messages[0]])
    }

    /// The fuzz target's lossy conversations (`TCPReassemblyFuzzCheck`), on inputs from a seeded generator: every
    /// message whose bytes all reached the reassembler comes out, once and in order, and nothing else.
    func testLossyConversationsFromRandomInputs() throws {
        var rng = SeededGenerator(seed: 17)
        for round in 0..<2_000 {
            let input = [UInt8(2)] + (0..<Int.random(in: 20...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do { try input.withUnsafeBytes { try TCPReassemblyFuzzCheck.run($0, dns: { _ in }) } } catch {
                return XCTFail("round \(round): \(error); input \(input.map { String(format: "%02x", $0) }.joined())")
            }
        }
    }
}
