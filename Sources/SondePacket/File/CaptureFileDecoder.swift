/// A pull parser for pcap and pcapng files read as a stream of chunks.
///
/// The caller owns the bytes. It keeps a buffer of file bytes not yet consumed, calls `next(_:)` with
/// it, and advances the buffer by what each step consumed:
///
/// ```swift
/// var decoder = CaptureFileDecoder()
/// loop: while true {
///     switch try decoder.next(unconsumed) {
///     case .record(let record):
///         handle(record.packet(in: unconsumed), record)
///         advance(by: record.consumed)
///     case .skip(let consumed):
///         advance(by: consumed)
///     case .needMoreData(let atLeast):
///         // Read more; the next call needs `atLeast` bytes from the start of the unconsumed bytes.
///         if endOfFile { try decoder.finish(unconsumedBytes: unconsumed.count); break loop }
///         readMore()
///     }
/// }
/// ```
///
/// The format comes from the magic number, not the file name: pcap with microsecond or nanosecond
/// timestamps in either byte order, the "modified" pcap variant, and pcapng with any number of
/// sections in either byte order. The decoder says `needMoreData` only when the bytes run short, so
/// any chunking of the same file yields the same records, and it throws only on wrong bytes. Lengths
/// are checked against `CaptureLimits` before the decoder asks for the bytes they announce.
///
/// After an error the stream cannot be resynchronised; stop reading.
public struct CaptureFileDecoder: Sendable {
    /// What `next(_:)` found at the start of the buffer.
    @frozen
    public enum Step: Sendable, Hashable {
        /// A packet; advance by `record.consumed` after using its bytes.
        case record(CaptureRecord)
        /// The buffer ends inside a header, record or block: call again with at least this many bytes
        /// (counted from the start of the same unconsumed bytes).
        case needMoreData(atLeast: Int)
        /// Bytes that hold no packet (file header, Section Header, Interface Description, or any other
        /// block, possibly in pieces); advance by `consumed`.
        case skip(consumed: Int)
    }

    /// The container format, known once the first header was read.
    public internal(set) var format: CaptureFormat?
    /// Whether the file (for pcapng, the current section) is big-endian.
    public internal(set) var isBigEndian = false
    /// The interfaces of the file (pcap: one) or of the current pcapng section, by interface ID.
    public internal(set) var interfaces: ContiguousArray<CaptureInterface> = []
    /// Bytes consumed so far: the file offset of the start of the next `next(_:)` buffer.
    public internal(set) var fileOffset = 0
    /// Number of pcapng sections seen so far.
    public internal(set) var sectionCount = 0
    /// The `atLeast` of the last `needMoreData`: what the buffer lacked when the input stopped.
    public internal(set) var bytesNeeded = 0

    /// Bytes of a skipped pcapng block still to pass over before its trailing length.
    var skipRemaining = 0
    /// The trailing length a pcapng block skipped in pieces must end with; nil when not skipping.
    var skipTrailer: UInt32?
    /// File offset of the block being skipped in pieces, for errors.
    var skipBlockOffset = 0
    /// pcap record header size: 16, or 24 for the modified format.
    var pcapRecordHeaderLength = 16
    /// Nanoseconds per unit of the pcap sub-second field: 1,000 (microseconds) or 1.
    var pcapFractionScale: Int64 = 1000
    /// Link type of a pcap file, copied out of `interfaces` to keep the per-record path scalar.
    var pcapLinkType: UInt32 = 0

    /// A decoder at the start of a file.
    public init() {}

    /// The link type of a pcap file, or of interface 0 of the current pcapng section.
    public var linkType: UInt32? { interfaces.first?.linkType }
    /// The snap length of a pcap file, or of interface 0 of the current pcapng section.
    public var snapLength: UInt32? { interfaces.first?.snapLength }

    /// Parses what starts `buffer`, the file bytes not yet consumed.
    ///
    /// - Throws: `CaptureFileError` on bytes that cannot be a capture file (bad magic, absurd lengths).
    public mutating func next(_ buffer: UnsafeRawBufferPointer) throws(CaptureFileError) -> Step {
        let step: Step
        switch format {
        case .pcap?, .pcapNanosecond?, .pcapModified?:
            step = try nextPcapRecord(buffer)
        case .pcapng?:
            step = try nextPcapngBlock(buffer)
        case nil:
            step = try readFileHeader(buffer)
        }
        switch step {
        case .record(let record): fileOffset += record.consumed
        case .skip(let consumed): fileOffset += consumed
        case .needMoreData(let atLeast): bytesNeeded = atLeast
        }
        return step
    }

    /// Checks the end of the input: throws when it stopped inside a header, record or block.
    ///
    /// - Parameter unconsumedBytes: bytes left in the caller's buffer after the last step.
    /// - Throws: `.truncatedFile`, also for an empty input, which holds no file header.
    public func finish(unconsumedBytes: Int) throws(CaptureFileError) {
        if unconsumedBytes > 0 || skipTrailer != nil || format == nil {
            let needed = max(bytesNeeded, skipTrailer == nil ? 0 : skipRemaining + 4, format == nil ? 4 : 0)
            throw CaptureFileError(.truncatedFile(needed: needed, available: unconsumedBytes), at: fileOffset)
        }
    }

    /// Reads the magic number and sets the format up.
    mutating func readFileHeader(_ buffer: UnsafeRawBufferPointer) throws(CaptureFileError) -> Step {
        guard buffer.count >= 4 else { return .needMoreData(atLeast: 4) }
        let magic = buffer.uint32(at: 0, bigEndian: false)
        if magic == Self.sectionHeaderType {
            return try nextPcapngBlock(buffer)
        }
        return try readPcapHeader(buffer, magic: magic)
    }
}
