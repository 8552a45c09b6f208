#if canImport(Glibc)
import XCTest

@testable import SondeInputs

/// The ring's block walk, on a block laid out as the kernel writes it (`tpacket_block_desc` + `tpacket3_hdr`s).
final class PacketRingTests: XCTestCase {
    func testABlockIsWalkedPacketByPacket() {
        let block = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        defer { block.deallocate() }
        block.initializeMemory(as: UInt8.self, repeating: 0, count: 4096)
        let frames = [Frames.ethernet(Frames.ipv4(.udp, source: 1, destination: 53)), Frames.ethernet(Frames.ipv6(.tcp, source: 53, destination: 2), type: 0x86DD)]
        block.storeBytes(of: 1, toByteOffset: 8, as: UInt32.self)  // TP_STATUS_USER
        block.storeBytes(of: UInt32(frames.count), toByteOffset: 12, as: UInt32.self)
        block.storeBytes(of: 48, toByteOffset: 16, as: UInt32.self)
        var offset = 48
        for (i, f) in frames.enumerated() {
            let p = block + offset
            let mac = 82  // header 48 + sockaddr_ll 20, aligned, plus room, as the kernel pads
            let next = (mac + f.count + 15) & ~15
            p.storeBytes(of: i + 1 < frames.count ? UInt32(next) : 0, toByteOffset: 0, as: UInt32.self)
            p.storeBytes(of: UInt32(1_700_000_000 + i), toByteOffset: 4, as: UInt32.self)
            p.storeBytes(of: UInt32(500 + i), toByteOffset: 8, as: UInt32.self)
            p.storeBytes(of: UInt32(f.count), toByteOffset: 12, as: UInt32.self)
            p.storeBytes(of: UInt32(f.count + 100), toByteOffset: 16, as: UInt32.self)
            p.storeBytes(of: UInt16(mac), toByteOffset: 24, as: UInt16.self)
            p.storeBytes(of: UInt16(mac + 14), toByteOffset: 26, as: UInt16.self)
            p.storeBytes(of: i == 1 ? 4 : 0, toByteOffset: 58, as: UInt8.self)  // PACKET_OUTGOING
            f.withUnsafeBytes { (p + mac).copyMemory(from: $0.baseAddress!, byteCount: f.count) }
            offset += next
        }
        XCTAssertEqual(PacketRing.status(block), 1)
        var seen: [([UInt8], Int, Int, Int64, Bool)] = []
        PacketRing.forEachPacket(in: block) { frame, length, network, timestamp, outgoing in
            seen.append((Array(frame), length, network, timestamp, outgoing))
        }
        XCTAssertEqual(seen.count, 2)
        for (i, s) in seen.enumerated() {
            XCTAssertEqual(s.0, frames[i])
            XCTAssertEqual(s.1, frames[i].count + 100)
            XCTAssertEqual(s.2, 14)
            XCTAssertEqual(s.3, Int64(1_700_000_000 + i) * 1_000_000_000 + Int64(500 + i))
            XCTAssertEqual(s.4, i == 1)
        }
    }

    func testAMissingInterfaceIsNamed() {
        XCTAssertThrowsError(try PacketRing.link(of: "nosuchif0")) { error in
            XCTAssertEqual("\(error)", "no network interface named \"nosuchif0\" (`ip link` lists them)")
        }
        XCTAssertEqual(try PacketRing.link(of: "lo").linkType, 1)
        XCTAssertEqual(try PacketRing.link(of: "lo").isLoopback, true)
        XCTAssertThrowsError(try PacketRing.link(of: "any")) { error in
            XCTAssertTrue("\(error)".contains("name the interfaces"), "\(error)")
        }
    }
}
#endif
