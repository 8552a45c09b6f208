import SondePacket
import XCTest

final class LinkLayerTests: XCTestCase {
    let decoder = PacketDecoder()
    let udpQuery = Wire.ipv4(protocol: 17, Wire.udp(Wire.dnsQuery))

    func testEthernetIPv4UDP() {
        let frame = Wire.ethernet(type: 0x0800, udpQuery)
        let packet = decoder.decode(frame)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.family, .v4)
        XCTAssertEqual(packet.source, IPAddress(ipv4: 0xc000_0201))
        XCTAssertEqual(packet.destination, IPAddress(ipv4: 0xc000_0235))
        XCTAssertEqual(packet.sourcePort, 40000)
        XCTAssertEqual(packet.destinationPort, 53)
        XCTAssertEqual(packet.transport, .udp)
        XCTAssertEqual(packet.ipProtocol, 17)
        XCTAssertEqual(packet.networkOffset, 14)
        XCTAssertEqual(packet.ipHeaderLength, 20)
        XCTAssertEqual(packet.ipPayloadOffset, 34)
        XCTAssertEqual(packet.ipPayloadLength, 8 + Wire.dnsQuery.count)
        XCTAssertEqual(packet.payloadOffset, 42)
        XCTAssertEqual(packet.payload(in: frame), Wire.dnsQuery)
        XCTAssertFalse(packet.captureTruncated)
        XCTAssertEqual(packet.vlanTagCount, 0)
        XCTAssertTrue(packet.isDNS)
    }

    func testEthernetPaddingIsTrimmed() {
        // A 12-byte DNS header alone makes a 54-byte frame, padded to the 60-byte minimum plus an FCS.
        let frame = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 17, Wire.udp(Array(Wire.dnsQuery[0..<12]))))
            + [UInt8](repeating: 0, count: 10)
        let packet = decoder.decode(frame)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.payload(in: frame), Array(Wire.dnsQuery[0..<12]))
        XCTAssertFalse(packet.captureTruncated)
    }

    func testSingleVLANTag() {
        let frame = Wire.ethernet(type: 0x0800, tags: [(0x8100, 0xa064)], udpQuery)  // PCP 5, VLAN 100
        let packet = decoder.decode(frame)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.vlanTagCount, 1)
        XCTAssertEqual(packet.vlanID, 100)
        XCTAssertEqual(packet.networkOffset, 18)
        XCTAssertEqual(packet.payload(in: frame), Wire.dnsQuery)
    }

    func testQinQAndStackedTags() {
        for tags: [(tpid: UInt16, tci: UInt16)] in [
            [(0x88a8, 200), (0x8100, 300)],
            [(0x9100, 200), (0x8100, 300)],
            [(0x88a8, 1), (0x9100, 2), (0x9200, 3), (0x8100, 300)],
        ] {
            let frame = Wire.ethernet(type: 0x86dd, tags: tags, Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery)))
            let packet = decoder.decode(frame)
            XCTAssertEqual(packet.kind, .dns)
            XCTAssertEqual(packet.family, .v6)
            XCTAssertEqual(Int(packet.vlanTagCount), tags.count)
            XCTAssertEqual(packet.vlanID, 300)
            XCTAssertEqual(packet.networkOffset, 14 + 4 * tags.count)
            XCTAssertEqual(packet.payload(in: frame), Wire.dnsQuery)
        }
    }

    func testLinkHeaderCutShort() {
        let tagged = Wire.ethernet(type: 0x0800, tags: [(0x8100, 1), (0x8100, 2)], udpQuery)
        for length in [0, 1, 13, 14 + 3, 18 + 3] {
            let packet = decoder.decode(Array(tagged[0..<length]), originalLength: tagged.count)
            XCTAssertEqual(packet.kind, .malformed(.linkHeaderTruncated), "length \(length)")
            XCTAssertTrue(packet.captureTruncated)
        }
        // Cut on the wire rather than by the capture.
        let packet = decoder.decode(Array(tagged[0..<16]))
        XCTAssertEqual(packet.kind, .malformed(.linkHeaderTruncated))
        XCTAssertFalse(packet.captureTruncated)
    }

    func testNonIPEtherTypes() {
        for type: UInt16 in [0x0806, 0x88cc, 0x002e, 0x8847] {
            XCTAssertEqual(decoder.decode(Wire.ethernet(type: type, udpQuery)).kind, .notDNS(.nonIPProtocol))
        }
    }

    func testLinuxCookedV1() {
        let header: [UInt8] = [0, 0, 0, 1, 0, 6] + [UInt8](repeating: 0xab, count: 8) + Wire.be16(0x0800)
        let frame = header + udpQuery
        let packet = decoder.decode(frame, linkType: LinkType.linuxSLL)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.networkOffset, 16)
        XCTAssertEqual(packet.payload(in: frame), Wire.dnsQuery)
        XCTAssertEqual(decoder.decode(Array(header[0..<15]), linkType: LinkType.linuxSLL).kind, .malformed(.linkHeaderTruncated))
        let arp = [UInt8](header[0..<14]) + Wire.be16(0x0806) + udpQuery
        XCTAssertEqual(decoder.decode(arp, linkType: LinkType.linuxSLL).kind, .notDNS(.nonIPProtocol))
    }

    func testLinuxCookedV2() {
        let header: [UInt8] = Wire.be16(0x86dd) + [0, 0] + Wire.be32(1) + [0, 1, 0, 6] + [UInt8](repeating: 0xab, count: 8)
        XCTAssertEqual(header.count, 20)
        let frame = header + Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery))
        let packet = decoder.decode(frame, linkType: LinkType.linuxSLL2)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.family, .v6)
        XCTAssertEqual(packet.networkOffset, 20)
        XCTAssertEqual(packet.payload(in: frame), Wire.dnsQuery)
        XCTAssertEqual(decoder.decode(Array(header[0..<19]), linkType: LinkType.linuxSLL2).kind, .malformed(.linkHeaderTruncated))
    }

    func testRawIP() {
        let v6 = Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery))
        for linkType in [LinkType.raw, LinkType.rawDLT12, LinkType.rawDLT14] {
            XCTAssertEqual(decoder.decode(udpQuery, linkType: linkType).family, .v4)
            XCTAssertEqual(decoder.decode(udpQuery, linkType: linkType).kind, .dns)
            XCTAssertEqual(decoder.decode(v6, linkType: linkType).family, .v6)
            XCTAssertEqual(decoder.decode(v6, linkType: linkType).kind, .dns)
            XCTAssertEqual(decoder.decode([], linkType: linkType).kind, .malformed(.ipVersionInvalid))
            XCTAssertEqual(decoder.decode([0x50] + udpQuery.dropFirst(), linkType: linkType).kind, .malformed(.ipVersionInvalid))
        }
        XCTAssertEqual(decoder.decode(udpQuery, linkType: LinkType.ipv4).kind, .dns)
        XCTAssertEqual(decoder.decode(v6, linkType: LinkType.ipv6).kind, .dns)
        XCTAssertEqual(decoder.decode(udpQuery, linkType: LinkType.ipv6).kind, .malformed(.ipVersionMismatch))
        XCTAssertEqual(decoder.decode(v6, linkType: LinkType.ipv4).kind, .malformed(.ipVersionMismatch))
        XCTAssertEqual(decoder.decode([], linkType: LinkType.ipv4).kind, .malformed(.ipv4HeaderTruncated))
        XCTAssertEqual(decoder.decode([], linkType: LinkType.ipv6).kind, .malformed(.ipv6HeaderTruncated))
    }

    func testBSDNullInBothByteOrders() {
        let v6 = Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery))
        for family: UInt32 in [2, 24, 28, 30] {
            let payload = family == 2 ? udpQuery : v6
            for header in [Wire.be32(family), Array(Wire.be32(family).reversed())] {
                let packet = decoder.decode(header + payload, linkType: LinkType.null)
                XCTAssertEqual(packet.kind, .dns, "family \(family)")
                XCTAssertEqual(packet.family, family == 2 ? .v4 : .v6)
                XCTAssertEqual(packet.networkOffset, 4)
            }
        }
        XCTAssertEqual(decoder.decode(Wire.be32(7) + udpQuery, linkType: LinkType.null).kind, .notDNS(.nonIPProtocol))
        XCTAssertEqual(decoder.decode([2, 0, 0], linkType: LinkType.null).kind, .malformed(.linkHeaderTruncated))
    }

    func testOpenBSDLoop() {
        XCTAssertEqual(decoder.decode(Wire.be32(2) + udpQuery, linkType: LinkType.loop).kind, .dns)
        let v6 = Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery))
        XCTAssertEqual(decoder.decode(Wire.be32(24) + v6, linkType: LinkType.loop).kind, .dns)
        // Network order only: a little-endian 2 is family 0x02000000.
        XCTAssertEqual(decoder.decode([2, 0, 0, 0] + udpQuery, linkType: LinkType.loop).kind, .notDNS(.nonIPProtocol))
        XCTAssertEqual(decoder.decode([0, 0], linkType: LinkType.loop).kind, .malformed(.linkHeaderTruncated))
    }

    func testUnsupportedLinkType() {
        XCTAssertEqual(decoder.decode(udpQuery, linkType: 147).kind, .notDNS(.unsupportedLinkType))
        XCTAssertEqual(decoder.decode([], linkType: 0xffff_ffff).kind, .notDNS(.unsupportedLinkType))
    }
}
