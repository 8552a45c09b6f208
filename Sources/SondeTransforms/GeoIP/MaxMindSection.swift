#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A field's header: what ``MaxMindSection/field(at:)`` read from its control byte and size bytes.
@usableFromInline
struct MaxMindField {
    /// The field's type.
    var type: MaxMindDataType
    /// Payload bytes; entries for a map or an array; the value for a boolean; for a pointer, the file offset
    /// of its target.
    var size: Int
    /// File offset of the first byte after the header: the payload, a container's first entry, or (pointer,
    /// boolean, end marker) the next field.
    var payload: Int
}

/// One decodable region of the file: the data section, or the metadata after its marker.
///
/// Every offset is a file offset; pointers count from `start`. Every read is checked against `end` here, so
/// the decoders built on it never touch a byte outside the section, whatever the file holds.
@usableFromInline
struct MaxMindSection {
    /// The file's first byte.
    let base: UnsafeRawPointer
    /// File offset where the section starts, and where its pointers count from.
    let start: Int
    /// File offset one past the section's last byte.
    let end: Int

    @inline(__always)
    func byte(_ offset: Int) -> UInt8 {
        base.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// `count` (1...8) bytes at `offset` as a big-endian integer. The caller has checked they lie in the section.
    @inline(__always)
    func bigEndian(_ offset: Int, _ count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<count { value = value << 8 | UInt64(byte(offset + i)) }
        return value
    }

    /// The header of the field at `offset`, with its size and its payload checked against the section.
    @inline(__always)
    func field(at offset: Int) throws(MaxMindDBError) -> MaxMindField {
        guard offset >= start, offset < end else { throw MaxMindDBError(.fieldPastEnd, at: offset) }
        let control = byte(offset)
        var position = offset + 1
        var rawType = control >> 5
        if rawType == 1 { return try pointer(at: offset, control: control) }
        if rawType == 0 {
            guard position < end else { throw MaxMindDBError(.fieldPastEnd, at: offset) }
            let extended = byte(position)
            // Extended type numbers are 8...15: anything else would alias a basic type or name none.
            guard extended >= 1, extended <= 8 else { throw MaxMindDBError(.invalidExtendedType(extended), at: position) }
            rawType = extended + 7
            position += 1
        }
        guard let type = MaxMindDataType(rawValue: rawType) else {
            throw MaxMindDBError(.invalidExtendedType(rawType), at: offset)
        }
        var size = Int(control & 0x1F)
        if size >= 29 {
            let extra = size - 28
            guard extra <= end - position else { throw MaxMindDBError(.fieldPastEnd, at: offset) }
            let value = Int(bigEndian(position, extra))
            size = size == 29 ? 29 + value : size == 30 ? 285 + value : 65_821 + value
            position += extra
        }
        let left = end - position
        switch type {
        case .utf8String, .bytes, .dataCacheContainer:
            guard size <= left else { throw MaxMindDBError(.fieldPastEnd, at: offset) }
        case .double, .float, .uint16, .uint32, .int32, .uint64, .uint128:
            guard size <= Self.maxSize(of: type), type != .double || size == 8, type != .float || size == 4 else {
                throw MaxMindDBError(.invalidSize(type: type, size: size), at: offset)
            }
            guard size <= left else { throw MaxMindDBError(.fieldPastEnd, at: offset) }
        case .map:
            // Each key and each value takes at least one byte.
            guard size <= left / 2 else { throw MaxMindDBError(.countPastEnd(count: size), at: offset) }
        case .array:
            guard size <= left else { throw MaxMindDBError(.countPastEnd(count: size), at: offset) }
        case .boolean:
            guard size <= 1 else { throw MaxMindDBError(.invalidSize(type: type, size: size), at: offset) }
        case .endMarker:
            guard size == 0 else { throw MaxMindDBError(.invalidSize(type: type, size: size), at: offset) }
        case .pointer:
            break
        }
        return MaxMindField(type: type, size: size, payload: position)
    }

    /// The widest payload of a numeric type.
    @inline(__always)
    static func maxSize(of type: MaxMindDataType) -> Int {
        switch type {
        case .uint16: 2
        case .uint32, .int32, .float: 4
        case .uint64, .double: 8
        default: 16
        }
    }

    /// A pointer field: `001SSVVV`, then SS + 1 bytes.
    @inline(__always)
    func pointer(at offset: Int, control: UInt8) throws(MaxMindDBError) -> MaxMindField {
        let sizeBits = Int(control >> 3 & 3)
        let position = offset + 1
        guard sizeBits + 1 <= end - position else { throw MaxMindDBError(.fieldPastEnd, at: offset) }
        let high = Int(control & 7)
        let value: Int
        switch sizeBits {
        case 0: value = high << 8 | Int(byte(position))
        case 1: value = (high << 16 | Int(bigEndian(position, 2))) + 2048
        case 2: value = (high << 24 | Int(bigEndian(position, 3))) + 526_336
        default: value = Int(bigEndian(position, 4))
        }
        guard value < end - start else { throw MaxMindDBError(.pointerPastEnd(pointer: value), at: offset) }
        return MaxMindField(type: .pointer, size: start + value, payload: position + sizeBits + 1)
    }

    /// The field at `offset`, through pointers: never a pointer.
    @inline(__always)
    func resolvedField(at offset: Int) throws(MaxMindDBError) -> MaxMindField {
        var field = try field(at: offset)
        var hops = 0
        while field.type == .pointer {
            hops += 1
            guard hops <= MaxMindLimits.maxPointerChain else { throw MaxMindDBError(.pointerChainTooLong, at: offset) }
            field = try self.field(at: field.size)
        }
        return field
    }

    /// The map key at `offset` (a string, or a pointer to one) and the offset of the value after it.
    @inline(__always)
    func key(at offset: Int) throws(MaxMindDBError) -> (key: MaxMindField, value: Int) {
        let stored = try field(at: offset)
        let key = stored.type == .pointer ? try resolvedField(at: offset) : stored
        guard key.type == .utf8String else { throw MaxMindDBError(.mapKeyNotString(found: key.type), at: offset) }
        return (key, stored.type == .pointer ? stored.payload : key.payload + key.size)
    }

    /// The offset after the field at `offset` and, for a container, after all of its entries. Pointers are
    /// stepped over, not followed, so the walk is linear in the bytes it crosses; it reads at most `budget`
    /// headers.
    @inline(__always)
    func skip(_ offset: Int, budget: inout Int) throws(MaxMindDBError) -> Int {
        var position = offset
        var pending = 1
        while pending > 0 {
            budget -= 1
            guard budget >= 0 else { throw MaxMindDBError(.tooManyFields, at: position) }
            let field = try field(at: position)
            pending -= 1
            switch field.type {
            case .map: pending += 2 * field.size
            case .array: pending += field.size
            case .pointer, .boolean, .endMarker: break
            default: position = field.payload + field.size
                continue
            }
            position = field.payload
        }
        return position
    }

    /// Whether the string field holds exactly `text`'s bytes.
    @inline(__always)
    func string(_ field: MaxMindField, equals text: StaticString) -> Bool {
        field.size == text.utf8CodeUnitCount && memcmp(base + field.payload, text.utf8Start, field.size) == 0
    }

    /// Whether the string field holds exactly `bytes`.
    @inline(__always)
    func string(_ field: MaxMindField, equals bytes: UnsafeRawBufferPointer) -> Bool {
        field.size == bytes.count && (field.size == 0 || memcmp(base + field.payload, bytes.baseAddress!, field.size) == 0)
    }

    // MARK: Scalars (the header has checked the payload's size and bounds)

    /// An unsigned integer of up to 8 bytes (uint16, uint32, uint64, and the bits of an int32).
    @inline(__always)
    func unsigned(_ field: MaxMindField) -> UInt64 {
        bigEndian(field.payload, min(field.size, 8))
    }

    /// A uint128 of up to 16 bytes.
    func uint128(_ field: MaxMindField) -> (high: UInt64, low: UInt64) {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for i in 0..<field.size {
            high = high << 8 | low >> 56
            low = low << 8 | UInt64(byte(field.payload + i))
        }
        return (high, low)
    }

    /// An int32: a short payload is zero-extended, as the reference readers do; 4 bytes are two's complement.
    @inline(__always)
    func int32(_ field: MaxMindField) -> Int32 {
        Int32(bitPattern: UInt32(truncatingIfNeeded: unsigned(field)))
    }

    /// A double (8 bytes) or a float (4 bytes) as a Double.
    @inline(__always)
    func floatingPoint(_ field: MaxMindField) -> Double {
        field.type == .double
            ? Double(bitPattern: bigEndian(field.payload, 8))
            : Double(Float(bitPattern: UInt32(truncatingIfNeeded: bigEndian(field.payload, 4))))
    }
}
