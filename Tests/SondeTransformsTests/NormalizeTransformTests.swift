import Foundation
import SondeCore
import SondeTransforms
import XCTest

/// `kind: normalize`: lowercased names (with the original kept when asked), `tld` and `etld_plus_one`, in the JSON.
final class NormalizeTransformTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = try TransformFixtures.temporaryFolder(self) }

    /// A list with the rules the tests need, ICANN and private.
    func smallList() throws -> String {
        let url = folder.appendingPathComponent("psl.dat")
        try Data("""
            // ===BEGIN ICANN DOMAINS===
            uk
            co.uk
            io
            jp
            *.kobe.jp
            !city.kobe.jp
            // ===END ICANN DOMAINS===
            // ===BEGIN PRIVATE DOMAINS===
            github.io
            // ===END PRIVATE DOMAINS===

            """.utf8).write(to: url)
        return url.path
    }

    static let crafted = [
        "www.Example.CO.UK", "co.uk", "example.co.uk", "User.GitHub.io", "github.io", "a.b.c.kobe.jp", "www.city.kobe.jp",
        "kobe.jp", "sample.test", "localhost", "MiXeD.SaMpLe.TeSt",
    ]

    /// The JSON objects of the sample and the crafted names, through a global normalize built from `settings`.
    func objects(_ settings: [(String, Setting)]) throws -> [[String: Any]] {
        let t = try makeTransform(NormalizeTransform.self, settings)
        var batch = try TransformFixtures.sampleBatch()
        for name in Self.crafted {
            let m = Craft.message(name: name)
            m.withUnsafeBytes { batch.append(Craft.event(m), message: $0) }
        }
        return try runPipeline(global: [t], outputs: [[]], batch: batch)[0].objects()
    }

    func testLowercaseAndKeepOriginal() throws {
        let all = try objects([("keep_original", "true"), ("public_suffix", "false")])
        XCTAssertEqual(all.count, 42 + Self.crafted.count)
        for o in all {
            let q = try XCTUnwrap(o["qname"] as? String)
            XCTAssertEqual(q, q.lowercased())
            // Written for every name the transform lowercased, changed or not.
            let original = try XCTUnwrap(o["qname_original"] as? String, q)
            XCTAssertEqual(original.lowercased(), q)
            XCTAssertNil(o["tld"])
            XCTAssertNil(o["etld_plus_one"])
        }
        let originals = Set(all.compactMap { $0["qname_original"] as? String }.filter { $0 != $0.lowercased() })
        XCTAssertEqual(originals, ["MiXeD.SaMpLe.TeSt.", "www.Example.CO.UK.", "User.GitHub.io."])
        XCTAssertEqual(all.filter { $0["qname_original"] as? String == "MiXeD.SaMpLe.TeSt." }.count, 3, "the sample's query and response, and the crafted one")
    }

    func testLowercaseWithoutKeepingTheOriginal() throws {
        let all = try objects([("public_suffix", "false")])
        XCTAssertTrue(all.allSatisfy { $0["qname_original"] == nil })
        XCTAssertTrue(all.contains { $0["qname"] as? String == "mixed.sample.test." })
        XCTAssertFalse(all.contains { ($0["qname"] as? String)?.contains("MiXeD") ?? false })
    }

    func testNamesAsTheyCameWhenLowercaseIsOff() throws {
        let all = try objects([("lowercase", "false"), ("keep_original", "true"), ("public_suffix", "false")])
        XCTAssertTrue(all.contains { $0["qname"] as? String == "MiXeD.SaMpLe.TeSt." })
        XCTAssertTrue(all.allSatisfy { $0["qname_original"] == nil }, "nothing changed, nothing to keep")
    }

    func testPublicSuffixAndRegisteredDomain() throws {
        let list = try smallList()
        // name → (tld, etld_plus_one); nil: null.
        let expected: [String: (String, String?)] = [
            "sample.test.": ("test", "sample.test"), "www.sample.test.": ("test", "sample.test"),
            "nope.sample.test.": ("test", "sample.test"), "big.sample.test.": ("test", "sample.test"),
            "_sip._udp.sample.test.": ("test", "sample.test"), "other.example.": ("example", "other.example"),
            "mixed.sample.test.": ("test", "sample.test"),
            "www.example.co.uk.": ("co.uk", "example.co.uk"), "co.uk.": ("co.uk", nil), "example.co.uk.": ("co.uk", "example.co.uk"),
            "user.github.io.": ("github.io", "user.github.io"), "github.io.": ("github.io", nil),
            "a.b.c.kobe.jp.": ("c.kobe.jp", "b.c.kobe.jp"), "www.city.kobe.jp.": ("kobe.jp", "city.kobe.jp"),
            "kobe.jp.": ("kobe.jp", nil), "localhost.": ("localhost", nil),
        ]
        let icannOnly: [String: (String, String?)] = [
            "user.github.io.": ("io", "github.io"), "github.io.": ("io", "github.io"),
        ]
        for (privateDomains, table) in [(true, expected), (false, expected.merging(icannOnly) { $1 })] {
            let all = try objects([("public_suffix_list", .scalar(list)), ("private_domains", privateDomains ? "true" : "false")])
            for o in all {
                let q = try XCTUnwrap(o["qname"] as? String)
                let want = try XCTUnwrap(table[q], q)
                XCTAssertEqual(o["tld"] as? String, want.0, "\(q) private \(privateDomains)")
                if let registered = want.1 {
                    XCTAssertEqual(o["etld_plus_one"] as? String, registered, "\(q) private \(privateDomains)")
                } else {
                    XCTAssertTrue(o["etld_plus_one"] is NSNull, "\(q): etld_plus_one is null for a public suffix")
                }
            }
        }
    }

    /// The real list from Debian's `publicsuffix` package, checked against `publicsuffixlist` when it is there.
    func testTheDebianListOnTheSampleAndCraftedNames() throws {
        let path = "/usr/share/publicsuffix/public_suffix_list.dat"
        guard FileManager.default.fileExists(atPath: path) else { throw TransformFixtures.missing(path, install: "apt-get install publicsuffix") }
        let all = try objects([])
        let names = all.map { $0["qname"] as! String }
        let lines = try PublicSuffixFixtures.reference(["lookup", "--list", path], input: Array(names.map { String($0.dropLast()) }.joined(separator: "\n").utf8) + [0x0a])
        XCTAssertEqual(lines.count, names.count)
        for (o, line) in zip(all, lines) {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            XCTAssertEqual(o["tld"] as? String, fields[0], "\(o["qname"]!)")
            let registered = o["etld_plus_one"] as? String ?? "-"
            XCTAssertEqual(registered, fields[1], "\(o["qname"]!)")
        }
    }

    func testWithoutAQuestionNothingIsAdded() throws {
        let t = try makeTransform(NormalizeTransform.self, [("keep_original", "true"), ("public_suffix_list", .scalar(try smallList()))])
        let r = runStages(t, on: Craft.batch([Craft.message(name: nil), Craft.message(name: "A.co.uk")]))
        XCTAssertNil(r.enrichments[0].flatMap { $0.isEmpty ? nil : $0 })
        let e = try XCTUnwrap(r.enrichments[1])
        XCTAssertEqual(e.publicSuffixLabels, 2)
        XCTAssertEqual(e.registeredLabels, 3)
        XCTAssertTrue(e.qnameOptions.contains(.lowercase))
    }

    func testAMissingListIsReported() throws {
        let (t, issues) = tryTransform(NormalizeTransform.self, [("public_suffix_list", .scalar(folder.appendingPathComponent("none.dat").path))])
        XCTAssertNil(t)
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].public_suffix_list") && $0.contains("none.dat") }, "\(issues)")
        let bad = folder.appendingPathComponent("private-only.dat")
        try Data("// ===BEGIN PRIVATE DOMAINS===\ngithub.io\n// ===END PRIVATE DOMAINS===\n".utf8).write(to: bad)
        let (u, more) = tryTransform(NormalizeTransform.self, [("public_suffix_list", .scalar(bad.path)), ("private_domains", "false")])
        XCTAssertNil(u)
        XCTAssertTrue(more.joined().contains("ICANN"), "\(more)")
    }
}
