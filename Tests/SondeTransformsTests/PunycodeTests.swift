import Foundation
import SondeTransforms
import XCTest

final class PunycodeTests: XCTestCase {
    func encode(_ s: String) -> String? { Punycode.encode(s.unicodeScalars).map { String(decoding: $0, as: UTF8.self) } }

    func ascii(_ s: String) throws -> String { String(decoding: try Punycode.asciiName(Array(s.utf8)), as: UTF8.self) }

    /// Sample strings of RFC 3492 §7.1 (A, B, C, D, L, R), written as code points there.
    func testRFC3492Samples() {
        let samples: [(String, String)] = [
            ("\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}",
             "egbpdaj6bu4bxfgehfvwxn"),
            ("\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}", "ihqwcrb4cv8a8dqg056pqjye"),
            ("Pro\u{10D}prost\u{11B}nemluv\u{ED}\u{10D}esky", "Proprostnemluvesky-uyb24dma41a"),
            ("\u{4ED6}\u{5011}\u{7232}\u{4EC0}\u{9EBD}\u{4E0D}\u{8AAA}\u{4E2D}\u{6587}", "ihqwctvzc91f659drss3x8bo0yb"),
            ("3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}", "3B-ww4c5e180e575a65lsy2b"),
            ("\u{3072}\u{3068}\u{3064}\u{5C4B}\u{6839}\u{306E}\u{4E0B}2", "2-u9tlzr9756bt3uc0v"),
        ]
        for (input, expected) in samples { XCTAssertEqual(encode(input), expected, input) }
    }

    func testSmallCases() throws {
        XCTAssertEqual(encode("bücher"), "bcher-kva")
        XCTAssertEqual(encode("ü"), "tda")
        XCTAssertEqual(encode("-ü-"), "---xka")
        XCTAssertEqual(encode("\u{1F600}x"), "x-iv3s")  // outside the BMP
        XCTAssertEqual(encode("abc"), "abc-")  // all basic: the delimiter stays
        XCTAssertEqual(encode(""), "")
        XCTAssertEqual(try ascii("食狮.公司.cn"), "xn--85x722f.xn--55qx5d.cn")
        XCTAssertEqual(try ascii("Bücher.DE"), "xn--bcher-kva.de")
        XCTAssertEqual(try ascii("ÜBER.de"), "xn--ber-ska.de")  // ASCII lowered, `Ü` kept: no Nameprep
    }

    func testConversionErrors() {
        XCTAssertThrowsError(try Punycode.asciiName([])) { XCTAssertEqual($0 as? Punycode.ConversionError, .emptyLabel) }
        XCTAssertThrowsError(try Punycode.asciiName(Array("a..b".utf8))) {
            XCTAssertEqual($0 as? Punycode.ConversionError, .emptyLabel)
        }
        XCTAssertThrowsError(try Punycode.asciiName(Array("a.".utf8)))
        XCTAssertThrowsError(try Punycode.asciiName([0x61, 0xFF, 0x62])) {
            XCTAssertEqual($0 as? Punycode.ConversionError, .invalidUTF8)
        }
        // 20 scattered ideographs make a 64-octet ASCII label (Python agrees), 18 a 58-octet one.
        func ideographs(_ n: Int) -> [UInt8] {
            Array(String(String.UnicodeScalarView((0..<n).map { Unicode.Scalar(0x4E00 + $0 * 397)! })).utf8)
        }
        XCTAssertEqual(try Punycode.asciiName(ideographs(18)).count, 58)
        XCTAssertThrowsError(try Punycode.asciiName(ideographs(20))) {
            XCTAssertEqual($0 as? Punycode.ConversionError, .labelTooLong)
        }
        XCTAssertEqual(try ascii(String(repeating: "a", count: 63)).count, 63)
        XCTAssertThrowsError(try Punycode.asciiName(Array(String(repeating: "a", count: 64).utf8)))
    }

    /// Every Unicode rule of Debian's list converts to what Python's IDNA codec and its Punycode codec say.
    func testEveryUnicodeEntryOfTheListAgreesWithPython() throws {
        let path = try PublicSuffixFixtures.debianListPath()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var entries: [String] = []
        for line in text.split(separator: "\n") {
            guard let token = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first,
                !token.hasPrefix("//"), !token.allSatisfy(\.isASCII)
            else { continue }
            var body = Substring(token)
            if body.hasPrefix("!") { body = body.dropFirst() } else if body.hasPrefix("*.") { body = body.dropFirst(2) }
            entries.append(String(body))
        }
        XCTAssertGreaterThan(entries.count, 400, "the list has about 460 Unicode entries")
        let input = Array(entries.joined(separator: "\n").utf8) + [0x0A]
        let answers = try PublicSuffixFixtures.reference(["punycode"], input: input)
        XCTAssertEqual(answers.count, entries.count)
        var mismatches = 0
        for (entry, answer) in zip(entries, answers) {
            let fields = answer.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            let mine = try ascii(entry)
            XCTAssertEqual(mine, fields[1], "encodings.punycode, \(entry)")
            XCTAssertEqual(mine, fields[0], "encode('idna'), \(entry)")
            if mine != fields[0] || mine != fields[1] { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0)
    }
}
