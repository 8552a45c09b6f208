extension OutputBuffer {
    /// Escapes `"` and `\` written since `start` by a backslash, in place, as JSON strings and YAML
    /// double-quoted scalars both require.
    ///
    /// Presentation text (names, RDATA) is printable ASCII by construction, so these two bytes are the only ones
    /// that need care; they are rare, so the scan usually finds none and moves nothing.
    @inlinable
    public mutating func escapeQuotesAndBackslashes(from start: Int) {
        // Scan eight bytes at a time for either byte (the usual answer is "none"); see "Bit Twiddling Hacks",
        // determining if a word has a byte equal to n.
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var found = false
        while i &+ 8 <= count {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let q = w ^ (ones &* 0x22)
            let b = w ^ (ones &* 0x5C)
            if ((q &- ones) & ~q | (b &- ones) & ~b) & highs != 0 {
                found = true
                break
            }
            i &+= 8
        }
        if !found {
            while i < count {
                let c = base[i]
                if c == 0x22 || c == 0x5C {
                    found = true
                    break
                }
                i &+= 1
            }
        }
        guard found else { return }
        // Nothing before `i` (the word or byte where the first one was seen) needs a backslash.
        expandInPlace(from: i, prefix: UInt8(ascii: "\\")) { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    /// Doubles every `"` written since `start`, as CSV fields require (RFC 4180).
    @inlinable
    public mutating func doubleQuotes(from start: Int) {
        expandInPlace(from: start, prefix: UInt8(ascii: "\"")) { $0 == UInt8(ascii: "\"") }
    }

    /// Puts `prefix` before every byte since `start` that `matches`, shifting the rest right.
    @inlinable
    mutating func expandInPlace(from start: Int, prefix: UInt8, matches: (UInt8) -> Bool) {
        var hits = 0
        var i = start
        while i < count {
            if matches(base[i]) { hits &+= 1 }
            i &+= 1
        }
        guard hits > 0 else { return }
        reserve(hits)
        var src = count &- 1
        var dst = count &+ hits &- 1
        while src >= start {
            let b = base[src]
            base[dst] = b
            dst &-= 1
            if matches(b) {
                base[dst] = prefix
                dst &-= 1
            }
            src &-= 1
        }
        count &+= hits
    }

    /// Appends any string as the inside of a JSON string (RFC 8259 §7): quotes, backslashes and control
    /// characters escaped, other UTF-8 kept. Used for configured texts such as the identity, not per message.
    public mutating func appendJSONEscaped(_ string: String) {
        var s = string
        s.withUTF8 { appendJSONEscaped(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension OutputBuffer {
    /// Appends arbitrary bytes (a dnstap identity, version or `extra`) as the inside of a JSON or YAML
    /// double-quoted string: valid UTF-8 is kept, quotes, backslashes and control characters are escaped, and
    /// when the bytes are not valid UTF-8 every octet from 0x80 is written as `\u00XX` (read as Latin-1), so the
    /// output is always valid.
    public mutating func appendJSONEscaped(bytes: UnsafeRawBufferPointer) {
        var plain = true
        var ascii = true
        for b in bytes {
            if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0x7f { plain = false }
            if b >= 0x80 { ascii = false }
        }
        let utf8 = ascii || String(validating: bytes, as: UTF8.self) != nil
        if plain && utf8 {
            append(bytes)
            return
        }
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0a: append("\\n")
            case 0x0d: append("\\r")
            case 0x09: append("\\t")
            case 0..<0x20, 0x7f:
                append("\\u00")
                appendHexByte(b)
            case 0x80... where !utf8:
                append("\\u00")
                appendHexByte(b)
            default: append(b)
            }
        }
    }
}
