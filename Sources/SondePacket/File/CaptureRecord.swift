/// One packet record found by `CaptureFileDecoder`, located in the buffer that was passed in.
@frozen
public struct CaptureRecord: Sendable, Hashable {
    /// Bytes of the buffer this record used, headers and padding included; advance the buffer by this.
    public var consumed: Int
    /// Offset of the packet bytes in the buffer.
    public var dataOffset: Int
    /// Number of packet bytes captured (at most the snap length).
    public var capturedLength: Int
    /// Length of the packet on the wire.
    public var originalLength: Int
    /// Capture time in nanoseconds since the Unix epoch; 0 for pcapng Simple Packet Blocks, which
    /// carry no timestamp.
    public var timestampNanoseconds: Int64
    /// The `LINKTYPE_` value of the packet's interface.
    public var linkType: UInt32
    /// The packet's interface: its index in the section's Interface Description Blocks; 0 for pcap.
    public var interfaceID: UInt32

    /// Creates a record.
    @inlinable
    public init(
        consumed: Int,
        dataOffset: Int,
        capturedLength: Int,
        originalLength: Int,
        timestampNanoseconds: Int64,
        linkType: UInt32,
        interfaceID: UInt32
    ) {
        self.consumed = consumed
        self.dataOffset = dataOffset
        self.capturedLength = capturedLength
        self.originalLength = originalLength
        self.timestampNanoseconds = timestampNanoseconds
        self.linkType = linkType
        self.interfaceID = interfaceID
    }

    /// The packet bytes within `buffer`, the buffer that was given to `CaptureFileDecoder.next(_:)`.
    @inlinable
    public func packet(in buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[dataOffset..<dataOffset + capturedLength])
    }
}

/// The container format of a capture file, told by its magic number.
@frozen
public enum CaptureFormat: Sendable, Hashable {
    /// pcap with microsecond timestamps (magic 0xa1b2c3d4).
    case pcap
    /// pcap with nanosecond timestamps (magic 0xa1b23c4d).
    case pcapNanosecond
    /// Alexey Kuznetsov's "modified" pcap (magic 0xa1b2cd34): microseconds, 24-byte record headers.
    case pcapModified
    /// pcapng (Section Header Block 0x0A0D0D0A).
    case pcapng
}
