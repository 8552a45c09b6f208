extension RegexParser {
    /// One element of a bracket class: a byte (a possible range end) or a class escape such as `\d`.
    enum ClassItem {
        case byte(UInt8)
        case set(ByteSet)
    }

    /// After a `\` outside brackets (`index` is past it; `start` is the backslash).
    mutating func parseEscape(at start: Int) throws(ByteRegexError) -> RegexNode {
        guard let byte = peek() else { throw ByteRegexError(.syntax, "bad escape (end of pattern)", at: start) }
        index += 1
        switch byte {
        case UInt8(ascii: "A"): return .assertion(.start)
        case UInt8(ascii: "Z"): return .assertion(.end)
        case UInt8(ascii: "b"), UInt8(ascii: "B"):
            throw ByteRegexError(.unsupported, "word boundary \\\(Character(Unicode.Scalar(byte))) is not supported", at: start)
        default:
            if let set = Self.classEscape(byte) { return .bytes(set) }
            let bytes = try escapedBytes(byte, at: start)
            return bytes.count == 1 ? literal(bytes[0]) : .concat(bytes.map { .bytes(ByteSet(byte: $0)) })
        }
    }

    /// `\d \D \w \W \s \S`. Each set is closed under ASCII case folding, so IGNORECASE leaves them as they are.
    static func classEscape(_ byte: UInt8) -> ByteSet? {
        switch byte {
        case UInt8(ascii: "d"): return .digits
        case UInt8(ascii: "D"): return ByteSet.digits.inverted
        case UInt8(ascii: "w"): return .word
        case UInt8(ascii: "W"): return ByteSet.word.inverted
        case UInt8(ascii: "s"): return .space
        case UInt8(ascii: "S"): return ByteSet.space.inverted
        default: return nil
        }
    }

    /// The bytes an escape stands for: `\xHH`, control letters, or an escaped punctuation or non-ASCII character.
    mutating func escapedBytes(_ byte: UInt8, at start: Int) throws(ByteRegexError) -> [UInt8] {
        switch byte {
        case UInt8(ascii: "n"): return [0x0A]
        case UInt8(ascii: "t"): return [0x09]
        case UInt8(ascii: "r"): return [0x0D]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "v"): return [0x0B]
        case UInt8(ascii: "a"): return [0x07]
        case UInt8(ascii: "x"):
            guard let high = peek().flatMap(Self.hexValue), let low = peek(1).flatMap(Self.hexValue) else {
                let end = Swift.min(index + 2, pattern.count)
                let text = String(decoding: pattern[start..<end], as: UTF8.self)
                throw ByteRegexError(.syntax, "incomplete escape \(text)", at: start)
            }
            index += 2
            return [high << 4 | low]
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            throw ByteRegexError(.unsupported, "backreference or octal escape \\\(Character(Unicode.Scalar(byte))) is not supported", at: start)
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            throw ByteRegexError(.syntax, "bad escape \\\(Character(Unicode.Scalar(byte)))", at: start)
        case 0x80...:
            var bytes = [byte]
            while let next = peek(), next & 0xC0 == 0x80 {
                bytes.append(next)
                index += 1
            }
            return bytes
        default:
            return [byte]
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// After a `[` (`index` is past it; `start` is the bracket).
    mutating func parseClass(at start: Int) throws(ByteRegexError) -> ByteSet {
        var set = ByteSet.empty
        let negated = peek() == UInt8(ascii: "^")
        if negated { index += 1 }
        var first = true
        while true {
            guard let byte = peek() else { throw ByteRegexError(.syntax, "unterminated character set", at: start) }
            if byte == UInt8(ascii: "]") && !first {
                index += 1
                break
            }
            first = false
            let itemStart = index
            let low = try parseClassItem()
            if peek() == UInt8(ascii: "-"), let after = peek(1), after != UInt8(ascii: "]") {
                index += 1
                let high = try parseClassItem()
                guard case .byte(let from) = low, case .byte(let to) = high, from <= to else {
                    let text = String(decoding: pattern[itemStart..<index], as: UTF8.self)
                    throw ByteRegexError(.syntax, "bad character range \(text)", at: itemStart)
                }
                set.insert(from...to)
            } else {
                switch low {
                case .byte(let value): set.insert(value)
                case .set(let other): set.formUnion(other)
                }
            }
        }
        if flags.caseInsensitive { set = set.caseFolded }
        return negated ? set.inverted : set
    }

    mutating func parseClassItem() throws(ByteRegexError) -> ClassItem {
        let start = index
        let byte = current
        index += 1
        if byte >= 0x80 {
            throw ByteRegexError(.unsupported, "non-ASCII character in a character class is not supported", at: start)
        }
        guard byte == UInt8(ascii: "\\") else { return .byte(byte) }
        guard let escaped = peek() else { throw ByteRegexError(.syntax, "unterminated character set", at: start) }
        index += 1
        if let set = Self.classEscape(escaped) { return .set(set) }
        if escaped == UInt8(ascii: "b") { return .byte(0x08) }  // backspace inside brackets, as in Python
        if escaped >= 0x80 {
            throw ByteRegexError(.unsupported, "non-ASCII character in a character class is not supported", at: start)
        }
        return .byte(try escapedBytes(escaped, at: start)[0])
    }
}
