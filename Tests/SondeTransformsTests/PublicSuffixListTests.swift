import Foundation
import SondeTransforms
import XCTest

final class PublicSuffixListTests: XCTestCase {
    static let text = """
        // A small list in the publicsuffix.org format.
        // ===BEGIN ICANN DOMAINS===
        com
        uk
        co.uk
        jp
        *.kobe.jp
        !city.kobe.jp
        ck     words after the rule are ignored
        *.ck
        !www.ck
        cn
        公司.cn
        // ===END ICANN DOMAINS===
        // ===BEGIN PRIVATE DOMAINS===
        github.io
        *.compute.amazonaws.com
        // ===END PRIVATE DOMAINS===

        """

    static let list = try! PublicSuffixList.parse(Array(text.utf8), source: "small.dat")

    var list: PublicSuffixList { Self.list }

    func testRulesAndDefaultRule() {
        let m = list.match("www.example.com")!
        XCTAssertEqual(m.labels, 3)
        XCTAssertEqual(m.suffixLabels, 1)
        XCTAssertEqual(m.suffixStart, 12)
        XCTAssertEqual(m.registrableLabels, 2)
        XCTAssertEqual(m.registrableStart, 4)
        XCTAssertEqual(m.end, 15)
        XCTAssertEqual(list.registrable("com"), nil)
        XCTAssertEqual(list.suffix("com"), "com")
        XCTAssertEqual(list.registrable("a.b.co.uk"), "b.co.uk")
        XCTAssertEqual(list.registrable("co.uk"), nil)
        // Nothing matches: the default rule `*`.
        XCTAssertEqual(list.suffix("a.b.example"), "example")
        XCTAssertEqual(list.registrable("a.b.example"), "b.example")
        XCTAssertEqual(list.registrable("example"), nil)
        // `io` is only the parent of `github.io`, not a rule: the default rule gives the same answer.
        XCTAssertEqual(list.registrable("x.io"), "x.io")
        XCTAssertEqual(list.registrable("a.x.github.io"), "x.github.io")
        XCTAssertEqual(list.registrable("github.io"), nil)
    }

    func testWildcardsAndExceptions() {
        XCTAssertEqual(list.suffix("kobe.jp"), "kobe.jp", "a wildcard makes its parent public too")
        XCTAssertEqual(list.registrable("kobe.jp"), nil)
        XCTAssertEqual(list.registrable("c.kobe.jp"), nil)
        XCTAssertEqual(list.registrable("b.c.kobe.jp"), "b.c.kobe.jp")
        XCTAssertEqual(list.registrable("a.b.c.kobe.jp"), "b.c.kobe.jp")
        XCTAssertEqual(list.suffix("city.kobe.jp"), "kobe.jp")
        XCTAssertEqual(list.registrable("city.kobe.jp"), "city.kobe.jp")
        XCTAssertEqual(list.registrable("www.city.kobe.jp"), "city.kobe.jp")
        XCTAssertEqual(list.registrable("www.www.ck"), "www.ck")
        XCTAssertEqual(list.registrable("a.b.test.ck"), "b.test.ck")
        // A wildcard under a name that is no rule.
        XCTAssertEqual(list.registrable("amazonaws.com"), "amazonaws.com")
        XCTAssertEqual(list.suffix("compute.amazonaws.com"), "compute.amazonaws.com")
        XCTAssertEqual(list.registrable("x.compute.amazonaws.com"), nil)
        XCTAssertEqual(list.registrable("a.x.compute.amazonaws.com"), "a.x.compute.amazonaws.com")
    }

    func testUnicodeRulesAreInASCIIForm() {
        XCTAssertEqual(list.registrable("www.xn--85x722f.xn--55qx5d.cn"), "xn--85x722f.xn--55qx5d.cn")
        XCTAssertEqual(list.registrable("xn--55qx5d.cn"), nil)
        // UTF-8 on the wire is not how IDN travels: it matches nothing, and the default rule applies.
        XCTAssertEqual(list.registrable("食狮.公司.cn"), "公司.cn")
    }

    func testICANNOnly() throws {
        let icann = try PublicSuffixList.parse(Array(Self.text.utf8), sections: .icannOnly)
        XCTAssertEqual(icann.ruleCount, 11)
        XCTAssertEqual(list.ruleCount, 13)
        XCTAssertEqual(icann.registrable("a.x.github.io"), "github.io")
        XCTAssertEqual(icann.registrable("a.x.compute.amazonaws.com"), "amazonaws.com")
        XCTAssertEqual(icann.registrable("www.city.kobe.jp"), "city.kobe.jp")
    }

    func testPresentationForm() {
        // One trailing dot is ignored, and left out of `end`.
        let m = list.match("www.example.com.")!
        XCTAssertEqual(m.end, 15)
        XCTAssertEqual(list.registrable("www.example.com."), "example.com")
        // An escaped dot is inside a label; an escaped backslash is not an escape of the dot after it.
        XCTAssertEqual(list.match(#"a\.b.co.uk"#)?.labels, 3)
        XCTAssertEqual(list.registrable(#"x.a\.b.co.uk"#), #"a\.b.co.uk"#)
        XCTAssertEqual(list.registrable(#"a\\.co.uk"#), #"a\\.co.uk"#)
        XCTAssertEqual(list.match(#"a\\.co.uk"#)?.labels, 3)
        XCTAssertEqual(list.match(#"co\.uk"#)?.labels, 1)
        XCTAssertEqual(list.suffix(#"co\.uk"#), #"co\.uk"#)
        XCTAssertEqual(list.match(#"com\."#)?.labels, 1, "an escaped trailing dot is part of the label")
        XCTAssertEqual(list.registrable(#"\000\001bin\255.example.com"#), #"example.com"#)
    }

    func testNamesThatAreNotNames() {
        for bad in ["", ".", "..", ".com", "a..com", "com..", "a.b.."] {
            XCTAssertNil(list.match(bad), bad)
        }
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        XCTAssertNil(list.match(empty))
    }

    func testLabelCountLimit() {
        let most = String(repeating: "a.", count: 126) + "com"
        XCTAssertEqual(list.match(most)?.labels, 127)
        XCTAssertEqual(list.registrable(most), "a.com")
        XCTAssertNil(list.match("a." + most))
        XCTAssertNil(list.match(String(repeating: "a.", count: 100_000) + "com"))
    }

    func testLongLabelsMatchNothing() {
        let long = String(repeating: "x", count: 300)
        XCTAssertEqual(list.registrable(long + ".com"), long + ".com")
        XCTAssertEqual(list.suffix("a." + long), long)
        XCTAssertEqual(list.registrable("a." + long), "a." + long)
    }

    /// Label starts by a plain left-to-right reading of the escapes (a dot after an odd run of backslashes is
    /// text), one trailing dot dropped; nil when the name has an empty label.
    static func labelStarts(_ name: [UInt8]) -> (starts: [Int], end: Int)? {
        var starts = [0]
        var backslashes = 0
        var separators: [Int] = []
        for (i, b) in name.enumerated() {
            if b == UInt8(ascii: "."), backslashes % 2 == 0 { separators.append(i) }
            backslashes = b == UInt8(ascii: "\\") ? backslashes + 1 : 0
        }
        var end = name.count
        if separators.last == end - 1 && end > 0 {
            separators.removeLast()
            end -= 1
        }
        starts += separators.map { $0 + 1 }
        let ends = separators + [end]
        guard zip(starts, ends).allSatisfy({ $0 < $1 }) else { return nil }
        return (starts, end)
    }

    /// Random bytes, dots and backslashes never crash, and the labels found agree with a plain reading.
    func testRandomBytesDoNotCrash() {
        var rng = SeededGenerator(state: 1)
        let alphabet: [UInt8] = Array("...\\\\acomukjpkobecity*!-_ ".utf8) + [0, 0x7F, 0x80, 0xC3, 0xFF]
        for _ in 0..<200_000 {
            let n = Int.random(in: 0...80, using: &rng)
            let name = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            let plain = Self.labelStarts(name)
            name.withUnsafeBytes { raw in
                guard let m = list.match(raw) else {
                    XCTAssertTrue(plain == nil || plain!.starts.count > 127, "\(name)")
                    return
                }
                guard let (starts, end) = plain else { return XCTFail("\(name): a name with an empty label") }
                XCTAssertEqual(m.labels, starts.count)
                XCTAssertEqual(m.end, end)
                XCTAssertTrue(m.suffixLabels >= 1 && m.suffixLabels <= m.labels && m.labels <= 127)
                XCTAssertEqual(m.suffixStart, starts[starts.count - m.suffixLabels])
                if let r = m.registrableStart {
                    XCTAssertEqual(m.registrableLabels, m.suffixLabels + 1)
                    XCTAssertEqual(r, starts[starts.count - m.suffixLabels - 1])
                } else {
                    XCTAssertEqual(m.suffixLabels, m.labels)
                }
            }
        }
    }

    /// Names made of the list's labels, against a plain reading of the algorithm over the rule texts.
    func testAgreesWithAPlainReadingOfTheAlgorithm() {
        let rules = Set(Self.text.split(separator: "\n").compactMap { line -> String? in
            guard let token = line.split(separator: " ").first, !token.hasPrefix("//") else { return nil }
            return (try? Punycode.asciiName(Array(token.utf8))).map { String(decoding: $0, as: UTF8.self) }
        })
        func plain(_ labels: [String]) -> Int {
            // Longest rule wins, an exception over all, a wildcard also covers its parent; the default is 1.
            var best = 1
            for k in 1...labels.count {
                let suffix = labels.suffix(k).joined(separator: ".")
                if rules.contains("!" + suffix) { return k - 1 }
                if rules.contains(suffix) || rules.contains("*." + suffix) { best = max(best, k) }
                if k < labels.count && rules.contains("*." + suffix) { best = max(best, k + 1) }
            }
            return best
        }
        let words = ["com", "uk", "co", "jp", "kobe", "city", "ck", "www", "github", "io", "compute", "amazonaws",
                     "xn--55qx5d", "cn", "x", "test"]
        var rng = SeededGenerator(state: 2)
        for _ in 0..<50_000 {
            let labels = (0..<Int.random(in: 1...6, using: &rng)).map { _ in words.randomElement(using: &rng)! }
            let name = labels.joined(separator: ".")
            let m = list.match(name)
            XCTAssertEqual(m?.suffixLabels, plain(labels), name)
            XCTAssertEqual(m?.registrableLabels, plain(labels) < labels.count ? plain(labels) + 1 : nil, name)
        }
    }

    func testDebianListSize() throws {
        let list = try PublicSuffixFixtures.debianList()
        XCTAssertGreaterThan(list.ruleCount, 9_000)
        XCTAssertLessThan(list.memoryFootprint, 512 << 10)
        let icann = try PublicSuffixFixtures.debianList(.icannOnly)
        XCTAssertLessThan(icann.ruleCount, list.ruleCount)
        XCTAssertEqual(list.registrable("a.b.github.io"), "b.github.io")
        XCTAssertEqual(icann.registrable("a.b.github.io"), "github.io")
    }
}
