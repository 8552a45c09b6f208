/// Limits of the capture file readers. Lengths in a file are untrusted: a length past these limits
/// is an error, never an allocation or an endless wait for more bytes.
public enum CaptureLimits: Sendable {
    /// Largest captured length of a pcap record: 262,144 bytes (256 KiB). This is libpcap's
    /// `MAXIMUM_SNAPLEN`, the largest snap length tcpdump writes; a full 65,535-byte IP datagram plus
    /// any link header fits four times over. A larger length means corrupt data or not a pcap at all.
    public static let maxPcapRecordLength = 262_144

    /// Largest pcapng block: 16 MiB (Wireshark's limit too). A packet block needs at most 256 KiB of
    /// data plus 32 bytes of header and its options; the rest of the room is for non-packet blocks
    /// (Decryption Secrets, Name Resolution, custom blocks), which the decoder skips in pieces, so only
    /// Section Header, Interface Description and packet blocks must fit whole in the caller's buffer.
    public static let maxPcapngBlockLength = 16 * 1024 * 1024

    /// Most Interface Description Blocks in one pcapng section: 65,536. A machine with more capture
    /// interfaces than this is not a thing; at 48 bytes each the table stays near 3 MiB even when a
    /// hostile file declares them all.
    public static let maxPcapngInterfaces = 65_536
}
