// UDP (RFC 768) and TCP (RFC 9293): ports, then the payload bounds of DNS traffic.

extension PacketDecoder {
    /// Decodes the transport header of protocol `ipProtocol` at `start`.
    ///
    /// - Parameter claimed: the IP payload length the IP header claims from `start` on; the captured
    ///   bytes may be fewer (snap length) or more (link padding).
    @inline(__always)
    func decodeTransport(
        _ ipProtocol: UInt8,
        _ packet: UnsafeRawBufferPointer,
        at start: Int,
        claimed: Int,
        into out: inout DecodedPacket
    ) {
        out.ipProtocol = ipProtocol
        let available = packet.count - start
        switch ipProtocol {
        case 17:
            decodeUDP(packet, at: start, claimed: claimed, available: available, into: &out)
        case 6:
            decodeTCP(packet, at: start, claimed: claimed, available: available, into: &out)
        case 1 where out.family == .v4:
            decodeICMPv4(packet, at: start, end: start + min(claimed, available), into: &out)
        case 58 where out.family == .v6:
            decodeICMPv6(packet, at: start, end: start + min(claimed, available), into: &out)
        default:
            out.kind = .notDNS(.otherTransport)
        }
    }

    /// Decodes a UDP header.
    ///
    ///      0      7 8     15 16    23 24    31
    ///     +--------+--------+--------+--------+
    ///     |   Source Port   |Destination Port |
    ///     +--------+--------+--------+--------+
    ///     |     Length      |    Checksum     |
    ///     +--------+--------+--------+--------+
    ///     |          data octets ...
    func decodeUDP(
        _ packet: UnsafeRawBufferPointer,
        at start: Int,
        claimed: Int,
        available: Int,
        into out: inout DecodedPacket
    ) {
        let present = min(claimed, available)
        guard present >= 4 else {
            out.kind = .malformed(.udpHeaderTruncated)
            return
        }
        out.transport = .udp
        guard readPorts(packet, at: start, into: &out) else { return }
        guard present >= 8 else {
            out.kind = .malformed(.udpHeaderTruncated)
            return
        }
        let udpLength = Int(packet.bigEndianUInt16(at: start + 4))
        let datagramLength: Int
        if udpLength == 0 {
            // Jumbograms (RFC 2675) and segmentation offload: the IP length stands.
            datagramLength = claimed
        } else {
            guard udpLength >= 8 && udpLength <= claimed else {
                out.kind = .malformed(.udpLengthInvalid)
                return
            }
            datagramLength = udpLength
        }
        out.captureTruncated = available < datagramLength
        out.payloadOffset = start + 8
        out.payloadLength = min(datagramLength, available) - 8
        out.kind = .dns
    }

    /// Decodes a TCP header.
    ///
    ///      0                   1                   2                   3
    ///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |          Source Port          |       Destination Port        |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |                        Sequence Number                        |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |                    Acknowledgment Number                      |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |  Data |       |C|E|U|A|P|R|S|F|                               |
    ///     | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |           Checksum            |         Urgent Pointer        |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     |                    Options (Data Offset > 5)                  |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    func decodeTCP(
        _ packet: UnsafeRawBufferPointer,
        at start: Int,
        claimed: Int,
        available: Int,
        into out: inout DecodedPacket
    ) {
        let present = min(claimed, available)
        guard present >= 4 else {
            out.kind = .malformed(.tcpHeaderTruncated)
            return
        }
        out.transport = .tcp
        guard readPorts(packet, at: start, into: &out) else { return }
        guard present >= 20 else {
            out.kind = .malformed(.tcpHeaderTruncated)
            return
        }
        out.tcpSequence = packet.bigEndianUInt32(at: start + 4)
        out.tcpAcknowledgment = packet.bigEndianUInt32(at: start + 8)
        out.tcpFlags = TCPFlags(rawValue: packet.byte(at: start + 13))
        let dataOffset = Int(packet.byte(at: start + 12) >> 4) * 4
        guard dataOffset >= 20 && dataOffset <= claimed else {
            out.kind = .malformed(.tcpDataOffsetInvalid)
            return
        }
        guard dataOffset <= available else {
            out.kind = .malformed(.tcpHeaderTruncated)
            return
        }
        out.captureTruncated = available < claimed
        out.payloadOffset = start + dataOffset
        out.payloadLength = present - dataOffset
        out.kind = .dns
    }

    /// Reads the two ports at `start` (the caller checked 4 bytes) and returns whether one is a DNS
    /// port; when none is, the kind is set to `notDNS(.otherPort)`.
    @inline(__always)
    func readPorts(_ packet: UnsafeRawBufferPointer, at start: Int, into out: inout DecodedPacket) -> Bool {
        out.sourcePort = packet.bigEndianUInt16(at: start)
        out.destinationPort = packet.bigEndianUInt16(at: start + 2)
        if ports.contains(out.sourcePort) || ports.contains(out.destinationPort) { return true }
        out.kind = .notDNS(.otherPort)
        return false
    }
}
