// Link layers: find where the IP header starts and which version the link layer announces.

extension PacketDecoder {
    /// EtherType values for IPv4 and IPv6.
    static let etherTypeIPv4: UInt16 = 0x0800
    static let etherTypeIPv6: UInt16 = 0x86dd

    /// Reads the link-layer header of a frame of type `linkType`.
    ///
    /// Ethernet II (`LINKTYPE_ETHERNET`), then zero or more VLAN tags:
    ///
    ///      0                   1                   2                   3
    ///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |            Destination MAC (6) ... | Source MAC (6) ...       |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |    EtherType / TPID (12)      |  PCP|D|  VLAN ID (if tagged)  |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |    inner EtherType / TPID     |  ... next tag or IP header    |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///
    /// Linux cooked v1 (`LINKTYPE_LINUX_SLL`, 16 bytes) and v2 (`LINKTYPE_LINUX_SLL2`, 20 bytes):
    ///
    ///     SLL:  packet type (2) | ARPHRD (2) | addr len (2) | addr (8) | protocol (2)
    ///     SLL2: protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) | pkt type (1) | addr len (1) | addr (8)
    ///
    /// BSD loopback (`LINKTYPE_NULL`) and OpenBSD loopback (`LINKTYPE_LOOP`): a 4-byte address family,
    /// in the capturing host's byte order for NULL and in network order for LOOP.
    @inline(__always)
    func linkLayer(_ linkType: UInt32, _ packet: UnsafeRawBufferPointer, _ out: inout DecodedPacket) -> NetworkLayer {
        switch linkType {
        case LinkType.ethernet:
            guard packet.count >= 14 else { return truncatedLink(&out) }
            return etherType(packet.bigEndianUInt16(at: 12), at: 14, packet, &out)
        case LinkType.linuxSLL:
            guard packet.count >= 16 else { return truncatedLink(&out) }
            return etherType(packet.bigEndianUInt16(at: 14), at: 16, packet, &out)
        case LinkType.linuxSLL2:
            guard packet.count >= 20 else { return truncatedLink(&out) }
            return etherType(packet.bigEndianUInt16(at: 0), at: 20, packet, &out)
        case LinkType.raw, LinkType.rawDLT12, LinkType.rawDLT14:
            return .byVersion(0)
        case LinkType.ipv4:
            return .ipv4(0)
        case LinkType.ipv6:
            return .ipv6(0)
        case LinkType.null:
            guard packet.count >= 4 else { return truncatedLink(&out) }
            // Written in the byte order of the capturing host, which the file does not record. Every
            // family value fits in 16 bits, so set high bits mean the other byte order.
            var family = packet.uint32(at: 0, bigEndian: false)
            if family & 0xffff_0000 != 0 { family = family.byteSwapped }
            return addressFamily(family, &out)
        case LinkType.loop:
            guard packet.count >= 4 else { return truncatedLink(&out) }
            return addressFamily(packet.bigEndianUInt32(at: 0), &out)
        default:
            out.kind = .notDNS(.unsupportedLinkType)
            return .none
        }
    }

    /// Follows VLAN tags from `type` at `offset` to the EtherType of the payload.
    @inline(__always)
    func etherType(
        _ type: UInt16,
        at offset: Int,
        _ packet: UnsafeRawBufferPointer,
        _ out: inout DecodedPacket
    ) -> NetworkLayer {
        var type = type
        var offset = offset
        // 802.1Q, 802.1ad, and the pre-standard QinQ TPIDs. Each tag consumes 4 bytes, so the loop
        // ends at the end of the frame whatever the frame holds.
        while type == 0x8100 || type == 0x88a8 || type == 0x9100 || type == 0x9200 {
            guard offset + 4 <= packet.count else { return truncatedLink(&out) }
            out.vlanID = packet.bigEndianUInt16(at: offset) & 0x0fff
            if out.vlanTagCount < UInt8.max { out.vlanTagCount += 1 }
            type = packet.bigEndianUInt16(at: offset + 2)
            offset += 4
        }
        switch type {
        case Self.etherTypeIPv4: return .ipv4(offset)
        case Self.etherTypeIPv6: return .ipv6(offset)
        default:
            out.kind = .notDNS(.nonIPProtocol)
            return .none
        }
    }

    /// Maps a BSD address family to the IP version; the header is 4 bytes.
    @inline(__always)
    func addressFamily(_ family: UInt32, _ out: inout DecodedPacket) -> NetworkLayer {
        switch family {
        case 2: return .ipv4(4)  // AF_INET everywhere
        case 24, 28, 30: return .ipv6(4)  // AF_INET6 on NetBSD/OpenBSD, FreeBSD, Darwin
        default:
            out.kind = .notDNS(.nonIPProtocol)
            return .none
        }
    }

    @inline(__always)
    func truncatedLink(_ out: inout DecodedPacket) -> NetworkLayer {
        out.kind = .malformed(.linkHeaderTruncated)
        return .none
    }
}
