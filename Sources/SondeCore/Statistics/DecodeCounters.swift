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
    /// IP fragments (reassembly not available yet: counted, not decoded).
    public var ipFragments: UInt64 = 0
    /// TCP segments on a DNS port whose payload did not hold whole messages (reassembly not available yet).
    public var tcpIncomplete: UInt64 = 0
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
        unsupportedLinkType += o.unsupportedLinkType
    }
}
