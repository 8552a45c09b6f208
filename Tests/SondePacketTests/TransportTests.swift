import SondePacket
import XCTest

final class TransportTests: XCTestCase {
    let decoder = PacketDecoder()

    func udp4(_ udp: [UInt8], totalLength: Int? = nil) -> [UInt8] {
        Wire.ipv4(protocol: 17, totalLength: totalLength, udp)
    }

    func testEitherPortMakesDNS() {
        XCTAssertEqual(decoder.decode(udp4(Wire.udp(source: 53, destination: 40000, [1])), linkType: LinkType.ipv4).kind, .dns)
        XCTAssertEqual(decoder.decode(udp4(Wire.udp(source: 40000, destination: 53, [1])), linkType: LinkType.ipv4).kind, .dns)
        let other = decoder.decode(udp4(Wire.udp(source: 40000, destination: 123, [1])), linkType: LinkType.ipv4)
        XCTAssertEqual(other.kind, .notDNS(.otherPort))
        XCTAssertEqual(other.destinationPort, 123)
        XCTAssertEqual(other.transport, .udp)
    }

    func testCustomPorts() {
        let custom = PacketDecoder(ports: [5300, 5353])
        XCTAssertEqual(custom.decode(udp4(Wire.udp(destination: 5300, [1])), linkType: LinkType.ipv4).kind, .dns)
        XCTAssertEqual(custom.decode(udp4(Wire.udp(destination: 53, [1])), linkType: LinkType.ipv4).kind, .notDNS(.otherPort))
        var changed = custom
        changed.ports.insert(53)
        XCTAssertEqual(changed.decode(udp4(Wire.udp(destination: 53, [1])), linkType: LinkType.ipv4).kind, .dns)
    }

    func testUDPLengthField() {
        // Below 8.
        XCTAssertEqual(decoder.decode(udp4(Wire.udp(length: 7, Wire.dnsQuery)), linkType: LinkType.ipv4).kind, .malformed(.udpLengthInvalid))
        // Beyond the IP payload.
        XCTAssertEqual(decoder.decode(udp4(Wire.udp(length: 200, Wire.dnsQuery)), linkType: LinkType.ipv4).kind, .malformed(.udpLengthInvalid))
        // Shorter than the IP payload: the UDP length wins.
        let short = udp4(Wire.udp(length: 8 + 12, Wire.dnsQuery))
        let packet = decoder.decode(short, linkType: LinkType.ipv4)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.payload(in: short), Array(Wire.dnsQuery[0..<12]))
        // Zero: the IP length stands.
        let zero = udp4(Wire.udp(length: 0, Wire.dnsQuery))
        XCTAssertEqual(decoder.decode(zero, linkType: LinkType.ipv4).payload(in: zero), Wire.dnsQuery)
    }

    func testUDPHeaderCutShort() {
        // The IP header says 6 bytes of payload.
        XCTAssertEqual(decoder.decode(udp4(Wire.udp(Wire.dnsQuery), totalLength: 26), linkType: LinkType.ipv4).kind, .malformed(.udpHeaderTruncated))
        // Three bytes: not even the ports.
        XCTAssertEqual(decoder.decode(udp4(Wire.udp(Wire.dnsQuery), totalLength: 23), linkType: LinkType.ipv4).kind, .malformed(.udpHeaderTruncated))
        // Cut by the capture inside the UDP header.
        let whole = udp4(Wire.udp(Wire.dnsQuery))
        let packet = decoder.decode(Array(whole[0..<26]), linkType: LinkType.ipv4, originalLength: whole.count)
        XCTAssertEqual(packet.kind, .malformed(.udpHeaderTruncated))
        XCTAssertTrue(packet.captureTruncated)
        // A cut header on another port is just not DNS.
        let other = udp4(Wire.udp(destination: 123, Wire.dnsQuery))
        XCTAssertEqual(decoder.decode(Array(other[0..<26]), linkType: LinkType.ipv4).kind, .notDNS(.otherPort))
    }

    func testTCPSegment() {
        let options: [UInt8] = [2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7]  // MSS, NOP, NOP, SACK-permitted, NOP, WS
        let segment = Wire.tcp(source: 53, destination: 41000, sequence: 0xfedc_ba98, acknowledgment: 77, flags: 0x18, options: options, [0, 30] + Wire.dnsQuery)
        let frame = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 6, segment))
        let packet = decoder.decode(frame)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.transport, .tcp)
        XCTAssertEqual(packet.tcpSequence, 0xfedc_ba98)
        XCTAssertEqual(packet.tcpAcknowledgment, 77)
        XCTAssertEqual(packet.tcpFlags, [.psh, .ack])
        XCTAssertEqual(packet.payloadOffset, 14 + 20 + 32)
        XCTAssertEqual(packet.payload(in: frame), [0, 30] + Wire.dnsQuery)
    }

    func testTCPHandshakeHasEmptyPayload() {
        let frame = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 6, Wire.tcp(flags: 0x02, []))) + [0, 0, 0, 0, 0, 0]
        let packet = decoder.decode(frame)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.tcpFlags, .syn)
        XCTAssertEqual(packet.payloadLength, 0)
    }

    func testTCPDataOffset() {
        for words: UInt8 in [0, 4] {
            let ip = Wire.ipv4(protocol: 6, Wire.tcp(dataOffsetWords: words, Wire.dnsQuery))
            XCTAssertEqual(decoder.decode(ip, linkType: LinkType.ipv4).kind, .malformed(.tcpDataOffsetInvalid))
        }
        // 15 words = 60 bytes, more than the 20 + 4 bytes the IP header claims.
        let beyond = Wire.ipv4(protocol: 6, Wire.tcp(dataOffsetWords: 15, [1, 2, 3, 4]))
        XCTAssertEqual(decoder.decode(beyond, linkType: LinkType.ipv4).kind, .malformed(.tcpDataOffsetInvalid))
        // Options cut by the capture.
        let whole = Wire.ipv4(protocol: 6, Wire.tcp(options: [UInt8](repeating: 1, count: 20), Wire.dnsQuery))
        let packet = decoder.decode(Array(whole[0..<50]), linkType: LinkType.ipv4, originalLength: whole.count)
        XCTAssertEqual(packet.kind, .malformed(.tcpHeaderTruncated))
        XCTAssertTrue(packet.captureTruncated)
        // Fixed header cut.
        XCTAssertEqual(decoder.decode(Array(whole[0..<30]), linkType: LinkType.ipv4).kind, .malformed(.tcpHeaderTruncated))
        XCTAssertEqual(decoder.decode(Array(whole[0..<22]), linkType: LinkType.ipv4).kind, .malformed(.tcpHeaderTruncated))
    }

    func testTCPPayloadCutBySnapLength() {
        let whole = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 6, Wire.tcp([0, 30] + Wire.dnsQuery)))
        let packet = decoder.decode(Array(whole[0..<60]), originalLength: whole.count)
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertTrue(packet.captureTruncated)
        XCTAssertEqual(packet.payloadLength, 60 - 54)
    }

    func testReassembledDatagram() {
        let udp = Wire.udp(source: 53, destination: 33333, Wire.dnsQuery)
        let packet = udp.withUnsafeBytes {
            decoder.decodeDatagram(
                family: .v4,
                source: IPAddress(ipv4: 0x7f00_000a),
                destination: IPAddress(ipv4: 0x7f00_0001),
                ipProtocol: 17,
                payload: $0
            )
        }
        XCTAssertEqual(packet.kind, .dns)
        XCTAssertEqual(packet.source.description, "127.0.0.10")
        XCTAssertEqual(packet.payloadOffset, 8)
        XCTAssertEqual(packet.payload(in: udp), Wire.dnsQuery)
    }
}
