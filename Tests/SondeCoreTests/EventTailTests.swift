import Foundation
import SondeCore
import SondeDNS
import XCTest

/// The event tail: what a subscriber gets (after the global transforms, filtered, as JSON lines in SSE `data:`
/// fields), its limit, and a full buffer dropping for that subscriber alone, counted.
final class EventTailTests: XCTestCase {
    /// Responses only.
    struct Responses: EventPredicate {
        func matches(
            _ e: UnsafePointer<DNSEvent>, _ message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
            enrichment: UnsafePointer<EventEnrichment>?
        ) -> Bool { e.pointee.layout.isResponse }
    }

    func events(_ bytes: [UInt8]) -> [[String: Any]] {
        String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            XCTAssertTrue(block.hasPrefix("data: {"), block)
            return try! JSONSerialization.jsonObject(with: Data(block.dropFirst(6).utf8)) as! [String: Any]
        }
    }

    func testWithoutSubscribersNothingIsFormattedAndTheTailIsInactive() throws {
        let p = try makePipeline([])
        XCTAssertFalse(p.tail.isActive)
        var batch = try sampleBatch()
        p.makeProducer().consume(&batch)
        XCTAssertEqual(p.tail.eventsSent, 0)
    }

    func testASubscriberGetsTheEventsAfterTheGlobalTransformsThatPassItsFilter() throws {
        // The global stage keeps queries to or from port 53 over UDP only: every event; then the tail's filter.
        let p = try makePipeline(global: [TestTransform(keep: { $0.transport == .udp })], [])
        let all = try XCTUnwrap(p.tail.subscribe(filter: nil))
        let responses = try XCTUnwrap(p.tail.subscribe(filter: Responses()))
        XCTAssertTrue(p.tail.isActive)
        XCTAssertEqual(p.tail.subscribers, 2)
        let producer = p.makeProducer()
        var batch = try sampleBatch()
        let total = batch.count
        let expectedResponses = batch.events(matching: { $0.layout.isResponse && $0.transport == .udp })
        let expectedAll = batch.events(matching: { $0.transport == .udp })
        producer.consume(&batch)
        let a = all.take(), r = responses.take()
        XCTAssertEqual(events(a.bytes).count, expectedAll)
        XCTAssertEqual(events(r.bytes).count, expectedResponses)
        XCTAssertEqual(a.dropped, 0)
        XCTAssertFalse(a.finished)
        XCTAssertGreaterThan(total, 0)
        XCTAssertEqual(p.tail.eventsSent, UInt64(expectedAll + expectedResponses))
        // The same JSON as the json format writes.
        var formatter = BatchFormatter(format: .json)
        var out = OutputBuffer()
        let again = try sampleBatch()
        formatter.write(again, into: &out)
        let firstLine = out.makeString().split(separator: "\n").first.map(String.init)
        XCTAssertEqual(String(decoding: a.bytes, as: UTF8.self).split(separator: "\n").first.map { String($0.dropFirst(6)) }, firstLine)
        p.tail.unsubscribe(all)
        p.tail.unsubscribe(responses)
        XCTAssertFalse(p.tail.isActive)
    }

    func testTheLimitEndsTheSubscriptionAndIsNotADrop() throws {
        let p = try makePipeline([])
        let s = try XCTUnwrap(p.tail.subscribe(filter: nil, limit: 5))
        var batch = try sampleBatch()
        p.makeProducer().consume(&batch)
        let t = s.take()
        XCTAssertEqual(events(t.bytes).count, 5)
        XCTAssertEqual(t.dropped, 0)
        XCTAssertTrue(t.finished)
        XCTAssertEqual(s.counts.events, 5)
        XCTAssertEqual(s.counts.dropped, 0)
    }

    func testAFullBufferDropsForThatSubscriberAloneAndCountsIt() throws {
        // Room for a few events only (a line is several hundred bytes).
        let tail = EventTail(maxSubscribers: 8, bufferBytes: 2048)
        let p = Pipeline(global: [], outputs: [], reloads: ReloadHub(), stats: nil, tail: tail)
        let slow = try XCTUnwrap(tail.subscribe(filter: nil))
        let producer = p.makeProducer()
        var batch = try sampleBatch()
        let n = batch.count
        producer.consume(&batch)
        var t = slow.take()
        let kept = events(t.bytes).count
        XCTAssertGreaterThan(kept, 0)
        XCTAssertLessThan(kept, n)
        XCTAssertLessThanOrEqual(t.bytes.count, 2048)
        XCTAssertEqual(t.dropped, UInt64(n - kept))
        XCTAssertEqual(tail.eventsDropped, UInt64(n - kept))
        XCTAssertEqual(slow.counts.events + slow.counts.dropped, UInt64(n))
        // Emptied, it takes again; the drops were reported once.
        var again = try sampleBatch()
        producer.consume(&again)
        t = slow.take()
        XCTAssertEqual(events(t.bytes).count, kept)
        XCTAssertEqual(t.dropped, UInt64(n - kept))
    }

    func testSubscribersAreBoundedAndAnUnsubscribedOneGetsNothing() throws {
        let tail = EventTail(maxSubscribers: 2)
        let p = Pipeline(global: [], outputs: [], reloads: ReloadHub(), stats: nil, tail: tail)
        let a = try XCTUnwrap(tail.subscribe(filter: nil))
        let b = try XCTUnwrap(tail.subscribe(filter: nil))
        XCTAssertNil(tail.subscribe(filter: nil))
        let producer = p.makeProducer()
        tail.unsubscribe(a)
        var batch = try sampleBatch()
        producer.consume(&batch)
        XCTAssertTrue(a.take().bytes.isEmpty)
        XCTAssertTrue(a.take().finished)
        XCTAssertFalse(b.take().bytes.isEmpty)
        XCTAssertNotNil(tail.subscribe(filter: nil))
        tail.closeAll()
        XCTAssertEqual(tail.subscribers, 0)
        XCTAssertTrue(b.take().finished)
    }
}

extension EventBatch {
    /// How many events `predicate` holds for.
    func events(matching predicate: (DNSEvent) -> Bool) -> Int {
        var n = 0
        forEach { e, _ in if predicate(e) { n += 1 } }
        return n
    }
}
