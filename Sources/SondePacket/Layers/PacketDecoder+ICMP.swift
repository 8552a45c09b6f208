// ICMP (RFC 792) and ICMPv6 (RFC 4443) errors quote the start of the packet that caused them.
// When that packet was DNS (a query to a closed port, a TTL expiring), the error is worth counting,
// but it carries no DNS message of its own.

extension PacketDecoder {
    /// Decodes an ICMPv4 message between `start` and `end`.
    ///
    ///      0                   1                   2                   3
    ///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |     Type      |     Code      |          Checksum             |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |             unused / pointer / next-hop MTU                   |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |      Internet Header + 64 bits of Original Data Datagram      |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///
    /// The error types that quote a datagram: 3 destination unreachable, 4 source quench, 5 redirect,
    /// 11 time exceeded, 12 parameter problem.
    func decodeICMPv4(_ packet: UnsafeRawBufferPointer, at start: Int, end: Int, into out: inout DecodedPacket) {
        guard start + 8 <= end else {
            out.kind = .malformed(.icmpTruncated)
            return
        }
        switch packet.byte(at: start) {
        case 3, 4, 5, 11, 12: break
        default:
            out.kind = .notDNS(.icmp)
            return
        }
        let quote = start + 8
        out.payloadOffset = quote
        out.payloadLength = end - quote
        guard quote + 20 <= end else {
            out.kind = .malformed(.icmpTruncated)
            return
        }
        let versionAndLength = packet.byte(at: quote)
        let headerLength = Int(versionAndLength & 0x0f) * 4
        guard versionAndLength >> 4 == 4 && headerLength >= 20 else {
            out.kind = .malformed(.icmpQuoteInvalid)
            return
        }
        // A later fragment quotes no transport header, so it cannot show ports.
        guard packet.bigEndianUInt16(at: quote + 6) & 0x1fff == 0 else {
            out.kind = .notDNS(.icmp)
            return
        }
        decodeQuotedPorts(packet.byte(at: quote + 9), packet, at: quote + headerLength, end: end, into: &out)
    }

    /// Decodes an ICMPv6 message between `start` and `end`.
    ///
    ///      0                   1                   2                   3
    ///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |     Type      |     Code      |          Checksum             |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |                 unused / MTU / pointer                        |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |     As much of the invoking packet as fits the minimum MTU    |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///
    /// The error types that quote a packet: 1 destination unreachable, 2 packet too big, 3 time
    /// exceeded, 4 parameter problem.
    func decodeICMPv6(_ packet: UnsafeRawBufferPointer, at start: Int, end: Int, into out: inout DecodedPacket) {
        guard start + 8 <= end else {
            out.kind = .malformed(.icmpTruncated)
            return
        }
        guard (1...4).contains(packet.byte(at: start)) else {
            out.kind = .notDNS(.icmp)
            return
        }
        let quote = start + 8
        out.payloadOffset = quote
        out.payloadLength = end - quote
        guard quote + 40 <= end else {
            out.kind = .malformed(.icmpTruncated)
            return
        }
        guard packet.byte(at: quote) >> 4 == 6 else {
            out.kind = .malformed(.icmpQuoteInvalid)
            return
        }
        // The quoted Payload Length counts bytes the error left out, so the quote's end is the limit.
        var chain = Self.walkIPv6Extensions(packet, from: quote + 40, limit: end, nextHeader: packet.byte(at: quote + 6))
        if chain.outcome == .fragment {
            // Only a first fragment quotes the transport header; walk on behind its Fragment header.
            guard chain.fragmentOffset == 0 else {
                out.kind = .notDNS(.icmp)
                return
            }
            chain = Self.walkIPv6Extensions(packet, from: chain.end, limit: end, nextHeader: chain.nextHeader)
        }
        switch chain.outcome {
        case .upperLayer:
            decodeQuotedPorts(chain.nextHeader, packet, at: chain.end, end: end, into: &out)
        case .truncated:
            out.kind = .malformed(.icmpTruncated)
        case .tooMany, .fragment:
            out.kind = .malformed(.icmpQuoteInvalid)
        }
    }

    /// Reads the ports of a quoted UDP or TCP header at `start` and classifies the ICMP error.
    @inline(__always)
    func decodeQuotedPorts(
        _ quotedProtocol: UInt8,
        _ packet: UnsafeRawBufferPointer,
        at start: Int,
        end: Int,
        into out: inout DecodedPacket
    ) {
        switch quotedProtocol {
        case 17: out.transport = .udp
        case 6: out.transport = .tcp
        default:
            out.kind = .notDNS(.icmp)
            return
        }
        // Both ports sit in the first 4 of the 8 transport bytes an error must quote.
        guard start + 4 <= end else {
            out.kind = .malformed(.icmpTruncated)
            return
        }
        out.sourcePort = packet.bigEndianUInt16(at: start)
        out.destinationPort = packet.bigEndianUInt16(at: start + 2)
        if ports.contains(out.sourcePort) || ports.contains(out.destinationPort) {
            out.kind = .icmpQuotedDNS
        } else {
            out.kind = .notDNS(.icmp)
        }
    }
}
