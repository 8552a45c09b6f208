import Crypto
import Foundation
import SondeCore
import SondeDNS
import SondePacket
import SondeTransforms
import XCTest

/// `kind: privacy` through its settings: masks, keyed hashes and Crypto-PAn on the client's, the server's or both
/// addresses of queries and responses; keys from files and the environment; names cut to the registered domain.
final class PrivacyTransformTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = try TransformFixtures.temporaryFolder(self) }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// Every event before and after, with the side that should have changed: `.client` / `.server` / both.
    func checkSides(
        _ entries: [(String, Setting)], expected: (IPAddress) -> IPAddress, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let batch = try VariedSample.batch()
        let before = contents(batch)
        for which in ["client", "server", "both"] {
            let t = try makeTransform(PrivacyTransform.self, entries + [("addresses", .scalar(which))], file: file, line: line)
            for shared in [false, true] {
                let r = runStages(t, on: batch, shared: shared)
                XCTAssertEqual(r.kept, Array(before.indices), file: file, line: line)
                for (i, after) in r.events.enumerated() {
                    let e = before[i].event
                    let response = e.layout.isResponse
                    let clientIsSource = !response
                    let changeSource = which == "both" || (which == "client") == clientIsSource
                    let changeDestination = which == "both" || (which == "client") != clientIsSource
                    XCTAssertEqual(after.source, changeSource ? expected(e.source) : e.source, "\(which) event \(i) source", file: file, line: line)
                    XCTAssertEqual(after.destination, changeDestination ? expected(e.destination) : e.destination, "\(which) event \(i) destination", file: file, line: line)
                    XCTAssertTrue(after.markers.contains(.rewritten), file: file, line: line)
                    XCTAssertEqual(after.sourcePort, e.sourcePort, file: file, line: line)
                }
            }
        }
    }

    // MARK: Mask

    static func mask(_ a: IPAddress, v4: Int, v6: Int) -> IPAddress {
        if a.family == .v4 {
            let m: UInt32 = v4 == 0 ? 0 : ~0 << UInt32(32 - v4)
            return IPAddress(ipv4: UInt32(truncatingIfNeeded: a.low) & m)
        }
        let x = UInt128(a.high) << 64 | UInt128(a.low)
        let m: UInt128 = v6 == 0 ? 0 : ~0 << UInt128(128 - v6)
        let y = x & m
        return IPAddress(ipv6High: UInt64(truncatingIfNeeded: y >> 64), low: UInt64(truncatingIfNeeded: y))
    }

    func testMaskWithGivenPrefixes() throws {
        try checkSides([("mode", "mask"), ("ipv4_prefix", "16"), ("ipv6_prefix", "36")]) { Self.mask($0, v4: 16, v6: 36) }
        try checkSides([("mode", "mask"), ("ipv4_prefix", "0"), ("ipv6_prefix", "128")]) { Self.mask($0, v4: 0, v6: 128) }
    }

    func testMaskDefaultsTo24And48() throws {
        try checkSides([("mode", "mask")]) { Self.mask($0, v4: 24, v6: 48) }
        let r = runStages(try makeTransform(PrivacyTransform.self, [("mode", "mask")]), on: Craft.batch([Craft.message(name: "a.example")]))
        XCTAssertEqual(r.events[0].source, IPAddress("10.0.0.0"))
        XCTAssertEqual(r.events[0].destination, IPAddress("192.0.2.0"))
    }

    // MARK: Keyed hash

    /// The first 4 or 16 octets of HMAC-SHA256(key, the address's octets), computed here with swift-crypto.
    static func hmac(_ a: IPAddress, key: [UInt8]) -> IPAddress {
        var octets = [UInt8](repeating: 0, count: a.family == .v4 ? 4 : 16)
        _ = octets.withUnsafeMutableBufferPointer { a.writeNetworkBytes(to: $0.baseAddress!) }
        let mac = Array(HMAC<SHA256>.authenticationCode(for: octets, using: SymmetricKey(data: key)))
        func be(_ b: ArraySlice<UInt8>) -> UInt64 { b.reduce(0) { $0 << 8 | UInt64($1) } }
        if a.family == .v4 { return IPAddress(ipv4: UInt32(be(mac[0..<4]))) }
        return IPAddress(ipv6High: be(mac[0..<8]), low: be(mac[8..<16]))
    }

    func testHashWithAKeyFileInHex() throws {
        var rng = PrivacyRandom(seed: 11)
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = try file("key.hex", Array((Self.hex(key) + "\n").utf8))
        try checkSides([("mode", "hash"), ("key_file", .scalar(path))]) { Self.hmac($0, key: key) }
    }

    func testHashWithARawKeyFileAndFromTheEnvironment() throws {
        let raw = Array("a passphrase of some length, not hex".utf8)
        let path = try file("key.raw", raw)
        try checkSides([("mode", "hash"), ("key_file", .scalar(path))]) { Self.hmac($0, key: raw) }
        setenv("SONDE_TEST_HASH_KEY", String(decoding: raw, as: UTF8.self), 1)
        defer { unsetenv("SONDE_TEST_HASH_KEY") }
        try checkSides([("mode", "hash"), ("key_env", "SONDE_TEST_HASH_KEY")]) { Self.hmac($0, key: raw) }
    }

    func testHashAgreesWithPythonsHmac() throws {
        let key = Array("0123456789abcdef-sonde-privacy".utf8)
        let path = try file("key.raw", key)
        let t = try makeTransform(PrivacyTransform.self, [("mode", "hash"), ("key_file", .scalar(path)), ("addresses", "both")])
        let batch = try VariedSample.batch()
        let before = contents(batch)
        let after = runStages(t, on: batch).events
        let inputs = before.flatMap { [$0.event.source, $0.event.destination] }.map(Self.line)
        let expected = try PrivacyReference.run(mode: "hmac", key: key, inputs: inputs, pythonPackage: nil)
        XCTAssertEqual(after.flatMap { [$0.source, $0.destination] }.map(Self.line), expected)
    }

    static func line(_ a: IPAddress) -> PrivacyReference.Line { a.family == .v4 ? .ipv4(UInt32(truncatingIfNeeded: a.low)) : .ipv6(a.high, a.low) }

    // MARK: Crypto-PAn

    static func cryptoPAn(_ key: [UInt8]) throws -> (IPAddress) -> IPAddress {
        let c = try CryptoPAn(key: key)
        return { a in
            if a.family == .v4 { return IPAddress(ipv4: c.anonymize(ipv4: UInt32(truncatingIfNeeded: a.low))) }
            let r = c.anonymize(ipv6High: a.high, low: a.low)
            return IPAddress(ipv6High: r.high, low: r.low)
        }
    }

    func testCryptoPAnWithKeysInHexAndRawFromFilesAndTheEnvironment() throws {
        var rng = PrivacyRandom(seed: 12)
        // A raw key whose last octet is a line feed, and one ending in a space: both are 32 octets of key.
        for last: UInt8 in [0x0a, 0x20, 0x41] {
            let key = (0..<31).map { _ in UInt8.random(in: 0...255, using: &rng) } + [last]
            let raw = try file("raw-\(last).key", key)
            try checkSides([("mode", "cryptopan"), ("key_file", .scalar(raw))], expected: try Self.cryptoPAn(key))
        }
        let key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let hex = try file("hex.key", Array((Self.hex(key).uppercased() + "\r\n").utf8))
        try checkSides([("mode", "cryptopan"), ("key_file", .scalar(hex))], expected: try Self.cryptoPAn(key))
        setenv("SONDE_TEST_CRYPTOPAN_KEY", Self.hex(key), 1)
        defer { unsetenv("SONDE_TEST_CRYPTOPAN_KEY") }
        try checkSides([("mode", "cryptopan"), ("key_env", "SONDE_TEST_CRYPTOPAN_KEY")], expected: try Self.cryptoPAn(key))
        // 32 printable characters that happen to be hex digits are 32 octets of key too (yacryptopan's usual key).
        let text = Array("0123456789abcdef0123456789ABCDEF".utf8)
        setenv("SONDE_TEST_CRYPTOPAN_KEY", String(decoding: text, as: UTF8.self), 1)
        try checkSides([("mode", "cryptopan"), ("key_env", "SONDE_TEST_CRYPTOPAN_KEY")], expected: try Self.cryptoPAn(text))
    }

    func testCryptoPAnAgreesWithYacryptopan() throws {
        let key = Array("boojahyoo3vaeToong0Eijee7Ahz3yee".utf8)
        let path = try file("key", key)
        let t = try makeTransform(PrivacyTransform.self, [("mode", "cryptopan"), ("key_file", .scalar(path))])
        let batch = try VariedSample.batch()
        let before = contents(batch)
        let after = runStages(t, on: batch).events
        let inputs = before.flatMap { [$0.event.source, $0.event.destination] }.map(Self.line)
        let expected = try PrivacyReference.run(mode: "cryptopan", key: key, inputs: inputs, pythonPackage: "yacryptopan")
        XCTAssertEqual(after.flatMap { [$0.source, $0.destination] }.map(Self.line), expected)
    }

    // MARK: Problems

    func testBadKeysAndSettingsAreReportedWithoutTheKey() throws {
        let short = try file("short.key", Array(repeating: 0x41, count: 8))
        let hex31 = try file("31.hex", Array((String(repeating: "ab", count: 31) + "\n").utf8))
        let raw33 = try file("33.raw", Array(repeating: 0x42, count: 33))
        let cases: [([(String, Setting)], String)] = [
            ([("mode", "hash"), ("key_file", .scalar(short))], "mode hash needs a key of at least 16 octets"),
            ([("mode", "hash")], "mode hash needs a key of at least 16 octets"),
            ([("mode", "cryptopan"), ("key_file", .scalar(hex31))], "needs a key of exactly 32 octets, raw or as 64 hex digits (key_file or key_env); it has 31"),
            ([("mode", "cryptopan"), ("key_file", .scalar(raw33))], "it has 33"),
            ([("mode", "cryptopan"), ("key_file", .scalar(folder.appendingPathComponent("none").path))], "transforms[0].key_file"),
            ([("mode", "cryptopan"), ("key_env", "SONDE_TEST_NO_SUCH_VARIABLE")], "the environment has no SONDE_TEST_NO_SUCH_VARIABLE"),
            ([("mode", "scramble")], "unknown value \"scramble\" (expected mask, hash, cryptopan)"),
            ([("mode", "mask"), ("addresses", "clients")], "unknown value \"clients\" (expected client, server, both)"),
            ([("mode", "mask"), ("ipv4_prefix", "33")], "transforms[0].ipv4_prefix"),
            ([("mode", "mask"), ("ipv6_prefix", "129")], "transforms[0].ipv6_prefix"),
            ([], "needs `mode` (mask, hash or cryptopan) or `qname: registered`"),
            ([("qname", "full")], "the only value is `registered`"),
            ([("qname", "registered"), ("public_suffix_list", .scalar(folder.appendingPathComponent("none.dat").path))], "transforms[0].public_suffix_list"),
        ]
        for (entries, expected) in cases {
            let (_, issues) = tryTransform(PrivacyTransform.self, entries)
            XCTAssertTrue(issues.contains { $0.contains(expected) }, "\(entries): \(issues)")
            for issue in issues {
                XCTAssertFalse(issue.contains("abab") || issue.contains("AAAAAAAA") || issue.contains("BBBB"), "a key in \(issue)")
            }
        }
    }

    // MARK: Names

    /// A list with the rules the tests need, ICANN and private.
    func smallSuffixList() throws -> String {
        try file("psl.dat", Array("""
            // ===BEGIN ICANN DOMAINS===
            uk
            co.uk
            io
            test
            example
            *.ck
            !www.ck
            // ===END ICANN DOMAINS===
            // ===BEGIN PRIVATE DOMAINS===
            github.io
            // ===END PRIVATE DOMAINS===

            """.utf8))
    }

    func testRegisteredCutsNamesInTheJSONOutput() throws {
        let psl = try smallSuffixList()
        let cut = try makeTransform(PrivacyTransform.self, [("qname", "registered"), ("public_suffix_list", .scalar(psl))])
        var batch = try TransformFixtures.sampleBatch()
        for name in ["www.example.co.uk", "co.uk", "a.b.user.github.io", "x.y.www.ck", "a.b.c.ck", "WWW.Example.Co.UK"] {
            let m = Craft.message(name: name)
            m.withUnsafeBytes { batch.append(Craft.event(m), message: $0) }
        }
        let writers = try runPipeline(outputs: [[cut], []], batch: batch)
        let cutNames = try writers[0].objects().map { $0["qname"] as? String }
        let fullNames = try writers[1].objects().map { $0["qname"] as? String }
        XCTAssertEqual(cutNames.count, 48)
        let expected: [String: String] = [
            "www.sample.test.": "sample.test.", "nope.sample.test.": "sample.test.", "big.sample.test.": "sample.test.",
            "_sip._udp.sample.test.": "sample.test.", "sample.test.": "sample.test.", "other.example.": "other.example.",
            "MiXeD.SaMpLe.TeSt.": "SaMpLe.TeSt.",
            "www.example.co.uk.": "example.co.uk.", "co.uk.": "co.uk.", "a.b.user.github.io.": "user.github.io.",
            "x.y.www.ck.": "www.ck.", "a.b.c.ck.": "b.c.ck.", "WWW.Example.Co.UK.": "Example.Co.UK.",
        ]
        for (full, got) in zip(fullNames, cutNames) { XCTAssertEqual(got, expected[full ?? "?"], full ?? "-") }
        XCTAssertEqual(Set(fullNames.compactMap { $0 }), Set(expected.keys))
        // Addresses are left alone without a mode.
        XCTAssertEqual(try writers[0].objects().map { $0["src_ip"] as? String }, try writers[1].objects().map { $0["src_ip"] as? String })
    }

    func testRegisteredWithTheDebianList() throws {
        let path = "/usr/share/publicsuffix/public_suffix_list.dat"
        guard FileManager.default.fileExists(atPath: path) else { throw TransformFixtures.missing(path, install: "apt-get install publicsuffix") }
        let cut = try makeTransform(PrivacyTransform.self, [("qname", "registered")])
        let batch = Craft.queries(["www.example.co.uk", "a.b.example.com", "foo.bar.github.io", "www.sample.test"])
        let names = try runPipeline(outputs: [[cut]], batch: batch)[0].objects().map { $0["qname"] as? String }
        XCTAssertEqual(names, ["example.co.uk.", "example.com.", "bar.github.io.", "sample.test."])
    }

    /// One output masked, the other with the addresses as captured: the batch is shared, the changes are not.
    func testAnOutputsPrivacyLeavesTheOthersAlone() throws {
        let mask = try makeTransform(PrivacyTransform.self, [("mode", "mask"), ("ipv4_prefix", "8"), ("ipv6_prefix", "16")])
        let batch = try VariedSample.batch()
        let before = contents(batch)
        let writers = try runPipeline(outputs: [[], [mask], []], batch: batch)
        let plain = try writers[0].objects(), masked = try writers[1].objects(), after = try writers[2].objects()
        for (i, (e, _)) in before.enumerated() {
            XCTAssertEqual(plain[i]["src_ip"] as? String, e.source.text)
            XCTAssertEqual(after[i]["dst_ip"] as? String, e.destination.text)
            XCTAssertEqual(masked[i]["src_ip"] as? String, Self.mask(e.source, v4: 8, v6: 16).text)
            XCTAssertEqual(masked[i]["dst_ip"] as? String, Self.mask(e.destination, v4: 8, v6: 16).text)
        }
    }
}
