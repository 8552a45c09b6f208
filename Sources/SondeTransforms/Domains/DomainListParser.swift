/// Reads domain lists: dnsmonster's CSV (`domain,logic` with `prefix`, `suffix` or `fqdn`), plain lists (one name a
/// line, `*.example.com` for the names under a domain), and hosts files (`0.0.0.0 ads.example.com`: the last word).
///
/// Blank lines and `#` comments are skipped. Names are lowercased; exact, subdomain and suffix rules get the
/// trailing dot names are matched with (`example.com` matches `example.com.`), prefix rules stay as written.
public enum DomainListParser {
    /// What a list held.
    public struct Parsed: Sendable {
        public var rules: [(DomainSet.Rule, [UInt8])] = []
        /// Lines that could not be read: (line number, what is wrong); the first ten are kept.
        public var problems: [(Int, String)] = []
        public var badLines = 0
    }

    /// Parses a whole list.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        var out = Parsed()
        var lineNumber = 0
        var start = 0
        let n = bytes.count
        while start < n {
            var end = start
            while end < n && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            parseLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), lineNumber, &out)
            start = end + 1
        }
        return out
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0d }

    static func parseLine(_ line: UnsafeRawBufferPointer, _ number: Int, _ out: inout Parsed) {
        var a = 0, b = line.count
        while a < b && isSpace(line[a]) { a += 1 }
        if let hash = line[a..<b].firstIndex(of: UInt8(ascii: "#")) { b = hash }
        while b > a && isSpace(line[b - 1]) { b -= 1 }
        guard a < b else { return }
        var text = Array(line[a..<b])
        var rule = DomainSet.Rule.exact
        if let comma = text.firstIndex(of: UInt8(ascii: ",")) {
            let logic = String(decoding: text[(comma + 1)...], as: UTF8.self).lowercased().trimmingWhitespace
            text = Array(text[..<comma])
            while let last = text.last, isSpace(last) { text.removeLast() }
            switch logic {
            case "fqdn": rule = .exact
            case "prefix": rule = .prefix
            case "suffix": rule = .suffix
            default:
                problem(&out, number, "unknown logic \"\(logic)\" (expected prefix, suffix or fqdn)")
                return
            }
        } else if let space = text.lastIndex(where: isSpace) {
            // A hosts file line: the name is the last word.
            text = Array(text[(space + 1)...])
        }
        for i in text.indices where text[i] >= 0x41 && text[i] <= 0x5a { text[i] |= 0x20 }
        if rule == .exact && text.count > 2 && text[0] == UInt8(ascii: "*") && text[1] == UInt8(ascii: ".") {
            rule = .subdomain
            text.removeFirst(2)
        }
        guard !text.isEmpty, text.count <= 254, !text.contains(where: { $0 < 0x21 || $0 == 0x7f }) else {
            problem(&out, number, "not a domain name")
            return
        }
        if rule != .prefix && text.last != UInt8(ascii: ".") { text.append(UInt8(ascii: ".")) }
        out.rules.append((rule, text))
    }

    static func problem(_ out: inout Parsed, _ line: Int, _ message: String) {
        out.badLines += 1
        if out.problems.count < 10 { out.problems.append((line, message)) }
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
