extension OutputBuffer {
    /// Appends `bytes` as a quoted <character-string> (RFC 1035 §5.1): `"` and `\` behind a backslash, bytes
    /// outside printable ASCII (0x20...0x7E) as `\DDD`.
    ///
    /// The result is 7-bit ASCII that reads back as the same bytes, so a hostile TXT record cannot smuggle control
    /// characters or a bare quote into a log line or a JSON string.
    public mutating func appendQuotedString(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count &* 4 &+ 2)
        uncheckedAppend(UInt8(ascii: "\""))
        uncheckedAppendEscaped(bytes)
        uncheckedAppend(UInt8(ascii: "\""))
    }

    /// Appends `bytes` with the escapes of ``appendQuotedString(_:)`` but without the quotes (free text embedded
    /// in a larger value, such as the EXTRA-TEXT of an extended error).
    public mutating func appendEscapedText(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count &* 4)
        uncheckedAppendEscaped(bytes)
    }

    /// Appends one escaped byte; room for four bytes must have been reserved.
    @inline(__always)
    mutating func uncheckedAppendEscaped(byte b: UInt8) {
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            uncheckedAppend(UInt8(ascii: "\\"))
            uncheckedAppend(b)
        } else if b >= 0x20 && b <= 0x7E {
            uncheckedAppend(b)
        } else {
            uncheckedAppend(UInt8(ascii: "\\"))
            uncheckedAppend(0x30 &+ b / 100)
            uncheckedAppend(0x30 &+ (b / 10) % 10)
            uncheckedAppend(0x30 &+ b % 10)
        }
    }

    /// The escaping loop shared by the quoted and unquoted forms (room reserved by the caller).
    @inline(__always)
    mutating func uncheckedAppendEscaped(_ bytes: UnsafeRawBufferPointer) {
        for b in bytes { uncheckedAppendEscaped(byte: b) }
    }
}
