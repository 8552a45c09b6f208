// The pcapng format (draft-ietf-opsawg-pcapng): a sequence of blocks, each framed the same way.
//
//      0                   1                   2                   3
//      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   0 |                          Block Type                           |
//     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   4 |                      Block Total Length                       |
//     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   8 /                          Block Body                           /
//     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//     |                      Block Total Length                       |
//     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

extension CaptureFileDecoder {
    /// Block type of a Section Header Block; the same in both byte orders.
    static let sectionHeaderType: UInt32 = 0x0a0d_0d0a
    static let interfaceDescriptionType: UInt32 = 1
    static let obsoletePacketType: UInt32 = 2
    static let simplePacketType: UInt32 = 3
    static let enhancedPacketType: UInt32 = 6

    /// Reads the next block: a packet, a header to remember, or something to skip.
    mutating func nextPcapngBlock(_ buffer: UnsafeRawBufferPointer) throws(CaptureFileError) -> Step {
        if let expectedTrailer = skipTrailer {
            return try continueSkipping(buffer, expectedTrailer: expectedTrailer)
        }
        guard buffer.count >= 8 else { return .needMoreData(atLeast: 8) }
        if buffer.uint32(at: 0, bigEndian: false) == Self.sectionHeaderType {
            return try readSectionHeader(buffer)
        }
        let bigEndian = isBigEndian
        let type = buffer.uint32(at: 0, bigEndian: bigEndian)
        let length = try checkedBlockLength(buffer.uint32(at: 4, bigEndian: bigEndian))
        switch type {
        case Self.enhancedPacketType:
            return try readPacketBlock(buffer, length: length, enhanced: true)
        case Self.simplePacketType:
            return try readSimplePacketBlock(buffer, length: length)
        case Self.obsoletePacketType:
            return try readPacketBlock(buffer, length: length, enhanced: false)
        case Self.interfaceDescriptionType:
            return try readInterfaceDescription(buffer, length: length)
        default:
            // Statistics, name resolution, secrets, custom blocks: nothing a monitor reads. They are
            // passed over in pieces, so that a large one never has to fit in the caller's buffer.
            if buffer.count >= length {
                try checkTrailer(buffer, length: length)
                return .skip(consumed: length)
            }
            // Part of the trailer is here: wait for the rest, to check it in one piece.
            guard buffer.count <= length - 4 else { return .needMoreData(atLeast: length) }
            skipRemaining = length - 4 - buffer.count
            skipTrailer = buffer.uint32(at: 4, bigEndian: bigEndian)
            skipBlockOffset = fileOffset
            return .skip(consumed: buffer.count)
        }
    }

    /// Passes over more of a block skipped in pieces, then checks its trailing length, so that a
    /// damaged block fails the same way whatever the chunking.
    mutating func continueSkipping(_ buffer: UnsafeRawBufferPointer, expectedTrailer: UInt32) throws(CaptureFileError) -> Step {
        if skipRemaining > 0 {
            guard buffer.count > 0 else { return .needMoreData(atLeast: 1) }
            let consumed = min(skipRemaining, buffer.count)
            skipRemaining -= consumed
            return .skip(consumed: consumed)
        }
        guard buffer.count >= 4 else { return .needMoreData(atLeast: 4) }
        let trailing = buffer.uint32(at: 0, bigEndian: isBigEndian)
        guard trailing == expectedTrailer else {
            throw CaptureFileError(.blockLengthMismatch(leading: expectedTrailer, trailing: trailing), at: skipBlockOffset)
        }
        skipTrailer = nil
        return .skip(consumed: 4)
    }

    /// Reads a Section Header Block, which starts a section with its own byte order and interfaces.
    ///
    ///   8 | Byte-Order Magic 0x1A2B3C4D | 12 Major (2) | Minor (2) | 16 Section Length (8) | options
    mutating func readSectionHeader(_ buffer: UnsafeRawBufferPointer) throws(CaptureFileError) -> Step {
        guard buffer.count >= 12 else { return .needMoreData(atLeast: 12) }
        let bigEndian: Bool
        switch buffer.uint32(at: 8, bigEndian: false) {
        case 0x1a2b_3c4d: bigEndian = false
        case 0x4d3c_2b1a: bigEndian = true
        default:
            throw CaptureFileError(.byteOrderMagicInvalid(buffer.bigEndianUInt32(at: 8)), at: fileOffset)
        }
        let rawLength = buffer.uint32(at: 4, bigEndian: bigEndian)
        let length = try checkedBlockLength(rawLength)
        try checkMinimum(length, 28, type: Self.sectionHeaderType)
        guard buffer.count >= length else { return .needMoreData(atLeast: length) }
        try checkTrailer(buffer, length: length, bigEndian: bigEndian)
        let major = buffer.uint16(at: 12, bigEndian: bigEndian)
        let minor = buffer.uint16(at: 14, bigEndian: bigEndian)
        // Major 1 is the only one; a new major version would change the block layout.
        guard major == 1 else {
            throw CaptureFileError(.unsupportedVersion(major: major, minor: minor), at: fileOffset)
        }
        format = .pcapng
        isBigEndian = bigEndian
        interfaces.removeAll(keepingCapacity: true)
        sectionCount += 1
        return .skip(consumed: length)
    }

    /// Reads an Enhanced Packet Block (`enhanced`) or an obsolete Packet Block.
    ///
    ///     EPB:  8 | Interface ID (4) | 12 Timestamp high (4) | 16 Timestamp low (4)
    ///          20 | Captured Length (4) | 24 Original Length (4) | 28 Packet Data, padded to 4 | options
    ///     PB:   8 | Interface ID (2) | Drops Count (2) | then as EPB from offset 12
    @inline(__always)
    mutating func readPacketBlock(
        _ buffer: UnsafeRawBufferPointer,
        length: Int,
        enhanced: Bool
    ) throws(CaptureFileError) -> Step {
        let type = enhanced ? Self.enhancedPacketType : Self.obsoletePacketType
        try checkMinimum(length, 32, type: type)
        guard buffer.count >= length else { return .needMoreData(atLeast: length) }
        try checkTrailer(buffer, length: length)
        let bigEndian = isBigEndian
        let interfaceID =
            enhanced
            ? buffer.uint32(at: 8, bigEndian: bigEndian) : UInt32(buffer.uint16(at: 8, bigEndian: bigEndian))
        let capturedLength = Int(buffer.uint32(at: 20, bigEndian: bigEndian))
        let room = length - 32
        guard capturedLength <= room else {
            throw CaptureFileError(.capturedLengthExceedsBlock(capturedLength: capturedLength, room: room), at: fileOffset)
        }
        guard interfaceID < interfaces.count else {
            throw CaptureFileError(.unknownInterface(interfaceID), at: fileOffset)
        }
        let interface = interfaces[Int(interfaceID)]
        let ticks = UInt64(buffer.uint32(at: 12, bigEndian: bigEndian)) << 32
            | UInt64(buffer.uint32(at: 16, bigEndian: bigEndian))
        return .record(
            CaptureRecord(
                consumed: length,
                dataOffset: 28,
                capturedLength: capturedLength,
                originalLength: Int(buffer.uint32(at: 24, bigEndian: bigEndian)),
                timestampNanoseconds: interface.timestampNanoseconds(ticks: ticks),
                linkType: interface.linkType,
                interfaceID: interfaceID
            )
        )
    }

    /// Reads a Simple Packet Block: no interface ID (always interface 0), no timestamp, and no
    /// captured length, which is the smallest of the original length, the snap length and the room.
    ///
    ///      8 | Original Packet Length (4) | 12 Packet Data, padded to 4
    mutating func readSimplePacketBlock(_ buffer: UnsafeRawBufferPointer, length: Int) throws(CaptureFileError) -> Step {
        try checkMinimum(length, 16, type: Self.simplePacketType)
        guard buffer.count >= length else { return .needMoreData(atLeast: length) }
        try checkTrailer(buffer, length: length)
        guard let interface = interfaces.first else {
            throw CaptureFileError(.unknownInterface(0), at: fileOffset)
        }
        let originalLength = Int(buffer.uint32(at: 8, bigEndian: isBigEndian))
        var capturedLength = min(originalLength, length - 16)
        if interface.snapLength != 0 { capturedLength = min(capturedLength, Int(interface.snapLength)) }
        return .record(
            CaptureRecord(
                consumed: length,
                dataOffset: 12,
                capturedLength: capturedLength,
                originalLength: originalLength,
                timestampNanoseconds: 0,
                linkType: interface.linkType,
                interfaceID: 0
            )
        )
    }

    /// Validates a Block Total Length read from the file and returns it as an `Int`.
    @inline(__always)
    func checkedBlockLength(_ rawLength: UInt32) throws(CaptureFileError) -> Int {
        guard rawLength >= 12 && rawLength % 4 == 0 else {
            throw CaptureFileError(.blockLengthInvalid(rawLength), at: fileOffset)
        }
        let length = Int(rawLength)
        guard length <= CaptureLimits.maxPcapngBlockLength else {
            throw CaptureFileError(.blockTooLarge(length: length, limit: CaptureLimits.maxPcapngBlockLength), at: fileOffset)
        }
        return length
    }

    @inline(__always)
    func checkMinimum(_ length: Int, _ minimum: Int, type: UInt32) throws(CaptureFileError) {
        guard length >= minimum else {
            throw CaptureFileError(.blockTooShort(type: type, length: length), at: fileOffset)
        }
    }

    /// Checks that the trailing Block Total Length repeats the leading one; a mismatch means the
    /// framing is lost, and everything after it would be garbage.
    @inline(__always)
    func checkTrailer(_ buffer: UnsafeRawBufferPointer, length: Int, bigEndian: Bool? = nil) throws(CaptureFileError) {
        let bigEndian = bigEndian ?? isBigEndian
        let leading = buffer.uint32(at: 4, bigEndian: bigEndian)
        let trailing = buffer.uint32(at: length - 4, bigEndian: bigEndian)
        guard leading == trailing else {
            throw CaptureFileError(.blockLengthMismatch(leading: leading, trailing: trailing), at: fileOffset)
        }
    }
}
