extension OutputBuffer {
    /// Appends `bytes` as a quoted <character-string> (RFC 1035 §5.1): `"` and `\` behind a backslash, bytes
    /// outside printable ASCII (0x20...0x7E) as `\DDD`.
    ///
    /// The result is 7-bit ASCII that reads back as the same bytes, so a hostile TXT record cannot smuggle control
    /// characters or a bare quote into a log line or a JSON string.
    ///
    /// With `json`, the same text is written as it must appear inside a JSON (or YAML double-quoted) string: every
    /// quote and backslash of it, the enclosing quotes included, behind one more backslash (`"a\"b"` becomes
    /// `\"a\\\"b\"`), so the caller needs no second pass over it.
    public mutating func appendQuotedString(_ bytes: UnsafeRawBufferPointer, json: Bool = false) {
        reserve(bytes.count &* 5 &+ 4)
        if json { uncheckedAppend(UInt8(ascii: "\\")) }
        uncheckedAppend(UInt8(ascii: "\""))
        uncheckedAppendEscaped(bytes, json: json)
        if json { uncheckedAppend(UInt8(ascii: "\\")) }
        uncheckedAppend(UInt8(ascii: "\""))
    }

    /// Appends `bytes` with the escapes of ``appendQuotedString(_:json:)`` but without the quotes (free text
    /// embedded in a larger value, such as the EXTRA-TEXT of an extended error).
    public mutating func appendEscapedText(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count &* 4)
        uncheckedAppendEscaped(bytes, json: false)
    }

    /// Appends one escaped byte; room for four bytes (five with `json`) must have been reserved.
    @inline(__always)
    mutating func uncheckedAppendEscaped(byte b: UInt8, json: Bool = false) {
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            uncheckedAppend(UInt8(ascii: "\\"))
            if json {
                uncheckedAppend(UInt8(ascii: "\\"))
                uncheckedAppend(UInt8(ascii: "\\"))
            }
            uncheckedAppend(b)
        } else if b >= 0x20 && b <= 0x7E {
            uncheckedAppend(b)
        } else {
            uncheckedAppend(UInt8(ascii: "\\"))
            if json { uncheckedAppend(UInt8(ascii: "\\")) }
            uncheckedAppend(0x30 &+ b / 100)
            uncheckedAppend(0x30 &+ (b / 10) % 10)
            uncheckedAppend(0x30 &+ b % 10)
        }
    }

    /// The escaping loop shared by the quoted and unquoted forms (room reserved by the caller): eight bytes at a
    /// time while all eight are written as themselves (the usual case for TXT and other free text), one at a time
    /// through the escapes otherwise.
    @inline(__always)
    mutating func uncheckedAppendEscaped(_ bytes: UnsafeRawBufferPointer, json: Bool) {
        guard let src = bytes.baseAddress else { return }
        let n = bytes.count
        var i = 0
        while i &+ 8 <= n {
            let w = src.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if Self.allWrittenAsThemselves(UInt64(littleEndian: w)) {
                UnsafeMutableRawPointer(base + count).storeBytes(of: w, as: UInt64.self)
                count &+= 8
            } else {
                for k in 0 ..< 8 { uncheckedAppendEscaped(byte: src.load(fromByteOffset: i &+ k, as: UInt8.self), json: json) }
            }
            i &+= 8
        }
        while i < n {
            uncheckedAppendEscaped(byte: src.load(fromByteOffset: i, as: UInt8.self), json: json)
            i &+= 1
        }
    }

    /// Whether every octet of `x` is printable ASCII (0x20...0x7E) other than `"` and `\`: computed on all eight at
    /// once, with no carry from one octet into the next (each sum stays below 0x100).
    @inline(__always)
    static func allWrittenAsThemselves(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let t = x & ~highs
        // High bit of each octet set where t >= 0x20, and where t differs from 0x7F, 0x22 and 0x5C.
        let atLeastSpace = t &+ 0x60 &* ones
        let notDelete = (t ^ 0x7F &* ones) &+ 0x7F &* ones
        let notQuote = (t ^ 0x22 &* ones) &+ 0x7F &* ones
        let notBackslash = (t ^ 0x5C &* ones) &+ 0x7F &* ones
        return ~x & atLeastSpace & notDelete & notQuote & notBackslash & highs == highs
    }
}
