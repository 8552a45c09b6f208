// IPv4 (RFC 791).

extension PacketDecoder {
    /// Decodes the IPv4 header at `offset` and what it carries.
    ///
    ///      0                   1                   2                   3
    ///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |Version|  IHL  |Type of Service|          Total Length         |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |         Identification        |Flags|      Fragment Offset    |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |  Time to Live |    Protocol   |         Header Checksum       |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |                       Source Address                          |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |                    Destination Address                        |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |                    Options (IHL > 5)                          |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///
    /// The checksum is not verified: a monitor reports what was on the wire, and offloading NICs
    /// leave outgoing checksums unfilled in captures.
    func decodeIPv4(_ packet: UnsafeRawBufferPointer, at offset: Int, into out: inout DecodedPacket) {
        out.family = .v4
        out.networkOffset = offset
        guard offset + 20 <= packet.count else {
            out.kind = .malformed(.ipv4HeaderTruncated)
            return
        }
        let versionAndLength = packet.byte(at: offset)
        guard versionAndLength >> 4 == 4 else {
            out.kind = .malformed(.ipVersionMismatch)
            return
        }
        let headerLength = Int(versionAndLength & 0x0f) * 4
        guard headerLength >= 20 else {
            out.kind = .malformed(.ipv4HeaderLengthInvalid)
            return
        }
        out.source = packet.ipv4Address(at: offset + 12)
        out.destination = packet.ipv4Address(at: offset + 16)
        out.ipHeaderLength = headerLength
        guard offset + headerLength <= packet.count else {
            out.kind = .malformed(.ipv4HeaderTruncated)
            return
        }

        let payloadStart = offset + headerLength
        let available = packet.count - payloadStart
        let totalLength = Int(packet.bigEndianUInt16(at: offset + 2))
        let claimed: Int
        if totalLength == 0 {
            // Segmentation offload hands the capture a super-packet with Total Length 0: the captured
            // bytes are the only length there is.
            claimed = available
        } else {
            guard totalLength >= headerLength else {
                out.kind = .malformed(.ipv4TotalLengthInvalid)
                return
            }
            // Anything past Total Length is link padding (Ethernet minimum frame) or an FCS.
            claimed = totalLength - headerLength
        }
        out.captureTruncated = available < claimed
        out.ipPayloadOffset = payloadStart
        out.ipPayloadLength = min(claimed, available)
        let ipProtocol = packet.byte(at: offset + 9)
        out.ipProtocol = ipProtocol

        let flagsAndOffset = packet.bigEndianUInt16(at: offset + 6)
        // MF set or a non-zero offset: a fragment (DF, 0x4000, does not matter here).
        if flagsAndOffset & 0x3fff != 0 {
            out.kind = .ipFragment
            out.ipIdentification = UInt32(packet.bigEndianUInt16(at: offset + 4))
            out.fragmentOffset = Int(flagsAndOffset & 0x1fff) * 8
            out.moreFragments = flagsAndOffset & 0x2000 != 0
            out.payloadOffset = payloadStart
            out.payloadLength = out.ipPayloadLength
            return
        }
        decodeTransport(ipProtocol, packet, at: payloadStart, claimed: claimed, into: &out)
    }
}
