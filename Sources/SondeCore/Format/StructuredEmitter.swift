public import SondeDNS

/// The shape of a structured document (JSON object, YAML mapping) written key by key.
///
/// ``EventSerializer`` walks an event once, generic over the emitter, so JSON and YAML share that walk and each
/// is compiled into straight-line code for its own syntax.
public protocol StructuredEmitter {
    /// Starts one event.
    mutating func beginDocument(into out: inout OutputBuffer)
    /// Ends one event.
    mutating func endDocument(into out: inout OutputBuffer)
    /// Writes a key of the current object.
    mutating func key(_ name: StaticString, into out: inout OutputBuffer)
    /// Writes a key made at run time (tag names), quoted and escaped.
    mutating func key(quoting name: UnsafeRawBufferPointer, into out: inout OutputBuffer)
    /// Opens an object as the current value.
    mutating func beginObject(into out: inout OutputBuffer)
    mutating func endObject(into out: inout OutputBuffer)
    /// Opens a non-empty list as the current value.
    mutating func beginArray(into out: inout OutputBuffer)
    mutating func endArray(into out: inout OutputBuffer)
    /// Writes an empty list as the current value.
    mutating func emptyArray(into out: inout OutputBuffer)
    /// Starts a scalar value: the emitter writes separators, the caller the value itself.
    mutating func beginScalar(into out: inout OutputBuffer)
}

extension StructuredEmitter {
    /// A quoted string from a literal.
    @inline(__always)
    public mutating func string(_ value: StaticString, into out: inout OutputBuffer) {
        beginScalar(into: &out)
        out.reserve(value.utf8CodeUnitCount + 2)
        out.uncheckedAppend(UInt8(ascii: "\""))
        out.uncheckedAppend(value.utf8Start, count: value.utf8CodeUnitCount)
        out.uncheckedAppend(UInt8(ascii: "\""))
    }

    /// A quoted string whose inside `body` writes text that never holds a quote or a backslash (mnemonics,
    /// addresses), so no escaping pass is needed.
    @inline(__always)
    public mutating func plain(into out: inout OutputBuffer, _ body: (inout OutputBuffer) -> Void) {
        beginScalar(into: &out)
        out.append(UInt8(ascii: "\""))
        body(&out)
        out.append(UInt8(ascii: "\""))
    }

    /// A quoted string whose inside `body` writes as presentation text; quotes and backslashes are escaped after.
    @inline(__always)
    public mutating func presentation(into out: inout OutputBuffer, _ body: (inout OutputBuffer) -> Void) {
        beginScalar(into: &out)
        out.append(UInt8(ascii: "\""))
        let start = out.count
        body(&out)
        out.escapeQuotesAndBackslashes(from: start)
        out.append(UInt8(ascii: "\""))
    }

    /// An unsigned number.
    @inline(__always)
    public mutating func number(_ value: UInt64, into out: inout OutputBuffer) {
        beginScalar(into: &out)
        out.appendDecimal(value)
    }

    /// A boolean.
    @inline(__always)
    public mutating func bool(_ value: Bool, into out: inout OutputBuffer) {
        beginScalar(into: &out)
        if value { out.append("true") } else { out.append("false") }
    }

    /// A null.
    @inline(__always)
    public mutating func null(into out: inout OutputBuffer) {
        beginScalar(into: &out)
        out.append("null")
    }

    /// A quoted string of any bytes, escaped for JSON (and YAML double-quoted scalars, which read the same escapes).
    @inline(__always)
    public mutating func escaped(_ bytes: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        beginScalar(into: &out)
        out.append(UInt8(ascii: "\""))
        out.appendJSONEscaped(bytes: bytes)
        out.append(UInt8(ascii: "\""))
    }

    /// A number with up to `decimals` digits after the point, trailing zeros left out (`48.8582`, `-3.5`).
    public mutating func fixed(_ value: Double, decimals: Int, into out: inout OutputBuffer) {
        beginScalar(into: &out)
        out.appendFixed(value, decimals: decimals)
    }

    /// Seconds with nanosecond precision, as a decimal number (`0.001234567`).
    @inline(__always)
    public mutating func seconds(nanoseconds: Int64, into out: inout OutputBuffer) {
        beginScalar(into: &out)
        if nanoseconds < 0 { out.append(UInt8(ascii: "-")) }
        let v = UInt64(nanoseconds.magnitude)
        out.appendDecimal(v / 1_000_000_000)
        out.append(UInt8(ascii: "."))
        out.appendNineDigits(UInt32(truncatingIfNeeded: v % 1_000_000_000))
    }
}

/// One JSON object per event, on one line (RFC 8259; JSON Lines).
public struct JSONEmitter: StructuredEmitter {
    var needsComma = false

    public init() {}

    /// An emitter continuing an object that already has members.
    init(needsComma: Bool) { self.needsComma = needsComma }

    @inline(__always) public mutating func beginDocument(into out: inout OutputBuffer) {
        out.append(UInt8(ascii: "{"))
        needsComma = false
    }
    @inline(__always) public mutating func endDocument(into out: inout OutputBuffer) {
        out.append("}\n")
    }
    @inline(__always) public mutating func key(_ name: StaticString, into out: inout OutputBuffer) {
        out.reserve(name.utf8CodeUnitCount + 4)
        if needsComma { out.uncheckedAppend(UInt8(ascii: ",")) }
        out.uncheckedAppend(UInt8(ascii: "\""))
        out.uncheckedAppend(name.utf8Start, count: name.utf8CodeUnitCount)
        out.uncheckedAppend(UInt8(ascii: "\""))
        out.uncheckedAppend(UInt8(ascii: ":"))
        needsComma = false
    }
    public mutating func key(quoting name: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if needsComma { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        out.appendJSONEscaped(bytes: name)
        out.append("\":")
        needsComma = false
    }
    @inline(__always) public mutating func beginObject(into out: inout OutputBuffer) {
        beginScalar(into: &out)
        out.append(UInt8(ascii: "{"))
        needsComma = false
    }
    @inline(__always) public mutating func endObject(into out: inout OutputBuffer) {
        out.append(UInt8(ascii: "}"))
        needsComma = true
    }
    @inline(__always) public mutating func beginArray(into out: inout OutputBuffer) {
        beginScalar(into: &out)
        out.append(UInt8(ascii: "["))
        needsComma = false
    }
    @inline(__always) public mutating func endArray(into out: inout OutputBuffer) {
        out.append(UInt8(ascii: "]"))
        needsComma = true
    }
    @inline(__always) public mutating func emptyArray(into out: inout OutputBuffer) {
        beginScalar(into: &out)
        out.append("[]")
        needsComma = true
    }
    @inline(__always) public mutating func beginScalar(into out: inout OutputBuffer) {
        if needsComma { out.append(UInt8(ascii: ",")) }
        needsComma = true
    }
}

/// One YAML document per event, in block style, strings double-quoted.
public struct YAMLEmitter: StructuredEmitter {
    var indent = 0
    /// One bit per open container, 1 for a list.
    var kinds: UInt64 = 0
    var depth = 0
    /// The next key goes on the line of a list dash.
    var inlineNextKey = false

    public init() {}

    var inList: Bool { depth > 0 && (kinds >> UInt64(depth - 1)) & 1 == 1 }

    @inline(__always) mutating func newline(_ out: inout OutputBuffer) {
        out.reserve(indent + 1)
        out.uncheckedAppend(0x0a)
        for _ in 0..<indent { out.uncheckedAppend(0x20) }
    }
    @inline(__always) mutating func push(list: Bool) {
        kinds = list ? kinds | (1 << UInt64(depth)) : kinds & ~(1 << UInt64(depth))
        depth += 1
    }

    @inline(__always) public mutating func beginDocument(into out: inout OutputBuffer) {
        out.append("---")
        indent = 0
        depth = 0
        kinds = 0
        inlineNextKey = false
        push(list: false)
    }
    @inline(__always) public mutating func endDocument(into out: inout OutputBuffer) {
        out.append(0x0a)
    }
    @inline(__always) public mutating func key(_ name: StaticString, into out: inout OutputBuffer) {
        if inlineNextKey { inlineNextKey = false } else { newline(&out) }
        out.append(name)
        out.append(UInt8(ascii: ":"))
    }
    public mutating func key(quoting name: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if inlineNextKey { inlineNextKey = false } else { newline(&out) }
        out.append(UInt8(ascii: "\""))
        out.appendJSONEscaped(bytes: name)
        out.append("\":")
    }
    @inline(__always) mutating func listDash(_ out: inout OutputBuffer) {
        newline(&out)
        out.append("- ")
    }
    @inline(__always) public mutating func beginObject(into out: inout OutputBuffer) {
        if inList {
            listDash(&out)
            inlineNextKey = true
        }
        indent += 2
        push(list: false)
    }
    @inline(__always) public mutating func endObject(into out: inout OutputBuffer) {
        indent -= 2
        depth -= 1
    }
    @inline(__always) public mutating func beginArray(into out: inout OutputBuffer) {
        if inList { listDash(&out) }
        indent += 2
        push(list: true)
    }
    @inline(__always) public mutating func endArray(into out: inout OutputBuffer) {
        indent -= 2
        depth -= 1
    }
    @inline(__always) public mutating func emptyArray(into out: inout OutputBuffer) {
        beginScalar(into: &out)
        out.append("[]")
    }
    @inline(__always) public mutating func beginScalar(into out: inout OutputBuffer) {
        if inList { listDash(&out) } else { out.append(UInt8(ascii: " ")) }
    }
}
