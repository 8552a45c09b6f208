@testable import SondePacket
import XCTest

/// Out-of-order, duplicate and overlapping segments, and gaps.
final class TCPReassemblerOrderTests: XCTestCase {
    /// Shuffles within consecutive windows of `window` items.
    func shuffledWithinWindows<T>(_ items: [T], window: Int, using rng: inout SeededGenerator) -> [T] {
        var out: [T] = []
        var start = 0
        while start < items.count {
            let end = min(items.count, start + window)
            out += items[start..<end].shuffled(using: &rng)
            start = end
        }
        return out
    }

    func testRandomPermutationWithinAWindow() {
        var rng = SeededGenerator(seed: 20)
        for round in 0..<200 {
            let messages = (0..<Int.random(in: 1...15, using: &rng)).map { _ in DNSLike.randomMessage(using: &rng, maxLength: 3000) }
            let isn = UInt32.random(in: 0...UInt32.max, using: &rng)
            let pieces = DNSLike.split(DNSLike.stream(messages), maxPiece: [5, 100, 700][round % 3], using: &rng)
            var harness = TCPHarness()
            harness.syn(isn)
            for piece in shuffledWithinWindows(pieces, window: 8, using: &rng) {
                harness.send(piece.bytes, seq: isn &+ 1 &+ UInt32(piece.offset))
            }
            XCTAssertEqual(harness.messages, messages, "round \(round)")
            XCTAssertEqual(harness.reassembler.counters.bytesSkipped, 0)
            XCTAssertEqual(harness.reassembler.counters.bytesDroppedLimit, 0)
        }
    }

    func testDuplicatesAreCountedAndDropped() {
        var rng = SeededGenerator(seed: 21)
        let messages = (0..<10).map { _ in DNSLike.randomMessage(using: &rng) }
        let pieces = DNSLike.split(DNSLike.stream(messages), maxPiece: 300, using: &rng)
        var harness = TCPHarness()
        harness.syn(1)
        var duplicates = 0
        for (i, piece) in pieces.enumerated() {
            harness.send(piece.bytes, seq: 2 + UInt32(piece.offset))
            if i % 2 == 0 {
                harness.send(piece.bytes, seq: 2 + UInt32(piece.offset))
                duplicates += 1
            }
        }
        // Out-of-order duplicates too: the same future segment twice.
        harness.syn(1, port: 40_001)
        harness.send(pieces[2].bytes, seq: 2 + UInt32(pieces[2].offset), port: 40_001)
        harness.send(pieces[2].bytes, seq: 2 + UInt32(pieces[2].offset), port: 40_001)
        duplicates += 1
        for piece in pieces {
            harness.send(piece.bytes, seq: 2 + UInt32(piece.offset), port: 40_001)
        }
        duplicates += 1  // pieces[2] once more, now behind `next`
        XCTAssertEqual(harness.messages, messages + messages)
        XCTAssertEqual(harness.reassembler.counters.segmentsDuplicate, duplicates)
    }

    func testOverlapsKeepTheFirstCopy() {
        var rng = SeededGenerator(seed: 22)
        let message = DNSLike.message(length: 200, using: &rng)
        let stream = DNSLike.stream([message])
        func corrupted(_ range: Range<Int>) -> [UInt8] {
            var bytes = Array(stream[range])
            for i in bytes.indices { bytes[i] ^= 0x5a }
            return bytes
        }

        // Already delivered bytes win over a retransmission with other content.
        var harness = TCPHarness()
        harness.syn(0)
        harness.send(Array(stream[0..<50]), seq: 1)
        harness.send(corrupted(30..<50) + Array(stream[50...]), seq: 31)
        XCTAssertEqual(harness.messages, [message])
        XCTAssertEqual(harness.reassembler.counters.segmentsOverlapping, 1)

        // Out-of-order bytes win over the in-order segment that arrives later and covers them.
        harness = TCPHarness()
        harness.syn(0)
        harness.send(Array(stream[60..<100]), seq: 61)
        harness.send(Array(stream[0..<60]) + corrupted(60..<100) + Array(stream[100..<120]), seq: 1)
        harness.send(Array(stream[120...]), seq: 121)
        XCTAssertEqual(harness.messages, [message])
        XCTAssertEqual(harness.reassembler.counters.segmentsOverlapping, 1)

        // Two out-of-order segments overlapping each other: the first stays.
        harness = TCPHarness()
        harness.syn(0)
        harness.send(Array(stream[60..<100]), seq: 61)
        harness.send(corrupted(80..<140), seq: 81)
        harness.send(Array(stream[140...]), seq: 141)
        harness.send(Array(stream[0..<60]), seq: 1)
        XCTAssertEqual(harness.messages.count, 1)
        XCTAssertEqual(Array(harness.messages[0][58..<98]), Array(stream[60..<100]))
        XCTAssertEqual(Array(harness.messages[0][98..<138]), corrupted(100..<140))
        XCTAssertEqual(harness.reassembler.counters.segmentsOverlapping, 1)
        XCTAssertEqual(harness.reassembler.counters.segmentsOutOfOrder, 3)
    }

    func testAGapNeverFilledIsSkippedAndTheFramingRecovers() {
        var rng = SeededGenerator(seed: 23)
        let messages = (0..<200).map { _ in DNSLike.message(length: 100, answers: 3, filler: 0, using: &rng) }
        let stream = DNSLike.stream(messages)
        let pieces = DNSLike.split(stream, maxPiece: 250, using: &rng)
        var harness = TCPHarness(.init(maxOutOfOrderSegmentsPerFlow: 8))
        harness.syn(0)
        // Piece 3 is lost for good.
        for (i, piece) in pieces.enumerated() where i != 3 {
            harness.send(piece.bytes, seq: 1 + UInt32(piece.offset))
        }
        let counters = harness.reassembler.counters
        XCTAssertEqual(counters.gapsSkipped, 1)
        XCTAssertEqual(counters.bytesSkipped >= pieces[3].bytes.count, true)
        // Only the messages touching the lost piece are missing; all others arrive in order.
        let lost = pieces[3].offset..<(pieces[3].offset + pieces[3].bytes.count)
        var expected: [[UInt8]] = []
        var position = 0
        for message in messages {
            let range = position..<(position + 2 + message.count)
            if !range.overlaps(lost) { expected.append(message) }
            position = range.upperBound
        }
        XCTAssertEqual(harness.messages, expected)
    }

    func testSegmentsFarAheadRestartTheFlow() {
        var rng = SeededGenerator(seed: 24)
        let messages = (0..<40).map { _ in DNSLike.message(length: 60, using: &rng) }
        let stream = DNSLike.stream(messages)
        var harness = TCPHarness(.init(maxOutOfOrderSegmentsPerFlow: 4))
        harness.syn(0)
        // The flow goes on 1 MB further than anything seen: it joins again there.
        let far: UInt32 = 1 + 1_000_000
        var position = 0
        while position < stream.count {
            let end = min(stream.count, position + 62)
            harness.send(Array(stream[position..<end]), seq: far + UInt32(position))
            position = end
        }
        XCTAssertEqual(Array(harness.messages.suffix(30)), Array(messages.suffix(30)))
        XCTAssertGreaterThan(harness.reassembler.counters.bytesDroppedLimit, 0)
    }

    func testRetransmissionsOverlapsAndReorderingTogether() {
        var rng = SeededGenerator(seed: 25)
        for round in 0..<200 {
            let messages = (0..<Int.random(in: 1...12, using: &rng)).map { _ in DNSLike.randomMessage(using: &rng, maxLength: 2000) }
            let stream = DNSLike.stream(messages)
            let isn = UInt32.random(in: 0...UInt32.max, using: &rng)
            // Segments over random ranges that together cover the stream, some covering others.
            var segments = DNSLike.split(stream, maxPiece: 300, using: &rng).map { ($0.offset, $0.bytes.count) }
            for _ in 0..<Int.random(in: 0...10, using: &rng) {
                let start = Int.random(in: 0..<stream.count, using: &rng)
                segments.append((start, min(stream.count - start, Int.random(in: 1...500, using: &rng))))
            }
            segments = shuffledWithinWindows(segments, window: 6, using: &rng)
            var harness = TCPHarness()
            harness.syn(isn)
            for (start, length) in segments {
                harness.send(Array(stream[start..<(start + length)]), seq: isn &+ 1 &+ UInt32(start))
            }
            XCTAssertEqual(harness.messages, messages, "round \(round)")
            XCTAssertEqual(harness.reassembler.budgetAudit(), harness.reassembler.bufferedBytes)
        }
    }
}
