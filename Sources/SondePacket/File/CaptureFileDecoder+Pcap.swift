// The pcap format (draft-ietf-opsawg-pcap): a 24-byte file header, then records.

extension CaptureFileDecoder {
    /// Reads the pcap file header.
    ///
    ///      0                   1                   2                   3
    ///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///   0 |                          Magic Number                         |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///   4 |          Major Version        |         Minor Version         |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///   8 |                           Reserved1 (thiszone)                |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///  12 |                           Reserved2 (sigfigs)                 |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///  16 |                            SnapLen                            |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///  20 | FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///
    /// The reserved fields are ignored, as libpcap does: writers leave them 0.
    mutating func readPcapHeader(_ buffer: UnsafeRawBufferPointer, magic: UInt32) throws(CaptureFileError) -> Step {
        let format: CaptureFormat
        let bigEndian: Bool
        switch magic {
        case 0xa1b2_c3d4: (format, bigEndian) = (.pcap, false)
        case 0xd4c3_b2a1: (format, bigEndian) = (.pcap, true)
        case 0xa1b2_3c4d: (format, bigEndian) = (.pcapNanosecond, false)
        case 0x4d3c_b2a1: (format, bigEndian) = (.pcapNanosecond, true)
        case 0xa1b2_cd34: (format, bigEndian) = (.pcapModified, false)
        case 0x34cd_b2a1: (format, bigEndian) = (.pcapModified, true)
        default:
            throw CaptureFileError(.unknownMagic(buffer.bigEndianUInt32(at: 0)), at: fileOffset)
        }
        guard buffer.count >= 24 else { return .needMoreData(atLeast: 24) }
        let major = buffer.uint16(at: 4, bigEndian: bigEndian)
        let minor = buffer.uint16(at: 6, bigEndian: bigEndian)
        // Version 2.4 is the only one written since 1998; older 2.x files share the layout.
        guard major == 2 else {
            throw CaptureFileError(.unsupportedVersion(major: major, minor: minor), at: fileOffset)
        }
        let snapLength = buffer.uint32(at: 16, bigEndian: bigEndian)
        // The upper 16 bits carry FCS length and reserved bits, not the link type.
        let linkType = buffer.uint32(at: 20, bigEndian: bigEndian) & 0xffff
        let nanosecond = format == .pcapNanosecond
        self.format = format
        isBigEndian = bigEndian
        pcapRecordHeaderLength = format == .pcapModified ? 24 : 16
        pcapFractionScale = nanosecond ? 1 : 1000
        pcapLinkType = linkType
        interfaces = [
            CaptureInterface(
                linkType: linkType,
                snapLength: snapLength,
                timestampResolution: nanosecond ? .nanoseconds : .microseconds
            )
        ]
        return .skip(consumed: 24)
    }

    /// Reads one pcap record.
    ///
    ///      0                   1                   2                   3
    ///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///   0 |                      Timestamp (Seconds)                      |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///   4 |            Timestamp (Microseconds or nanoseconds)            |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///   8 |                    Captured Packet Length                     |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///  12 |                    Original Packet Length                     |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///  16 /  modified pcap only: ifindex (4), protocol (2), pkt_type (1), pad (1)
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///     /                          Packet Data                          /
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    @inline(__always)
    mutating func nextPcapRecord(_ buffer: UnsafeRawBufferPointer) throws(CaptureFileError) -> Step {
        let headerLength = pcapRecordHeaderLength
        guard buffer.count >= headerLength else { return .needMoreData(atLeast: headerLength) }
        let bigEndian = isBigEndian
        let capturedLength = Int(buffer.uint32(at: 8, bigEndian: bigEndian))
        guard capturedLength <= CaptureLimits.maxPcapRecordLength else {
            throw CaptureFileError(
                .recordTooLarge(length: capturedLength, limit: CaptureLimits.maxPcapRecordLength),
                at: fileOffset
            )
        }
        let total = headerLength + capturedLength
        guard buffer.count >= total else { return .needMoreData(atLeast: total) }
        let seconds = Int64(buffer.uint32(at: 0, bigEndian: bigEndian))
        let fraction = Int64(buffer.uint32(at: 4, bigEndian: bigEndian))
        // Cannot overflow: (2^32 - 1) * 10^9 + (2^32 - 1) * 1000 < 2^63. The fraction is not checked
        // against one second, as libpcap does not check it either.
        let timestamp = seconds * 1_000_000_000 + fraction * pcapFractionScale
        return .record(
            CaptureRecord(
                consumed: total,
                dataOffset: headerLength,
                capturedLength: capturedLength,
                originalLength: Int(buffer.uint32(at: 12, bigEndian: bigEndian)),
                timestampNanoseconds: timestamp,
                linkType: pcapLinkType,
                interfaceID: 0
            )
        )
    }
}
