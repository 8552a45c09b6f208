/// A decoded data-section value, pointers followed: for tests, diagnostics and the metadata, not the hot path
/// (it allocates; ``MaxMindDatabase/geoIPRecord(atRecordOffset:)`` does not).
public indirect enum MaxMindValue: Sendable, Hashable {
    /// A UTF-8 string (invalid sequences repaired with U+FFFD).
    case string(String)
    /// A double.
    case double(Double)
    /// Opaque bytes.
    case bytes([UInt8])
    /// A uint16.
    case uint16(UInt16)
    /// A uint32.
    case uint32(UInt32)
    /// A map, in file order (a repeated key is kept twice; ``subscript(_:)`` returns the last, as Python's reader
    /// does).
    case map([MapEntry])
    /// An int32.
    case int32(Int32)
    /// A uint64.
    case uint64(UInt64)
    /// A uint128 as two halves.
    case uint128(high: UInt64, low: UInt64)
    /// An array.
    case array([MaxMindValue])
    /// A data cache container; its content is reached only through pointers into it, so it is not decoded.
    case dataCacheContainer(byteCount: Int)
    /// The end marker.
    case endMarker
    /// A boolean.
    case boolean(Bool)
    /// A float.
    case float(Float)

    /// One key/value pair of a map.
    public struct MapEntry: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The value.
        public var value: MaxMindValue

        /// A pair.
        public init(key: String, value: MaxMindValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value of `key` in a map (the last one if the key repeats), nil for a missing key or a non-map.
    public subscript(key: String) -> MaxMindValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.last { $0.key == key }?.value
    }

    /// An unsigned integer of any width that fits 64 bits, nil otherwise.
    public var unsignedValue: UInt64? {
        switch self {
        case .uint16(let v): UInt64(v)
        case .uint32(let v): UInt64(v)
        case .uint64(let v): v
        case .uint128(let high, let low): high == 0 ? low : nil
        default: nil
        }
    }

    /// The text of a string, nil otherwise.
    public var stringValue: String? {
        if case .string(let text) = self { text } else { nil }
    }
}

extension MaxMindSection {
    /// What one generic decode may still build.
    struct DecodeBudget {
        var values = MaxMindLimits.maxDecodedValues
        var bytes = MaxMindLimits.maxDecodedBytes
    }

    /// The value at `offset` (through a pointer) and the offset after it as stored.
    func decodeValue(at offset: Int, depth: Int, budget: inout DecodeBudget) throws(MaxMindDBError) -> (MaxMindValue, Int) {
        let stored = try field(at: offset)
        guard stored.type == .pointer else { return try decodeContent(of: stored, at: offset, depth: depth, budget: &budget) }
        let target = try resolvedField(at: offset)
        return (try decodeContent(of: target, at: offset, depth: depth, budget: &budget).0, stored.payload)
    }

    /// The value of a field that is not a pointer, and the offset after it.
    private func decodeContent(
        of field: MaxMindField, at offset: Int, depth: Int, budget: inout DecodeBudget
    ) throws(MaxMindDBError) -> (MaxMindValue, Int) {
        budget.values -= 1
        guard budget.values >= 0 else { throw MaxMindDBError(.tooManyFields, at: offset) }
        let after = field.payload + field.size
        switch field.type {
        case .utf8String, .bytes:
            budget.bytes -= field.size
            guard budget.bytes >= 0 else { throw MaxMindDBError(.tooManyFields, at: offset) }
            let bytes = UnsafeRawBufferPointer(start: base + field.payload, count: field.size)
            if field.type == .bytes { return (.bytes(Array(bytes)), after) }
            return (.string(String(decoding: bytes, as: UTF8.self)), after)
        case .double: return (.double(floatingPoint(field)), after)
        case .float: return (.float(Float(floatingPoint(field))), after)
        case .uint16: return (.uint16(UInt16(truncatingIfNeeded: unsigned(field))), after)
        case .uint32: return (.uint32(UInt32(truncatingIfNeeded: unsigned(field))), after)
        case .uint64: return (.uint64(unsigned(field)), after)
        case .int32: return (.int32(int32(field)), after)
        case .uint128:
            let (high, low) = uint128(field)
            return (.uint128(high: high, low: low), after)
        case .boolean: return (.boolean(field.size == 1), field.payload)
        case .endMarker: return (.endMarker, field.payload)
        case .dataCacheContainer: return (.dataCacheContainer(byteCount: field.size), after)
        case .map:
            guard depth < MaxMindLimits.maxDepth else { throw MaxMindDBError(.tooDeep, at: offset) }
            var entries: [MaxMindValue.MapEntry] = []
            var position = field.payload
            for _ in 0..<field.size {
                let (key, valueOffset) = try self.key(at: position)
                budget.bytes -= key.size
                guard budget.bytes >= 0 else { throw MaxMindDBError(.tooManyFields, at: position) }
                let name = String(decoding: UnsafeRawBufferPointer(start: base + key.payload, count: key.size), as: UTF8.self)
                let (value, next) = try decodeValue(at: valueOffset, depth: depth + 1, budget: &budget)
                entries.append(MaxMindValue.MapEntry(key: name, value: value))
                position = next
            }
            return (.map(entries), position)
        case .array:
            guard depth < MaxMindLimits.maxDepth else { throw MaxMindDBError(.tooDeep, at: offset) }
            var values: [MaxMindValue] = []
            var position = field.payload
            for _ in 0..<field.size {
                let (value, next) = try decodeValue(at: position, depth: depth + 1, budget: &budget)
                values.append(value)
                position = next
            }
            return (.array(values), position)
        case .pointer:
            // resolvedField never returns a pointer; reaching this is a bug in this file, not in the input.
            throw MaxMindDBError(.unexpectedType(found: .pointer), at: offset)
        }
    }
}
