import Foundation
import SondeCore
import SondeDNS
import SondePacket
import SondeTransforms
import XCTest

final class QueryResponseMatcherTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// All events of a capture in one batch.
    func load(_ url: URL, ports: PortSet = [53]) throws -> EventBatch {
        let data = try Data(contentsOf: url)
        var batch = EventBatch(identity: "t")
        var counters = DecodeCounters()
        var processor = PacketProcessor(ports: ports)
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

    func testEveryResponseOfTheSampleFindsItsQuery() throws {
        var batch = try load(Self.repo.appendingPathComponent("samples/sample.pcap"))
        let matcher = QueryResponseMatcher()
        matcher.process(&batch)
        matcher.finish()
        XCTAssertEqual(matcher.counters.matched, 21)
        XCTAssertEqual(matcher.counters.unanswered, 0)
        XCTAssertEqual(matcher.counters.unmatchedResponses, 0)
        for i in 0..<batch.count {
            let e = batch[i]
            if e.layout.isResponse {
                XCTAssertGreaterThan(e.latency, 0)
                XCTAssertLessThan(e.latency, 1_000_000_000)
            } else {
                XCTAssertEqual(e.latency, -1)
            }
        }
    }

    func testSyntheticPairsAllMatchIncludingTCP() throws {
        let root = Self.repo.deletingLastPathComponent().appendingPathComponent("shared/corpus/pcap/gen-sample.pcap")
        guard FileManager.default.fileExists(atPath: root.path) else {
            throw XCTSkip("../shared/corpus is not here: corpus test skipped")
        }
        var batch = try load(root)
        let matcher = QueryResponseMatcher()
        matcher.process(&batch)
        matcher.finish()
        XCTAssertEqual(matcher.counters.matched, 500)
        XCTAssertEqual(matcher.counters.unanswered, 0)
        var tcpLatencies = 0
        for i in 0..<batch.count where batch[i].layout.isResponse && batch[i].transport == .tcp {
            XCTAssertGreaterThan(batch[i].latency, 0)
            tcpLatencies += 1
        }
        XCTAssertEqual(tcpLatencies, 11)  // 22 TCP messages: 11 pairs
    }

    func testJoinMakesOneRecordPerTransaction() throws {
        var batch = try load(Self.repo.appendingPathComponent("samples/sample.pcap"))
        let matcher = QueryResponseMatcher(configuration: .init(join: true))
        matcher.process(&batch)
        matcher.finish()
        XCTAssertEqual(batch.count, 21)
        for i in 0..<batch.count {
            let e = batch[i]
            XCTAssertTrue(e.layout.isResponse)
            XCTAssertEqual(e.transaction, .answered)
            XCTAssertGreaterThan(e.queryTimestamp, 0)
            XCTAssertEqual(e.timestamp - e.queryTimestamp, e.latency)
            XCTAssertGreaterThanOrEqual(e.querySize, 12)
        }
        var retired = 0
        matcher.takeRetired { retired += $0.count }
        XCTAssertEqual(retired, 0)
    }

    func testUnansweredQueriesOfARealCaptureAreEmittedWhole() throws {
        let url = Self.repo.deletingLastPathComponent().appendingPathComponent("shared/corpus/pcap/lo-mixed.pcap")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("../shared/corpus is not here: corpus test skipped")
        }
        var batch = try load(url, ports: [53, 5300, 5302, 5303, 5310, 5320])
        let matcher = QueryResponseMatcher(configuration: .init(emitUnanswered: true))
        matcher.process(&batch)
        matcher.finish()
        XCTAssertGreaterThan(matcher.counters.unanswered, 0)
        var emitted = 0
        matcher.takeRetired { retired in
            emitted = retired.count
            for i in 0..<retired.count {
                let e = retired[i]
                XCTAssertEqual(e.transaction, .unanswered)
                XCTAssertFalse(e.layout.isResponse)
                XCTAssertEqual(Int(e.messageLength), retired.message(at: i).count)
                XCTAssertEqual(MessageLayout(decoding: retired.message(at: i)).id, e.layout.id)
            }
        }
        XCTAssertEqual(UInt64(emitted), matcher.counters.unanswered)
        // Every query is either answered, unanswered or a retransmission.
        var queries = 0
        for i in 0..<batch.count where !batch[i].layout.isResponse && batch[i].layout.hasQuestion { queries += 1 }
        let c = matcher.counters
        XCTAssertEqual(UInt64(queries), c.matched + c.unanswered + c.duplicateQueries)
    }

    func testUnansweredQueriesTimeOutAndTheTableStaysBounded() throws {
        var batch = EventBatch()
        // 10,000 queries to distinct names, 1 ms apart, none answered; the table holds 1,000.
        var message: [UInt8] = [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        for i in 0..<10_000 {
            let label = Array("q\(i)".utf8)
            var m = message
            m[0] = UInt8(i >> 8)
            m[1] = UInt8(i & 0xff)
            m += [UInt8(label.count)] + label + [0, 0, 1, 0, 1]
            m.withUnsafeBytes { bytes in
                let layout = MessageLayout(decoding: bytes)
                let e = DNSEvent(
                    timestamp: Int64(i) * 1_000_000, input: .pcap, transport: .udp,
                    source: IPAddress(ipv4: 0xC000_0201), destination: IPAddress(ipv4: 0xC000_0235),
                    sourcePort: 40000, destinationPort: 53, layout: layout)
                batch.append(e, message: bytes)
            }
        }
        message = []
        let matcher = QueryResponseMatcher(configuration: .init(maxPending: 1000, timeoutNanoseconds: 2_000_000_000))
        matcher.process(&batch)
        XCTAssertLessThanOrEqual(matcher.pendingQueries, 1000)
        matcher.finish()
        XCTAssertEqual(matcher.counters.unanswered, 10_000)
        XCTAssertEqual(matcher.pendingQueries, 0)
    }
}
