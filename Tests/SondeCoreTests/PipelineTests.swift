import Foundation
import SondeCore
import SondeDNS
import SondePacket
import XCTest

/// Routing: outputs with their own filters, transforms, queues and counters, sharing one batch.
final class PipelineTests: XCTestCase {
    func finish(_ p: Pipeline) { p.finish(deadline: SondeThread.now() + 10) }

    func testEachOutputHasItsOwnFiltersAndTransformsAndTheOthersSeeEverything() throws {
        let all = MemoryOutput(), queries = MemoryOutput(), masked = MemoryOutput()
        let p = try makePipeline([
            (all, [], .block, 1000),
            (queries, [TestTransform(keep: { !$0.layout.isResponse })], .block, 1000),
            (masked, [TestTransform(source: IPAddress(ipv4: 0xC000_0201))], .block, 1000),
        ])
        try p.start()
        let producer = p.makeProducer()
        var batch = try sampleBatch()
        let n = batch.count
        producer.consume(&batch)
        finish(p)
        XCTAssertEqual(all.writer.lines.count, n)
        XCTAssertEqual(queries.writer.lines.count, n / 2)
        XCTAssertEqual(masked.writer.lines.count, n)
        // The full output still has the true addresses; the masked one has its own.
        XCTAssertFalse(all.writer.text.contains("\"src_ip\":\"192.0.2.1\""))
        XCTAssertEqual(masked.writer.lines.filter { $0.contains("\"src_ip\":\"192.0.2.1\"") }.count, n)
        // The output without filters is byte for byte the plain JSON of the batch.
        XCTAssertEqual(all.writer.text, handWrittenJSON(try sampleBatch()))
        for (o, c) in zip(p.outputs, [(n, 0), (n / 2, n / 2), (n, 0)]) {
            let s = o.worker.snapshot
            XCTAssertEqual(s.eventsIn, UInt64(n))
            XCTAssertEqual(s.written, UInt64(c.0))
            XCTAssertEqual(s.filtered, UInt64(c.1))
            XCTAssertEqual(s.dropped + s.failed + s.pending, 0)
        }
    }

    func testGlobalTransformsRunOnceBeforeTheFanOut() throws {
        let a = MemoryOutput(), b = MemoryOutput()
        let p = try makePipeline(global: [TestTransform(keep: { $0.layout.isResponse })], [(a, [], .block, 100), (b, [], .block, 100)])
        try p.start()
        var batch = try sampleBatch()
        let n = batch.count
        p.makeProducer().consume(&batch)
        finish(p)
        XCTAssertEqual(a.writer.lines.count, n / 2)
        XCTAssertEqual(b.writer.lines.count, n / 2)
        XCTAssertEqual(p.global[0].dropped, UInt64(n / 2))
        XCTAssertEqual(p.outputs[0].worker.snapshot.eventsIn, UInt64(n / 2))
    }

    func testChunksHoldWholeEventsOnly() throws {
        let o = MemoryOutput()
        let p = try makePipeline([(o, [], .block, 100_000)])
        try p.start()
        let producer = p.makeProducer()
        for _ in 0..<20 {
            var batch = try sampleBatch()
            producer.consume(&batch)
        }
        finish(p)
        XCTAssertGreaterThan(o.writer.chunks.count, 20, "chunks of 4 KiB: a batch spans several")
        for c in o.writer.chunks { XCTAssertEqual(c.last, UInt8(ascii: "\n")) }
        XCTAssertEqual(o.writer.lines.count, 20 * 42)
    }

    /// A stuck output under policy drop: the others get every event, and its own loss is counted exactly.
    func testAStuckOutputWithPolicyDropLosesOnlyItsOwnEventsAndCountsThem() throws {
        let stuck = MemoryOutput(), fine = MemoryOutput()
        let p = try makePipeline([(stuck, [], .drop, 100), (fine, [], .block, 100_000)])
        try p.start()
        stuck.writer.stall()
        let producer = p.makeProducer()
        let rounds = 50
        for _ in 0..<rounds {
            var batch = try sampleBatch()
            producer.consume(&batch)
        }
        let during = p.outputs[0].worker.snapshot
        XCTAssertGreaterThan(during.dropped, 0)
        XCTAssertEqual(during.eventsIn, during.written + during.filtered + during.dropped + during.failed + during.pending)
        XCTAssertLessThanOrEqual(during.pending, 100 + 42)
        stuck.writer.resume()
        finish(p)
        let s = p.outputs[0].worker.snapshot
        XCTAssertEqual(s.eventsIn, UInt64(rounds * 42))
        XCTAssertEqual(s.eventsIn, s.written + s.dropped)
        XCTAssertEqual(UInt64(stuck.writer.lines.count), s.written)
        XCTAssertEqual(fine.writer.lines.count, rounds * 42)
        XCTAssertEqual(p.outputs[1].worker.snapshot.dropped, 0)
    }

    /// Policy block: the producer waits for room; nothing is dropped.
    func testPolicyBlockSlowsTheProducerAndDropsNothing() throws {
        let slow = MemoryOutput()
        let p = try makePipeline([(slow, [], .block, 50)])
        try p.start()
        slow.writer.stall()
        let done = expectation(description: "producer finished")
        nonisolated(unsafe) let producer = p.makeProducer()
        DispatchQueue.global().async {
            for _ in 0..<10 {
                var batch = try! sampleBatch()
                producer.consume(&batch)
            }
            done.fulfill()
        }
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertGreaterThan(p.outputs[0].worker.snapshot.blockedWaits, 0, "the producer waits while the output is stuck")
        slow.writer.resume()
        wait(for: [done], timeout: 10)
        finish(p)
        let s = p.outputs[0].worker.snapshot
        XCTAssertEqual(s.written, 420)
        XCTAssertEqual(s.dropped, 0)
        XCTAssertEqual(slow.writer.lines.count, 420)
    }

    /// A writer that never comes back is abandoned at the deadline; what it held is counted as dropped.
    func testAWriterStuckAtTheEndIsAbandonedAndItsEventsCounted() throws {
        let stuck = MemoryOutput()
        let p = try makePipeline([(stuck, [], .drop, 1000)])
        try p.start()
        stuck.writer.stall()
        var batch = try sampleBatch()
        p.makeProducer().consume(&batch)
        p.finish(deadline: SondeThread.now() + 0.3)
        let s = p.outputs[0].worker.snapshot
        XCTAssertEqual(s.eventsIn, 42)
        XCTAssertEqual(s.written + s.dropped, 42)
        stuck.writer.resume()
    }

    /// Every output is told to finish at once: a stuck writer first in the list does not leave the outputs after it
    /// without time to write what they hold and close (they were abandoned with it, their files left unflushed).
    func testAStuckWriterDoesNotCutShortTheOutputsAfterIt() throws {
        let stuck = MemoryOutput(), fine = MemoryOutput()
        let p = try makePipeline([(stuck, [], .drop, 1000), (fine, [], .block, 100_000)])
        try p.start()
        stuck.writer.stall()
        fine.writer.closing = 50_000
        var batch = try sampleBatch()
        p.makeProducer().consume(&batch)
        p.finish(deadline: SondeThread.now() + 0.3)
        XCTAssertTrue(fine.writer.closed, "the output after the stuck one is closed, not abandoned")
        XCTAssertEqual(fine.writer.lines.count, 42)
        XCTAssertEqual(p.outputs[1].worker.snapshot.written, 42)
        XCTAssertEqual(p.outputs[0].worker.snapshot.dropped, 42)
        stuck.writer.resume()
    }

    /// Several producers encode at once, each on its own thread; every event arrives.
    func testProducersOnSeveralThreadsDeliverEverything() throws {
        let o = MemoryOutput()
        let p = try makePipeline([(o, [], .block, 1000)])
        try p.start()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let producer = p.makeProducer()
            for _ in 0..<25 {
                var batch = try! sampleBatch()
                producer.consume(&batch)
            }
        }
        finish(p)
        XCTAssertEqual(o.writer.lines.count, 4 * 25 * 42)
        XCTAssertEqual(Set(o.writer.lines).count, Set(handWrittenJSON(try sampleBatch()).split(separator: "\n")).count)
    }
}
