import SondePacket
import XCTest

final class IPv6Tests: XCTestCase {
    let decoder = PacketDecoder()

    func testPlainUDP() {
        let frame = Wire.ethernet(type: 0x86dd, Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery)))
        let packet = decoder.decode(frame)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.source.description, "2001:db8::1")
        XCTAssertEqual(packet.destination.description, "2001:db8::53")
        XCTAssertEqual(packet.ipHeaderLength, 40)
        XCTAssertEqual(packet.payload(in: frame), Wire.dnsQuery)
    }

    func testExtensionHeaderChain() {
        let chain =
            Wire.extensionHeader(next: 43, units: 1)  // Hop-by-Hop -> Routing
            + Wire.extensionHeader(next: 60, units: 3)  // Routing -> Destination Options
            + Wire.extensionHeader(next: 51, units: 2)  // Destination Options -> AH
            + Wire.authenticationHeader(next: 6, icvWords: 3)  // AH -> TCP
        let frame = Wire.ethernet(type: 0x86dd, Wire.ipv6(nextHeader: 0, chain + Wire.tcp(Wire.dnsQuery)))
        let packet = decoder.decode(frame)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.transport, .tcp)
        XCTAssertEqual(packet.ipProtocol, 6)
        XCTAssertEqual(packet.ipHeaderLength, 40 + chain.count)
        XCTAssertEqual(packet.payload(in: frame), Wire.dnsQuery)
    }

    func testFragmentHeader() {
        let data = [UInt8](repeating: 0x42, count: 40)
        let first = Wire.ipv6(
            nextHeader: 0,
            Wire.extensionHeader(next: 44) + Wire.fragmentHeader(next: 17, offset: 0, more: true, identification: 0xdead_beef)
                + Wire.udp(length: 3000, data)
        )
        var packet = decoder.decode(first, linkType: LinkType.ipv6)
        XCTAssertEqual(packet.kind, .ipFragment)
        XCTAssertEqual(packet.ipIdentification, 0xdead_beef)
        XCTAssertEqual(packet.fragmentOffset, 0)
        XCTAssertTrue(packet.moreFragments)
        XCTAssertEqual(packet.ipProtocol, 17)
        XCTAssertEqual(packet.payloadOffset, 40 + 8 + 8)
        XCTAssertEqual(packet.payloadLength, 48)
        XCTAssertEqual(packet.ipHeaderLength, 56)

        let last = Wire.ipv6(nextHeader: 44, Wire.fragmentHeader(next: 17, offset: 1232, more: false, identification: 7) + data)
        packet = decoder.decode(last, linkType: LinkType.ipv6)
        XCTAssertEqual(packet.kind, .ipFragment)
        XCTAssertEqual(packet.fragmentOffset, 1232)
        XCTAssertFalse(packet.moreFragments)
        XCTAssertEqual(packet.payload(in: last), data)
    }

    func testAtomicFragmentIsAWholeDatagram() {
        let ip = Wire.ipv6(nextHeader: 44, Wire.fragmentHeader(next: 17, offset: 0, more: false, identification: 9) + Wire.udp(Wire.dnsQuery))
        let packet = decoder.decode(ip, linkType: LinkType.ipv6)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.payload(in: ip), Wire.dnsQuery)
    }

    func testExtensionHeaderCutShort() {
        // Claims 3 units (24 bytes) with only 16 in the payload.
        let ip = Wire.ipv6(nextHeader: 0, Array(Wire.extensionHeader(next: 17, units: 3)[0..<16]))
        XCTAssertEqual(decoder.decode(ip, linkType: LinkType.ipv6).kind, .malformed(.ipv6ExtensionHeaderTruncated))
        // Payload Length ends inside the header although more bytes were captured (padding).
        let padded = Wire.ipv6(nextHeader: 60, payloadLength: 4, Wire.extensionHeader(next: 17) + Wire.udp(Wire.dnsQuery))
        XCTAssertEqual(decoder.decode(padded, linkType: LinkType.ipv6).kind, .malformed(.ipv6ExtensionHeaderTruncated))
        // Only the next-header byte.
        let oneByte = Wire.ipv6(nextHeader: 43, [17])
        XCTAssertEqual(decoder.decode(oneByte, linkType: LinkType.ipv6).kind, .malformed(.ipv6ExtensionHeaderTruncated))
        // A Fragment header cut short.
        let fragment = Wire.ipv6(nextHeader: 44, [17, 0, 0, 8])
        XCTAssertEqual(decoder.decode(fragment, linkType: LinkType.ipv6).kind, .malformed(.ipv6ExtensionHeaderTruncated))
        // An AH cut short.
        let ah = Wire.ipv6(nextHeader: 51, Array(Wire.authenticationHeader(next: 17, icvWords: 3)[0..<20]))
        XCTAssertEqual(decoder.decode(ah, linkType: LinkType.ipv6).kind, .malformed(.ipv6ExtensionHeaderTruncated))
    }

    func testExtensionHeaderBound() {
        func chain(_ count: Int) -> [UInt8] {
            var headers: [UInt8] = []
            for index in 0..<count { headers += Wire.extensionHeader(next: index == count - 1 ? 17 : 60) }
            return Wire.ipv6(nextHeader: 60, headers + Wire.udp(Wire.dnsQuery))
        }
        XCTAssertEqual(decoder.decode(chain(PacketDecoder.maxIPv6ExtensionHeaders), linkType: LinkType.ipv6).kind, .dns)
        XCTAssertEqual(
            decoder.decode(chain(PacketDecoder.maxIPv6ExtensionHeaders + 1), linkType: LinkType.ipv6).kind,
            .malformed(.ipv6TooManyExtensionHeaders)
        )
    }

    func testPayloadLengthZeroUsesCapturedBytes() {
        let ip = Wire.ipv6(nextHeader: 17, payloadLength: 0, Wire.udp(Wire.dnsQuery))
        let packet = decoder.decode(ip, linkType: LinkType.ipv6)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.payload(in: ip), Wire.dnsQuery)
    }

    func testPaddingAfterPayloadIsTrimmed() {
        let ip = Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery)) + [0, 0, 0, 0]
        let packet = decoder.decode(ip, linkType: LinkType.ipv6)
        XCTAssertEqual(packet.payload(in: ip), Wire.dnsQuery)
        XCTAssertEqual(packet.ipPayloadLength, 8 + Wire.dnsQuery.count)
    }

    func testHeaderCutShortAndSnapLength() {
        let ip = Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery))
        for length in [0, 1, 39] {
            let packet = decoder.decode(Array(ip[0..<length]), linkType: LinkType.ipv6, originalLength: ip.count)
            XCTAssertEqual(packet.kind, .malformed(.ipv6HeaderTruncated))
            XCTAssertTrue(packet.captureTruncated)
        }
        let cut = Array(ip[0..<(48 + 5)])
        let packet = decoder.decode(cut, linkType: LinkType.ipv6, originalLength: ip.count)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertTrue(packet.captureTruncated)
        XCTAssertEqual(packet.payloadLength, 5)
    }

    func testNoNextHeader() {
        let ip = Wire.ipv6(nextHeader: 59, [])
        XCTAssertEqual(decoder.decode(ip, linkType: LinkType.ipv6).kind, .notDNS(.otherTransport))
    }
}
