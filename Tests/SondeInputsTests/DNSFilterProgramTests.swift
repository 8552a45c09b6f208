#if canImport(Glibc)
import Foundation
import SondeCore
import XCTest

@testable import SondeInputs

/// Sonde's own default filter (`DNSFilterProgram`), run by the classic BPF interpreter of BPFCompilerTests on
/// packets of every link kind, with and without VLAN tags: it keeps exactly the DNS ports and the IP fragments,
/// and it decides as libpcap's program for the same expression does.
final class DNSFilterProgramTests: XCTestCase {
    let ports: [UInt16] = [53, 5353]

    /// An IP packet and whether the default filter must keep it.
    struct Case {
        var name: String
        var ip: [UInt8]
        var keep: Bool
        var v6: Bool
    }

    /// IPv4 and IPv6, UDP and TCP, on and off the ports, fragments, and other protocols.
    var cases: [Case] {
        var out: [Case] = []
        for (t, tn) in [(Frames.Transport.udp, "udp"), (.tcp, "tcp")] {
            out.append(Case(name: "\(tn)4 to 53", ip: Frames.ipv4(t, source: 40000, destination: 53), keep: true, v6: false))
            out.append(Case(name: "\(tn)4 from 5353", ip: Frames.ipv4(t, source: 5353, destination: 40000), keep: true, v6: false))
            out.append(Case(name: "\(tn)4 to 80", ip: Frames.ipv4(t, source: 40000, destination: 80), keep: false, v6: false))
            out.append(Case(name: "\(tn)6 to 53", ip: Frames.ipv6(t, source: 40000, destination: 53), keep: true, v6: true))
            out.append(Case(name: "\(tn)6 from 53", ip: Frames.ipv6(t, source: 53, destination: 40000), keep: true, v6: true))
            out.append(Case(name: "\(tn)6 to 443", ip: Frames.ipv6(t, source: 40000, destination: 443), keep: false, v6: true))
        }
        // A first fragment carries its ports; the others carry none and are all kept.
        var first = Frames.ipv4(.udp, source: 53, destination: 40000)
        first[6] = 0x20
        out.append(Case(name: "first fragment from 53", ip: first, keep: true, v6: false))
        var firstOff = Frames.ipv4(.udp, source: 123, destination: 40000)
        firstOff[6] = 0x20
        out.append(Case(name: "first fragment from 123", ip: firstOff, keep: false, v6: false))
        out.append(Case(name: "later fragment", ip: Frames.ipv4(.udp, source: 1, destination: 2, fragmentOffset: 185), keep: true, v6: false))
        out.append(Case(name: "IPv6 fragment", ip: Frames.ipv6Fragment(), keep: true, v6: true))
        // A header longer than 20 bytes (options): the ports move.
        var options = Frames.ipv4(.udp, source: 40000, destination: 53)
        options[0] = 0x46
        options.insert(contentsOf: [1, 1, 1, 0], at: 20)
        out.append(Case(name: "IPv4 options, to 53", ip: options, keep: true, v6: false))
        var icmp = Frames.ipv4(.udp, source: 40000, destination: 53)
        icmp[9] = 1
        out.append(Case(name: "ICMP", ip: icmp, keep: false, v6: false))
        // SCTP on the port is kept, as libpcap's `port` keeps it (the decoder then counts it as not DNS).
        var sctp = Frames.ipv6(.udp, source: 40000, destination: 53)
        sctp[6] = 132
        out.append(Case(name: "IPv6 SCTP to 53", ip: sctp, keep: true, v6: true))
        var gre = Frames.ipv6(.udp, source: 40000, destination: 53)
        gre[6] = 47
        out.append(Case(name: "IPv6 GRE", ip: gre, keep: false, v6: true))
        return out
    }

    func tag(_ tpid: UInt16, vlan: UInt16, _ type: UInt16) -> [UInt8] {
        [UInt8(tpid >> 8), UInt8(tpid & 0xFF), UInt8(vlan >> 8), UInt8(vlan & 0xFF), UInt8(type >> 8), UInt8(type & 0xFF)]
    }

    func testEthernetWithZeroOneAndTwoTags() throws {
        let program = try DNSFilterProgram.make(ports: ports, frame: .ethernet)
        for c in cases {
            let type: UInt16 = c.v6 ? 0x86DD : 0x0800
            let macs = [UInt8](repeating: 0x02, count: 12)
            XCTAssertEqual(BPF.run(program, Frames.ethernet(c.ip, type: type)), c.keep, "untagged \(c.name)")
            XCTAssertEqual(BPF.run(program, macs + tag(0x8100, vlan: 10, type) + c.ip), c.keep, "802.1Q \(c.name)")
            XCTAssertEqual(BPF.run(program, macs + tag(0x88A8, vlan: 20, 0x8100) + [0, 10, UInt8(type >> 8), UInt8(type & 0xFF)] + c.ip), c.keep, "QinQ \(c.name)")
        }
        XCTAssertFalse(BPF.run(program, Frames.ethernet([UInt8](repeating: 0, count: 28), type: 0x0806)), "ARP")
        XCTAssertFalse(BPF.run(program, [UInt8](repeating: 2, count: 12) + tag(0x8100, vlan: 10, 0x0806) + [UInt8](repeating: 0, count: 28)), "tagged ARP")
        XCTAssertFalse(BPF.run(program, Frames.ethernet([0x45, 0, 0])), "a frame cut inside the IP header")
    }

    func testRawIP() throws {
        let program = try DNSFilterProgram.make(ports: ports, frame: .raw)
        for c in cases { XCTAssertEqual(BPF.run(program, c.ip), c.keep, c.name) }
        XCTAssertFalse(BPF.run(program, [0x50] + [UInt8](repeating: 0, count: 40)), "IP version 5")
    }

    func testCookedReadsTheProtocolFromTheSocketBuffer() throws {
        let program = try DNSFilterProgram.make(ports: ports, frame: .cooked)
        for c in cases {
            let type: UInt16 = c.v6 ? 0x86DD : 0x0800
            XCTAssertEqual(BPF.run(program, c.ip, protocol: type), c.keep, c.name)
            // An inner tag the kernel left: TCI, EtherType, then the packet.
            XCTAssertEqual(BPF.run(program, [0, 30, UInt8(type >> 8), UInt8(type & 0xFF)] + c.ip, protocol: 0x8100), c.keep, "inner tag \(c.name)")
            XCTAssertFalse(BPF.run(program, c.ip, protocol: 0x0806), "as ARP: \(c.name)")
            // With 802.1ad outside 802.1Q the kernel says IP and leaves the inner tag in the data (seen on veth).
            XCTAssertEqual(BPF.run(program, [0, 30, UInt8(type >> 8), UInt8(type & 0xFF)] + c.ip, protocol: type), c.keep, "inner tag, IP protocol \(c.name)")
        }
    }

    /// The capture loop's reading of a cooked frame: an IP header, or an inner tag first (its VLAN is then the event's).
    func testInnerTagsOfCookedFrames() {
        func check(_ bytes: [UInt8], _ type: UInt16, _ expected: Bool, _ what: String) {
            bytes.withUnsafeBytes { XCTAssertEqual(LiveCaptureInput.startsWithInnerTag($0, etherType: type, wireLength: bytes.count), expected, what) }
        }
        let v4 = Frames.ipv4(.udp, source: 40000, destination: 53)
        let v6 = Frames.ipv6(.udp, source: 40000, destination: 53)
        check(v4, 0x0800, false, "IPv4")
        check(v6, 0x86DD, false, "IPv6")
        check([0, 30, 0x08, 0] + v4, 0x8100, true, "the protocol says tag")
        check([0, 30, 0x08, 0] + v4, 0x0800, true, "the protocol says IPv4, the data starts with a tag")
        check([0, 30, 0x86, 0xDD] + v6, 0x86DD, true, "the protocol says IPv6, the data starts with a tag")
        // Priority 2: the TCI's first byte reads as version 4, header length 5; the length 0x0800 does not fit.
        check([0x45, 30, 0x08, 0] + v4, 0x0800, true, "a tag that looks like IPv4 at first")
    }

    func testBSDLoopbackInEitherByteOrder() throws {
        let program = try DNSFilterProgram.make(ports: ports, frame: .null)
        for c in cases {
            let families: [UInt32] = c.v6 ? [24, 28, 30] : [2]
            for family in families {
                let big = [UInt8(family >> 24), UInt8(family >> 16 & 0xFF), UInt8(family >> 8 & 0xFF), UInt8(family & 0xFF)]
                XCTAssertEqual(BPF.run(program, big + c.ip), c.keep, "\(c.name), family \(family) big-endian")
                XCTAssertEqual(BPF.run(program, big.reversed() + c.ip), c.keep, "\(c.name), family \(family) little-endian")
            }
        }
    }

    func testPortLimits() throws {
        let many = (1...100).map { UInt16($0) }
        let program = try DNSFilterProgram.make(ports: many, frame: .ethernet)
        XCTAssertTrue(BPF.run(program, Frames.ethernet(Frames.ipv4(.udp, source: 40000, destination: 100))))
        XCTAssertTrue(BPF.run(program, Frames.ethernet(Frames.ipv6(.tcp, source: 1, destination: 40000), type: 0x86DD)))
        XCTAssertFalse(BPF.run(program, Frames.ethernet(Frames.ipv4(.udp, source: 40000, destination: 101))))
        XCTAssertThrowsError(try DNSFilterProgram.make(ports: many + [101], frame: .ethernet))
        XCTAssertThrowsError(try DNSFilterProgram.make(ports: [], frame: .raw))
        XCTAssertLessThan(program.count, 4096)
    }

    /// The same decisions as libpcap's program for the default expression, on every case and on every packet of the
    /// shared corpus's Ethernet capture; libpcap's raw-IP program stands for the cooked one (its offsets are a cooked
    /// socket's, the EtherType aside).
    func testTheSameDecisionsAsLibpcap() throws {
        let expression = CaptureConfiguration.defaultFilter(ports: ports)
        let theirs: [BPFInstruction]
        let theirsRaw: [BPFInstruction]
        do {
            theirs = try BPFCompiler.compile(expression, linkType: 1)
            theirsRaw = try BPFCompiler.compile(expression, linkType: 101)
        } catch let e as SondeError where e.description.contains("not installed") || e.description.contains("switched off") {
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw e }
            throw XCTSkip("libpcap is not installed (apt-get install libpcap0.8)")
        }
        let ours = try DNSFilterProgram.make(ports: ports, frame: .ethernet)
        let raw = try DNSFilterProgram.make(ports: ports, frame: .raw)
        let cooked = try DNSFilterProgram.make(ports: ports, frame: .cooked)
        for c in cases {
            let frame = Frames.ethernet(c.ip, type: c.v6 ? 0x86DD : 0x0800)
            XCTAssertEqual(BPF.run(ours, frame), BPF.run(theirs, frame), c.name)
            XCTAssertEqual(BPF.run(raw, c.ip), BPF.run(theirsRaw, c.ip), c.name)
            XCTAssertEqual(BPF.run(cooked, c.ip, protocol: c.v6 ? 0x86DD : 0x0800), BPF.run(theirsRaw, c.ip), c.name)
        }
        // Every packet of a real capture (Ethernet, DNS on many ports, ICMP, fragments), when the corpus is here.
        var repo = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { repo.deleteLastPathComponent() }
        let corpus = repo.deletingLastPathComponent().appendingPathComponent("shared/corpus/pcap/lo-mixed.pcap")
        guard let data = FileManager.default.contents(atPath: corpus.path) else { return }
        let bytes = [UInt8](data)
        var offset = 24
        var compared = 0
        var kept = 0
        while offset + 16 <= bytes.count {
            let length = Int(bytes[offset + 8]) | Int(bytes[offset + 9]) << 8 | Int(bytes[offset + 10]) << 16 | Int(bytes[offset + 11]) << 24
            let frame = Array(bytes[(offset + 16)..<min(bytes.count, offset + 16 + length)])
            let decision = BPF.run(ours, frame)
            XCTAssertEqual(decision, BPF.run(theirs, frame), "lo-mixed packet at byte \(offset)")
            compared += 1
            kept += decision ? 1 : 0
            offset += 16 + length
        }
        XCTAssertEqual(compared, 2075)
        XCTAssertGreaterThan(kept, 0)
        print("lo-mixed: \(compared) packets, \(kept) kept by both programs (ports \(ports))")
    }
}
#endif
