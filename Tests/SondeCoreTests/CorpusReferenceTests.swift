import Foundation
import SondeCore
import SondeDNS
import SondePacket
import XCTest

/// Sonde's decode of the real captures in the shared corpus must agree with tshark's reference decode.
final class CorpusReferenceTests: XCTestCase {
    struct Outcome {
        var compared = 0
        var namesSkipped = 0
        var runts = 0
        var tcpFramesDiffering: [Int] = []
        var mismatches: [String] = []
    }

    /// Compares frame by frame; TCP frames whose message count differs are collected (they need reassembly).
    func compare(_ file: String) throws -> (Outcome, [FrameEvent], [ReferenceMessage], DecodeCounters) {
        let url = try Corpus.pcap(file)
        let (events, counters) = try decodeFrames(url)
        let reference = try loadReference(url).filter { !$0.isICMP }
        var outcome = Outcome()
        let ours = Dictionary(grouping: events, by: \.frame)
        let theirs = Dictionary(grouping: reference, by: \.frame)
        for frame in Set(ours.keys).union(theirs.keys).sorted() {
            let a = ours[frame] ?? []
            let b = theirs[frame] ?? []
            if b.isEmpty && !a.isEmpty && a.allSatisfy({ $0.event.layout.errorReason == .shortHeader }) {
                // A datagram shorter than a DNS header: tshark does not call it DNS; Sonde reports it as malformed.
                outcome.runts += 1
                continue
            }
            if a.count != b.count {
                if (b.first?.isTCP ?? false) || a.first?.event.transport == .tcp {
                    outcome.tcpFramesDiffering.append(frame)
                } else {
                    outcome.mismatches.append("frame \(frame): \(a.count) messages, tshark \(b.count)")
                }
                continue
            }
            for (x, r) in zip(a, b) {
                outcome.compared += 1
                let l = x.event.layout
                var diffs: [String] = []
                if Int(l.id) != r.id { diffs.append("id \(l.id) vs \(r.id)") }
                if l.isResponse != r.response { diffs.append("response") }
                if let rc = r.rcode, r.response, !r.malformed, Int(l.rcode) != rc { diffs.append("rcode \(l.rcode) vs \(rc)") }
                if let qt = r.qtype, !r.malformed, l.hasQuestion, Int(l.qtype) != qt { diffs.append("qtype \(l.qtype) vs \(qt)") }
                if let an = r.answers, Int(l.anCount) != an { diffs.append("an_count \(l.anCount) vs \(an)") }
                if let q = r.qname, !r.malformed, !q.hasPrefix("<") {
                    if let mine = x.event.qnameText(x.message).flatMap(tsharkStyleName) {
                        if mine != q { diffs.append("qname \(mine) vs \(q)") }
                    } else {
                        outcome.namesSkipped += 1
                    }
                }
                if let ip = r.srcIP, x.event.source.description != ip { diffs.append("src \(x.event.source) vs \(ip)") }
                if let ip = r.dstIP, x.event.destination.description != ip { diffs.append("dst \(x.event.destination) vs \(ip)") }
                if let p = r.srcPort, Int(x.event.sourcePort) != p { diffs.append("sport") }
                if let p = r.dstPort, Int(x.event.destinationPort) != p { diffs.append("dport") }
                if r.malformed && !l.isMalformed && r.messagesInFrame == 1 && x.event.transport == .udp {
                    diffs.append("tshark says malformed, Sonde does not")
                }
                if !diffs.isEmpty { outcome.mismatches.append("frame \(frame): " + diffs.joined(separator: ", ")) }
            }
        }
        return (outcome, events, reference, counters)
    }

    func testLoopbackCaptureAgreesWithTshark() throws {
        let (o, events, reference, counters) = try compare("lo-mixed.pcap")
        XCTAssertEqual(o.mismatches, [], "disagreements with tshark")
        XCTAssertGreaterThan(o.compared, 1300)
        // UDP needs no reassembly: every UDP message must be there.
        XCTAssertEqual(o.runts, 1, "the corpus's 1-byte datagram")
        XCTAssertEqual(events.filter { $0.event.transport == .udp }.count - o.runts, reference.filter { !$0.isTCP }.count)
        XCTAssertEqual(counters.icmpQuotedDNS, 22)
        XCTAssertEqual(o.tcpFramesDiffering, [], "TCP frames whose messages differ from tshark's reassembly")
        print("lo-mixed: \(o.compared) messages agree with tshark; \(o.namesSkipped) non-ASCII names not compared; \(o.tcpFramesDiffering.count) TCP frames need reassembly")
    }

    /// The summary counts agree with the reference summary (which leaves out the ICMP-quoted frames and the
    /// 1-byte datagram that tshark does not call DNS).
    func testLoopbackSummaryAgreesWithTheReference() throws {
        let url = try Corpus.pcap("lo-mixed.pcap")
        let (events, _) = try decodeFrames(url)
        let reference = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: url.path + ".summary.json"))) as! [String: Any]
        var batch = EventBatch()
        for f in events where f.event.layout.errorReason != .shortHeader {
            f.message.withUnsafeBytes { batch.append(f.event, message: $0) }
        }
        // The statistics engine (live stats and the summary alike) counts exactly what the reference counts.
        let store = StatsStore(maxStreams: 0, intervals: false)
        store.makeShard().add(batch)
        let summary = store.snapshot().counters
        XCTAssertEqual(Int(summary.messages), reference["dns_messages"] as? Int)
        XCTAssertEqual(Int(summary.queries), reference["queries"] as? Int)
        XCTAssertEqual(Int(summary.responses), reference["responses"] as? Int)
        XCTAssertEqual(Int(summary.truncatedResponses), reference["truncated_responses"] as? Int)
        let transport = reference["transport"] as! [String: Int]
        XCTAssertEqual(Int(summary.transport[Int(TransportProtocol.udp.rawValue)]), transport["udp"])
        XCTAssertEqual(Int(summary.transport[Int(TransportProtocol.tcp.rawValue)]), transport["tcp"])
        let ip = reference["ip"] as! [String: Int]
        XCTAssertEqual(Int(summary.family[0]), ip["ipv4"])
        XCTAssertEqual(Int(summary.family[1]), ip["ipv6"])
        // Reference rcodes count every message with an rcode field (responses, and queries tshark gives one).
        let rcodes = reference["rcode"] as! [String: Int]
        var ours: [String: Int] = [:]
        for (code, count) in summary.rcodes { ours[SummaryReport.rcodeName(code)] = Int(count) }
        XCTAssertEqual(ours, rcodes)
    }

    /// Every capture of the corpus: frame-by-frame agreement and the reference summary's counts.
    func testEveryCorpusCaptureAgreesWithItsReference() throws {
        guard let root = Corpus.root else { throw XCTSkip("../shared/corpus is not here (a user's clone)") }
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("pcap").path)
            .filter { $0.hasSuffix(".pcap") }.sorted()
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let (o, events, _, counters) = try compare(file)
            XCTAssertEqual(o.mismatches, [], file)
            XCTAssertEqual(o.tcpFramesDiffering, [], file)
            let url = try Corpus.pcap(file)
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: url.path + ".summary.json")),
                let reference = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            let dns = events.count - o.runts
            XCTAssertEqual(dns, reference["dns_messages"] as? Int, "\(file): messages")
            XCTAssertEqual(events.filter { !$0.event.layout.isResponse }.count - o.runts, reference["queries"] as? Int, "\(file): queries")
            XCTAssertEqual(events.filter { $0.event.layout.isResponse }.count, reference["responses"] as? Int, "\(file): responses")
            XCTAssertEqual(Int(counters.icmpQuotedDNS), reference["icmp_quoted"] as? Int ?? 0, "\(file): ICMP")
            let transport = reference["transport"] as? [String: Int] ?? [:]
            XCTAssertEqual(events.filter { $0.event.transport == .udp }.count - o.runts, transport["udp"] ?? 0, "\(file): UDP")
            XCTAssertEqual(events.filter { $0.event.transport == .tcp }.count, transport["tcp"] ?? 0, "\(file): TCP")
        }
    }

    func testFragmentedAnswersAreReassembled() throws {
        let (events, counters) = try decodeFrames(try Corpus.pcap("edge-ipv4-fragmented.pcap"))
        XCTAssertEqual(events.filter { !$0.event.layout.isResponse }.count, 1)
        let responses = events.filter { $0.event.layout.isResponse }
        XCTAssertEqual(responses.count, 2)
        for r in responses {
            XCTAssertTrue(r.event.markers.contains(.ipDefragmented))
            XCTAssertEqual(r.event.layout.anCount, 15)
            XCTAssertFalse(r.event.isMalformed)
            XCTAssertEqual(r.message.count, 3869)
        }
        XCTAssertEqual(counters.ipFragments, 6)
    }

    func testSyntheticCaptureAgreesWithTshark() throws {
        let (o, events, reference, _) = try compare("gen-sample.pcap")
        XCTAssertEqual(o.mismatches, [])
        XCTAssertEqual(events.count, reference.count)
        XCTAssertEqual(events.count, 1000)
    }

    func testVLANCapture() throws {
        let (o, events, _, _) = try compare("edge-vlan.pcap")
        XCTAssertEqual(o.mismatches, [])
        XCTAssertEqual(events.filter { !$0.event.layout.isResponse }.count, 16)
        XCTAssertEqual(events.filter { $0.event.layout.isResponse && $0.event.layout.rcode == 0 }.count, 16)
    }

    func testMalformedCaptureIsCountedNotFatal() throws {
        let (o, events, _, _) = try compare("edge-malformed.pcap")
        XCTAssertEqual(o.mismatches, [])
        XCTAssertEqual(events.count, 8)
        // tshark flags 7 of the 8; the eighth has trailing bytes, which Sonde tolerates and reports.
        XCTAssertEqual(events.filter { $0.event.isMalformed }.count, 7)
        XCTAssertEqual(events.filter { $0.event.layout.trailingBytes == 7 }.count, 1)
    }

    func testCompressionLoopsAreCaught() throws {
        let url = try Corpus.pcap("edge-compression-loop.pcap")
        let (events, _) = try decodeFrames(url)
        XCTAssertEqual(events.count, 4)
        XCTAssertGreaterThanOrEqual(events.filter { $0.event.isMalformed }.count, 3)
    }
}
