/// Writers for pcap and pcapng files, so tests can build files in every byte order and resolution.
struct ByteWriter {
    var bigEndian: Bool
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes += $0 }
    }
    mutating func u32(_ value: UInt32) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes += $0 }
    }
    mutating func u64(_ value: UInt64) {
        let ordered = bigEndian ? value.bigEndian : value.littleEndian
        withUnsafeBytes(of: ordered) { bytes += $0 }
    }
    mutating func raw(_ data: [UInt8]) { bytes += data }
    mutating func pad4() { while bytes.count % 4 != 0 { bytes.append(0) } }
}

struct TestPacket: Equatable {
    var seconds: UInt32
    var fraction: UInt32
    var data: [UInt8]
    var originalLength: Int
}

enum PcapWriter {
    static func file(
        _ packets: [TestPacket],
        bigEndian: Bool = false,
        nanosecond: Bool = false,
        modified: Bool = false,
        linkType: UInt32 = 1,
        snapLength: UInt32 = 65535
    ) -> [UInt8] {
        var writer = ByteWriter(bigEndian: bigEndian)
        writer.u32(modified ? 0xa1b2_cd34 : nanosecond ? 0xa1b2_3c4d : 0xa1b2_c3d4)
        writer.u16(2)
        writer.u16(4)
        writer.u32(0)
        writer.u32(0)
        writer.u32(snapLength)
        writer.u32(linkType)
        for packet in packets {
            writer.u32(packet.seconds)
            writer.u32(packet.fraction)
            writer.u32(UInt32(packet.data.count))
            writer.u32(UInt32(packet.originalLength))
            if modified {
                writer.u32(7)  // ifindex
                writer.u16(0x0800)
                writer.u8(0)
                writer.u8(0)
            }
            writer.raw(packet.data)
        }
        return writer.bytes
    }
}

struct PcapngWriter {
    var writer: ByteWriter

    init(bigEndian: Bool = false) { writer = ByteWriter(bigEndian: bigEndian) }

    var bytes: [UInt8] { writer.bytes }

    /// Appends a block of `type` whose body is written by `body`, with padding and both lengths.
    mutating func block(_ type: UInt32, _ body: (inout ByteWriter) -> Void) {
        var inner = ByteWriter(bigEndian: writer.bigEndian)
        body(&inner)
        inner.pad4()
        writer.u32(type)
        writer.u32(UInt32(inner.bytes.count + 12))
        writer.raw(inner.bytes)
        writer.u32(UInt32(inner.bytes.count + 12))
    }

    mutating func sectionHeader() {
        block(0x0a0d_0d0a) { body in
            body.u32(0x1a2b_3c4d)
            body.u16(1)
            body.u16(0)
            body.u64(UInt64.max)  // section length unknown
            // shb_userappl option, then end of options.
            body.u16(4)
            body.u16(5)
            body.raw(Array("sonde".utf8))
            body.pad4()
            body.u16(0)
            body.u16(0)
        }
    }

    mutating func interface(linkType: UInt16 = 1, snapLength: UInt32 = 0, tsresol: UInt8? = nil, tsoffset: Int64? = nil) {
        block(1) { body in
            body.u16(linkType)
            body.u16(0)
            body.u32(snapLength)
            // if_name first, so the decoder has to walk past an option it ignores.
            body.u16(2)
            body.u16(3)
            body.raw(Array("lo0".utf8))
            body.pad4()
            if let tsresol {
                body.u16(9)
                body.u16(1)
                body.u8(tsresol)
                body.pad4()
            }
            if let tsoffset {
                body.u16(14)
                body.u16(8)
                body.u64(UInt64(bitPattern: tsoffset))
            }
            body.u16(0)
            body.u16(0)
        }
    }

    mutating func enhancedPacket(interface: UInt32, ticks: UInt64, data: [UInt8], originalLength: Int? = nil, withOptions: Bool = false) {
        block(6) { body in
            body.u32(interface)
            body.u32(UInt32(ticks >> 32))
            body.u32(UInt32(ticks & 0xffff_ffff))
            body.u32(UInt32(data.count))
            body.u32(UInt32(originalLength ?? data.count))
            body.raw(data)
            body.pad4()
            if withOptions {
                // epb_flags = inbound, then end of options.
                body.u16(2)
                body.u16(4)
                body.u32(1)
                body.u16(0)
                body.u16(0)
            }
        }
    }

    mutating func simplePacket(data: [UInt8], originalLength: Int? = nil) {
        block(3) { body in
            body.u32(UInt32(originalLength ?? data.count))
            body.raw(data)
        }
    }

    mutating func obsoletePacket(interface: UInt16, ticks: UInt64, data: [UInt8]) {
        block(2) { body in
            body.u16(interface)
            body.u16(0)
            body.u32(UInt32(ticks >> 32))
            body.u32(UInt32(ticks & 0xffff_ffff))
            body.u32(UInt32(data.count))
            body.u32(UInt32(data.count))
            body.raw(data)
        }
    }

    mutating func opaque(type: UInt32, length: Int) {
        block(type) { body in body.raw([UInt8](repeating: 0x5a, count: length)) }
    }
}
