/// What an input saw below the DNS layer: every packet is counted in exactly one outcome.
public struct DecodeCounters: Sendable, Hashable {
    /// Packets (or frames) read.
    public var packets: UInt64 = 0
    /// Bytes of packet data read (captured lengths).
    public var bytes: UInt64 = 0
    /// Packets that carried one or more DNS messages.
    public var dnsPackets: UInt64 = 0
    /// Packets that are not DNS (other ports, other protocols, ARP, ...).
    public var notDNS: UInt64 = 0
    /// ICMP errors quoting a DNS packet: counted, never emitted as DNS messages.
    public var icmpQuotedDNS: UInt64 = 0
    /// Packets whose link, IP or transport header could not be decoded.
    public var malformedPackets: UInt64 = 0
    /// IP fragments; each is held until its datagram is whole (see the `ipDatagrams…` counts).
    public var ipFragments: UInt64 = 0
    /// TCP segments on a DNS port with data that completed no message (held for reassembly, or skipped).
    public var tcpIncomplete: UInt64 = 0
    /// DNS messages put together from several TCP segments.
    public var tcpMessagesReassembled: UInt64 = 0
    /// TCP bytes that could not be used: before a message boundary on a stream joined mid-way, in gaps never
    /// filled, or over the reassembly limits.
    public var tcpBytesSkipped: UInt64 = 0
    /// DNS messages over TCP dropped because they exceeded the per-flow limit.
    public var tcpMessagesDropped: UInt64 = 0
    /// TCP flows dropped to stay within the flow or memory limits, and flows that went idle with data pending.
    public var tcpFlowsEvicted: UInt64 = 0
    public var tcpFlowsTimedOut: UInt64 = 0
    /// Holes in TCP streams declared lost (the capture missed segments the receiver got, or they never came): each
    /// cost only the messages it cut, and the bytes in them (part of `tcpBytesSkipped`).
    public var tcpHoles: UInt64 = 0
    public var tcpHoleBytes: UInt64 = 0
    /// IP datagrams put together from fragments.
    public var ipDatagramsReassembled: UInt64 = 0
    /// Datagrams whose missing fragments never came.
    public var ipDatagramsTimedOut: UInt64 = 0
    /// Datagrams discarded: overlapping fragments (RFC 5722), invalid offsets, too many fragments, limits.
    public var ipDatagramsDiscarded: UInt64 = 0
    /// TCP segments on a DNS port with no payload (handshake, ACK, FIN).
    public var tcpControl: UInt64 = 0
    /// DNS messages cut short by the capture's snap length.
    public var captureTruncated: UInt64 = 0
    /// Packets of a link type Sonde cannot read.
    public var unsupportedLinkType: UInt64 = 0

    public init() {}

    /// Adds another input's counters.
    public mutating func add(_ o: DecodeCounters) {
        packets += o.packets
        bytes += o.bytes
        dnsPackets += o.dnsPackets
        notDNS += o.notDNS
        icmpQuotedDNS += o.icmpQuotedDNS
        malformedPackets += o.malformedPackets
        ipFragments += o.ipFragments
        tcpIncomplete += o.tcpIncomplete
        tcpControl += o.tcpControl
        captureTruncated += o.captureTruncated
        tcpMessagesReassembled += o.tcpMessagesReassembled
        tcpBytesSkipped += o.tcpBytesSkipped
        tcpMessagesDropped += o.tcpMessagesDropped
        tcpFlowsEvicted += o.tcpFlowsEvicted
        tcpFlowsTimedOut += o.tcpFlowsTimedOut
        tcpHoles += o.tcpHoles
        tcpHoleBytes += o.tcpHoleBytes
        ipDatagramsReassembled += o.ipDatagramsReassembled
        ipDatagramsTimedOut += o.ipDatagramsTimedOut
        ipDatagramsDiscarded += o.ipDatagramsDiscarded
        unsupportedLinkType += o.unsupportedLinkType
    }
}
