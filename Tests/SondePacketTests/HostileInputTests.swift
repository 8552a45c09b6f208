import SondePacket
import XCTest

/// Random damage to valid frames and files: the decoders must neither trap nor point outside the
/// bytes they were given.
final class HostileInputTests: XCTestCase {
    static let quotedQuery = Wire.ipv4(protocol: 17, Array(Wire.udp(destination: 53, Wire.dnsQuery)[0..<8]))
    static let quoted6 = Wire.ipv6(nextHeader: 60, Wire.extensionHeader(next: 17) + Wire.udp(destination: 53, Wire.dnsQuery))

    let seeds: [(UInt32, [UInt8])] = [
        (LinkType.ethernet, Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 17, options: [1, 1, 1, 0], Wire.udp(Wire.dnsQuery)))),
        (LinkType.ethernet, Wire.ethernet(type: 0x86dd, tags: [(0x88a8, 1), (0x8100, 2)], Wire.ipv6(nextHeader: 0, Wire.extensionHeader(next: 44) + Wire.fragmentHeader(next: 17, offset: 0, more: false, identification: 1) + Wire.udp(Wire.dnsQuery)))),
        (LinkType.ethernet, Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 6, Wire.tcp(options: [1, 1, 1, 1], [0, 30] + Wire.dnsQuery)))),
        (LinkType.ethernet, Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 1, Wire.icmp(type: 3, quotedQuery)))),
        (LinkType.ipv6, Wire.ipv6(nextHeader: 58, Wire.icmp(type: 1, quoted6))),
        (LinkType.ipv6, Wire.ipv6(nextHeader: 51, Wire.authenticationHeader(next: 44) + Wire.fragmentHeader(next: 17, offset: 16, more: true, identification: 3) + [1, 2, 3, 4, 5, 6, 7, 8])),
        (LinkType.linuxSLL, [0, 0, 0, 1, 0, 6] + [UInt8](repeating: 0, count: 8) + Wire.be16(0x0800) + Wire.ipv4(protocol: 17, Wire.udp(Wire.dnsQuery))),
        (LinkType.linuxSLL2, Wire.be16(0x86dd) + [UInt8](repeating: 0, count: 18) + Wire.ipv6(nextHeader: 17, Wire.udp(Wire.dnsQuery))),
        (LinkType.null, [30, 0, 0, 0] + Wire.ipv6(nextHeader: 6, Wire.tcp(Wire.dnsQuery))),
        (LinkType.raw, Wire.ipv4(protocol: 17, flagsAndOffset: 0x2000, Wire.udp(Wire.dnsQuery))),
    ]

    func testDamagedFramesStayInBounds() {
        var random = SplitMix64(state: 0xbad)
        let decoder = PacketDecoder(ports: [53, 5300])
        let linkTypes = [LinkType.null, LinkType.ethernet, LinkType.raw, LinkType.loop, LinkType.linuxSLL, LinkType.ipv4, LinkType.ipv6, LinkType.linuxSLL2, 9999]
        var kinds: Set<String> = []
        for round in 0..<200_000 {
            var (linkType, frame) = seeds[Int(random.next() % UInt64(seeds.count))]
            if round % 10 == 0 { linkType = linkTypes[Int(random.next() % UInt64(linkTypes.count))] }
            for _ in 0..<Int(random.next() % 4) {
                let index = Int(random.next() % UInt64(frame.count))
                frame[index] = random.next() % 3 == 0 ? 0 : UInt8(truncatingIfNeeded: random.next())
            }
            if random.next() % 3 == 0 { frame = Array(frame[0..<Int(random.next() % UInt64(frame.count + 1))]) }
            if random.next() % 5 == 0 { frame += (0..<Int(random.next() % 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
            let originalLength = frame.count + (random.next() % 2 == 0 ? 0 : Int(random.next() % 3000))
            let packet = decoder.decode(frame, linkType: linkType, originalLength: originalLength)
            kinds.insert("\(packet.kind)")
            if packet.payloadOffset < 0 || packet.payloadLength < 0 || packet.payloadOffset + packet.payloadLength > frame.count
                || packet.ipPayloadOffset < 0 || packet.ipPayloadLength < 0 || packet.ipPayloadOffset + packet.ipPayloadLength > frame.count
            {
                XCTFail("out of bounds: \(packet) for \(frame) link \(linkType)")
                return
            }
        }
        // The damage reached every layer.
        XCTAssertGreaterThan(kinds.count, 20, "\(kinds.sorted())")
    }

    func testRandomReassembledPayloads() {
        var random = SplitMix64(state: 0xfeed)
        let decoder = PacketDecoder()
        for _ in 0..<20_000 {
            let bytes = (0..<Int(random.next() % 48)).map { _ in UInt8(truncatingIfNeeded: random.next() % 4 == 0 ? 53 : random.next()) }
            let ipProtocol: UInt8 = [6, 17, 1, 58, 0][Int(random.next() % 5)]
            let family: IPFamily = random.next() % 2 == 0 ? .v4 : .v6
            let packet = bytes.withUnsafeBytes {
                decoder.decodeDatagram(family: family, source: IPAddress(ipv4: 1), destination: IPAddress(ipv4: 2), ipProtocol: ipProtocol, payload: $0)
            }
            XCTAssertLessThanOrEqual(packet.payloadOffset + packet.payloadLength, bytes.count)
            XCTAssertGreaterThanOrEqual(packet.payloadLength, 0)
        }
    }

    func testDamagedFilesThrowOrDecode() {
        var pcapng = PcapngWriter(bigEndian: true)
        pcapng.sectionHeader()
        pcapng.interface(tsresol: 0x83, tsoffset: 5)
        pcapng.opaque(type: 5, length: 40)
        pcapng.enhancedPacket(interface: 0, ticks: 99, data: seeds[0].1, withOptions: true)
        pcapng.simplePacket(data: seeds[1].1)
        pcapng.obsoletePacket(interface: 0, ticks: 3, data: seeds[2].1)
        let packets = seeds.map { TestPacket(seconds: 1, fraction: 2, data: $0.1, originalLength: $0.1.count) }
        let files = [pcapng.bytes, PcapWriter.file(packets), PcapWriter.file(packets, bigEndian: true, modified: true)]

        var random = SplitMix64(state: 0xf11e)
        var outcomes = [0, 0]
        for _ in 0..<3000 {
            var file = files[Int(random.next() % UInt64(files.count))]
            for _ in 0..<1 + Int(random.next() % 3) {
                // Headers and lengths sit in the first bytes of each block; aim there half the time.
                let index = Int(random.next() % UInt64(random.next() % 2 == 0 ? min(file.count, 64) : file.count))
                file[index] = UInt8(truncatingIfNeeded: random.next())
            }
            do {
                _ = try Feeder.decode(file, chunking: .random(seed: random.next(), maximum: 64))
                outcomes[0] += 1
            } catch is CaptureFileError {
                outcomes[1] += 1
            } catch {
                XCTFail("unexpected \(error)")
            }
        }
        XCTAssertGreaterThan(outcomes[0], 0)
        XCTAssertGreaterThan(outcomes[1], 0)
    }
}
