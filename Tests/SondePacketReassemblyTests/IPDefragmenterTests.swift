@testable import SondePacket
import XCTest

final class IPDefragmenterTests: XCTestCase {
    func datagram(_ length: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        return IPWire.udp(sourcePort: 53, destinationPort: 40_000, DNSLike.message(length: length, using: &rng))
    }

    func v4Fragments(_ datagram: [UInt8], size: Int = 1480, id: UInt16 = 0x1234) -> [[UInt8]] {
        IPWire.cut(datagram, size: size).map { IPWire.ipv4(id: id, offset: $0.offset, more: $0.more, $0.data) }
    }

    func v6Fragments(_ datagram: [UInt8], size: Int = 1232, id: UInt32 = 0xdead_beef, nextHeader: UInt8 = 17) -> [[UInt8]] {
        IPWire.cut(datagram, size: size).map { IPWire.ipv6(id: id, nextHeader: nextHeader, offset: $0.offset, more: $0.more, $0.data) }
    }

    func testIPv4InOrderReverseAndRandom() {
        let udp = datagram(4000, seed: 40)
        var rng = SeededGenerator(seed: 41)
        let fragments = v4Fragments(udp)
        for order in [fragments, fragments.reversed(), fragments.shuffled(using: &rng)] {
            var harness = DefragHarness()
            for fragment in order { harness.feed(fragment) }
            XCTAssertEqual(harness.completed.count, 1)
            XCTAssertEqual(harness.completed.first?.payload, udp)
            XCTAssertEqual(harness.completed.first?.ipProtocol, 17)
            XCTAssertEqual(harness.defragmenter.datagramCount, 0)
            XCTAssertEqual(harness.defragmenter.counters.datagramsReassembled, 1)
            // The result decodes as a DNS datagram.
            harness.completed[0].payload.withUnsafeBytes { payload in
                let decoded = harness.decoder.decodeDatagram(
                    family: .v4, source: IPAddress(ipv4: 0xc000_0201), destination: IPAddress(ipv4: 0xc000_0202),
                    ipProtocol: 17, payload: payload)
                XCTAssertEqual(decoded.kind, .dns)
                XCTAssertEqual(decoded.payloadLength, 4000)
            }
        }
    }

    func testIPv6InOrderReverseAndRandom() {
        let udp = datagram(5000, seed: 42)
        var rng = SeededGenerator(seed: 43)
        let fragments = v6Fragments(udp)
        for order in [fragments, fragments.reversed(), fragments.shuffled(using: &rng)] {
            var harness = DefragHarness()
            for fragment in order { harness.feed(fragment) }
            XCTAssertEqual(harness.completed.count, 1)
            XCTAssertEqual(harness.completed.first?.payload, udp)
            XCTAssertEqual(harness.completed.first?.ipProtocol, 17)
        }
    }

    func testIPv6DestinationOptionsInTheFragmentablePartAreWalked() {
        let udp = datagram(3000, seed: 44)
        // Destination Options (60): next header UDP, length 0 (8 bytes), PadN.
        let withOptions: [UInt8] = [17, 0, 1, 4, 0, 0, 0, 0] + udp
        var harness = DefragHarness()
        for fragment in v6Fragments(withOptions, nextHeader: 60) { harness.feed(fragment) }
        XCTAssertEqual(harness.completed.first?.payload, udp)
        XCTAssertEqual(harness.completed.first?.ipProtocol, 17)
    }

    func testDuplicatesAreIgnored() {
        let udp = datagram(4000, seed: 45)
        let fragments = v4Fragments(udp)
        var harness = DefragHarness()
        harness.feed(fragments[0])
        harness.feed(fragments[0])
        harness.feed(fragments[1])
        harness.feed(fragments[1])
        harness.feed(fragments[2])
        XCTAssertEqual(harness.completed.map(\.payload), [udp])
        XCTAssertEqual(harness.defragmenter.counters.duplicates, 2)
    }

    func testOverlapDiscardsTheDatagramAndItsLaterFragments() {
        let udp = datagram(4000, seed: 46)
        let fragments = v4Fragments(udp)
        var harness = DefragHarness()
        harness.feed(fragments[0])
        // 16 bytes overlapping the end of the first fragment.
        harness.feed(IPWire.ipv4(id: 0x1234, offset: 1464, more: true, Array(udp[1464..<1480 + 8])))
        harness.feed(fragments[1])
        harness.feed(fragments[2])
        XCTAssertEqual(harness.completed.count, 0)
        let counters = harness.defragmenter.counters
        XCTAssertEqual(counters.overlapsDiscarded, 1)
        XCTAssertEqual(counters.fragmentsOfDiscarded, 2)
        XCTAssertEqual(harness.defragmenter.datagramCount, 1)
        // After the timeout the key is forgotten, and not counted as a timeout.
        harness.defragmenter.expire(now: 31_000_000_000)
        XCTAssertEqual(harness.defragmenter.datagramCount, 0)
        XCTAssertEqual(harness.defragmenter.counters.datagramsTimedOut, 0)
        for fragment in fragments { harness.feed(fragment, time: 32_000_000_000) }
        XCTAssertEqual(harness.completed.map(\.payload), [udp])
    }

    func testAMissingPieceTimesOut() {
        let fragments = v6Fragments(datagram(4000, seed: 47))
        var harness = DefragHarness()
        harness.feed(fragments[0], time: 0)
        harness.feed(fragments[2], time: 1_000)
        harness.defragmenter.expire(now: 30_000_000_000)
        XCTAssertEqual(harness.defragmenter.datagramCount, 1)
        harness.defragmenter.expire(now: 30_000_000_001)
        XCTAssertEqual(harness.defragmenter.datagramCount, 0)
        XCTAssertEqual(harness.defragmenter.counters.datagramsTimedOut, 1)
        XCTAssertEqual(harness.defragmenter.budgetAudit(), harness.defragmenter.bufferedBytes)
        // The missing piece alone, late, starts a new datagram that does not complete.
        harness.feed(fragments[1], time: 40_000_000_000)
        XCTAssertEqual(harness.completed.count, 0)
    }

    func testTinyEmptyAndMisalignedFragments() {
        // 8-byte fragments are tiny but valid.
        let udp = datagram(100, seed: 48)
        var harness = DefragHarness()
        for fragment in v4Fragments(udp, size: 8).shuffled(using: &harnessRNG) { harness.feed(fragment) }
        XCTAssertEqual(harness.completed.map(\.payload), [udp])

        harness = DefragHarness()
        harness.feed(IPWire.ipv4(id: 1, offset: 8, more: true, []))  // empty
        harness.feed(IPWire.ipv4(id: 1, offset: 0, more: true, [UInt8](repeating: 1, count: 12)))  // not a multiple of 8
        XCTAssertEqual(harness.defragmenter.counters.invalid, 2)
        XCTAssertEqual(harness.defragmenter.datagramCount, 0)
    }

    var harnessRNG = SeededGenerator(seed: 49)

    func testAbsurdOffset() {
        var harness = DefragHarness()
        // 65,528 + 16 bytes + 20-byte header is past 65,535.
        harness.feed(IPWire.ipv4(id: 2, offset: 65_528, more: false, [UInt8](repeating: 0, count: 16)))
        harness.feed(IPWire.ipv6(id: 2, offset: 65_528, more: false, [UInt8](repeating: 0, count: 16)))
        // Exactly up to the limit is fine.
        harness.feed(IPWire.ipv4(id: 3, offset: 65_512, more: false, [UInt8](repeating: 0, count: 3)))
        XCTAssertEqual(harness.defragmenter.counters.invalid, 2)
        XCTAssertEqual(harness.defragmenter.datagramCount, 1)
    }

    func testLastFragmentsThatDisagreeDiscardTheDatagram() {
        let udp = datagram(4000, seed: 50)
        let fragments = v4Fragments(udp)
        var harness = DefragHarness()
        harness.feed(fragments[2])
        // Another "last" fragment, ending at 1,488 instead of 4,008.
        harness.feed(IPWire.ipv4(id: 0x1234, offset: 1480, more: false, [UInt8](repeating: 7, count: 8)))
        harness.feed(fragments[0])
        XCTAssertEqual(harness.defragmenter.counters.invalid, 1)
        XCTAssertEqual(harness.defragmenter.counters.fragmentsOfDiscarded, 1)
        XCTAssertEqual(harness.completed.count, 0)
    }

    func testTooManyFragments() {
        let udp = datagram(1000, seed: 51)
        var harness = DefragHarness(.init(maxFragmentsPerDatagram: 16))
        for fragment in v4Fragments(udp, size: 8) { harness.feed(fragment) }
        XCTAssertEqual(harness.completed.count, 0)
        XCTAssertEqual(harness.defragmenter.counters.datagramsTooManyFragments, 1)
    }

    func testFloodOfIncompleteDatagramsStaysBounded() {
        let configuration = IPDefragmenter.Configuration(maxDatagrams: 4096, maxBytes: 4 * 1024 * 1024)
        var defragmenter = IPDefragmenter(configuration: configuration)
        let decoder = PacketDecoder(ports: [53])
        let data = [UInt8](repeating: 0xab, count: 1480)
        for train in 0..<100_000 {
            let id = UInt16(truncatingIfNeeded: train)
            let packet = IPWire.ipv4(id: id, offset: (train % 3) * 1480, more: true, data, source: 0x0a00_0000 | UInt32(train >> 16))
            packet.withUnsafeBytes { bytes in
                let decoded = decoder.decode(linkType: LinkType.raw, packet: bytes, originalLength: bytes.count)
                defragmenter.process(decoded, bytes: bytes, timestamp: Int64(train)) { _, _ in XCTFail("nothing completes") }
            }
            XCTAssertLessThanOrEqual(defragmenter.datagramCount, configuration.maxDatagrams)
            XCTAssertLessThanOrEqual(defragmenter.bufferedBytes, configuration.maxBytes)
        }
        XCTAssertEqual(defragmenter.counters.fragments, 100_000)
        let counters = defragmenter.counters
        XCTAssertEqual(counters.datagramsEvicted + counters.datagramsDroppedMemory + defragmenter.datagramCount, 100_000)
        XCTAssertGreaterThan(counters.datagramsEvicted, 0)
        XCTAssertEqual(defragmenter.budgetAudit(), defragmenter.bufferedBytes)
        defragmenter.expire(now: .max)
        XCTAssertEqual(defragmenter.datagramCount, 0)
    }
}
