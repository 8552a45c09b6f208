// pcapng Interface Description Blocks and their options.

extension CaptureFileDecoder {
    /// `if_tsresol`: the timestamp unit, 1 byte.
    static let optionTimestampResolution: UInt16 = 9
    /// `if_tsoffset`: seconds to add to every timestamp, a signed 64-bit integer.
    static let optionTimestampOffset: UInt16 = 14

    /// Reads an Interface Description Block and appends the interface to the section's table.
    ///
    ///      0                   1                   2                   3
    ///      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///   8 |           LinkType            |           Reserved            |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///  12 |                            SnapLen                            |
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///  16 /                      Options (variable)                       /
    ///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    ///
    /// Each option is a 2-byte code, a 2-byte length and the value padded to 4 bytes; code 0 ends
    /// the list.
    mutating func readInterfaceDescription(_ buffer: UnsafeRawBufferPointer, length: Int) throws(CaptureFileError) -> Step {
        try checkMinimum(length, 20, type: Self.interfaceDescriptionType)
        guard buffer.count >= length else { return .needMoreData(atLeast: length) }
        try checkTrailer(buffer, length: length)
        guard interfaces.count < CaptureLimits.maxPcapngInterfaces else {
            throw CaptureFileError(.tooManyInterfaces(limit: CaptureLimits.maxPcapngInterfaces), at: fileOffset)
        }
        let bigEndian = isBigEndian
        var resolution = TimestampResolution.microseconds
        var offsetSeconds: Int64 = 0

        var position = 16
        let end = length - 4
        // Each turn moves at least 4 bytes, so the walk ends within the block.
        while position + 4 <= end {
            let code = buffer.uint16(at: position, bigEndian: bigEndian)
            let valueLength = Int(buffer.uint16(at: position + 2, bigEndian: bigEndian))
            let value = position + 4
            // An option running past the block ends the list: the framing checked out, so the fixed
            // fields are sound and the interface stays usable with default options.
            if code == 0 || value + valueLength > end { break }
            switch code {
            case Self.optionTimestampResolution where valueLength >= 1:
                resolution = TimestampResolution(rawValue: buffer.byte(at: value))
            case Self.optionTimestampOffset where valueLength >= 8:
                offsetSeconds = Int64(bitPattern: buffer.uint64(at: value, bigEndian: bigEndian))
            default:
                break
            }
            position = value + (valueLength + 3) & ~3
        }

        interfaces.append(
            CaptureInterface(
                linkType: UInt32(buffer.uint16(at: 8, bigEndian: bigEndian)),
                snapLength: buffer.uint32(at: 12, bigEndian: bigEndian),
                timestampResolution: resolution,
                timestampOffsetSeconds: offsetSeconds
            )
        )
        return .skip(consumed: length)
    }
}
