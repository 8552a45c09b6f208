import XCTest

import SondeTransforms

/// The patterns users of dnstap-receiver's `qname-regex` and `dnstap-identities` write, on real names.
final class ByteRegexRealisticTests: XCTestCase {
    static let names = [
        "www.example.com", "example.com", "mail.example.com", "www.example.com.evil.net", "WWW.EXAMPLE.COM",
        "ns1.example.net", "NS42.example.org", "ns.example.org", "dns1.example.org", "mail.google.com",
        "www.google.com", "googleusercontent.com", "d2j4kqx8v0yb3n.cloudfront.net", "a.cloudfront.net",
        "4f1a2b3c4d5e6f708192a3b4c5d6e7f8.example.com", "4f1a2b3c4d5e6f708192a3b4c5d6e7f.example.com",
        "e1234.dscx.akamaiedge.net", "r3---sn-4g5e6nzz.googlevideo.com", "1.2.0.192.in-addr.arpa",
        "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa", "static.xx.fbcdn.net",
        "graph.facebook.com", "Instagram.COM", "cdn77.org", "edge.", "localhost", "", ".",
        "xn--bcher-kva.example.test", "unbound-1", "resolver-eu-west-1", "dnsdist", "knot.auth.example",
        "www.example.com\n", "a\u{0}b.example.com",
    ]

    /// (pattern, the names above it matches), checked by hand.
    static let expectations: [(String, Set<String>)] = [
        (#".*\.example\.com$"#, [
            "www.example.com", "mail.example.com", "4f1a2b3c4d5e6f708192a3b4c5d6e7f8.example.com",
            "4f1a2b3c4d5e6f708192a3b4c5d6e7f.example.com", "www.example.com\n", "a\u{0}b.example.com",
        ]),
        (#"^(www|mail)\."#, [
            "www.example.com", "mail.example.com", "www.example.com.evil.net", "mail.google.com", "www.google.com",
            "www.example.com\n",
        ]),
        (#"[a-z0-9]{32,}\."#, ["4f1a2b3c4d5e6f708192a3b4c5d6e7f8.example.com"]),
        (#"(?i)^ns[0-9]+"#, ["ns1.example.net", "NS42.example.org"]),
        (#"^unbound|^knot"#, ["unbound-1", "knot.auth.example"]),
        (#"\.in-addr\.arpa$|\.ip6\.arpa$"#, [
            "1.2.0.192.in-addr.arpa", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
        ]),
        (#"^[a-z0-9-]{1,63}\.cloudfront\.net$"#, ["d2j4kqx8v0yb3n.cloudfront.net", "a.cloudfront.net"]),
        (#"(?i)(facebook|fbcdn|instagram)\.(com|net)$"#, ["static.xx.fbcdn.net", "graph.facebook.com", "Instagram.COM"]),
        (#"^$"#, [""]),
        (#"^\.$"#, ["."]),
        (#"example\.com"#, [
            "www.example.com", "example.com", "mail.example.com", "www.example.com.evil.net",
            "4f1a2b3c4d5e6f708192a3b4c5d6e7f8.example.com", "4f1a2b3c4d5e6f708192a3b4c5d6e7f.example.com",
            "www.example.com\n", "a\u{0}b.example.com",
        ]),
        (#"^xn--"#, ["xn--bcher-kva.example.test"]),
    ]

    func testHandCheckedPatternsOnRealNames() throws {
        for (pattern, expected) in Self.expectations {
            for options in [
                ByteRegex.Options(), ByteRegex.Options(literalShortcuts: false),
                ByteRegex.Options(literalShortcuts: false, reverseSearch: false),
                ByteRegex.Options(maxDFAStates: 0, literalShortcuts: false),
            ] {
                let regex = try ByteRegex(pattern, options: options)
                let matched = Set(Self.names.filter { regex.matches($0) })
                XCTAssertEqual(matched, expected, "/\(pattern)/ with \(regex.engine)")
            }
        }
    }

    func testCaseInsensitiveOptionEqualsTheFlag() throws {
        let flag = try ByteRegex("(?i)^www\\.EXAMPLE\\.com$")
        let option = try ByteRegex("^www\\.EXAMPLE\\.com$", caseInsensitive: true)
        for name in Self.names { XCTAssertEqual(flag.matches(name), option.matches(name), name) }
        XCTAssertTrue(option.matches("WWW.example.COM"))
        XCTAssertFalse(try ByteRegex("^www\\.EXAMPLE\\.com$").matches("www.example.com"))
    }

    func testEnginesChosen() throws {
        XCTAssertEqual(try ByteRegex(#"\.example\.com$"#).engine, .literal)
        XCTAssertEqual(try ByteRegex(#".*\.example\.com$"#).engine, .literal)
        XCTAssertEqual(try ByteRegex(#"(?i)^www\."#).engine, .literal)
        XCTAssertEqual(try ByteRegex("google").engine, .literal)
        guard case .dfa(let states) = try ByteRegex(#"[a-z0-9]{32,}\."#).engine else { return XCTFail("not a DFA") }
        XCTAssertLessThan(states, 100)
        let suffixed = try ByteRegex(#"(?i)(facebook|fbcdn|instagram)\.(com|net)$"#)
        guard case .reverseDFA = suffixed.engine else { return XCTFail("\(suffixed.engine)") }
    }

    /// Every expectation pattern, and more, on every name, against Python's `re.search`.
    func testRealisticPatternsAgreeWithPython() throws {
        let patterns = Self.expectations.map(\.0) + [
            #"[a-z0-9]{20,}"#, #"(cdn|edge|static)[0-9]*\."#, #"^[^.]+\.(com|net|org)$"#, #"\d+\.\d+\.\d+\.\d+"#,
            #"(?:[a-z0-9-]+\.){2,}example\."#, #"^.{0,10}$"#, #"\x00"#, #"com$"#, #"com\Z"#, #"(?s)example.com."#,
            #"^(?!x)"#,
        ].filter { !$0.contains("(?!") }
        let bytes = Self.names.map { Array($0.utf8) }
        let answers = try RegexPythonReference.answers(
            patterns.map { RegexPythonReference.Case(pattern: Array($0.utf8), ignoreCase: false, inputs: bytes) })
        for (pattern, answer) in zip(patterns, answers) {
            let regex = try ByteRegex(pattern)
            for (name, expected) in zip(bytes, answer.results ?? []) {
                XCTAssertEqual(regex.matches(bytes: name), expected, "/\(pattern)/ on \(name)")
            }
        }
    }
}
