import SondePacket
import XCTest

final class IPv4Tests: XCTestCase {
    let decoder = PacketDecoder()

    func testOptionsAreSkipped() {
        for optionWords in [1, 4, 10] {
            let options = [UInt8](repeating: 1, count: optionWords * 4)  // NOPs
            let frame = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 17, options: options, Wire.udp(Wire.dnsQuery)))
            let packet = decoder.decode(frame)
            XCTAssertEqual(packet.kind, .dns)
            XCTAssertEqual(packet.ipHeaderLength, 20 + options.count)
            XCTAssertEqual(packet.payload(in: frame), Wire.dnsQuery)
        }
    }

    func testHeaderLengthBelowFiveIsMalformed() {
        for words: UInt8 in [0, 1, 4] {
            let frame = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 17, headerWords: words, Wire.udp(Wire.dnsQuery)))
            XCTAssertEqual(decoder.decode(frame).kind, .malformed(.ipv4HeaderLengthInvalid))
        }
    }

    func testHeaderCutShort() {
        let ip = Wire.ipv4(protocol: 17, options: [1, 1, 1, 1, 1, 1, 1, 1], Wire.udp(Wire.dnsQuery))
        for length in [0, 1, 19, 20, 27] {
            let packet = decoder.decode(Array(ip[0..<length]), linkType: LinkType.ipv4, originalLength: ip.count)
            XCTAssertEqual(packet.kind, .malformed(.ipv4HeaderTruncated), "length \(length)")
            XCTAssertTrue(packet.captureTruncated)
        }
    }

    func testTotalLengthSmallerThanHeader() {
        let ip = Wire.ipv4(protocol: 17, totalLength: 19, Wire.udp(Wire.dnsQuery))
        XCTAssertEqual(decoder.decode(ip, linkType: LinkType.ipv4).kind, .malformed(.ipv4TotalLengthInvalid))
    }

    func testTotalLengthZeroUsesCapturedBytes() {
        let ip = Wire.ipv4(protocol: 17, totalLength: 0, Wire.udp(Wire.dnsQuery))
        let packet = decoder.decode(ip, linkType: LinkType.ipv4)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.payload(in: ip), Wire.dnsQuery)
    }

    func testTotalLengthBeyondCaptureIsSnapLengthCut() {
        // The capture kept 10 bytes of DNS of a datagram that had all of them on the wire.
        let whole = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 17, Wire.udp(Wire.dnsQuery)))
        let captured = Array(whole[0..<(42 + 10)])
        let packet = decoder.decode(captured, originalLength: whole.count)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertTrue(packet.captureTruncated)
        XCTAssertEqual(packet.payloadLength, 10)
        XCTAssertEqual(packet.ipPayloadLength, 18)
        XCTAssertEqual(packet.payload(in: captured), Array(Wire.dnsQuery[0..<10]))
    }

    func testAbsurdTotalLength() {
        // Total Length 65535 in a short frame: the IP payload is clamped to the captured bytes, and
        // the UDP length, which fits, says the DNS payload is whole.
        let ip = Wire.ipv4(protocol: 17, totalLength: 65535, Wire.udp(Wire.dnsQuery))
        let packet = decoder.decode(ip, linkType: LinkType.ipv4)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.ipPayloadLength, 8 + Wire.dnsQuery.count)
        XCTAssertFalse(packet.captureTruncated)
        XCTAssertEqual(packet.payloadLength, Wire.dnsQuery.count)
    }

    func testFragments() {
        let data = [UInt8](repeating: 0xee, count: 24)
        // First fragment: offset 0, MF set.
        var frame = Wire.ethernet(
            type: 0x0800,
            Wire.ipv4(protocol: 17, identification: 0x2222, flagsAndOffset: 0x2000, Wire.udp(length: 4000, data))
        )
        var packet = decoder.decode(frame)
        XCTAssertEqual(packet.kind, .ipFragment)
        XCTAssertEqual(packet.ipIdentification, 0x2222)
        XCTAssertEqual(packet.fragmentOffset, 0)
        XCTAssertTrue(packet.moreFragments)
        XCTAssertEqual(packet.ipProtocol, 17)
        XCTAssertEqual(packet.payloadOffset, 34)
        XCTAssertEqual(packet.payloadLength, 32)
        XCTAssertEqual(packet.source, IPAddress(ipv4: 0xc000_0201))

        // Last fragment: offset 1480, MF clear.
        frame = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 17, identification: 0x2222, flagsAndOffset: 185, data))
        packet = decoder.decode(frame)
        XCTAssertEqual(packet.kind, .ipFragment)
        XCTAssertEqual(packet.fragmentOffset, 1480)
        XCTAssertFalse(packet.moreFragments)
        XCTAssertEqual(packet.payload(in: frame), data)

        // DF alone is no fragment.
        frame = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 17, flagsAndOffset: 0x4000, Wire.udp(Wire.dnsQuery)))
        XCTAssertEqual(decoder.decode(frame).kind, .dns)
    }

    func testOtherProtocols() {
        for ipProtocol: UInt8 in [47, 50, 132, 255] {
            let packet = decoder.decode(Wire.ipv4(protocol: ipProtocol, Wire.udp(Wire.dnsQuery)), linkType: LinkType.ipv4)
            XCTAssertEqual(packet.kind, .notDNS(.otherTransport))
            XCTAssertEqual(packet.ipProtocol, ipProtocol)
        }
    }

    func testEtherTypeAndVersionDisagree() {
        let frame = Wire.ethernet(type: 0x0800, Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery)))
        XCTAssertEqual(decoder.decode(frame).kind, .malformed(.ipVersionMismatch))
        let frame6 = Wire.ethernet(type: 0x86dd, Wire.ipv4(protocol: 17, Wire.udp(Wire.dnsQuery)))
        XCTAssertEqual(decoder.decode(frame6).kind, .malformed(.ipVersionMismatch))
    }
}
