/// What `PacketDecoder` found in one captured frame: plain integers and offsets into the frame, so
/// that decoding allocates nothing. Offsets are byte positions in the `packet` buffer given to the
/// decoder; lengths never reach past its end.
///
/// Fields that the decoder did not reach keep their zero values (`0.0.0.0`, port 0, offset 0).
@frozen
public struct DecodedPacket: Sendable, Hashable {
    /// The verdict on the frame.
    public var kind: Kind

    /// The IP version of the outer IP header.
    public var family: IPFamily
    /// Source address of the outer IP header.
    public var source: IPAddress
    /// Destination address of the outer IP header.
    public var destination: IPAddress
    /// UDP/TCP source port; for `icmpQuotedDNS`, the source port of the quoted datagram.
    public var sourcePort: UInt16
    /// UDP/TCP destination port; for `icmpQuotedDNS`, the destination port of the quoted datagram.
    public var destinationPort: UInt16
    /// The transport protocol the ports belong to.
    public var transport: Transport
    /// The upper-layer protocol number after the IPv6 extension headers (17 UDP, 6 TCP, 1 ICMP, 58
    /// ICMPv6); for a fragment, the protocol of the fragmented datagram.
    public var ipProtocol: UInt8

    /// Number of 802.1Q / 802.1ad tags in front of the IP header (0 when untagged).
    public var vlanTagCount: UInt8
    /// The VLAN identifier (12 bits) of the innermost tag, 0 when untagged.
    public var vlanID: UInt16

    /// Offset of the IP header.
    public var networkOffset: Int
    /// Length of the IP header, IPv4 options and IPv6 extension headers included.
    public var ipHeaderLength: Int
    /// Offset of the IP payload (the transport header, or the fragment data).
    public var ipPayloadOffset: Int
    /// Length of the IP payload: what the IP header claims, trimmed of link padding and clamped to the
    /// captured bytes.
    public var ipPayloadLength: Int

    /// Offset of the payload: the DNS message for UDP, the segment data for TCP, the fragment data
    /// for `ipFragment`, the quoted IP packet for `icmpQuotedDNS`.
    public var payloadOffset: Int
    /// Length of the payload, clamped to the captured bytes.
    public var payloadLength: Int
    /// True when the capture holds fewer bytes than the headers claim: the snap length cut the frame.
    public var captureTruncated: Bool

    /// TCP sequence number of the first payload byte.
    public var tcpSequence: UInt32
    /// TCP acknowledgment number.
    public var tcpAcknowledgment: UInt32
    /// TCP control bits.
    public var tcpFlags: TCPFlags

    /// IP identification of a fragment: 16 bits for IPv4, 32 bits for the IPv6 Fragment header.
    public var ipIdentification: UInt32
    /// Position of the fragment data in the original datagram, in bytes.
    public var fragmentOffset: Int
    /// The More Fragments flag.
    public var moreFragments: Bool

    /// A value with every field zero and `kind` as given.
    @inlinable
    public init(kind: Kind = .notDNS(.unsupportedLinkType)) {
        self.kind = kind
        family = .v4
        source = IPAddress(ipv4: 0)
        destination = IPAddress(ipv4: 0)
        sourcePort = 0
        destinationPort = 0
        transport = .none
        ipProtocol = 0
        vlanTagCount = 0
        vlanID = 0
        networkOffset = 0
        ipHeaderLength = 0
        ipPayloadOffset = 0
        ipPayloadLength = 0
        payloadOffset = 0
        payloadLength = 0
        captureTruncated = false
        tcpSequence = 0
        tcpAcknowledgment = 0
        tcpFlags = []
        ipIdentification = 0
        fragmentOffset = 0
        moreFragments = false
    }

    /// The verdict on a frame.
    ///
    /// Headers are validated up to the port check; the headers of traffic on other ports are not
    /// checked further, so a broken non-DNS segment is `notDNS(.otherPort)`, not `malformed`.
    @frozen
    public enum Kind: Sendable, Hashable {
        /// UDP or TCP with a port in the decoder's `ports`; the payload fields locate the data.
        case dns
        /// Not DNS traffic, and why.
        case notDNS(NotDNSReason)
        /// An ICMP or ICMPv6 error quoting a UDP/TCP header with a DNS port: worth counting, but it is
        /// not a DNS message.
        case icmpQuotedDNS
        /// An IP fragment; the fragment fields and the payload fields describe it for a defragmenter.
        case ipFragment
        /// A header is cut short or inconsistent; `captureTruncated` tells a snap-length cut apart
        /// from a damaged packet.
        case malformed(MalformedReason)
    }

    /// Why a frame is not DNS traffic.
    @frozen
    public enum NotDNSReason: UInt8, Sendable, Hashable {
        /// The capture's link type is not one the decoder reads.
        case unsupportedLinkType
        /// The link layer carries something other than IPv4 or IPv6 (ARP, LLDP, 802.3 LLC, ...).
        case nonIPProtocol
        /// The IP payload is neither UDP, TCP nor ICMP (or the IPv6 chain ends with No Next Header).
        case otherTransport
        /// UDP or TCP, but neither port is a DNS port.
        case otherPort
        /// ICMP that is not an error quoting a DNS datagram (echo, or an error about other traffic).
        case icmp
    }

    /// Which header was cut short or inconsistent.
    @frozen
    public enum MalformedReason: UInt8, Sendable, Hashable {
        /// The link-layer header (or one of its VLAN tags) is cut short.
        case linkHeaderTruncated
        /// A raw-IP frame holds no byte, or its version nibble is neither 4 nor 6.
        case ipVersionInvalid
        /// The link layer announced IPv4 but the header says otherwise, or the reverse.
        case ipVersionMismatch
        /// The IPv4 header, options included, is cut short.
        case ipv4HeaderTruncated
        /// IHL is below 5 (a header shorter than 20 bytes).
        case ipv4HeaderLengthInvalid
        /// Total Length is smaller than the header.
        case ipv4TotalLengthInvalid
        /// The 40-byte IPv6 header is cut short.
        case ipv6HeaderTruncated
        /// An IPv6 extension header reaches past the payload.
        case ipv6ExtensionHeaderTruncated
        /// More IPv6 extension headers than `PacketDecoder.maxIPv6ExtensionHeaders`.
        case ipv6TooManyExtensionHeaders
        /// The UDP header is cut short.
        case udpHeaderTruncated
        /// The UDP length is below 8 or beyond the IP payload.
        case udpLengthInvalid
        /// The TCP header, options included, is cut short.
        case tcpHeaderTruncated
        /// The TCP data offset is below 5 or beyond the IP payload.
        case tcpDataOffsetInvalid
        /// An ICMP error is too short to show the quoted ports.
        case icmpTruncated
        /// The packet quoted in an ICMP error has a broken IP header.
        case icmpQuoteInvalid
    }

    /// The transport protocol of a decoded packet.
    @frozen
    public enum Transport: UInt8, Sendable, Hashable {
        /// No UDP or TCP header was read.
        case none = 0
        /// TCP (protocol 6).
        case tcp = 6
        /// UDP (protocol 17).
        case udp = 17
    }
}

extension DecodedPacket {
    /// True when the frame is DNS traffic (`kind == .dns`).
    @inlinable
    public var isDNS: Bool {
        if case .dns = kind { return true }
        return false
    }
}

/// TCP control bits (RFC 9293 section 3.1).
@frozen
public struct TCPFlags: OptionSet, Sendable, Hashable {
    /// The raw flag byte (byte 13 of the TCP header).
    public var rawValue: UInt8

    /// Creates flags from the raw flag byte.
    @inlinable
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// No more data from the sender.
    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x01) }
    /// Synchronize sequence numbers.
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x02) }
    /// Reset the connection.
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x04) }
    /// Push function.
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x08) }
    /// The acknowledgment field is significant.
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x10) }
    /// Urgent pointer field is significant.
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x20) }
    /// ECN-Echo (RFC 3168).
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x40) }
    /// Congestion Window Reduced (RFC 3168).
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x80) }
}
