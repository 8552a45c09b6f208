import SondePacket
import XCTest

/// Real captures from the shared corpus (`<repo>/../shared/corpus/pcap`), checked against the counts
/// in their `*.summary.json`. Skipped when the corpus is absent.
final class CorpusTests: XCTestCase {
    /// The ports DNS listens on in the corpus network (see the corpus README).
    static let corpusPorts: PortSet = [53, 5300, 5302, 5303, 5310, 5320]

    struct Tally {
        var records = 0
        var dns = 0
        var udpDNS = 0
        /// UDP DNS datagrams with fewer than 2 payload bytes, which tshark does not call DNS.
        var udpDNSTiny = 0
        var tcpDNS = 0
        var tcpDNSWithPayload = 0
        var icmpQuoted = 0
        var fragments: [DecodedPacket] = []
        var malformed = 0
        var notDNS = 0
        var vlanTags: [UInt8: Int] = [:]
        var ipv6DNS = 0
    }

    func directory() -> String? {
        guard let directory = Corpus.pcapDirectory() else {
            print("CorpusTests: no corpus at <repo>/../shared/corpus/pcap or /work/shared/corpus/pcap; skipping")
            return nil
        }
        return directory
    }

    func tally(_ file: [UInt8], ports: PortSet = [53], chunking: Feeder.Chunking = .whole) throws -> (Tally, [RecordSnapshot]) {
        let decoder = PacketDecoder(ports: ports)
        var tally = Tally()
        let result = try Feeder.decode(file, chunking: chunking) { record, bytes in
            let packet = decoder.decode(linkType: record.linkType, packet: bytes, originalLength: record.originalLength)
            tally.records += 1
            // Whatever the bytes, the offsets stay inside the captured packet.
            XCTAssertLessThanOrEqual(packet.payloadOffset + packet.payloadLength, bytes.count)
            XCTAssertLessThanOrEqual(packet.ipPayloadOffset + packet.ipPayloadLength, bytes.count)
            XCTAssertGreaterThanOrEqual(packet.payloadLength, 0)
            switch packet.kind {
            case .dns:
                tally.dns += 1
                tally.vlanTags[packet.vlanTagCount, default: 0] += 1
                if packet.family == .v6 { tally.ipv6DNS += 1 }
                if packet.transport == .udp { tally.udpDNS += 1 }
                if packet.transport == .udp && packet.payloadLength < 2 { tally.udpDNSTiny += 1 }
                if packet.transport == .tcp {
                    tally.tcpDNS += 1
                    if packet.payloadLength > 0 { tally.tcpDNSWithPayload += 1 }
                }
            case .icmpQuotedDNS: tally.icmpQuoted += 1
            case .ipFragment: tally.fragments.append(packet)
            case .malformed: tally.malformed += 1
            case .notDNS: tally.notDNS += 1
            }
        }
        return (tally, result.records)
    }

    func summary(_ directory: String, _ name: String) throws -> [String: Any] {
        try FileSystem.json("\(directory)/\(name).summary.json")
    }

    func testEveryCaptureDecodes() throws {
        guard let directory = directory() else { return }
        let names = try FileSystem.list(directory, suffix: ".pcap")
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let (tally, _) = try tally(FileSystem.read("\(directory)/\(name)"))
            XCTAssertGreaterThan(tally.records, 0, name)
            XCTAssertEqual(tally.malformed, 0, name)  // damage in the corpus is in DNS, not in headers
        }
    }

    func testVLANCapture() throws {
        guard let directory = directory(), FileSystem.exists("\(directory)/edge-vlan.pcap") else { return }
        let (tally, _) = try tally(FileSystem.read("\(directory)/edge-vlan.pcap"))
        XCTAssertEqual(tally.dns, 32)
        XCTAssertEqual(tally.dns, try summary(directory, "edge-vlan.pcap")["dns_frames"] as? Int)
        XCTAssertEqual(tally.vlanTags, [1: 24, 2: 8])  // 12 pairs with 802.1Q, 4 QinQ pairs
    }

    func testLoopbackCaptureMatchesReference() throws {
        guard let directory = directory(), FileSystem.exists("\(directory)/lo-mixed.pcap") else { return }
        let reference = try summary(directory, "lo-mixed.pcap")
        let (tally, _) = try tally(FileSystem.read("\(directory)/lo-mixed.pcap"), ports: Self.corpusPorts)
        XCTAssertEqual(tally.records, 2075)
        XCTAssertEqual(tally.icmpQuoted, reference["icmp_quoted"] as? Int)
        // One DNS message per UDP datagram, so UDP frames and UDP messages agree with tshark, except
        // the corpus's "1-byte datagram" query, which tshark does not dissect as DNS at all.
        XCTAssertEqual(tally.udpDNSTiny, 1)
        XCTAssertEqual(tally.udpDNS - tally.udpDNSTiny, (reference["transport"] as? [String: Int])?["udp"])
        // tshark puts each TCP message on the segment that completes it: at most one frame per segment
        // with data, and a segment may complete several (pipelining).
        let tcpMessages = (reference["transport"] as? [String: Int])?["tcp"] ?? 0
        XCTAssertGreaterThan(tally.tcpDNSWithPayload, 0)
        XCTAssertLessThanOrEqual(tally.tcpDNSWithPayload, tcpMessages * 2)
        XCTAssertGreaterThan(tally.ipv6DNS, 0)
        XCTAssertTrue(tally.fragments.isEmpty)
        // With port 53 alone, the DNS on the other ports is gone.
        let (only53, _) = try self.tally(FileSystem.read("\(directory)/lo-mixed.pcap"))
        XCTAssertLessThan(only53.dns, tally.dns)
    }

    func testFragmentedCapture() throws {
        guard let directory = directory(), FileSystem.exists("\(directory)/edge-ipv4-fragmented.pcap") else { return }
        let (tally, _) = try tally(FileSystem.read("\(directory)/edge-ipv4-fragmented.pcap"))
        XCTAssertEqual(tally.dns, 1)  // the query; the two answers are in fragments
        XCTAssertEqual(tally.fragments.count, 6)
        for identification: UInt32 in [0x2222, 0x2223] {
            let fragments = tally.fragments.filter { $0.ipIdentification == identification }
            XCTAssertEqual(fragments.count, 3)
            XCTAssertEqual(fragments.filter { !$0.moreFragments }.count, 1)
            XCTAssertTrue(fragments.allSatisfy { $0.ipProtocol == 17 && $0.fragmentOffset % 8 == 0 })
            // Offsets and lengths tile the datagram: the 3,869-byte answer plus the UDP header.
            let total = fragments.map(\.payloadLength).reduce(0, +)
            let last = fragments.first { !$0.moreFragments }!
            XCTAssertEqual(last.fragmentOffset + last.payloadLength, total)
        }
    }

    func testDamagedMessagesAreStillDNSPackets() throws {
        guard let directory = directory() else { return }
        for name in ["edge-malformed.pcap", "edge-compression-loop.pcap", "gen-sample.pcap"] where FileSystem.exists("\(directory)/\(name)") {
            let reference = try summary(directory, name)
            let (tally, _) = try tally(FileSystem.read("\(directory)/\(name)"))
            XCTAssertEqual(tally.udpDNS - tally.udpDNSTiny, (reference["transport"] as? [String: Int])?["udp"], name)
        }
    }

    func testChunkingDoesNotChangeRealRecords() throws {
        guard let directory = directory(), FileSystem.exists("\(directory)/lo-mixed.pcap") else { return }
        let file = try FileSystem.read("\(directory)/lo-mixed.pcap")
        let whole = try Feeder.decode(file, chunking: .whole).records
        XCTAssertEqual(whole.count, 2075)
        for (seed, maximum) in [(21, 17), (22, 1500), (23, 70000)] {
            XCTAssertEqual(try Feeder.decode(file, chunking: .random(seed: UInt64(seed), maximum: maximum)).records, whole)
        }
    }

    /// Rewrites a real pcap as pcapng (two interfaces with different clocks, alternating) and checks
    /// that both files give the same packets, times and verdicts.
    func testPcapngBuiltFromRealCapture() throws {
        guard let directory = directory() else { return }
        for name in ["lo-mixed.pcap", "edge-vlan.pcap"] where FileSystem.exists("\(directory)/\(name)") {
            let file = try FileSystem.read("\(directory)/\(name)")
            let (pcapTally, records) = try tally(file, ports: Self.corpusPorts)
            var writer = PcapngWriter()
            writer.sectionHeader()
            writer.interface(linkType: UInt16(records[0].linkType), snapLength: 262_144)  // microseconds
            writer.interface(linkType: UInt16(records[0].linkType), snapLength: 262_144, tsresol: 9, tsoffset: -1_000_000_000)
            writer.opaque(type: 5, length: 24)
            for (index, record) in records.enumerated() {
                let nanoseconds = UInt64(record.timestampNanoseconds)
                if index % 2 == 0 {
                    writer.enhancedPacket(interface: 0, ticks: nanoseconds / 1000, data: record.data, originalLength: record.originalLength)
                } else {
                    writer.enhancedPacket(interface: 1, ticks: nanoseconds + 1_000_000_000_000_000_000, data: record.data, originalLength: record.originalLength, withOptions: true)
                }
            }
            let (pcapngTally, pcapngRecords) = try tally(writer.bytes, ports: Self.corpusPorts, chunking: .random(seed: 31, maximum: 9000))
            XCTAssertEqual(pcapngRecords.count, records.count)
            for (index, (a, b)) in zip(records, pcapngRecords).enumerated() {
                XCTAssertEqual(b.interfaceID, UInt32(index % 2))
                var a = a
                a.interfaceID = b.interfaceID
                XCTAssertEqual(a, b, "\(name) record \(index)")
            }
            XCTAssertEqual(pcapngTally.dns, pcapTally.dns)
            XCTAssertEqual(pcapngTally.icmpQuoted, pcapTally.icmpQuoted)
            XCTAssertEqual(pcapngTally.udpDNS, pcapTally.udpDNS)
        }
    }
}
