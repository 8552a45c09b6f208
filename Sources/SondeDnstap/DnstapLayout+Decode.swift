/// Why a dnstap frame could not be decoded, and where.
public struct DnstapDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case truncatedVarint
        case varintTooLong
        case lengthPastEnd
        case truncatedFixed
        case wireType(field: Int, type: Int)
        case fieldNumberZero
        /// Protobuf field numbers stop at 2^29 - 1.
        case fieldNumberTooLarge
        case noMessage
    }

    public var reason: Reason
    /// Offset in the frame.
    public var offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        switch reason {
        case .truncatedVarint: return "varint cut short at offset \(offset)"
        case .varintTooLong: return "varint longer than 10 octets at offset \(offset)"
        case .lengthPastEnd: return "length-delimited field runs past its end at offset \(offset)"
        case .truncatedFixed: return "fixed-width field cut short at offset \(offset)"
        case .wireType(let field, let type): return "field \(field) has wire type \(type) at offset \(offset)"
        case .fieldNumberZero: return "field number 0 at offset \(offset)"
        case .fieldNumberTooLarge: return "field number past 2^29 - 1 at offset \(offset)"
        case .noMessage: return "no Message in the frame"
        }
    }
}

extension DnstapLayout {
    /// Decodes a dnstap frame (one Frame Streams data frame).
    ///
    /// Unknown fields are skipped by wire type, as protobuf requires; a known field with the wrong wire type, a
    /// length past the end of its message, a cut varint or a group is an error. A frame with no `Message` is an
    /// error too: there is nothing to report.
    @inlinable
    public init(decoding frame: UnsafeRawBufferPointer) throws(DnstapDecodingError) {
        self.init()
        try decode(frame)
    }

    /// Decodes `frame` into this layout, which must be empty (``init()``): the form the input uses to decode
    /// straight into an event's storage, with no copy of the layout.
    ///
    /// Every field is dispatched on its whole tag (field number and wire type, one varint), so a known field
    /// costs one jump; the tags of the schema are all one octet except `http_protocol` (16).
    @inlinable
    public mutating func decode(_ frame: UnsafeRawBufferPointer) throws(DnstapDecodingError) {
        var reader = ProtobufReader(frame, from: 0, to: frame.count)
        // Encoders write the fields in schema order, each once: take them in that order first, one tag compare
        // each; the loop below handles anything else (other orders, repeats, unknown fields, errors) exactly as
        // it would have from here.
        if reader.take(1 << 3 | 2) { identity = try reader.lengthDelimited() }
        if reader.take(2 << 3 | 2) { version = try reader.lengthDelimited() }
        if reader.take(3 << 3 | 2) { extra = try reader.lengthDelimited() }
        if reader.take(14 << 3 | 2) {
            let m = try reader.lengthDelimited()
            try decodeMessage(frame, m)
        }
        if reader.take(15 << 3 | 0) { type = UInt32(truncatingIfNeeded: try reader.varint()) }
        while reader.offset < reader.end {
            let tag = try reader.varint()
            switch tag {
            case 1 << 3 | 2: identity = try reader.lengthDelimited()
            case 2 << 3 | 2: version = try reader.lengthDelimited()
            case 3 << 3 | 2: extra = try reader.lengthDelimited()
            case 15 << 3 | 0: type = UInt32(truncatingIfNeeded: try reader.varint())
            case 14 << 3 | 2:
                let m = try reader.lengthDelimited()
                try decodeMessage(frame, m)
            default: try reader.unknown(tag) { $0 <= 3 || $0 == 14 || $0 == 15 }
            }
        }
        guard present.contains(.message) else { throw DnstapDecodingError(.noMessage, at: 0) }
    }

    @inlinable
    mutating func decodeMessage(_ frame: UnsafeRawBufferPointer, _ range: DnstapField) throws(DnstapDecodingError) {
        present.insert(.message)
        message = range
        var r = ProtobufReader(frame, from: Int(range.offset), to: Int(range.offset + range.length))
        // Schema order first, as in `decode` (the loop takes whatever is left).
        if r.take(1 << 3 | 0) { messageType = UInt32(truncatingIfNeeded: try r.varint()) }
        if r.take(2 << 3 | 0) { socketFamily = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.socketFamily) }
        if r.take(3 << 3 | 0) { socketProtocol = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.socketProtocol) }
        if r.take(4 << 3 | 2) { queryAddress = try r.lengthDelimited() }
        if r.take(5 << 3 | 2) { responseAddress = try r.lengthDelimited() }
        if r.take(6 << 3 | 0) { queryPort = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.queryPort) }
        if r.take(7 << 3 | 0) { responsePort = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.responsePort) }
        if r.take(8 << 3 | 0) { queryTimeSeconds = try r.secondsVarint(); present.insert(.queryTime) }
        if r.take(9 << 3 | 5) { queryTimeNanoseconds = try r.fixed32(); present.insert(.queryTime) }
        if r.take(10 << 3 | 2) { queryMessage = try r.lengthDelimited() }
        if r.take(11 << 3 | 2) { queryZone = try r.lengthDelimited() }
        if r.take(12 << 3 | 0) { responseTimeSeconds = try r.secondsVarint(); present.insert(.responseTime) }
        if r.take(13 << 3 | 5) { responseTimeNanoseconds = try r.fixed32(); present.insert(.responseTime) }
        if r.take(14 << 3 | 2) { responseMessage = try r.lengthDelimited() }
        while r.offset < r.end {
            let tag = try r.varint()
            switch tag {
            case 1 << 3 | 0: messageType = UInt32(truncatingIfNeeded: try r.varint())
            case 2 << 3 | 0: socketFamily = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.socketFamily)
            case 3 << 3 | 0: socketProtocol = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.socketProtocol)
            case 4 << 3 | 2: queryAddress = try r.lengthDelimited()
            case 5 << 3 | 2: responseAddress = try r.lengthDelimited()
            case 6 << 3 | 0: queryPort = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.queryPort)
            case 7 << 3 | 0: responsePort = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.responsePort)
            case 8 << 3 | 0: queryTimeSeconds = try r.varint(); present.insert(.queryTime)
            case 9 << 3 | 5: queryTimeNanoseconds = try r.fixed32(); present.insert(.queryTime)
            case 10 << 3 | 2: queryMessage = try r.lengthDelimited()
            case 11 << 3 | 2: queryZone = try r.lengthDelimited()
            case 12 << 3 | 0: responseTimeSeconds = try r.varint(); present.insert(.responseTime)
            case 13 << 3 | 5: responseTimeNanoseconds = try r.fixed32(); present.insert(.responseTime)
            case 14 << 3 | 2: responseMessage = try r.lengthDelimited()
            case 15 << 3 | 2:
                let p = try r.lengthDelimited()
                try decodePolicy(frame, p)
            case 16 << 3 | 0: httpProtocol = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.httpProtocol)
            default: try r.unknown(tag) { $0 <= 16 }
            }
        }
    }

    @inlinable
    mutating func decodePolicy(_ frame: UnsafeRawBufferPointer, _ range: DnstapField) throws(DnstapDecodingError) {
        present.insert(.policy)
        policy = range
        var r = ProtobufReader(frame, from: Int(range.offset), to: Int(range.offset + range.length))
        while r.offset < r.end {
            let tag = try r.varint()
            switch tag {
            case 1 << 3 | 2: policyType = try r.lengthDelimited()
            case 2 << 3 | 2: policyRule = try r.lengthDelimited()
            case 3 << 3 | 0: policyAction = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.policyAction)
            case 4 << 3 | 0: policyMatch = UInt32(truncatingIfNeeded: try r.varint()); present.insert(.policyMatch)
            case 5 << 3 | 2: policyValue = try r.lengthDelimited()
            default: try r.unknown(tag) { $0 <= 5 }
            }
        }
    }
}

/// Reads protobuf wire format (tags, varints, fixed32/64, length-delimited) between two offsets.
@usableFromInline
struct ProtobufReader {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var offset: Int
    @usableFromInline let end: Int

    @inlinable init(_ bytes: UnsafeRawBufferPointer, from offset: Int, to end: Int) {
        self.bytes = bytes
        self.offset = offset
        self.end = end
    }

    /// Consumes the next octet when it is the one-octet tag `tag`.
    @inlinable @inline(__always)
    mutating func take(_ tag: UInt8) -> Bool {
        guard offset < end, bytes[offset] == tag else { return false }
        offset &+= 1
        return true
    }

    /// A tag no case of the caller took (the callers' cases are all valid tags, so the field number is checked only
    /// here): field number 0 or past 2^29 - 1 is an error, and so is a field the schema knows (`known(field)`) with
    /// the wrong wire type; any other field is skipped.
    @inlinable
    mutating func unknown(_ tag: UInt64, known: (Int) -> Bool) throws(DnstapDecodingError) {
        guard tag >> 3 != 0 else { throw DnstapDecodingError(.fieldNumberZero, at: offset) }
        guard tag >> 3 < 1 << 29 else { throw DnstapDecodingError(.fieldNumberTooLarge, at: offset) }
        let field = Int(truncatingIfNeeded: tag >> 3)
        let wire = Int(truncatingIfNeeded: tag & 7)
        if known(field) { throw DnstapDecodingError(.wireType(field: field, type: wire), at: offset) }
        try skip(wire, field: field)
    }

    @inlinable @inline(__always)
    mutating func varint() throws(DnstapDecodingError) -> UInt64 {
        // One-octet values (field tags, enums, small ports) are most of them.
        guard offset < end else { throw DnstapDecodingError(.truncatedVarint, at: offset) }
        let first = bytes[offset]
        if first < 0x80 {
            offset &+= 1
            return UInt64(first)
        }
        return try longVarint()
    }

    /// ``varint()`` for a time in seconds since 1970: five octets from 2004 to 2514, taken in one load when eight
    /// bytes remain; anything else goes the general way.
    @inlinable @inline(__always)
    mutating func secondsVarint() throws(DnstapDecodingError) -> UInt64 {
        if end &- offset >= 8 {
            let w = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            // Continuation bits on the first four octets and not on the fifth.
            if w & 0x80_8080_8080 == 0x00_8080_8080 {
                offset &+= 5
                return w & 0x7F | (w >> 1) & 0x3F80 | (w >> 2) & 0x1F_C000 | (w >> 3) & 0xFE0_0000 | (w >> 4) & 0x7_F000_0000
            }
        }
        return try varint()
    }

    @inlinable
    mutating func longVarint() throws(DnstapDecodingError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var i = offset
        while true {
            guard i < end else { throw DnstapDecodingError(.truncatedVarint, at: offset) }
            guard shift < 70 else { throw DnstapDecodingError(.varintTooLong, at: offset) }
            let b = bytes[i]
            value |= UInt64(b & 0x7f) &<< shift
            i += 1
            if b < 0x80 { break }
            shift += 7
        }
        offset = i
        return value
    }

    @inlinable
    mutating func fixed32() throws(DnstapDecodingError) -> UInt32 {
        guard end - offset >= 4 else { throw DnstapDecodingError(.truncatedFixed, at: offset) }
        let v = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset += 4
        return v
    }

    @inlinable @inline(__always)
    mutating func lengthDelimited() throws(DnstapDecodingError) -> DnstapField {
        // A one-octet length that fits (addresses, names, most DNS messages): no call.
        if offset < end {
            let length = Int(bytes[offset])
            let start = offset &+ 1
            if length < 0x80 && length <= end &- start {
                offset = start &+ length
                return DnstapField(offset: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: length))
            }
        }
        return try longLengthDelimited()
    }

    @inlinable
    mutating func longLengthDelimited() throws(DnstapDecodingError) -> DnstapField {
        let at = offset
        let length = try varint()
        guard length <= UInt64(end - offset) else { throw DnstapDecodingError(.lengthPastEnd, at: at) }
        let field = DnstapField(offset: Int32(offset), length: Int32(length))
        offset += Int(length)
        return field
    }

    /// Skips the value of an unknown field `field` of wire type `wire`; groups (3, 4) and the undefined types are errors.
    @inlinable
    mutating func skip(_ wire: Int, field: Int) throws(DnstapDecodingError) {
        switch wire {
        case 0: _ = try varint()
        case 1:
            guard end - offset >= 8 else { throw DnstapDecodingError(.truncatedFixed, at: offset) }
            offset += 8
        case 2: _ = try lengthDelimited()
        case 5: _ = try fixed32()
        default: throw DnstapDecodingError(.wireType(field: field, type: wire), at: offset)
        }
    }
}
