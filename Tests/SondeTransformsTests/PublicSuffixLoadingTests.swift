import Foundation
import SondeTransforms
import XCTest

final class PublicSuffixLoadingTests: XCTestCase {
    func error(_ text: String, sections: PublicSuffixList.Sections = .all) -> PublicSuffixListError? {
        error(Array(text.utf8), sections: sections)
    }

    func error(_ bytes: [UInt8], sections: PublicSuffixList.Sections = .all) -> PublicSuffixListError? {
        do {
            _ = try PublicSuffixList.parse(bytes, sections: sections, source: "bad.dat")
            return nil
        } catch {
            return error
        }
    }

    func testErrorsSayWhatAndWhichLine() {
        let cases: [(String, Int, String)] = [
            ("com\n// x\na..b\n", 3, "an empty label"),
            ("com\n.com\n", 2, "an empty label"),
            ("com\ncom.\n", 2, "an empty label"),
            ("a.*.b\n", 1, "a wildcard must be a whole label at the left"),
            ("*a.b\n", 1, "a wildcard must be a whole label at the left"),
            ("foo!bar\n", 1, "'!' may only start an exception rule"),
            ("!!a.b\n", 1, "'!' may only start an exception rule"),
            ("!com\n", 1, "an exception rule with a single label"),
            ("\n\na/b\n", 3, "character 0x2f is not allowed"),
            ("com\n" + String(repeating: "a", count: 64) + ".com\n", 2, "a label longer than 63 octets"),
            ("com\n" + String(repeating: "abc.", count: 64) + "com\n", 2, "a name longer than 253 characters"),
        ]
        for (text, line, reason) in cases {
            guard let e = error(text) else {
                XCTFail("accepted: \(text.debugDescription)")
                continue
            }
            XCTAssertEqual(e.line, line, text.debugDescription)
            XCTAssertTrue(e.reason.hasPrefix(reason), "\(e)")
            XCTAssertTrue(e.description.hasPrefix("bad.dat:\(line): "), "\(e)")
        }
        let utf8 = error([0x63, 0x6F, 0x6D, 0x0A, 0x61, 0xFF, 0x2E, 0x62, 0x0A])
        XCTAssertEqual(utf8?.line, 2)
        XCTAssertEqual(utf8?.reason.hasPrefix("bytes that are not UTF-8"), true)
    }

    func testWholeFileErrors() {
        XCTAssertEqual(error("")?.description, "bad.dat: no rules: this is not a Public Suffix List")
        XCTAssertEqual(error("// only comments\n\n")?.reason, "no rules: this is not a Public Suffix List")
        XCTAssertTrue(error("com\nnet\n", sections: .icannOnly)?.reason.contains("ICANN") ?? false)
        XCTAssertNil(error("com\nnet\n"))
    }

    /// Sections without a rule make a list where only the default rule applies.
    func testAListWithoutRules() throws {
        let empty = try PublicSuffixList.parse(Array("// ===BEGIN ICANN DOMAINS===\n// ===END ICANN DOMAINS===\n".utf8))
        XCTAssertEqual(empty.ruleCount, 0)
        XCTAssertEqual(empty.registrable("a.b.com"), "b.com")
        XCTAssertEqual(empty.registrable("com"), nil)
    }

    func testLenientWhereTheFormatIs() throws {
        // A byte-order mark, CRLF ends, tabs, leading whitespace (the line reads as empty), duplicates, the
        // default rule written out, upper case.
        let text = "\u{FEFF}com\r\n\tignored\r\nCO.UK\tcomment\r\n*\r\nuk\r\nuk\r\n"
        let list = try PublicSuffixList.parse(Array(text.utf8))
        XCTAssertEqual(list.ruleCount, 4, "rules as read: the duplicate counts")
        XCTAssertEqual(list.registrable("a.b.co.uk"), "b.co.uk")
        XCTAssertEqual(list.registrable("a.ignored"), "a.ignored")
    }

    func testFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("psl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("list.dat")
        try Data("// ===BEGIN ICANN DOMAINS===\ncom\n// ===END ICANN DOMAINS===\nbad..rule\n".utf8).write(to: good)
        XCTAssertThrowsError(try PublicSuffixList.load(contentsOfFile: good.path)) {
            XCTAssertEqual("\($0)", "\(good.path):4: an empty label in rule 'bad..rule'")
        }
        XCTAssertThrowsError(try PublicSuffixList.load(contentsOfFile: dir.appendingPathComponent("none").path)) {
            XCTAssertTrue("\($0)".hasSuffix("none: cannot open: No such file or directory"), "\($0)")
        }
        let huge = dir.appendingPathComponent("huge.dat")
        try Data(repeating: UInt8(ascii: "\n"), count: PublicSuffixList.maxFileSize + 1).write(to: huge)
        XCTAssertThrowsError(try PublicSuffixList.load(contentsOfFile: huge.path)) {
            XCTAssertTrue("\($0)".contains("larger than"), "\($0)")
        }
    }

    /// Loading the file and parsing its bytes give the same answers.
    func testFileAndBytesAgree() throws {
        let path = try PublicSuffixFixtures.debianListPath()
        let fromFile = try PublicSuffixList.load(contentsOfFile: path)
        let fromBytes = try PublicSuffixList.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        XCTAssertEqual(fromFile.ruleCount, fromBytes.ruleCount)
        XCTAssertEqual(fromFile.nodeCount, fromBytes.nodeCount)
        for name in ["www.example.com", "a.b.c.kobe.jp", "x.y.s3.amazonaws.com", "foo.bar.baz"] {
            XCTAssertEqual(fromFile.match(name), fromBytes.match(name))
        }
    }
}
