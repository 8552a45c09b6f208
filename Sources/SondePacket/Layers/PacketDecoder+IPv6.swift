// IPv6 (RFC 8200) and its extension header chain.

extension PacketDecoder {
    /// Decodes the IPv6 header at `offset`, walks its extension headers, and decodes what they carry.
    ///
    ///      0                   1                   2                   3
    ///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |Version| Traffic Class |           Flow Label                  |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |         Payload Length        |  Next Header  |   Hop Limit   |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |                    Source Address (16 bytes)                  |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |                 Destination Address (16 bytes)                |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    func decodeIPv6(_ packet: UnsafeRawBufferPointer, at offset: Int, into out: inout DecodedPacket) {
        out.family = .v6
        out.networkOffset = offset
        guard offset + 40 <= packet.count else {
            out.kind = .malformed(.ipv6HeaderTruncated)
            return
        }
        guard packet.byte(at: offset) >> 4 == 6 else {
            out.kind = .malformed(.ipVersionMismatch)
            return
        }
        out.source = packet.ipv6Address(at: offset + 8)
        out.destination = packet.ipv6Address(at: offset + 24)

        let fixedEnd = offset + 40
        let available = packet.count - fixedEnd
        let payloadLength = Int(packet.bigEndianUInt16(at: offset + 4))
        // Zero comes with a Jumbo Payload option (RFC 2675) or from segmentation offload; either way
        // the captured bytes are the only length there is. Bytes past a non-zero length are padding.
        let claimed = payloadLength == 0 ? available : payloadLength
        out.captureTruncated = available < claimed
        let limit = fixedEnd + min(claimed, available)

        let chain = Self.walkIPv6Extensions(packet, from: fixedEnd, limit: limit, nextHeader: packet.byte(at: offset + 6))
        out.ipHeaderLength = chain.end - offset
        out.ipPayloadOffset = chain.end
        out.ipPayloadLength = limit - chain.end
        out.ipProtocol = chain.nextHeader
        switch chain.outcome {
        case .truncated:
            out.kind = .malformed(.ipv6ExtensionHeaderTruncated)
        case .tooMany:
            out.kind = .malformed(.ipv6TooManyExtensionHeaders)
        case .fragment:
            out.kind = .ipFragment
            out.ipIdentification = chain.identification
            out.fragmentOffset = chain.fragmentOffset
            out.moreFragments = chain.moreFragments
            out.payloadOffset = chain.end
            out.payloadLength = limit - chain.end
        case .upperLayer:
            let claimedAfterChain = claimed - (chain.end - fixedEnd)
            decodeTransport(chain.nextHeader, packet, at: chain.end, claimed: claimedAfterChain, into: &out)
        }
    }

    /// Where an IPv6 extension header chain ends.
    struct IPv6ExtensionChain {
        enum Outcome {
            /// `nextHeader` is an upper-layer protocol starting at `end`.
            case upperLayer
            /// A Fragment header that is not atomic; its data starts at `end`.
            case fragment
            /// A header reaches past the limit; `end` is where it starts.
            case truncated
            /// More than `maxIPv6ExtensionHeaders` headers.
            case tooMany
        }

        var outcome: Outcome
        var nextHeader: UInt8
        var end: Int
        var fragmentOffset = 0
        var moreFragments = false
        var identification: UInt32 = 0
    }

    /// Walks extension headers from `start`, reading nothing at or past `limit`.
    ///
    /// Most extension headers share one shape; AH counts its length in 4-byte units less 2
    /// (RFC 4302), and the Fragment header is 8 bytes:
    ///
    ///     generic:   | Next Header | Hdr Ext Len (8-byte units, not counting the first 8) | data ...
    ///     Fragment:  | Next Header | Reserved | Fragment Offset (13) | Res (2) | M | Identification (32) |
    ///
    /// A Fragment header with offset 0 and M clear is an atomic fragment (RFC 6946): the whole
    /// datagram, so the walk goes on through it.
    static func walkIPv6Extensions(
        _ packet: UnsafeRawBufferPointer,
        from start: Int,
        limit: Int,
        nextHeader: UInt8
    ) -> IPv6ExtensionChain {
        var cursor = start
        var next = nextHeader
        var walked = 0
        while true {
            let length: Int
            switch next {
            case 0, 43, 60, 135, 139, 140:
                // Hop-by-Hop, Routing, Destination Options, Mobility, HIP, Shim6 (RFC 7045 list).
                guard cursor + 2 <= limit else { return IPv6ExtensionChain(outcome: .truncated, nextHeader: next, end: cursor) }
                length = (Int(packet.byte(at: cursor + 1)) + 1) * 8
            case 51:
                guard cursor + 2 <= limit else { return IPv6ExtensionChain(outcome: .truncated, nextHeader: next, end: cursor) }
                length = (Int(packet.byte(at: cursor + 1)) + 2) * 4
            case 44:
                length = 8
            default:
                return IPv6ExtensionChain(outcome: .upperLayer, nextHeader: next, end: cursor)
            }
            guard walked < maxIPv6ExtensionHeaders else {
                return IPv6ExtensionChain(outcome: .tooMany, nextHeader: next, end: cursor)
            }
            walked += 1
            guard cursor + length <= limit else {
                return IPv6ExtensionChain(outcome: .truncated, nextHeader: next, end: cursor)
            }
            if next == 44 {
                let offsetAndFlags = packet.bigEndianUInt16(at: cursor + 2)
                let fragmentOffset = Int(offsetAndFlags >> 3) * 8
                let more = offsetAndFlags & 1 != 0
                if fragmentOffset != 0 || more {
                    var chain = IPv6ExtensionChain(outcome: .fragment, nextHeader: packet.byte(at: cursor), end: cursor + 8)
                    chain.fragmentOffset = fragmentOffset
                    chain.moreFragments = more
                    chain.identification = packet.bigEndianUInt32(at: cursor + 4)
                    return chain
                }
            }
            next = packet.byte(at: cursor)
            cursor += length
        }
    }
}
