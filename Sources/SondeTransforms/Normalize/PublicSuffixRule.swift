/// One rule of the Public Suffix List, in the ASCII form that names have on the wire.
package struct PublicSuffixRule: Sendable, Hashable {
    /// The three shapes of rule.
    package enum Kind: Sendable, Hashable {
        /// `example.com`.
        case normal
        /// `*.example.com`: any one label under the name is a public suffix.
        case wildcard
        /// `!www.example.com`: this name is not a public suffix, although a wildcard says it is.
        case exception
    }

    /// The section of the list a rule comes from.
    package enum Section: Sendable, Hashable {
        /// Between `// ===BEGIN ICANN DOMAINS===` and its end marker.
        case icann
        /// Between `// ===BEGIN PRIVATE DOMAINS===` and its end marker.
        case `private`
        /// Outside both (not in the published list).
        case none
    }

    package var kind: Kind
    /// The name without `*.` or `!`, lowercase, `xn--` labels for Unicode ones.
    package var name: [UInt8]
    package var section: Section
    /// The line it was read from, counted from 1.
    package var line: Int
}

/// Why a list could not be loaded: what and where.
public struct PublicSuffixListError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The file's path, or the name given for bytes.
    public var source: String
    /// The line, counted from 1, when the problem is on one line.
    public var line: Int?
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    public init(source: String, line: Int? = nil, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    /// `source:line: reason`, as compilers write it.
    public var description: String {
        if let line { return "\(source):\(line): \(reason)" }
        return "\(source): \(reason)"
    }
}

extension PublicSuffixRule {
    static let icannBegin = Array("// ===BEGIN ICANN DOMAINS===".utf8)
    static let icannEnd = Array("// ===END ICANN DOMAINS===".utf8)
    static let privateBegin = Array("// ===BEGIN PRIVATE DOMAINS===".utf8)
    static let privateEnd = Array("// ===END PRIVATE DOMAINS===".utf8)

    /// The longest rule name (the presentation form of a 255-octet wire name, RFC 1035 §2.3.4).
    static let maxNameLength = 253

    /// Reads the rules of a list in the publicsuffix.org format: one rule per line, read up to the first
    /// whitespace; `//` starts a comment line; the section markers say which rules are ICANN's.
    ///
    /// - Parameter source: names the bytes in errors (a path, or any label).
    package static func parse(
        _ text: UnsafeRawBufferPointer, source: String
    ) throws(PublicSuffixListError) -> [PublicSuffixRule] {
        var rules: [PublicSuffixRule] = []
        var section = Section.none
        var sawICANN = false
        var lineNumber = 0
        var offset = 0
        // A byte-order mark is not part of the first line.
        if text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF { offset = 3 }
        while offset < text.count {
            lineNumber += 1
            var lineEnd = offset
            while lineEnd < text.count && text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = UnsafeRawBufferPointer(rebasing: text[offset..<lineEnd])
            offset = lineEnd + 1
            var tokenEnd = 0
            while tokenEnd < line.count && !isWhitespace(line[tokenEnd]) { tokenEnd += 1 }
            let token = UnsafeRawBufferPointer(rebasing: line[0..<tokenEnd])
            if token.isEmpty { continue }
            if token.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) {
                var end = line.count
                while end > 0 && isWhitespace(line[end - 1]) { end -= 1 }
                let comment = line[0..<end]
                if comment.elementsEqual(icannBegin) {
                    section = .icann
                    sawICANN = true
                } else if comment.elementsEqual(privateBegin) {
                    section = .private
                } else if comment.elementsEqual(icannEnd) || comment.elementsEqual(privateEnd) {
                    section = .none
                }
                continue
            }
            func fail(_ reason: String) -> PublicSuffixListError {
                PublicSuffixListError(
                    source: source, line: lineNumber,
                    reason: "\(reason) in rule '\(String(decoding: token, as: UTF8.self))'")
            }
            if let rule = try rule(token, section: section, line: lineNumber, fail: fail) { rules.append(rule) }
        }
        if !sawICANN && rules.isEmpty {
            throw PublicSuffixListError(source: source, reason: "no rules: this is not a Public Suffix List")
        }
        return rules
    }

    /// One rule from its token; nil for `*` (the default rule, always in force).
    static func rule(
        _ token: UnsafeRawBufferPointer, section: Section, line: Int, fail: (String) -> PublicSuffixListError
    ) throws(PublicSuffixListError) -> PublicSuffixRule? {
        var body = token[...]
        var kind = Kind.normal
        if body.first == UInt8(ascii: "!") {
            kind = .exception
            body = body.dropFirst()
        } else if body.elementsEqual([UInt8(ascii: "*")]) {
            return nil
        } else if body.starts(with: [UInt8(ascii: "*"), UInt8(ascii: ".")]) {
            kind = .wildcard
            body = body.dropFirst(2)
        }
        for byte in body where byte < 0x80 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                continue
            case UInt8(ascii: "*"):
                throw fail("a wildcard must be a whole label at the left")
            case UInt8(ascii: "!"):
                throw fail("'!' may only start an exception rule")
            default:
                throw fail("character 0x\(String(byte, radix: 16)) is not allowed")
            }
        }
        let name: [UInt8]
        do {
            name = try Punycode.asciiName(body)
        } catch {
            switch error {
            case .invalidUTF8: throw fail("bytes that are not UTF-8")
            case .emptyLabel: throw fail("an empty label")
            case .labelTooLong: throw fail("a label longer than 63 octets (in ASCII form)")
            case .overflow: throw fail("a label Punycode cannot encode")
            }
        }
        guard name.count <= maxNameLength else { throw fail("a name longer than \(maxNameLength) characters") }
        if kind == .exception && !name.contains(UInt8(ascii: ".")) {
            throw fail("an exception rule with a single label")
        }
        return PublicSuffixRule(kind: kind, name: name, section: section, line: line)
    }

    /// The list reads each line up to the first whitespace.
    static func isWhitespace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == 0x0B || b == 0x0C
    }
}
