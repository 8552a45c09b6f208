import SondeCore
import SondeDNS
import SondeDnstap
import SondePacket

/// Reads a filter expression (``FilterExpression``) into its compiled form.
struct FilterParser {
    enum Token: Equatable {
        case word(String)
        case quoted(String)
        case op(String)
        case open, close, comma, end
    }

    let text: String
    var tokens: [(Token, Int)] = []
    var i = 0

    init(_ text: String) { self.text = text }

    func fail(_ message: String, at position: Int) -> SondeError {
        SondeError("filter \"\(text)\": \(message) (at character \(position + 1))")
    }

    mutating func tokenize() throws(SondeError) {
        let b = Array(text.utf8)
        var p = 0
        func isWord(_ c: UInt8) -> Bool {
            !(c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) && !"(),=!<>~\"'".utf8.contains(c)
        }
        while p < b.count {
            let c = b[p]
            if c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d {
                p += 1
            } else if c == UInt8(ascii: "(") {
                tokens.append((.open, p)); p += 1
            } else if c == UInt8(ascii: ")") {
                tokens.append((.close, p)); p += 1
            } else if c == UInt8(ascii: ",") {
                tokens.append((.comma, p)); p += 1
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                var q = p + 1
                var out: [UInt8] = []
                while q < b.count && b[q] != c {
                    // A backslash before the quote keeps it; other backslashes stay for the regex.
                    if b[q] == UInt8(ascii: "\\") && q + 1 < b.count && b[q + 1] == c { q += 1 }
                    out.append(b[q])
                    q += 1
                }
                guard q < b.count else { throw fail("the quote is not closed", at: p) }
                tokens.append((.quoted(String(decoding: out, as: UTF8.self)), p))
                p = q + 1
            } else if "=!<>~".utf8.contains(c) {
                var q = p + 1
                if q < b.count && (b[q] == UInt8(ascii: "=") || b[q] == UInt8(ascii: "~")) && c != UInt8(ascii: "=") && c != UInt8(ascii: "~") { q += 1 }
                tokens.append((.op(String(decoding: b[p..<q], as: UTF8.self)), p))
                p = q
            } else {
                var q = p
                while q < b.count && isWord(b[q]) { q += 1 }
                tokens.append((.word(String(decoding: b[p..<q], as: UTF8.self)), p))
                p = q
            }
        }
        tokens.append((.end, b.count))
    }

    var token: Token { tokens[i].0 }
    var position: Int { tokens[i].1 }

    func isKeyword(_ t: Token, _ k: String) -> Bool {
        if case .word(let w) = t { return w.lowercased() == k }
        return false
    }

    mutating func parse() throws(SondeError) -> FilterNode {
        try tokenize()
        let node = try parseOr()
        guard token == .end else { throw fail("unexpected \(describe(token))", at: position) }
        return node
    }

    func describe(_ t: Token) -> String {
        switch t {
        case .word(let w): return "\"\(w)\""
        case .quoted(let q): return "'\(q)'"
        case .op(let o): return "\"\(o)\""
        case .open: return "\"(\""
        case .close: return "\")\""
        case .comma: return "\",\""
        case .end: return "end"
        }
    }

    mutating func parseOr() throws(SondeError) -> FilterNode {
        var list = [try parseAnd()]
        while isKeyword(token, "or") {
            i += 1
            list.append(try parseAnd())
        }
        return list.count == 1 ? list[0] : .or(list)
    }

    mutating func parseAnd() throws(SondeError) -> FilterNode {
        var list = [try parseUnary()]
        while isKeyword(token, "and") {
            i += 1
            list.append(try parseUnary())
        }
        return list.count == 1 ? list[0] : .and(list)
    }

    mutating func parseUnary() throws(SondeError) -> FilterNode {
        if isKeyword(token, "not") {
            i += 1
            return .not(try parseUnary())
        }
        if token == .open {
            i += 1
            let inner = try parseOr()
            guard token == .close else { throw fail("expected \")\"", at: position) }
            i += 1
            return inner
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(SondeError) -> FilterNode {
        guard case .word(let rawField) = token else { throw fail("expected a field (\(FilterExpression.fields.joined(separator: ", ")))", at: position) }
        let field = rawField.lowercased()
        let fieldAt = position
        i += 1
        var op: String
        switch token {
        case .op(let o): op = o
        case .word(let w) where w.lowercased() == "in": op = "="
        case .word(let w) where w.lowercased() == "not" && isKeyword(tokens[i + 1].0, "in"):
            i += 1
            op = "!="
        default:
            return try FilterTests.boolean(field, at: fieldAt, self)
        }
        let opAt = position
        i += 1
        let values = try parseValues()
        var negate = false
        if op == "!=" && !FilterTests.numbers.contains(field) {
            negate = true
            op = "="
        } else if op == "!~" {
            negate = true
            op = "~"
        }
        let test = try FilterTests.make(field, op, values, fieldAt: fieldAt, opAt: opAt, self)
        return negate ? .not(test) : test
    }

    mutating func parseValues() throws(SondeError) -> [String] {
        var values: [String] = []
        let parenthesised = token == .open
        if parenthesised { i += 1 }
        repeat {
            switch token {
            case .word(let w), .quoted(let w): values.append(w)
            default: throw fail("expected a value, not \(describe(token))", at: position)
            }
            i += 1
            guard token == .comma else { break }
            i += 1
        } while true
        if parenthesised {
            guard token == .close else { throw fail("expected \")\" after the values", at: position) }
            i += 1
        }
        return values
    }
}
