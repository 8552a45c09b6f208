import Foundation
import SondeCore
import SondeDNS
import SondePacket
import XCTest

/// The shared corpus (`<repo>/../shared/corpus`), present in CI and on the team's machines, absent on a user's
/// clone: tests that need it step aside with a message.
enum Corpus {
    static let root: URL? = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
    }()

    static func pcap(_ name: String) throws -> URL {
        guard let root else { throw XCTSkip("../shared/corpus is not here (a user's clone): corpus test skipped") }
        return root.appendingPathComponent("pcap/\(name)")
    }

    /// The DNS ports the corpus servers use.
    static let ports: PortSet = [53, 5300, 5302, 5303, 5310, 5320]
}

/// One decoded message with the packet it came from.
struct FrameEvent {
    var frame: Int
    var event: DNSEvent
    var message: [UInt8]
}

/// Decodes a capture file packet by packet, keeping the frame number of every event.
func decodeFrames(_ url: URL, ports: PortSet = Corpus.ports) throws -> (events: [FrameEvent], counters: DecodeCounters) {
    let data = try Data(contentsOf: url)
    var result: [FrameEvent] = []
    var counters = DecodeCounters()
    var processor = PacketProcessor(ports: ports)
    var batch = EventBatch(identity: "test")
    try data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
        var decoder = CaptureFileDecoder()
        var offset = 0
        var frame = 0
        while offset < all.count {
            let rest = UnsafeRawBufferPointer(rebasing: all[offset...])
            switch try decoder.next(rest) {
            case .record(let r):
                frame += 1
                batch.removeAll()
                processor.process(
                    packet: r.packet(in: rest), originalLength: r.originalLength, linkType: r.linkType,
                    timestamp: r.timestampNanoseconds, into: &batch, counters: &counters)
                batch.forEach { e, m in result.append(FrameEvent(frame: frame, event: e, message: Array(m))) }
                offset += r.consumed
            case .skip(let n):
                offset += n
            case .needMoreData:
                return
            }
        }
    }
    return (result, counters)
}

/// One DNS message of a tshark reference decode.
struct ReferenceMessage {
    var frame: Int
    var protocols: String
    var id: Int
    var response: Bool
    var rcode: Int?
    var qname: String?
    var qtype: Int?
    var answers: Int?
    var srcIP: String?
    var dstIP: String?
    var srcPort: Int?
    var dstPort: Int?
    var malformed: Bool
    var messagesInFrame: Int
    var isICMP: Bool { protocols.contains("icmp") }
    var isTCP: Bool { protocols.contains(":tcp:") }
}

func loadReference(_ url: URL) throws -> [ReferenceMessage] {
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: url.path + ".tshark.json")))
    guard let frames = json as? [[String: [String]]] else { throw XCTSkip("unexpected reference format") }
    return referenceMessages(frames)
}

/// The messages of tshark's `-T json -e …` frames (`{field: [values]}` each, one value per message in the frame).
func referenceMessages(_ frames: [[String: [String]]]) -> [ReferenceMessage] {
    var out: [ReferenceMessage] = []
    for f in frames {
        let ids = f["dns.id"] ?? []
        let n = ids.count
        func field(_ k: String, _ i: Int) -> String? {
            guard let v = f[k], v.count == n else { return n == 1 ? f[k]?.first : nil }
            return v[i]
        }
        for i in 0..<n {
            let rcodeLow = field("dns.flags.rcode", i).flatMap { Int($0) }
            let ext = field("dns.resp.ext_rcode", i).flatMap { Int($0.dropFirst(2), radix: 16) } ?? 0
            out.append(
                ReferenceMessage(
                    frame: Int(f["frame.number"]![0])!, protocols: f["frame.protocols"]![0],
                    id: Int(ids[i].dropFirst(2), radix: 16)!, response: field("dns.flags.response", i) == "1",
                    rcode: rcodeLow.map { ext << 4 | $0 }, qname: field("dns.qry.name", i),
                    qtype: field("dns.qry.type", i).flatMap { Int($0) },
                    answers: field("dns.count.answers", i).flatMap { Int($0) },
                    srcIP: (f["ip.src"] ?? f["ipv6.src"])?.first, dstIP: (f["ip.dst"] ?? f["ipv6.dst"])?.first,
                    srcPort: (f["udp.srcport"] ?? f["tcp.srcport"])?.first.flatMap { Int($0) },
                    dstPort: (f["udp.dstport"] ?? f["tcp.dstport"])?.first.flatMap { Int($0) },
                    malformed: (f["_ws.expert.message"] ?? []).contains { $0.hasPrefix("Malformed") },
                    messagesInFrame: n))
        }
    }
    return out
}

/// tshark's rendering of a name: no trailing dot, escapes undone. Nil when tshark would print it differently
/// (non-ASCII bytes), so the comparison is skipped for those few names.
func tsharkStyleName(_ presentation: String) -> String? {
    if presentation == "." { return "<Root>" }
    var bytes: [UInt8] = []
    var it = Array(presentation.utf8)[...]
    while let c = it.popFirst() {
        if c == UInt8(ascii: "\\"), let d = it.first {
            if d >= 0x30 && d <= 0x39, it.count >= 3 {
                let v = Int(String(decoding: it.prefix(3), as: UTF8.self))!
                bytes.append(UInt8(v))
                it = it.dropFirst(3)
            } else {
                bytes.append(d)
                it = it.dropFirst()
            }
        } else {
            bytes.append(c)
        }
    }
    if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
    guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}

extension DNSEvent {
    func qnameText(_ message: [UInt8]) -> String? {
        guard layout.hasQuestion else { return nil }
        return message.withUnsafeBytes { m in
            var out = OutputBuffer(capacity: 1100)
            DomainName.write(m, at: Int(layout.questionOffset), into: &out)
            return out.makeString()
        }
    }
}
