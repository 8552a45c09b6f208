import Foundation
import SondeCore
import SondeDNS
import SondePacket
import XCTest

/// DNS over TCP captures with holes, made by `Resources/TCPGaps/make-captures.sh` from a real Unbound and a real
/// client (segments removed afterwards, as a lossy capture misses them; or lost by the network and retransmitted),
/// decoded by Sonde and by tshark, message by message.
///
/// Sonde must produce every message tshark decodes, and every message whose bytes all reached the capture (the
/// script works that out from the capture before it cut anything: `*.expected.json`); and nothing that is not a
/// message of the streams. Where Sonde decodes more than tshark, each extra message is one whose bytes were all
/// captured: tshark does not resume after a hole in the stream (it waits for the bytes, and reads what follows as
/// the rest of the message the hole cut), and it drops a stream's messages that came in behind one filled late.
final class TCPGapCaptureTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/TCPGaps")

    /// A message, as both decoders and the script name it.
    struct Key: Hashable, CustomStringConvertible {
        var source: String, sourcePort: Int, destination: String, destinationPort: Int, id: Int, response: Bool, qname: String
        var description: String { "\(source).\(sourcePort) > \(destination).\(destinationPort) id \(id)\(response ? " response" : "") \(qname)" }
    }

    struct Decoded {
        var keys: [Key] = []
        var counters = DecodeCounters()
    }

    /// Sonde's messages: every packet through a `PacketProcessor`, then the end of the input.
    func sonde(_ name: String) throws -> Decoded {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(name))
        var processor = PacketProcessor(ports: [53])
        var batch = EventBatch(identity: "test")
        var result = Decoded()
        func collect(_ batch: inout EventBatch) {
            batch.forEach { e, m in
                let qname = e.layout.hasQuestion ? (e.qnameText(Array(m)).flatMap(tsharkStyleName) ?? "?") : ""
                result.keys.append(
                    Key(source: e.source.description, sourcePort: Int(e.sourcePort), destination: e.destination.description,
                        destinationPort: Int(e.destinationPort), id: Int(e.layout.id), response: e.layout.isResponse, qname: qname.lowercased()))
            }
            batch.removeAll()
        }
        try data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            var decoder = CaptureFileDecoder()
            var offset = 0
            loop: while offset < all.count {
                let rest = UnsafeRawBufferPointer(rebasing: all[offset...])
                switch try decoder.next(rest) {
                case .record(let r):
                    processor.process(
                        packet: r.packet(in: rest), originalLength: r.originalLength, linkType: r.linkType,
                        timestamp: r.timestampNanoseconds, into: &batch, counters: &result.counters)
                    collect(&batch)
                    offset += r.consumed
                case .skip(let n): offset += n
                case .needMoreData: break loop
                }
            }
        }
        processor.flush(into: &batch)
        collect(&batch)
        processor.finish(counters: &result.counters)
        return result
    }

    /// What the script says: every message of the streams, and whether all its bytes are in the capture.
    func expected(_ name: String) throws -> (all: [Key], whole: [Key]) {
        let url = Self.folder.appendingPathComponent(name + ".expected.json")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var all: [Key] = []
        var whole: [Key] = []
        for m in try XCTUnwrap(json["messages"] as? [[String: Any]]) {
            let key = Key(
                source: m["src"] as! String, sourcePort: m["sport"] as! Int, destination: m["dst"] as! String,
                destinationPort: m["dport"] as! Int, id: m["id"] as! Int, response: m["response"] as! Bool,
                qname: ((m["qname"] as? String) ?? "").lowercased())
            all.append(key)
            if m["whole"] as! Bool { whole.append(key) }
        }
        return (all, whole)
    }

    /// tshark's messages, with TCP and DNS desegmentation on (as the corpus references).
    func tshark(_ name: String) throws -> [Key] {
        let tool = try Self.tool("tshark", package: "tshark")
        let fields = ["frame.number", "frame.protocols", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport",
                      "dns.id", "dns.flags.response", "dns.qry.name", "dns.qry.type", "dns.flags.rcode", "dns.count.answers"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-r", Self.folder.appendingPathComponent(name).path, "-n", "-o", "tcp.desegment_tcp_streams:TRUE",
                             "-o", "dns.desegment_dns_messages:TRUE", "-Y", "dns", "-T", "json"] + fields.flatMap { ["-e", $0] }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let packets = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let frames = packets.compactMap { (($0["_source"] as? [String: Any])?["layers"] as? [String: [String]]) }
        return referenceMessages(frames).map { r in
            Key(source: r.srcIP ?? "?", sourcePort: r.srcPort ?? -1, destination: r.dstIP ?? "?", destinationPort: r.dstPort ?? -1,
                id: r.id, response: r.response, qname: (r.qname ?? "").lowercased())
        }
    }

    /// The path of a command, or a skip naming its Debian package (a failure in CI, where nothing may be skipped).
    static func tool(_ name: String, package: String) throws -> String {
        for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            throw NSError(domain: "TCPGapCaptureTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(name) is missing in CI: apt-get install \(package)"])
        }
        throw XCTSkip("\(name) is missing: apt-get install \(package) (scripts/reference/install.sh)")
    }

    /// `a` minus `b`, as multisets.
    func missing(_ b: [Key], from a: [Key]) -> [Key] {
        var have: [Key: Int] = [:]
        for k in b { have[k, default: 0] += 1 }
        var out: [Key] = []
        for k in a {
            if let n = have[k], n > 0 { have[k] = n - 1 } else { out.append(k) }
        }
        return out
    }

    /// The comparison every capture passes; returns the counts for the figures.
    @discardableResult
    func compare(_ name: String) throws -> (sonde: Decoded, tshark: [Key], whole: [Key], all: [Key]) {
        let ours = try sonde(name)
        let (all, whole) = try expected(name)
        let theirs = try tshark(name)
        XCTAssertEqual(missing(ours.keys, from: theirs), [], "\(name): messages tshark decodes and Sonde does not")
        XCTAssertEqual(missing(ours.keys, from: whole), [], "\(name): messages captured whole that Sonde does not produce")
        XCTAssertEqual(missing(all, from: ours.keys), [], "\(name): Sonde produced what is no message of the streams")
        // Where Sonde decodes more than tshark, the extra messages were captured whole (see the class comment).
        let extra = missing(theirs, from: ours.keys)
        XCTAssertEqual(missing(whole, from: extra), [], "\(name): extra messages that were not captured whole")
        print("\(name): \(all.count) messages in the streams, \(whole.count) captured whole; tshark decodes \(theirs.count), Sonde \(ours.keys.count) (\(extra.count) more); holes \(ours.counters.tcpHoles) (\(ours.counters.tcpHoleBytes) bytes), bytes skipped \(ours.counters.tcpBytesSkipped)")
        return (ours, theirs, whole, all)
    }

    func testOneSegmentLostFromTheMiddleOfAnAnswer() throws {
        let r = try compare("gap-mid-stream.pcap")
        XCTAssertEqual(r.sonde.keys.count, r.whole.count, "every message but the one the hole cut")
        XCTAssertEqual(r.sonde.counters.tcpHoles, 1)
        XCTAssertGreaterThan(r.sonde.counters.tcpHoleBytes, 0)
    }

    func testALargeHoleInBothDirections() throws {
        let r = try compare("gap-large-both.pcap")
        XCTAssertEqual(r.sonde.counters.tcpHoles, 2, "one run of segments gone in each direction")
        XCTAssertGreaterThan(r.whole.count, r.all.count / 2)
    }

    func testAStreamWithoutSYNWhoseFirstMessageLostItsLengthPrefix() throws {
        let r = try compare("gap-no-syn-prefix.pcap")
        XCTAssertEqual(r.sonde.keys.count, r.whole.count, "all but the first question, whose length prefix is gone")
        XCTAssertEqual(r.whole.count, r.all.count - 1)
    }

    func testRetransmissionsFillTheHolesLate() throws {
        let r = try compare("gap-retransmitted.pcap")
        XCTAssertEqual(r.whole.count, r.all.count, "the network's holes were all filled by retransmissions")
        XCTAssertEqual(r.sonde.keys.count, r.all.count)
        XCTAssertEqual(r.sonde.counters.tcpHoles, 0, "no hole was declared lost: each waited for its retransmission")
    }
}
