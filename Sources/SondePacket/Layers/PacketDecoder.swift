/// Decodes the link, IP and transport headers of captured frames and tells DNS traffic apart.
///
/// The decoder is a value holding only its configuration; `decode` reads the frame in place and
/// returns a `DecodedPacket` of integers and offsets, with no allocation. Any byte sequence is a
/// valid input: every read is checked against the captured length, and a header that is cut short
/// or inconsistent yields `.malformed`, never a trap.
///
/// Supported link types are listed in `LinkType`. Above them: IPv4 (options skipped, fragments
/// reported as `.ipFragment`), IPv6 (extension headers walked, Fragment header reported), UDP, TCP,
/// and ICMP/ICMPv6 errors that quote a DNS datagram.
public struct PacketDecoder: Sendable {
    /// The ports that make a UDP datagram or TCP segment DNS traffic, on either side.
    public var ports: PortSet

    /// The most IPv6 extension headers walked before a packet is called malformed. RFC 8200 section
    /// 4.1 expects at most one of each of the 6 standard kinds (Destination Options twice), so 8 is
    /// the honest maximum; 16 leaves room for unusual but harmless stacks while bounding a hostile chain.
    public static let maxIPv6ExtensionHeaders = 16

    /// A decoder that calls traffic on `ports` DNS.
    public init(ports: PortSet = PortSet([53])) {
        self.ports = ports
    }

    /// Decodes one captured frame.
    ///
    /// - Parameters:
    ///   - linkType: the `LINKTYPE_` value of the capture interface (see `LinkType`).
    ///   - packet: the captured bytes.
    ///   - originalLength: the frame's length on the wire; when larger than `packet.count` the capture
    ///     was cut by the snap length, which `captureTruncated` reports.
    public func decode(linkType: UInt32, packet: UnsafeRawBufferPointer, originalLength: Int) -> DecodedPacket {
        var out = DecodedPacket(kind: .notDNS(.unsupportedLinkType))
        switch linkLayer(linkType, packet, &out) {
        case .ipv4(let offset):
            decodeIPv4(packet, at: offset, into: &out)
        case .ipv6(let offset):
            decodeIPv6(packet, at: offset, into: &out)
        case .byVersion(let offset):
            guard offset < packet.count else {
                out.kind = .malformed(.ipVersionInvalid)
                break
            }
            switch packet.byte(at: offset) >> 4 {
            case 4: decodeIPv4(packet, at: offset, into: &out)
            case 6: decodeIPv6(packet, at: offset, into: &out)
            default: out.kind = .malformed(.ipVersionInvalid)
            }
        case .none:
            break
        }
        // A header cut short in a frame shorter than on the wire was cut by the snap length.
        if case .malformed = out.kind, originalLength > packet.count {
            out.captureTruncated = true
        }
        return out
    }

    /// Decodes the transport header of an IP datagram payload that a defragmenter reassembled.
    ///
    /// Offsets in the result are positions in `payload`; the address fields are copied from the
    /// arguments. The kind is `.dns`, `.notDNS`, `.icmpQuotedDNS` or `.malformed`.
    ///
    /// - Parameters:
    ///   - ipProtocol: the upper-layer protocol of the datagram (the fragments' `ipProtocol`).
    ///   - payload: the reassembled IP payload, starting with the transport header.
    public func decodeDatagram(
        family: IPFamily,
        source: IPAddress,
        destination: IPAddress,
        ipProtocol: UInt8,
        payload: UnsafeRawBufferPointer
    ) -> DecodedPacket {
        var out = DecodedPacket(kind: .notDNS(.otherTransport))
        out.family = family
        out.source = source
        out.destination = destination
        out.ipPayloadLength = payload.count
        decodeTransport(ipProtocol, payload, at: 0, claimed: payload.count, into: &out)
        return out
    }
}

/// Where the IP header starts, as found by the link layer.
enum NetworkLayer {
    /// The link layer announced IPv4 at this offset.
    case ipv4(Int)
    /// The link layer announced IPv6 at this offset.
    case ipv6(Int)
    /// Raw IP: the version nibble at this offset decides.
    case byVersion(Int)
    /// Not IP, or the link header is broken; the packet's kind is already set.
    case none
}
