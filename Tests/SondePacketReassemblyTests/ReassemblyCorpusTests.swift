@testable import SondePacket
import Foundation
import XCTest

/// The shared corpus through the decoder and the reassemblers, checked against tshark.
final class ReassemblyCorpusTests: XCTestCase {
    static let corpusPorts: PortSet = [53, 5300, 5302, 5303, 5310, 5320]

    /// `<repo>/../shared/corpus/pcap`, else `/work/shared/corpus/pcap`, or nil.
    func corpusDirectory() -> String? {
        var repo = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { repo.deleteLastPathComponent() }
        let candidates = [repo.deletingLastPathComponent().appendingPathComponent("shared/corpus/pcap").path, "/work/shared/corpus/pcap"]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Calls `body` with each record of the capture `name`, or returns false when it is absent.
    func eachRecord(_ name: String, _ body: (CaptureRecord, UnsafeRawBufferPointer) -> Void) throws -> Bool {
        guard let directory = corpusDirectory(), let data = FileManager.default.contents(atPath: "\(directory)/\(name)") else {
            print("ReassemblyCorpusTests: \(name) not found in <repo>/../shared/corpus/pcap or /work/shared/corpus/pcap; skipping")
            return false
        }
        let file = [UInt8](data)
        var decoder = CaptureFileDecoder()
        try file.withUnsafeBytes { all in
            var offset = 0
            loop: while true {
                let unconsumed = UnsafeRawBufferPointer(rebasing: all[offset...])
                switch try decoder.next(unconsumed) {
                case .record(let record):
                    body(record, record.packet(in: unconsumed))
                    offset += record.consumed
                case .skip(let consumed):
                    offset += consumed
                case .needMoreData:
                    try decoder.finish(unconsumedBytes: unconsumed.count)
                    break loop
                }
            }
        }
        return true
    }

    /// tshark's count of DNS messages over TCP: the `dns.id` entries of frames whose
    /// `frame.protocols` contains ":tcp:"; nil without the file.
    func tsharkTCPMessageCount(_ path: String) throws -> Int? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let frames = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return frames.reduce(0) { count, frame in
            let protocols = (frame["frame.protocols"] as? [String])?.first ?? ""
            guard protocols.contains(":tcp:") else { return count }
            return count + ((frame["dns.id"] as? [String])?.count ?? 0)
        }
    }

    func testFragmentedResponsesReassemble() throws {
        let decoder = PacketDecoder(ports: [53])
        var defragmenter = IPDefragmenter()
        var queries = 0
        var responses: [(length: Int, answers: Int)] = []
        let found = try eachRecord("edge-ipv4-fragmented.pcap") { record, bytes in
            let packet = decoder.decode(linkType: record.linkType, packet: bytes, originalLength: record.originalLength)
            switch packet.kind {
            case .dns:
                queries += 1
            case .ipFragment:
                defragmenter.process(packet, bytes: bytes, timestamp: record.timestampNanoseconds) { payload, ipProtocol in
                    let datagram = decoder.decodeDatagram(
                        family: packet.family, source: packet.source, destination: packet.destination,
                        ipProtocol: ipProtocol, payload: payload)
                    XCTAssertEqual(datagram.kind, .dns)
                    XCTAssertEqual(datagram.transport, .udp)
                    guard datagram.payloadLength >= 12 else { return XCTFail("short DNS message") }
                    let answers = Int(payload.bigEndianUInt16(at: datagram.payloadOffset + 6))
                    responses.append((datagram.payloadLength, answers))
                }
            default:
                XCTFail("unexpected \(packet.kind)")
            }
        }
        guard found else { return }
        XCTAssertEqual(queries, 1)
        XCTAssertEqual(responses.count, 2)
        for response in responses {
            XCTAssertGreaterThanOrEqual(response.length, 3869)
            XCTAssertEqual(response.answers, 15)
        }
        XCTAssertEqual(defragmenter.datagramCount, 0)
        XCTAssertEqual(defragmenter.counters.fragments, 6)
    }

    func testTCPMessagesOfLoMixedMatchTshark() throws {
        let decoder = PacketDecoder(ports: Self.corpusPorts)
        var reassembler = TCPReassembler()
        var messages = 0
        var tooShort = 0
        let found = try eachRecord("lo-mixed.pcap") { record, bytes in
            let packet = decoder.decode(linkType: record.linkType, packet: bytes, originalLength: record.originalLength)
            guard case .dns = packet.kind, packet.transport == .tcp else { return }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[packet.payloadOffset..<(packet.payloadOffset + packet.payloadLength)])
            reassembler.process(
                source: packet.source, sourcePort: packet.sourcePort, destination: packet.destination,
                destinationPort: packet.destinationPort, sequence: packet.tcpSequence, flags: packet.tcpFlags,
                payload: payload, timestamp: record.timestampNanoseconds
            ) { message, _ in
                messages += 1
                if message.count < 12 { tooShort += 1 }
            }
        }
        guard found else { return }
        // tshark: frames whose frame.protocols contains ":tcp:", entries of dns.id.
        XCTAssertEqual(messages, 316)
        XCTAssertEqual(tooShort, 0)
        let counters = reassembler.counters
        XCTAssertEqual(counters.bytesSkipped, 0)
        XCTAssertEqual(counters.bytesDroppedLimit, 0)
        print("lo-mixed TCP: \(counters)")
    }

    func testEveryCaptureThroughBothReassemblers() throws {
        guard let directory = corpusDirectory() else { return print("ReassemblyCorpusTests: no corpus; skipping") }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".pcap") }.sorted()
        let decoder = PacketDecoder(ports: Self.corpusPorts)
        for name in names {
            var reassembler = TCPReassembler()
            var defragmenter = IPDefragmenter()
            var datagrams = 0
            _ = try eachRecord(name) { record, bytes in
                let packet = decoder.decode(linkType: record.linkType, packet: bytes, originalLength: record.originalLength)
                switch packet.kind {
                case .dns where packet.transport == .tcp:
                    let payload = UnsafeRawBufferPointer(rebasing: bytes[packet.payloadOffset..<(packet.payloadOffset + packet.payloadLength)])
                    reassembler.process(
                        source: packet.source, sourcePort: packet.sourcePort, destination: packet.destination,
                        destinationPort: packet.destinationPort, sequence: packet.tcpSequence, flags: packet.tcpFlags,
                        payload: payload, timestamp: record.timestampNanoseconds) { _, _ in }
                case .ipFragment:
                    defragmenter.process(packet, bytes: bytes, timestamp: record.timestampNanoseconds) { _, _ in datagrams += 1 }
                default:
                    break
                }
                reassembler.expire(now: record.timestampNanoseconds)
                defragmenter.expire(now: record.timestampNanoseconds)
            }
            if let expected = try tsharkTCPMessageCount("\(directory)/\(name).tshark.json") {
                XCTAssertEqual(reassembler.counters.messagesInSegment + reassembler.counters.messagesReassembled, expected, name)
            }
            XCTAssertEqual(reassembler.budgetAudit(), reassembler.bufferedBytes, name)
            XCTAssertEqual(defragmenter.budgetAudit(), defragmenter.bufferedBytes, name)
            print("\(name): TCP \(reassembler.counters.messagesInSegment + reassembler.counters.messagesReassembled) messages, \(reassembler.flowCount) flows open; \(datagrams) datagrams reassembled")
        }
    }

    /// The TCP segments of lo-mixed, each flow's data segments reordered within windows of 4 and
    /// some repeated: the same 316 messages come out, flow by flow.
    func testLoMixedReorderedAndRepeated() throws {
        struct Segment {
            var packet: DecodedPacket
            var payload: [UInt8]
            var time: Int64
        }
        let decoder = PacketDecoder(ports: Self.corpusPorts)
        var flows: [FlowKey: [Segment]] = [:]
        var order: [FlowKey] = []
        let found = try eachRecord("lo-mixed.pcap") { record, bytes in
            let packet = decoder.decode(linkType: record.linkType, packet: bytes, originalLength: record.originalLength)
            guard case .dns = packet.kind, packet.transport == .tcp else { return }
            let key = FlowKey(source: packet.source, destination: packet.destination, sourcePort: packet.sourcePort, destinationPort: packet.destinationPort)
            if flows[key] == nil { order.append(key) }
            flows[key, default: []].append(
                Segment(packet: packet, payload: Array(bytes[packet.payloadOffset..<(packet.payloadOffset + packet.payloadLength)]), time: record.timestampNanoseconds))
        }
        guard found else { return }
        func run(_ segments: [Segment]) -> [[UInt8]] {
            var reassembler = TCPReassembler()
            var messages: [[UInt8]] = []
            for segment in segments {
                let p = segment.packet
                segment.payload.withUnsafeBytes { payload in
                    reassembler.process(
                        source: p.source, sourcePort: p.sourcePort, destination: p.destination, destinationPort: p.destinationPort,
                        sequence: p.tcpSequence, flags: p.tcpFlags, payload: payload, timestamp: segment.time) { message, _ in
                        messages.append(Array(message))
                    }
                }
            }
            return messages
        }
        var rng = SeededGenerator(seed: 60)
        var total = 0
        for key in order {
            let segments = flows[key]!
            let baseline = run(segments)
            total += baseline.count
            // The SYN stays first; the rest is shuffled in windows of 4, with repeats.
            var head = Array(segments.prefix { $0.packet.tcpFlags.contains(.syn) })
            var rest = Array(segments.dropFirst(head.count))
            for i in rest.indices where Int.random(in: 0..<5, using: &rng) == 0 { rest.append(rest[i]) }
            var start = 0
            while start < rest.count {
                let end = min(rest.count, start + 4)
                head += rest[start..<end].shuffled(using: &rng)
                start = end
            }
            XCTAssertEqual(run(head), baseline)
        }
        XCTAssertEqual(total, 316)
    }
}
