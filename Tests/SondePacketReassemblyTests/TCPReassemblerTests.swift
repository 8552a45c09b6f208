@testable import SondePacket
import XCTest

/// Framing and in-order delivery.
final class TCPReassemblerTests: XCTestCase {
    func testSeveralMessagesInOneSegmentAreDeliveredInPlace() {
        var rng = SeededGenerator(seed: 1)
        let messages = (0..<5).map { _ in DNSLike.message(length: Int.random(in: 17...300, using: &rng), using: &rng) }
        var harness = TCPHarness()
        harness.syn(1000)
        harness.send(DNSLike.stream(messages), seq: 1001)
        XCTAssertEqual(harness.messages, messages)
        XCTAssertEqual(harness.reassembledFlags, [false, false, false, false, false])
        XCTAssertEqual(harness.reassembler.counters.messagesInSegment, 5)
        XCTAssertEqual(harness.reassembler.counters.messagesReassembled, 0)
        // Nothing was buffered: no allocation on this path.
        XCTAssertEqual(harness.reassembler.bufferedBytes, 0)
    }

    func testByteByByte() {
        var rng = SeededGenerator(seed: 2)
        let messages = (0..<6).map { _ in DNSLike.randomMessage(using: &rng) }
        let stream = DNSLike.stream(messages)
        var harness = TCPHarness()
        harness.syn(7)
        for (i, byte) in stream.enumerated() {
            harness.send([byte], seq: 8 + UInt32(i))
        }
        XCTAssertEqual(harness.messages, messages)
        XCTAssertTrue(harness.reassembledFlags.allSatisfy { $0 })
        XCTAssertEqual(harness.reassembler.counters.messagesReassembled, 6)
    }

    func testHalfALengthPrefixInASegment() {
        var rng = SeededGenerator(seed: 3)
        let message = DNSLike.message(length: 300, using: &rng)
        let stream = DNSLike.stream([message, message])
        var harness = TCPHarness()
        harness.syn(0)
        // Segment 1: the first message and half of the second prefix; segment 2: the other half.
        harness.send(Array(stream[0..<303]), seq: 1)
        harness.send([stream[303]], seq: 304)
        harness.send(Array(stream[304...]), seq: 305)
        XCTAssertEqual(harness.messages, [message, message])
        XCTAssertEqual(harness.reassembledFlags, [false, true])
    }

    func testRandomSegmentationPreservesMessages() {
        var rng = SeededGenerator(seed: 4)
        for round in 0..<300 {
            let messages = (0..<Int.random(in: 1...20, using: &rng)).map { _ in DNSLike.randomMessage(using: &rng, maxLength: 5000) }
            let isn = UInt32.random(in: 0...UInt32.max, using: &rng)
            var harness = TCPHarness()
            harness.syn(isn)
            let maxPiece = [1, 3, 40, 600, 1460, 9000][round % 6]
            for piece in DNSLike.split(DNSLike.stream(messages), maxPiece: maxPiece, using: &rng) {
                harness.send(piece.bytes, seq: isn &+ 1 &+ UInt32(piece.offset))
            }
            XCTAssertEqual(harness.messages, messages, "round \(round)")
            let counters = harness.reassembler.counters
            XCTAssertEqual(counters.messagesInSegment + counters.messagesReassembled, messages.count)
            XCTAssertEqual(counters.bytesSkipped, 0)
        }
    }

    func testLargestMessage() {
        var rng = SeededGenerator(seed: 5)
        let message = DNSLike.message(length: 65_535, using: &rng)
        var harness = TCPHarness()
        harness.syn(100)
        for piece in DNSLike.split(DNSLike.stream([message, message]), maxPiece: 1460, using: &rng) {
            harness.send(piece.bytes, seq: 101 + UInt32(piece.offset))
        }
        XCTAssertEqual(harness.messages, [message, message])
    }

    func testSequenceWrapAround() {
        var rng = SeededGenerator(seed: 6)
        let messages = (0..<30).map { _ in DNSLike.randomMessage(using: &rng) }
        let stream = DNSLike.stream(messages)
        for isn in [UInt32.max - 10, UInt32.max, UInt32.max - UInt32(stream.count / 2)] {
            var harness = TCPHarness()
            harness.syn(isn)
            var pieces = DNSLike.split(stream, maxPiece: 200, using: &rng)
            // Out of order across the wrap too.
            pieces.swapAt(1, 2)
            pieces.swapAt(pieces.count / 2, pieces.count / 2 + 1)
            for piece in pieces {
                harness.send(piece.bytes, seq: isn &+ 1 &+ UInt32(piece.offset))
            }
            XCTAssertEqual(harness.messages, messages)
        }
    }

    func testFINClosesTheFlowAfterTheLastByte() {
        var rng = SeededGenerator(seed: 7)
        let messages = (0..<3).map { _ in DNSLike.randomMessage(using: &rng) }
        let stream = DNSLike.stream(messages)
        var harness = TCPHarness()
        harness.syn(0)
        harness.send(stream, seq: 1, flags: [.ack, .fin])
        XCTAssertEqual(harness.messages, messages)
        XCTAssertEqual(harness.reassembler.flowCount, 0)
        XCTAssertEqual(harness.reassembler.counters.flowsClosed, 1)
        // A retransmission after the close is a duplicate, not the start of a new flow.
        harness.send(stream, seq: 1, flags: [.ack, .fin])
        harness.send(Array(stream.suffix(20)), seq: 1 + UInt32(stream.count - 20), flags: [.ack, .fin])
        XCTAssertEqual(harness.messages, messages)
        XCTAssertEqual(harness.reassembler.counters.segmentsDuplicate, 2)
        XCTAssertEqual(harness.reassembler.flowCount, 0)
        // A new connection on the same ports is a new flow.
        harness.syn(5000)
        harness.send(stream, seq: 5001)
        XCTAssertEqual(harness.messages, messages + messages)
        // Closed flows are forgotten after the idle timeout.
        harness.reassembler.expire(now: .max)
        XCTAssertEqual(harness.reassembler.closedFlows.count, 0)

        // FIN ahead of the last data: the flow waits for the data, then closes.
        harness = TCPHarness()
        harness.syn(0)
        let cut = stream.count - 10
        harness.send(Array(stream[cut...]), seq: 1 + UInt32(cut), flags: [.ack, .fin])
        XCTAssertEqual(harness.reassembler.flowCount, 1)
        harness.send(Array(stream[..<cut]), seq: 1)
        XCTAssertEqual(harness.messages, messages)
        XCTAssertEqual(harness.reassembler.flowCount, 0)

        // FIN in the middle of a message: the partial message is counted as discarded.
        harness = TCPHarness()
        harness.syn(0)
        harness.send(Array(stream[..<cut]), seq: 1, flags: [.ack, .fin])
        XCTAssertEqual(harness.messages, Array(messages.dropLast()))
        XCTAssertEqual(harness.reassembler.flowCount, 0)
        XCTAssertEqual(harness.reassembler.counters.bytesDiscarded, cut - (stream.count - messages.last!.count - 2))
    }

    func testRSTDiscardsAPartialMessage() {
        var rng = SeededGenerator(seed: 8)
        let message = DNSLike.message(length: 500, using: &rng)
        let stream = DNSLike.stream([message])
        var harness = TCPHarness()
        harness.syn(0)
        harness.send(Array(stream[..<200]), seq: 1)
        harness.send([], seq: 201, flags: [.rst])
        XCTAssertEqual(harness.messages, [])
        XCTAssertEqual(harness.reassembler.flowCount, 0)
        XCTAssertEqual(harness.reassembler.counters.flowsReset, 1)
        XCTAssertEqual(harness.reassembler.counters.bytesDiscarded, 200)
        // The rest arriving later starts a mid-stream flow that finds no plausible boundary in it.
        harness.send(Array(stream[200...]), seq: 201)
        XCTAssertEqual(harness.messages, [])
    }

    func testRetransmittedSYNKeepsTheFlowAndANewSYNRestartsIt() {
        var rng = SeededGenerator(seed: 9)
        let message = DNSLike.message(length: 100, using: &rng)
        let stream = DNSLike.stream([message])
        var harness = TCPHarness()
        harness.syn(50)
        harness.send(Array(stream[..<40]), seq: 51)
        harness.syn(50)
        harness.send(Array(stream[40...]), seq: 91)
        XCTAssertEqual(harness.messages, [message])
        // Port reuse: a new SYN with another ISN starts afresh.
        harness.send(Array(stream[..<40]), seq: 51)
        harness.syn(9000)
        harness.send(stream, seq: 9001)
        XCTAssertEqual(harness.messages, [message, message])
    }

    func testMidStreamStartSkipsGarbageBeforeAPlausibleBoundary() {
        var rng = SeededGenerator(seed: 10)
        let messages = (0..<4).map { _ in DNSLike.message(length: 80, answers: 2, using: &rng) }
        let garbage = [UInt8](repeating: 0xff, count: 37)  // opcode 15: never plausible
        var harness = TCPHarness()
        harness.send(garbage + DNSLike.stream(messages), seq: 123_456)
        XCTAssertEqual(harness.messages, messages)
        XCTAssertEqual(harness.reassembler.counters.bytesSkipped, 37)
        XCTAssertEqual(harness.reassembler.counters.resynchronisations, 1)

        // The boundary straddles segments: 5 garbage bytes and 3 bytes of the first message, then
        // the rest in pieces of 4.
        harness = TCPHarness()
        let bytes = garbage.prefix(5) + DNSLike.stream(messages)
        harness.send(Array(bytes[..<8]), seq: 1)
        var position = 8
        while position < bytes.count {
            let end = min(bytes.count, position + 4)
            harness.send(Array(bytes[position..<end]), seq: 1 + UInt32(position))
            position = end
        }
        XCTAssertEqual(harness.messages, messages)
        XCTAssertEqual(harness.reassembler.counters.bytesSkipped, 5)
    }

    func testMidStreamStartInsideAMessage() {
        var rng = SeededGenerator(seed: 11)
        let messages = (0..<4).map { _ in DNSLike.message(length: 120, using: &rng) }
        let stream = DNSLike.stream(messages)
        var harness = TCPHarness()
        // Join 30 bytes into the first message: its tail is mostly random bytes, which may or may
        // not look like a message; the later messages must come out whatever happens.
        harness.send(Array(stream[30...]), seq: 31)
        XCTAssertEqual(Array(harness.messages.suffix(3)), Array(messages.suffix(3)))
    }

    func testZeroLengthMessagesAdvance() {
        var harness = TCPHarness()
        harness.syn(0)
        harness.send([0, 0, 0, 0, 0, 1, 42], seq: 1)
        XCTAssertEqual(harness.messages, [[], [], [42]])
    }

    func testMidStreamByteByByte() {
        var rng = SeededGenerator(seed: 12)
        let messages = (0..<5).map { _ in DNSLike.message(length: 60, answers: 1, using: &rng) }
        let bytes = [UInt8](repeating: 0xff, count: 20) + DNSLike.stream(messages)
        var harness = TCPHarness()
        for (i, byte) in bytes.enumerated() {
            harness.send([byte], seq: 77 + UInt32(i))
        }
        XCTAssertEqual(harness.messages, messages)
        XCTAssertEqual(harness.reassembler.counters.bytesSkipped, 20)
    }
}
