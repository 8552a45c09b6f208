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
            // sockaddr_ll: protocol (network order), ifindex, hatype
            p.storeBytes(of: (i == 0 ? UInt16(0x0800) : 0x86DD).bigEndian, toByteOffset: 50, as: UInt16.self)
            p.storeBytes(of: Int32(7 + i), toByteOffset: 52, as: Int32.self)
            p.storeBytes(of: UInt16(1), toByteOffset: 56, as: UInt16.self)
            if i == 1 {
                // TP_STATUS_VLAN_VALID and tp_vlan_tci: priority 5, VLAN 42
                p.storeBytes(of: UInt32(1 | 1 << 4), toByteOffset: 20, as: UInt32.self)
                p.storeBytes(of: UInt32(5 << 13 | 42), toByteOffset: 32, as: UInt32.self)
            }
            f.withUnsafeBytes { (p + mac).copyMemory(from: $0.baseAddress!, byteCount: f.count) }
            offset += next
        }
        XCTAssertEqual(PacketRing.status(block), 1)
        var seen: [([UInt8], PacketRing.PacketInfo)] = []
        PacketRing.forEachPacket(in: block) { frame, info in seen.append((Array(frame), info)) }
        XCTAssertEqual(seen.count, 2)
        for (i, (frame, info)) in seen.enumerated() {
            XCTAssertEqual(frame, frames[i])
            XCTAssertEqual(info.wireLength, frames[i].count + 100)
            XCTAssertEqual(info.network, 14)
            XCTAssertEqual(info.timestamp, Int64(1_700_000_000 + i) * 1_000_000_000 + Int64(500 + i))
            XCTAssertEqual(info.isOutgoing, i == 1)
            XCTAssertEqual(info.etherType, i == 0 ? 0x0800 : 0x86DD)
            XCTAssertEqual(info.interfaceIndex, Int32(7 + i))
            XCTAssertEqual(info.hardwareType, 1)
            XCTAssertEqual(info.vlan, i == 1 ? 5 << 13 | 42 : nil)
        }
    }

    func testAMissingInterfaceIsNamed() {
        XCTAssertThrowsError(try PacketRing.link(of: "nosuchif0")) { error in
            XCTAssertEqual("\(error)", "no network interface named \"nosuchif0\" (`ip link` lists them)")
        }
        XCTAssertEqual(try PacketRing.link(of: "lo").linkType, 1)
        XCTAssertEqual(try PacketRing.link(of: "lo").isLoopback, true)
        let any = try? PacketRing.link(of: "any")
        XCTAssertEqual(any?.isCooked, true)
        XCTAssertEqual(any?.frame, .cooked)
        XCTAssertEqual(try PacketRing.link(of: "lo").frame, .ethernet)
    }
}
#endif
