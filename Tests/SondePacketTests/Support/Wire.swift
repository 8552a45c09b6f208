import SondePacket

/// Builders for hand-made frames. Checksums are left zero: the decoder does not verify them.
enum Wire {
    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
    static func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xffff)) }

    /// A 16-byte IPv6 address from its 8 groups.
    static func v6(_ groups: [UInt16]) -> [UInt8] {
        precondition(groups.count == 8)
        return groups.flatMap(be16)
    }

    static let loopback6 = v6([0, 0, 0, 0, 0, 0, 0, 1])
    static let doc6a = v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x53])
    static let doc6b = v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x1])

    static func ethernet(type: UInt16, tags: [(tpid: UInt16, tci: UInt16)] = [], _ payload: [UInt8]) -> [UInt8] {
        var frame = [UInt8](repeating: 0x02, count: 6) + [UInt8](repeating: 0x04, count: 6)
        for tag in tags { frame += be16(tag.tpid) + be16(tag.tci) }
        return frame + be16(type) + payload
    }

    static func ipv4(
        source: UInt32 = 0xc000_0201,
        destination: UInt32 = 0xc000_0235,
        protocol ipProtocol: UInt8,
        options: [UInt8] = [],
        identification: UInt16 = 0x1234,
        flagsAndOffset: UInt16 = 0x4000,
        totalLength: Int? = nil,
        headerWords: UInt8? = nil,
        version: UInt8 = 4,
        _ payload: [UInt8]
    ) -> [UInt8] {
        precondition(options.count % 4 == 0)
        let headerLength = 20 + options.count
        let words = headerWords ?? UInt8(headerLength / 4)
        var header: [UInt8] = [version << 4 | words, 0]
        header += be16(UInt16(totalLength ?? headerLength + payload.count))
        header += be16(identification) + be16(flagsAndOffset)
        header += [64, ipProtocol, 0, 0]
        header += be32(source) + be32(destination) + options
        return header + payload
    }

    static func ipv6(
        source: [UInt8] = doc6b,
        destination: [UInt8] = doc6a,
        nextHeader: UInt8,
        payloadLength: Int? = nil,
        _ payload: [UInt8]
    ) -> [UInt8] {
        var header: [UInt8] = [0x60, 0, 0, 0]
        header += be16(UInt16(payloadLength ?? payload.count)) + [nextHeader, 64]
        return header + source + destination + payload
    }

    /// A generic IPv6 extension header of `units` 8-byte units (Hop-by-Hop, Routing, Destination).
    static func extensionHeader(next: UInt8, units: Int = 1) -> [UInt8] {
        [next, UInt8(units - 1)] + [UInt8](repeating: 0, count: units * 8 - 2)
    }

    /// An Authentication Header with `words` 4-byte words of ICV after the 12 fixed bytes.
    static func authenticationHeader(next: UInt8, icvWords: Int = 1) -> [UInt8] {
        let total = 12 + icvWords * 4
        return [next, UInt8(total / 4 - 2), 0, 0] + [UInt8](repeating: 0xaa, count: total - 4)
    }

    static func fragmentHeader(next: UInt8, offset: Int, more: Bool, identification: UInt32) -> [UInt8] {
        [next, 0] + be16(UInt16(offset / 8) << 3 | (more ? 1 : 0)) + be32(identification)
    }

    static func udp(source: UInt16 = 40000, destination: UInt16 = 53, length: Int? = nil, _ payload: [UInt8]) -> [UInt8] {
        be16(source) + be16(destination) + be16(UInt16(length ?? 8 + payload.count)) + [0, 0] + payload
    }

    static func tcp(
        source: UInt16 = 40000,
        destination: UInt16 = 53,
        sequence: UInt32 = 1000,
        acknowledgment: UInt32 = 2000,
        flags: UInt8 = 0x18,
        options: [UInt8] = [],
        dataOffsetWords: UInt8? = nil,
        _ payload: [UInt8]
    ) -> [UInt8] {
        let words = dataOffsetWords ?? UInt8((20 + options.count) / 4)
        return be16(source) + be16(destination) + be32(sequence) + be32(acknowledgment)
            + [words << 4, flags] + be16(65535) + [0, 0, 0, 0] + options + payload
    }

    static func icmp(type: UInt8, code: UInt8 = 0, _ quote: [UInt8]) -> [UInt8] {
        [type, code, 0, 0, 0, 0, 0, 0] + quote
    }

    /// A small DNS query for `example.test A`.
    static let dnsQuery: [UInt8] = [
        0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
        7, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 4, 0x74, 0x65, 0x73, 0x74, 0, 0, 1, 0, 1,
    ]
}

extension PacketDecoder {
    /// Decodes a byte array, with the whole array as the original length unless told otherwise.
    func decode(_ bytes: [UInt8], linkType: UInt32 = LinkType.ethernet, originalLength: Int? = nil) -> DecodedPacket {
        bytes.withUnsafeBytes { decode(linkType: linkType, packet: $0, originalLength: originalLength ?? bytes.count) }
    }
}

extension DecodedPacket {
    /// The payload bytes within `bytes`.
    func payload(in bytes: [UInt8]) -> [UInt8] {
        Array(bytes[payloadOffset..<payloadOffset + payloadLength])
    }
}
