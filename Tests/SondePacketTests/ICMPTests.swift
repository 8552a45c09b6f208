import SondePacket
import XCTest

final class ICMPTests: XCTestCase {
    let decoder = PacketDecoder()

    /// The start of a DNS query to port 53 as an ICMP error quotes it: IP header + 8 bytes of UDP.
    let quotedQuery = Wire.ipv4(source: 0x7f00_0001, destination: 0x7f00_0063, protocol: 17, Array(Wire.udp(source: 31000, destination: 53, Wire.dnsQuery)[0..<8]))

    func icmp4(_ message: [UInt8]) -> [UInt8] {
        Wire.ethernet(type: 0x0800, Wire.ipv4(source: 0x7f00_0063, destination: 0x7f00_0001, protocol: 1, message))
    }

    func testPortUnreachableQuotingDNS() {
        for type: UInt8 in [3, 4, 5, 11, 12] {
            let packet = decoder.decode(icmp4(Wire.icmp(type: type, code: 3, quotedQuery)))
            XCTAssertEqual(packet.kind, .icmpQuotedDNS, "type \(type)")
            XCTAssertEqual(packet.sourcePort, 31000)
            XCTAssertEqual(packet.destinationPort, 53)
            XCTAssertEqual(packet.transport, .udp)
            XCTAssertEqual(packet.ipProtocol, 1)
            XCTAssertEqual(packet.source.description, "127.0.0.99")
            XCTAssertEqual(packet.payloadOffset, 14 + 20 + 8)
            XCTAssertEqual(packet.payloadLength, quotedQuery.count)
        }
    }

    func testQuotedTCPAndQuotedOptions() {
        let tcp = Wire.ipv4(protocol: 6, options: [1, 1, 1, 0], Array(Wire.tcp(source: 53, destination: 4000, [])[0..<8]))
        XCTAssertEqual(decoder.decode(icmp4(Wire.icmp(type: 11, tcp))).kind, .icmpQuotedDNS)
        XCTAssertEqual(decoder.decode(icmp4(Wire.icmp(type: 11, tcp))).transport, .tcp)
    }

    func testOtherICMP() {
        // Echo request.
        XCTAssertEqual(decoder.decode(icmp4(Wire.icmp(type: 8, quotedQuery))).kind, .notDNS(.icmp))
        // An error about NTP.
        let ntp = Wire.ipv4(protocol: 17, Array(Wire.udp(source: 123, destination: 123, [])[0..<8]))
        XCTAssertEqual(decoder.decode(icmp4(Wire.icmp(type: 3, ntp))).kind, .notDNS(.icmp))
        // An error about a later fragment, which quotes no ports.
        let fragment = Wire.ipv4(protocol: 17, flagsAndOffset: 100, [0, 53, 0, 53, 0, 0, 0, 0])
        XCTAssertEqual(decoder.decode(icmp4(Wire.icmp(type: 3, fragment))).kind, .notDNS(.icmp))
        // An error about GRE.
        XCTAssertEqual(decoder.decode(icmp4(Wire.icmp(type: 3, Wire.ipv4(protocol: 47, [0, 0, 0, 0])))).kind, .notDNS(.icmp))
    }

    func testQuoteCutShort() {
        for length in [0, 7] {
            XCTAssertEqual(decoder.decode(icmp4(Array(Wire.icmp(type: 3, [])[0..<length]))).kind, .malformed(.icmpTruncated))
        }
        for quoteLength in [0, 19, 20, 23] {
            let packet = decoder.decode(icmp4(Wire.icmp(type: 3, Array(quotedQuery[0..<quoteLength]))))
            XCTAssertEqual(packet.kind, .malformed(.icmpTruncated), "quote \(quoteLength)")
        }
        // 4 bytes of UDP are enough for the ports.
        XCTAssertEqual(decoder.decode(icmp4(Wire.icmp(type: 3, Array(quotedQuery[0..<24])))).kind, .icmpQuotedDNS)
    }

    func testQuoteWithBrokenHeader() {
        var broken = quotedQuery
        broken[0] = 0x44  // IHL 4
        XCTAssertEqual(decoder.decode(icmp4(Wire.icmp(type: 3, broken))).kind, .malformed(.icmpQuoteInvalid))
        broken[0] = 0x65  // version 6
        XCTAssertEqual(decoder.decode(icmp4(Wire.icmp(type: 3, broken))).kind, .malformed(.icmpQuoteInvalid))
    }

    func icmp6(_ message: [UInt8]) -> [UInt8] {
        Wire.ethernet(type: 0x86dd, Wire.ipv6(source: Wire.doc6a, destination: Wire.doc6b, nextHeader: 58, message))
    }

    func testICMPv6ErrorsQuotingDNS() {
        let quoted = Wire.ipv6(nextHeader: 17, Wire.udp(source: 5555, destination: 53, Wire.dnsQuery))
        for type: UInt8 in 1...4 {
            let packet = decoder.decode(icmp6(Wire.icmp(type: type, quoted)))
            XCTAssertEqual(packet.kind, .icmpQuotedDNS, "type \(type)")
            XCTAssertEqual(packet.destinationPort, 53)
            XCTAssertEqual(packet.family, .v6)
            XCTAssertEqual(packet.ipProtocol, 58)
        }
        // Through a quoted extension header and a quoted first fragment.
        let withHeaders = Wire.ipv6(
            nextHeader: 60,
            Wire.extensionHeader(next: 44) + Wire.fragmentHeader(next: 17, offset: 0, more: true, identification: 1)
                + Wire.udp(source: 5555, destination: 53, Wire.dnsQuery)
        )
        XCTAssertEqual(decoder.decode(icmp6(Wire.icmp(type: 2, withHeaders))).kind, .icmpQuotedDNS)
        // A quoted later fragment.
        let later = Wire.ipv6(nextHeader: 44, Wire.fragmentHeader(next: 17, offset: 8, more: true, identification: 1) + [0, 53, 0, 53])
        XCTAssertEqual(decoder.decode(icmp6(Wire.icmp(type: 1, later))).kind, .notDNS(.icmp))
        // Echo request and neighbour solicitation.
        XCTAssertEqual(decoder.decode(icmp6(Wire.icmp(type: 128, quoted))).kind, .notDNS(.icmp))
        XCTAssertEqual(decoder.decode(icmp6(Wire.icmp(type: 135, quoted))).kind, .notDNS(.icmp))
        // Cut short and broken quotes.
        XCTAssertEqual(decoder.decode(icmp6(Wire.icmp(type: 1, Array(quoted[0..<39])))).kind, .malformed(.icmpTruncated))
        XCTAssertEqual(decoder.decode(icmp6(Wire.icmp(type: 1, Array(quoted[0..<42])))).kind, .malformed(.icmpTruncated))
        XCTAssertEqual(decoder.decode(icmp6(Array(Wire.icmp(type: 1, [])[0..<4]))).kind, .malformed(.icmpTruncated))
        let cutChain = Wire.ipv6(nextHeader: 0, Wire.extensionHeader(next: 17, units: 4))
        XCTAssertEqual(decoder.decode(icmp6(Wire.icmp(type: 1, Array(cutChain[0..<50])))).kind, .malformed(.icmpTruncated))
        var wrongVersion = quoted
        wrongVersion[0] = 0x45
        XCTAssertEqual(decoder.decode(icmp6(Wire.icmp(type: 1, wrongVersion))).kind, .malformed(.icmpQuoteInvalid))
    }

    func testICMPProtocolNumbersBelongToTheirIPVersion() {
        // Protocol 1 inside IPv6 and 58 inside IPv4 are not ICMP errors the decoder reads.
        let v6 = Wire.ipv6(nextHeader: 1, Wire.icmp(type: 3, quotedQuery))
        XCTAssertEqual(decoder.decode(v6, linkType: LinkType.ipv6).kind, .notDNS(.otherTransport))
        let v4 = Wire.ipv4(protocol: 58, Wire.icmp(type: 1, quotedQuery))
        XCTAssertEqual(decoder.decode(v4, linkType: LinkType.ipv4).kind, .notDNS(.otherTransport))
    }
}
