/// A capture file holds bytes that cannot be a pcap or pcapng file: what is wrong, and where.
public struct CaptureFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var reason: Reason
    /// Byte offset in the file of the header, record or block at fault.
    public var offset: Int

    /// Creates an error.
    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// What is wrong with the bytes.
    public enum Reason: Sendable, Hashable {
        /// The first 4 bytes (read big-endian) are no pcap magic and no pcapng Section Header.
        case unknownMagic(UInt32)
        /// A pcap file header or pcapng Section Header with a version this reader does not know.
        case unsupportedVersion(major: UInt16, minor: UInt16)
        /// A pcap record's captured length is past `CaptureLimits.maxPcapRecordLength`.
        case recordTooLarge(length: Int, limit: Int)
        /// A pcapng block's length is past `CaptureLimits.maxPcapngBlockLength`.
        case blockTooLarge(length: Int, limit: Int)
        /// A pcapng block length below 12 or not a multiple of 4.
        case blockLengthInvalid(UInt32)
        /// A pcapng block shorter than the fixed fields of its type.
        case blockTooShort(type: UInt32, length: Int)
        /// The trailing length of a pcapng block differs from the leading one.
        case blockLengthMismatch(leading: UInt32, trailing: UInt32)
        /// The byte-order magic of a Section Header is neither 0x1A2B3C4D nor its byte swap.
        case byteOrderMagicInvalid(UInt32)
        /// A packet block's captured length is larger than the room in the block.
        case capturedLengthExceedsBlock(capturedLength: Int, room: Int)
        /// A packet block names an interface that the section has not described.
        case unknownInterface(UInt32)
        /// A section describes more interfaces than `CaptureLimits.maxPcapngInterfaces`.
        case tooManyInterfaces(limit: Int)
        /// The input ended inside a header, record or block.
        case truncatedFile(needed: Int, available: Int)
    }

    /// A one-line explanation with the offset.
    public var description: String {
        let what: String
        switch reason {
        case .unknownMagic(let magic):
            what = "unknown magic number 0x\(String(magic, radix: 16)): not a pcap or pcapng file"
        case .unsupportedVersion(let major, let minor):
            what = "unsupported format version \(major).\(minor)"
        case .recordTooLarge(let length, let limit):
            what = "pcap record of \(length) bytes is larger than the \(limit)-byte limit"
        case .blockTooLarge(let length, let limit):
            what = "pcapng block of \(length) bytes is larger than the \(limit)-byte limit"
        case .blockLengthInvalid(let length):
            what = "pcapng block length \(length) is below 12 or not a multiple of 4"
        case .blockTooShort(let type, let length):
            what = "pcapng block of type 0x\(String(type, radix: 16)) is too short (\(length) bytes)"
        case .blockLengthMismatch(let leading, let trailing):
            what = "pcapng block length \(leading) does not match its trailing length \(trailing)"
        case .byteOrderMagicInvalid(let magic):
            what = "pcapng byte-order magic 0x\(String(magic, radix: 16)) is invalid"
        case .capturedLengthExceedsBlock(let capturedLength, let room):
            what = "captured length \(capturedLength) exceeds the \(room) bytes of its block"
        case .unknownInterface(let id):
            what = "packet block names interface \(id), which the section has not described"
        case .tooManyInterfaces(let limit):
            what = "section describes more than \(limit) interfaces"
        case .truncatedFile(let needed, let available):
            what = "file ends inside a record: \(needed) bytes needed, \(available) present"
        }
        return "\(what) (at byte offset \(offset))"
    }
}
