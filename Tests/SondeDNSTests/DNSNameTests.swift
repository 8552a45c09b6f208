import SondeDNS
import XCTest

final class DNSNameTests: XCTestCase {
    func testParsingPlainNames() throws {
        XCTAssertEqual(try DNSName(parsing: "example.com").wireBytes,
                       [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0])
        XCTAssertEqual(try DNSName(parsing: "example.com."), try DNSName(parsing: "example.com"))
        XCTAssertEqual(try DNSName(parsing: "."), DNSName.root)
        XCTAssertEqual(DNSName.root.wireBytes, [0])
        XCTAssertTrue(DNSName.root.isRoot)
        XCTAssertEqual(DNSName.root.labelCount, 0)
        XCTAssertEqual(dnsName("a.b.c").labelCount, 3)
        XCTAssertEqual(dnsName("com.").labelCount, 1)
    }

    func testParsingEscapes() throws {
        let dotted = try DNSName(parsing: #"a\.b.c"#)
        XCTAssertEqual(dotted.wireBytes, [3, 0x61, 0x2E, 0x62, 1, 0x63, 0])
        XCTAssertEqual(dotted.labelCount, 2)
        XCTAssertEqual(try DNSName(parsing: #"a\\b"#).wireBytes, [3, 0x61, 0x5C, 0x62, 0])
        XCTAssertEqual(try DNSName(parsing: #"\065\000\255"#).wireBytes, [3, 0x41, 0, 255, 0])
        XCTAssertEqual(try DNSName(parsing: #"\@x"#).wireBytes, [2, 0x40, 0x78, 0])
        XCTAssertEqual(dotted.description, #"a\.b.c."#)
        XCTAssertEqual(dnsName(#"\000\032"#).description, #"\000\ ."#)  // space is escaped, not \032
    }

    func testParsingErrors() {
        func error(_ text: String) -> DNSName.ParsingError? {
            do {
                _ = try DNSName(parsing: text)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(error(""), .empty)
        XCTAssertEqual(error("a..b"), .emptyLabel)
        XCTAssertEqual(error(".a"), .emptyLabel)
        XCTAssertEqual(error(".."), .emptyLabel)
        XCTAssertEqual(error(#"a\"#), .badEscape)
        XCTAssertEqual(error(#"a\25"#), .badEscape)
        XCTAssertEqual(error(#"a\2x5"#), .badEscape)
        XCTAssertEqual(error(#"a\256"#), .badEscape)
        XCTAssertEqual(error(String(repeating: "x", count: 64)), .labelTooLong)
        XCTAssertNil(error(String(repeating: "x", count: 63)))
        // 4 labels of 63 + 1 of 1: 4*64 + 2 + 1 = 259 octets; 3*64 + 62 + 1 = 255 is the largest.
        let label = String(repeating: "x", count: 63)
        XCTAssertEqual(error([label, label, label, label].joined(separator: ".")), .nameTooLong)
        let longest = [label, label, label, String(repeating: "y", count: 61)].joined(separator: ".")
        XCTAssertEqual(try DNSName(parsing: longest).wireBytes.count, 255)
        XCTAssertEqual(try DNSName(parsing: longest + ".").wireBytes.count, 255)
        XCTAssertEqual(error(longest + "z"), .nameTooLong)
        XCTAssertEqual(error(longest + ".z"), .nameTooLong)
    }

    func testDescriptionParsesBackToTheSameName() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) {
                let length = Int.random(in: 1...20, using: &rng)
                bytes.append(UInt8(length))
                for _ in 0..<length { bytes.append(UInt8.random(in: 0...255, using: &rng)) }
            }
            bytes.append(0)
            let original = try DNSName(uncompressedWire: bytes)
            XCTAssertEqual(try DNSName(parsing: original.description), original, original.description)
        }
    }

    func testCaseIsKeptAndComparedBothWays() {
        let upper = dnsName("WWW.Example.COM")
        let lower = dnsName("www.example.com")
        XCTAssertNotEqual(upper, lower)
        XCTAssertTrue(upper.equalsIgnoringCase(lower))
        XCTAssertEqual(upper.lowercased(), lower)
        XCTAssertFalse(dnsName("a.example").equalsIgnoringCase(dnsName("b.example")))
        XCTAssertFalse(dnsName("ab").equalsIgnoringCase(dnsName("a.b")))
        // Only ASCII letters fold: "@" (0x40) and "`" (0x60) differ.
        XCTAssertFalse(dnsName(#"\@"#).equalsIgnoringCase(dnsName("`")))
        XCTAssertEqual(upper.description, "WWW.Example.COM.")
    }

    func testWireDecodingFollowsPointers() throws {
        // "example.com" at 0, "WWW" + pointer to 0 at 13.
        let message: [UInt8] = wire("example.com") + [3] + Array("WWW".utf8) + [0xC0, 0]
        try message.withUnsafeBytes { raw in
            let (decoded, end) = try DNSName.decode(raw, at: 13)
            XCTAssertEqual(decoded, dnsName("WWW.example.com"))
            XCTAssertEqual(end, message.count)
            XCTAssertEqual(try DNSName(wire: raw, at: 0), dnsName("example.com"))
        }
    }

    func testUncompressedWireIsChecked() {
        XCTAssertThrowsError(try DNSName(uncompressedWire: [0xC0, 0]))
        XCTAssertThrowsError(try DNSName(uncompressedWire: [1, 0x61]))
        XCTAssertThrowsError(try DNSName(uncompressedWire: [1, 0x61, 0, 0]))
        XCTAssertThrowsError(try DNSName(uncompressedWire: []))
        XCTAssertNoThrow(try DNSName(uncompressedWire: [1, 0x61, 0]))
    }
}
