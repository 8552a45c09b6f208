/// Link-layer header types (the `LINKTYPE_` values of the tcpdump.org registry, as written in pcap
/// and pcapng files) that `PacketDecoder` reads.
public enum LinkType: Sendable {
    /// `LINKTYPE_NULL`: BSD loopback, a 4-byte address family in the capturing host's byte order.
    public static let null: UInt32 = 0
    /// `LINKTYPE_ETHERNET`: Ethernet II, with any number of 802.1Q / 802.1ad tags.
    public static let ethernet: UInt32 = 1
    /// `DLT_RAW` as some systems write it into files (12): raw IP, version from the first nibble.
    public static let rawDLT12: UInt32 = 12
    /// `DLT_RAW` as OpenBSD writes it into files (14): raw IP, version from the first nibble.
    public static let rawDLT14: UInt32 = 14
    /// `LINKTYPE_RAW`: raw IP, version from the first nibble.
    public static let raw: UInt32 = 101
    /// `LINKTYPE_LOOP`: OpenBSD loopback, a 4-byte address family in network byte order.
    public static let loop: UInt32 = 108
    /// `LINKTYPE_LINUX_SLL`: Linux cooked capture v1 (16-byte header).
    public static let linuxSLL: UInt32 = 113
    /// `LINKTYPE_IPV4`: raw IPv4.
    public static let ipv4: UInt32 = 228
    /// `LINKTYPE_IPV6`: raw IPv6.
    public static let ipv6: UInt32 = 229
    /// `LINKTYPE_LINUX_SLL2`: Linux cooked capture v2 (20-byte header).
    public static let linuxSLL2: UInt32 = 276
}
