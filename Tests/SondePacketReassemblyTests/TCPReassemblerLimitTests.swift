@testable import SondePacket
import XCTest

/// Limits, eviction, expiry and hostile input.
final class TCPReassemblerLimitTests: XCTestCase {
    func testTenThousandFlowsWithAThousandFlowLimit() {
        var rng = SeededGenerator(seed: 30)
        let message = DNSLike.message(length: 3000, using: &rng)
        let stream = DNSLike.stream([message])
        let configuration = TCPReassembler.Configuration(maxFlows: 1000, maxTotalBytes: 4 * 1024 * 1024)
        var harness = TCPHarness(configuration)
        for flow in 0..<10_000 {
            harness.client = IPAddress(ipv4: 0x0a00_0000 + UInt32(flow))
            harness.syn(0, time: Int64(flow))
            // Half a message each, so that every flow holds a buffer.
            harness.send(Array(stream[..<1500]), seq: 1, time: Int64(flow))
            XCTAssertLessThanOrEqual(harness.reassembler.flowCount, 1000)
            XCTAssertLessThanOrEqual(harness.reassembler.bufferedBytes, configuration.maxTotalBytes)
        }
        let counters = harness.reassembler.counters
        XCTAssertEqual(counters.flowsCreated, 10_000)
        XCTAssertEqual(counters.flowsEvicted, 9000)
        XCTAssertEqual(harness.reassembler.flowCount, 1000)
        // The most recent flows are the ones kept: finishing the last one's message works.
        harness.send(Array(stream[1500...]), seq: 1501)
        XCTAssertEqual(harness.messages, [message])
        XCTAssertGreaterThan(counters.bytesDiscarded, 0)
    }

    func testTotalByteLimitHolds() {
        var rng = SeededGenerator(seed: 31)
        let message = DNSLike.message(length: 60_000, using: &rng)
        let stream = DNSLike.stream([message])
        let configuration = TCPReassembler.Configuration(maxFlows: 100, maxTotalBytes: 200_000)
        var harness = TCPHarness(configuration)
        for flow in 0..<50 {
            harness.client = IPAddress(ipv4: 0x0a00_0000 + UInt32(flow))
            harness.syn(0)
            for start in stride(from: 0, to: 40_000, by: 1000) {
                harness.send(Array(stream[start..<(start + 1000)]), seq: 1 + UInt32(start))
            }
            XCTAssertLessThanOrEqual(harness.reassembler.bufferedBytes, 200_000)
        }
        XCTAssertGreaterThan(harness.reassembler.counters.flowsEvicted, 0)
    }

    func testWholeMessagesInOrderEvictNothingUnderMemoryPressure() {
        var rng = SeededGenerator(seed: 34)
        let message = DNSLike.message(length: 2000, using: &rng)
        let stream = DNSLike.stream([message])
        var harness = TCPHarness(.init(maxTotalBytes: 64 * 1024))
        // Flows holding half a message each until the budget is nearly spent.
        for flow in 0..<70 {
            harness.client = IPAddress(ipv4: 0x0a00_0000 + UInt32(flow))
            harness.syn(0)
            harness.send(Array(stream[..<1000]), seq: 1)
        }
        let evicted = harness.reassembler.counters.flowsEvicted
        XCTAssertTrue(harness.reassembler.isShortOfBudget(for: stream.count))
        harness.client = IPAddress(ipv4: 0x0b00_0000)
        harness.syn(0)
        for i in 0..<100 {
            harness.send(stream, seq: 1 + UInt32(i * stream.count))
        }
        XCTAssertEqual(harness.messages.count, 100)
        XCTAssertEqual(harness.reassembler.counters.flowsEvicted, evicted)
    }

    func testOversizedMessageIsSkippedByItsLength() {
        var rng = SeededGenerator(seed: 32)
        let big = DNSLike.message(length: 5000, using: &rng)
        let small = DNSLike.message(length: 100, using: &rng)
        var harness = TCPHarness(.init(maxBytesPerFlow: 4096))
        harness.syn(0)
        for piece in DNSLike.split(DNSLike.stream([small, big, small]), maxPiece: 500, using: &rng) {
            harness.send(piece.bytes, seq: 1 + UInt32(piece.offset))
        }
        XCTAssertEqual(harness.messages, [small, small])
        XCTAssertEqual(harness.reassembler.counters.messagesDroppedLimit, 1)
        XCTAssertEqual(harness.reassembler.counters.bytesDroppedLimit, 5002)
    }

    func testIdleFlowsExpire() {
        var harness = TCPHarness(.init(idleTimeoutNanoseconds: 60_000_000_000))
        let second: Int64 = 1_000_000_000
        for flow in 0..<10 {
            harness.client = IPAddress(ipv4: 0x0a00_0000 + UInt32(flow))
            harness.syn(0, time: Int64(flow) * 10 * second)
        }
        harness.reassembler.expire(now: 60 * second)
        XCTAssertEqual(harness.reassembler.flowCount, 10)
        // Flows stamped 0 s, 10 s and 20 s are idle for more than 60 s at 80.5 s.
        harness.reassembler.expire(now: 80 * second + second / 2)
        XCTAssertEqual(harness.reassembler.flowCount, 7)
        XCTAssertEqual(harness.reassembler.counters.flowsTimedOut, 3)
        // A segment refreshes a flow.
        harness.client = IPAddress(ipv4: 0x0a00_0003)
        harness.send([0, 20], seq: 1, time: 200 * second)
        harness.reassembler.expire(now: 200 * second)
        XCTAssertEqual(harness.reassembler.flowCount, 1)
        XCTAssertEqual(harness.reassembler.counters.bytesDiscarded, 0)
        harness.reassembler.expire(now: Int64.max)
        XCTAssertEqual(harness.reassembler.flowCount, 0)
        XCTAssertEqual(harness.reassembler.counters.bytesDiscarded, 2)
        XCTAssertEqual(harness.reassembler.budgetAudit(), harness.reassembler.bufferedBytes)
    }

    func testHostileSegmentsKeepMemoryBounded() {
        var rng = SeededGenerator(seed: 33)
        let configuration = TCPReassembler.Configuration(
            maxFlows: 64, maxBytesPerFlow: 8192, maxTotalBytes: 128 * 1024, maxOutOfOrderSegmentsPerFlow: 8)
        var harness = TCPHarness(configuration)
        let flagChoices: [TCPFlags] = [[.ack], [.ack, .psh], [.syn], [.fin, .ack], [.rst], [.syn, .ack]]
        for step in 0..<50_000 {
            harness.client = IPAddress(ipv4: UInt32.random(in: 0..<100, using: &rng))
            let length = Int.random(in: 0...600, using: &rng)
            var payload = [UInt8](repeating: 0, count: length)
            for i in payload.indices { payload[i] = UInt8.random(in: 0...255, using: &rng) }
            let flags = Int.random(in: 0..<20, using: &rng) == 0 ? flagChoices.randomElement(using: &rng)! : [.ack]
            let seq = Int.random(in: 0..<4, using: &rng) == 0 ? UInt32.random(in: 0...UInt32.max, using: &rng) : UInt32.random(in: 0..<20_000, using: &rng)
            harness.send(payload, seq: seq, flags: flags, port: UInt16.random(in: 1...3, using: &rng), time: Int64(step))
            XCTAssertLessThanOrEqual(harness.reassembler.flowCount, 64)
            if step % 1000 == 0 { harness.reassembler.expire(now: Int64(step) - 500) }
            harness.messages.removeAll(keepingCapacity: true)
            harness.reassembledFlags.removeAll(keepingCapacity: true)
        }
        XCTAssertEqual(harness.reassembler.budgetAudit(), harness.reassembler.bufferedBytes)
        harness.reassembler.expire(now: .max)
        XCTAssertEqual(harness.reassembler.flowCount, 0)
    }
}
