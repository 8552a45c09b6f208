import SondeTransforms
import XCTest

/// The list formats: plain names, `*.` rules, dnsmonster's CSV, hosts files, comments and bad lines.
final class DomainListParserTests: XCTestCase {
    func parse(_ text: String) -> DomainListParser.Parsed {
        Array(text.utf8).withUnsafeBytes { DomainListParser.parse($0) }
    }

    func rules(_ text: String) -> [String] {
        parse(text).rules.map { "\($0.0):" + String(decoding: $0.1, as: UTF8.self) }
    }

    func set(_ text: String) -> DomainSet { DomainSet(parse(text).rules) }

    func testPlainNamesGetTheirFinalDotAndAreLowercased() {
        XCTAssertEqual(rules("example.com\nExample.NET.\n  www.Example.ORG  \n"), [
            "exact:example.com.", "exact:example.net.", "exact:www.example.org.",
        ])
    }

    func testStarDotIsTheNamesUnderADomain() {
        XCTAssertEqual(rules("*.example.com\n*.Example.NET.\n"), ["subdomain:example.com.", "subdomain:example.net."])
        // A star elsewhere is part of a name (nobody's name, but not refused either).
        XCTAssertEqual(rules("*example.com\n"), ["exact:*example.com."])
    }

    func testDnsmonsterCSVWithAndWithoutFinalDots() {
        let text = """
            example.com,fqdn
            example.org.,FQDN
            ads,prefix
            ads.,prefix
            tracker.net,suffix
            tracker.org.,suffix
            spaced.example , fqdn
            """
        XCTAssertEqual(rules(text), [
            "exact:example.com.", "exact:example.org.", "prefix:ads", "prefix:ads.", "suffix:tracker.net.",
            "suffix:tracker.org.", "exact:spaced.example.",
        ])
    }

    func testHostsFileLinesKeepTheLastWord() {
        let text = """
            0.0.0.0 ads.example.com
            127.0.0.1\tlocalhost
            ::1     ip6-localhost   # loopback
            0.0.0.0 Tracker.Example.NET\r
            """
        XCTAssertEqual(rules(text), [
            "exact:ads.example.com.", "exact:localhost.", "exact:ip6-localhost.", "exact:tracker.example.net.",
        ])
    }

    func testCommentsBlankLinesAndCRLF() {
        let text = "# a list\r\n\r\n   \r\n\texample.com # the first\r\n#example.org\r\nexample.net\r\n"
        let p = parse(text)
        XCTAssertEqual(p.rules.map { String(decoding: $0.1, as: UTF8.self) }, ["example.com.", "example.net."])
        XCTAssertEqual(p.badLines, 0)
        XCTAssertTrue(p.problems.isEmpty)
    }

    func testBadLinesAreReportedWithTheirLineNumbers() {
        let long = String(repeating: "a", count: 260)
        let text = """
            good.example
            bad.example,regex
            ,fqdn
            # fine
            also-good.example
            \(long)
            ctl\u{7f}name
            """
        let p = parse(text)
        XCTAssertEqual(p.rules.map { String(decoding: $0.1, as: UTF8.self) }, ["good.example.", "also-good.example."])
        XCTAssertEqual(p.badLines, 4)
        XCTAssertEqual(p.problems.map(\.0), [2, 3, 6, 7])
        XCTAssertEqual(p.problems[0].1, "unknown logic \"regex\" (expected prefix, suffix or fqdn)")
        XCTAssertEqual(p.problems[1].1, "not a domain name")
        XCTAssertEqual(p.problems[2].1, "not a domain name")
    }

    func testOnlyTheFirstTenProblemsAreKeptButAllAreCounted() {
        let text = (1...25).map { "x\($0),nope" }.joined(separator: "\n")
        let p = parse(text)
        XCTAssertEqual(p.badLines, 25)
        XCTAssertEqual(p.problems.map(\.0), Array(1...10))
        XCTAssertTrue(p.rules.isEmpty)
    }

    // MARK: Verdicts

    func matches(_ set: DomainSet, _ name: String) -> Bool {
        Array(name.utf8).withUnsafeBufferPointer { set.matches($0) }
    }

    func testExactRulesMatchTheWholeNameOnly() {
        let s = set("example.com\n")
        XCTAssertTrue(matches(s, "example.com."))
        XCTAssertFalse(matches(s, "www.example.com."))
        XCTAssertFalse(matches(s, "xexample.com."))
        XCTAssertFalse(matches(s, "example.com.au."))
        XCTAssertFalse(matches(s, "com."))
    }

    func testSubdomainRulesMatchUnderTheDomainButNotTheApex() {
        let s = set("*.example.com\n")
        XCTAssertTrue(matches(s, "www.example.com."))
        XCTAssertTrue(matches(s, "a.b.c.example.com."))
        XCTAssertFalse(matches(s, "example.com."), "the apex is not under itself")
        XCTAssertFalse(matches(s, "badexample.com."), "only at a label boundary")
        XCTAssertFalse(matches(s, "example.com.evil."))
        // With the apex listed too, both match.
        let both = set("*.example.com\nexample.com\n")
        XCTAssertTrue(matches(both, "example.com."))
        XCTAssertTrue(matches(both, "www.example.com."))
    }

    func testPrefixAndSuffixRulesMatchTextAsDnsmonsterDoes() {
        let s = set("ads,prefix\ntracker.net,suffix\n")
        XCTAssertTrue(matches(s, "ads.example.com."))
        XCTAssertTrue(matches(s, "adserver.example.com."), "a prefix is text, not a label")
        XCTAssertFalse(matches(s, "www.ads.example.com."))
        XCTAssertTrue(matches(s, "tracker.net."))
        XCTAssertTrue(matches(s, "x.tracker.net."))
        XCTAssertTrue(matches(s, "eviltracker.net."), "a suffix is text, not a label")
        XCTAssertFalse(matches(s, "tracker.net.example."))
        XCTAssertFalse(matches(s, "ad.example."))
    }

    func testListsAreCaseInsensitiveThroughTheParser() {
        // Lists are lowercased when read; names are lowercased by the transform before matching.
        let s = set("WWW.Example.COM\n*.Tracker.NET\nADS,prefix\nEVIL.Org,suffix\n")
        for name in ["www.example.com.", "x.tracker.net.", "adsl.example.", "very.evil.org."] {
            XCTAssertTrue(matches(s, name), name)
        }
    }

    func testEmptyAndRootNames() {
        let s = set("example.com\n")
        XCTAssertFalse(matches(s, ""))
        XCTAssertFalse(matches(s, "."))
        XCTAssertEqual(DomainSet([]).count, 0)
        XCTAssertFalse(matches(DomainSet([]), "example.com."))
    }

    func testDuplicatesAreCountedOnceAndKindsApart() {
        let s = set("example.com\nexample.com.\nEXAMPLE.com\n*.example.com\nexample.com,suffix\n")
        XCTAssertEqual(s.counts, [1, 1, 0, 1])
        XCTAssertEqual(s.count, 3)
    }

    func testTheLongestNamesAndRules() {
        // 253 octets of name, 254 with the final dot: the longest a DNS name can be.
        let label = String(repeating: "a", count: 63)
        let name = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        XCTAssertEqual(name.utf8.count, 253)
        let s = set("\(name)\n\(name),prefix\n\(String(name.suffix(200))),suffix\n")
        XCTAssertEqual(s.counts, [1, 0, 1, 1])
        XCTAssertTrue(matches(s, name + "."))
        XCTAssertTrue(matches(set("\(name),prefix\n"), name + "."))
        XCTAssertTrue(matches(set("\(String(name.suffix(200))),suffix\n"), name + "."))
        XCTAssertFalse(matches(set("\(name),prefix\n"), String(name.dropLast()) + "."))
    }
}
