import XCTest

@testable import SondeInputs

/// Deduplication: the same packet twice within the window is one packet, whatever its TTL; outside the window,
/// or with any other byte changed, it is two.
final class PacketDeduplicatorTests: XCTestCase {
    func duplicate(_ d: PacketDeduplicator, _ packet: [UInt8], _ milliseconds: Int64) -> Bool {
        packet.withUnsafeBytes { d.isDuplicate(network: $0, timestamp: milliseconds * 1_000_000) }
    }

    func testTheSamePacketWithinTheWindowIsADuplicate() {
        let d = PacketDeduplicator(windowMilliseconds: 50)
        let p = Frames.ipv4(.udp, source: 40000, destination: 53)
        XCTAssertFalse(duplicate(d, p, 1_000))
        XCTAssertTrue(duplicate(d, p, 1_010))
        XCTAssertTrue(duplicate(d, Frames.ipv4(.udp, source: 40000, destination: 53, ttl: 63), 1_020), "a router's hop")
        XCTAssertFalse(duplicate(d, p, 1_200), "outside the window")
        XCTAssertFalse(duplicate(d, Frames.ipv4(.udp, source: 40001, destination: 53), 1_201))
        let v6 = Frames.ipv6(.udp, source: 40000, destination: 53)
        XCTAssertFalse(duplicate(d, v6, 2_000))
        XCTAssertTrue(duplicate(d, Frames.ipv6(.udp, source: 40000, destination: 53, hopLimit: 3), 2_001))
        XCTAssertFalse(duplicate(d, [0x10, 0x20], 2_002), "not IP: never a duplicate")
        XCTAssertFalse(duplicate(d, [0x10, 0x20], 2_003))
    }

    func testManyDistinctPacketsAreNotDuplicates() {
        let d = PacketDeduplicator(windowMilliseconds: 1_000, slots: 1 << 16)
        var duplicates = 0
        for i in 0..<20_000 {
            var p = Frames.ipv4(.udp, source: UInt16(1024 + i % 60_000), destination: 53)
            p[4] = UInt8(i >> 8 & 0xFF)
            p[5] = UInt8(i & 0xFF)
            if duplicate(d, p, Int64(i / 100)) { duplicates += 1 }
        }
        XCTAssertEqual(duplicates, 0)
    }
}
