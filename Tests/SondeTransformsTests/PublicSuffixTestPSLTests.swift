import Foundation
import SondeTransforms
import XCTest

/// The list's own test cases (`Resources/test_psl.txt`, publicsuffix.org) against Debian's list.
final class PublicSuffixTestPSLTests: XCTestCase {
    /// One `checkPublicSuffix(input, expected)` line; nil stands for `null`.
    struct Case {
        var line: Int
        var input: String?
        var expected: String?
    }

    static func cases(_ text: String) throws -> [Case] {
        var cases: [Case] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("checkPublicSuffix(") && line.hasSuffix(");") else { continue }
            let inside = line.dropFirst("checkPublicSuffix(".count).dropLast(2)
            let parts = inside.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { throw TestFailure("test_psl.txt:\(i + 1): cannot read '\(line)'") }
            func value(_ s: String) -> String? { s == "null" ? nil : String(s.dropFirst().dropLast()) }
            cases.append(Case(line: i + 1, input: value(parts[0]), expected: value(parts[1])))
        }
        return cases
    }

    /// What a caller does before asking: ASCII lowercase, and Unicode to its `xn--` form (names arrive in
    /// that form on the wire). Inputs with an empty label stay as they are: the list must refuse them.
    static func wireForm(_ s: String) -> String {
        if let ascii = try? Punycode.asciiName(Array(s.utf8)) { return String(decoding: ascii, as: UTF8.self) }
        return s.lowercased()
    }

    func testEveryCaseOfTheListsOwnTests() throws {
        let list = try PublicSuffixFixtures.debianList()
        let cases = try Self.cases(PublicSuffixFixtures.testPSL())
        XCTAssertEqual(cases.count, 78, "test_psl.txt changed: check the count")
        var checked = 0
        for c in cases {
            guard let input = c.input else { continue }  // `null` input: nothing to look up
            let name = Self.wireForm(input)
            let expected = c.expected.map(Self.wireForm)
            XCTAssertEqual(list.registrable(name), expected, "test_psl.txt:\(c.line): \(input)")
            checked += 1
        }
        XCTAssertEqual(checked, 77)
    }

    /// With ICANN rules only, every case holds but the `uk.com` ones: `uk.com` is a private rule (CentralNic's).
    func testTheCasesWithICANNRulesOnly() throws {
        let list = try PublicSuffixFixtures.debianList(.icannOnly)
        var changed: [String] = []
        for c in try Self.cases(PublicSuffixFixtures.testPSL()) {
            guard let input = c.input else { continue }
            let name = Self.wireForm(input)
            if name.hasSuffix("uk.com") {
                XCTAssertEqual(list.registrable(name), "uk.com", "test_psl.txt:\(c.line): \(input)")
                changed.append(name)
            } else {
                XCTAssertEqual(list.registrable(name), c.expected.map(Self.wireForm), "test_psl.txt:\(c.line): \(input)")
            }
        }
        XCTAssertEqual(changed, ["uk.com", "example.uk.com", "b.example.uk.com", "a.b.example.uk.com"])
    }
}
