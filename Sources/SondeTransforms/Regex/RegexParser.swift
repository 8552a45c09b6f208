/// Reads Python `re` syntax (as Python reads a bytes pattern) into a ``RegexNode``, refusing what the engine
/// does not implement with the construct and its position.
struct RegexParser {
    /// Deeper nesting than this is refused, so that parsing and compiling cannot exhaust the stack.
    static let maxNesting = 200
    /// The largest `{m,n}` count: above it the expanded automaton grows past any useful size.
    static let maxRepeat = 1000

    struct Flags {
        var caseInsensitive: Bool
        var dotAll = false
    }

    let pattern: [UInt8]
    var index = 0
    var flags: Flags
    var depth = 0
    /// Names of `(?P<name>...)` groups seen, which Python requires to be distinct.
    var groupNames: Set<[UInt8]> = []

    init(_ pattern: String, caseInsensitive: Bool) {
        self.pattern = Array(pattern.utf8)
        self.flags = Flags(caseInsensitive: caseInsensitive)
    }

    static func parse(_ pattern: String, caseInsensitive: Bool) throws(ByteRegexError) -> RegexNode {
        var parser = RegexParser(pattern, caseInsensitive: caseInsensitive)
        return try parser.parseWhole()
    }

    var atEnd: Bool { index >= pattern.count }
    var current: UInt8 { pattern[index] }

    func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < pattern.count ? pattern[index + offset] : nil
    }

    mutating func parseWhole() throws(ByteRegexError) -> RegexNode {
        do throws(ByteRegexError) {
            // Python 3.11 accepts global flags only at the very start.
            while peek() == UInt8(ascii: "("), peek(1) == UInt8(ascii: "?"), let end = globalFlagsEnd() {
                try applyFlags(from: index + 2, to: end, into: &flags)
                index = end + 1
            }
            let node = try parseAlternation()
            if !atEnd { throw ByteRegexError(.syntax, "unbalanced parenthesis", at: index) }
            return node
        } catch {
            // Python's tokenizer reads one token ahead, so a lone `\` at the end is reported as soon as the token
            // before it is consumed, before whatever error that token itself causes.
            if let (lone, previous) = loneTrailingBackslash(), index > previous {
                throw ByteRegexError(.syntax, "bad escape (end of pattern)", at: lone)
            }
            throw error
        }
    }

    /// Where a final `\` escapes nothing, and where the token before it starts (-1 if none).
    func loneTrailingBackslash() -> (Int, Int)? {
        var i = 0
        var previous = -1
        while i < pattern.count {
            let start = i
            if pattern[i] == UInt8(ascii: "\\") {
                if i + 1 == pattern.count { return (i, previous) }
                i += 1
            }
            i += 1
            while i < pattern.count, pattern[i] & 0xC0 == 0x80 { i += 1 }  // the rest of a UTF-8 character
            previous = start
        }
        return nil
    }

    /// The index of the `)` closing `(?flags)` at `index`, or nil when this is another kind of group.
    func globalFlagsEnd() -> Int? {
        var i = index + 2
        while i < pattern.count, Self.isFlagLetter(pattern[i]) { i += 1 }
        return i > index + 2 && i < pattern.count && pattern[i] == UInt8(ascii: ")") ? i : nil
    }

    static func isFlagLetter(_ byte: UInt8) -> Bool {
        "aiLmsux".utf8.contains(byte)
    }

    func applyFlags(from start: Int, to end: Int, into flags: inout Flags, turningOff: Bool = false) throws(ByteRegexError) {
        for i in start..<end {
            switch pattern[i] {
            case UInt8(ascii: "i"): flags.caseInsensitive = !turningOff
            case UInt8(ascii: "s"): flags.dotAll = !turningOff
            case UInt8(ascii: "a"): break  // ASCII-only classes: already so on bytes
            case let letter:
                let name = String(decoding: [letter], as: UTF8.self)
                throw ByteRegexError(.unsupported, "flag '\(name)' is not supported (only i, s, a)", at: i)
            }
        }
    }

    mutating func parseAlternation() throws(ByteRegexError) -> RegexNode {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxNesting { throw ByteRegexError(.tooLarge, "groups nested too deeply", at: index) }
        var branches = [try parseConcatenation()]
        while peek() == UInt8(ascii: "|") {
            index += 1
            branches.append(try parseConcatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    mutating func parseConcatenation() throws(ByteRegexError) -> RegexNode {
        var items: [RegexNode] = []
        // Whether the last item can take a quantifier: not an anchor, not already quantified.
        var lastIsRepeatable = false
        var lastIsRepeated = false
        while let byte = peek(), byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
            let start = index
            if let (min, max) = try parseQuantifier() {
                if lastIsRepeated { throw ByteRegexError(.syntax, "multiple repeat", at: start) }
                guard lastIsRepeatable, let body = items.popLast() else {
                    throw ByteRegexError(.syntax, "nothing to repeat", at: start)
                }
                if peek() == UInt8(ascii: "?") {
                    index += 1  // lazy: same yes/no answer
                } else if peek() == UInt8(ascii: "+") {
                    throw ByteRegexError(.unsupported, "possessive quantifier is not supported", at: index)
                }
                items.append(.repetition(body, min: min, max: max, position: start))
                lastIsRepeated = true
                continue
            }
            // Python repeats no anchor, but does repeat a group, even one holding only an anchor.
            let next = peek(1)
            lastIsRepeatable =
                !(byte == UInt8(ascii: "^") || byte == UInt8(ascii: "$")
                || (byte == UInt8(ascii: "\\") && next.map { "AZbB".utf8.contains($0) } == true))
            let atom = try parseAtom()
            lastIsRepeated = false
            items.append(atom)
        }
        return items.count == 1 ? items[0] : (items.isEmpty ? .empty : .concat(items))
    }

    /// `*`, `+`, `?` or a well-formed `{m}`, `{m,}`, `{,n}`, `{m,n}`; a `{` that is not one is a literal (nil).
    mutating func parseQuantifier() throws(ByteRegexError) -> (Int, Int?)? {
        switch current {
        case UInt8(ascii: "*"): index += 1; return (0, nil)
        case UInt8(ascii: "+"): index += 1; return (1, nil)
        case UInt8(ascii: "?"): index += 1; return (0, 1)
        case UInt8(ascii: "{"): break
        default: return nil
        }
        let start = index
        var i = index + 1
        func digits() -> Int? {
            let from = i
            var value = 0
            while i < pattern.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(pattern[i]) {
                value = Swift.min(value * 10 + Int(pattern[i] - UInt8(ascii: "0")), Int(UInt32.max))
                i += 1
            }
            return i > from ? value : nil
        }
        let low = digits()
        var high: Int?
        var hasComma = false
        if i < pattern.count, pattern[i] == UInt8(ascii: ",") {
            hasComma = true
            i += 1
            high = digits()
        } else {
            high = low
        }
        guard i < pattern.count, pattern[i] == UInt8(ascii: "}"), low != nil || hasComma else { return nil }
        index = i + 1
        let min = low ?? 0
        if min > Self.maxRepeat || (high ?? 0) > Self.maxRepeat {
            throw ByteRegexError(.tooLarge, "repeat count above \(Self.maxRepeat)", at: start)
        }
        if let high, high < min { throw ByteRegexError(.syntax, "min repeat greater than max repeat", at: start + 1) }
        return (min, high)
    }

    mutating func parseAtom() throws(ByteRegexError) -> RegexNode {
        let start = index
        let byte = current
        index += 1
        switch byte {
        case UInt8(ascii: "("): return try parseGroup(at: start)
        case UInt8(ascii: "["): return .bytes(try parseClass(at: start))
        case UInt8(ascii: "."): return .bytes(flags.dotAll ? .all : .dot)
        case UInt8(ascii: "^"): return .assertion(.start)
        case UInt8(ascii: "$"): return .assertion(.dollar)
        case UInt8(ascii: "\\"): return try parseEscape(at: start)
        case 0x80...:
            // A multi-byte UTF-8 character repeats as a whole, like Python's single code point.
            var bytes = [byte]
            while let next = peek(), next & 0xC0 == 0x80 {
                bytes.append(next)
                index += 1
            }
            return bytes.count == 1 ? literal(byte) : .concat(bytes.map { .bytes(ByteSet(byte: $0)) })
        default: return literal(byte)
        }
    }

    func literal(_ byte: UInt8) -> RegexNode {
        let set = ByteSet(byte: byte)
        return .bytes(flags.caseInsensitive ? set.caseFolded : set)
    }

    mutating func parseGroup(at start: Int) throws(ByteRegexError) -> RegexNode {
        let saved = flags
        defer { flags = saved }
        if peek() == UInt8(ascii: "?") {
            index += 1
            try parseGroupKind(at: start)
        }
        let body = try parseAlternation()
        guard peek() == UInt8(ascii: ")") else {
            throw ByteRegexError(.syntax, "missing ), unterminated subpattern", at: start)
        }
        index += 1
        return body
    }

    /// After `(?`: accepts `:`, `P<name>` and scoped flags `i-s:`; refuses the rest by name.
    mutating func parseGroupKind(at start: Int) throws(ByteRegexError) {
        let kind = peek()
        switch kind {
        case UInt8(ascii: ":"):
            index += 1
        case UInt8(ascii: "P"):
            if peek(1) == UInt8(ascii: "=") {
                throw ByteRegexError(.unsupported, "backreference (?P=...) is not supported", at: start)
            }
            if peek(1) == nil { throw ByteRegexError(.syntax, "unexpected end of pattern", at: index + 1) }
            guard peek(1) == UInt8(ascii: "<") else {
                throw ByteRegexError(.syntax, "unknown extension ?P", at: start + 1)
            }
            index += 2
            let nameStart = index
            while let byte = peek(), ByteSet.word.contains(byte) { index += 1 }
            guard index > nameStart, peek() == UInt8(ascii: ">"), !ByteSet.digits.contains(pattern[nameStart]) else {
                throw ByteRegexError(.syntax, "bad character in group name", at: nameStart)
            }
            let name = Array(pattern[nameStart..<index])
            if !groupNames.insert(name).inserted {
                let text = String(decoding: name, as: UTF8.self)
                throw ByteRegexError(.syntax, "redefinition of group name '\(text)'", at: nameStart)
            }
            index += 1
        case UInt8(ascii: "="), UInt8(ascii: "!"):
            throw ByteRegexError(.unsupported, "lookahead (?\(kind == UInt8(ascii: "=") ? "=" : "!")...) is not supported", at: start)
        case UInt8(ascii: "<") where peek(1) == nil:
            throw ByteRegexError(.syntax, "unexpected end of pattern", at: index + 1)
        case UInt8(ascii: "<") where peek(1) == UInt8(ascii: "=") || peek(1) == UInt8(ascii: "!"):
            throw ByteRegexError(.unsupported, "lookbehind is not supported", at: start)
        case UInt8(ascii: ">"):
            throw ByteRegexError(.unsupported, "atomic group (?>...) is not supported", at: start)
        case UInt8(ascii: "("):
            throw ByteRegexError(.unsupported, "conditional group (?(...)...) is not supported", at: start)
        case UInt8(ascii: "#"):
            throw ByteRegexError(.unsupported, "comment group (?#...) is not supported", at: start)
        case let byte? where Self.isFlagLetter(byte) || byte == UInt8(ascii: "-"):
            var i = index
            while i < pattern.count, Self.isFlagLetter(pattern[i]) { i += 1 }
            try applyFlags(from: index, to: i, into: &flags)
            if i < pattern.count, pattern[i] == UInt8(ascii: "-") {
                let offStart = i + 1
                i = offStart
                while i < pattern.count, Self.isFlagLetter(pattern[i]) { i += 1 }
                try applyFlags(from: offStart, to: i, into: &flags, turningOff: true)
                guard i < pattern.count, pattern[i] == UInt8(ascii: ":") else {
                    throw ByteRegexError(.syntax, "missing :", at: i)
                }
            } else if i < pattern.count, pattern[i] == UInt8(ascii: ")") {
                throw ByteRegexError(.syntax, "global flags not at the start of the expression", at: start)
            } else if i >= pattern.count || pattern[i] != UInt8(ascii: ":") {
                throw ByteRegexError(.syntax, "missing -, : or )", at: i)
            }
            index = i + 1
        case nil:
            throw ByteRegexError(.syntax, "unexpected end of pattern", at: index)
        default:
            throw ByteRegexError(.syntax, "unknown extension ?\(kind.map { String(decoding: [$0], as: UTF8.self) } ?? "")", at: start + 1)
        }
    }
}
