import XCTest

@testable import SondeDNS

final class EDNSOptionWriterTests: XCTestCase {
    func value(_ code: UInt16, _ data: [UInt8]) -> String? {
        withExactBytes(data) { d in
            var out = OutputBuffer(capacity: 16)
            guard EDNSOptionWriter.writeValue(code: code, data: d, into: &out) else {
                XCTAssertEqual(out.count, 0, "nothing written on failure")
                return nil
            }
            assertPrintable(out.makeArray())
            return out.makeString()
        }
    }

    func testNames() {
        let names: [UInt16: String] = [3: "NSID", 5: "DAU", 6: "DHU", 7: "N3U", 8: "ECS", 9: "EXPIRE", 10: "COOKIE",
                                       11: "KEEPALIVE", 12: "PADDING", 13: "CHAIN", 14: "KEY-TAG", 15: "EDE",
                                       18: "REPORT-CHANNEL", 19: "ZONEVERSION", 4: "OPT4", 65001: "OPT65001"]
        for (code, name) in names {
            XCTAssertEqual(text { EDNSOptionWriter.writeName(code: code, into: &$0) }, name)
        }
    }

    func testClientSubnet() {
        XCTAssertEqual(value(8, hex("0001 18 00 c00002")), "192.0.2.0/24/0")
        XCTAssertEqual(value(8, hex("0001 20 18 c0000201")), "192.0.2.1/32/24")
        XCTAssertEqual(value(8, hex("0001 00 00")), "0.0.0.0/0/0")
        XCTAssertEqual(value(8, hex("0001 11 00 c00080")), "192.0.128.0/17/0")
        XCTAssertEqual(value(8, hex("0002 38 00 20010db8000000")), "2001:db8::/56/0")
        XCTAssertEqual(value(8, hex("0002 80 40 20010db8000000000000000000000001")), "2001:db8::1/128/64")
        XCTAssertEqual(value(8, hex("0002 00 00")), "::/0/0")
        XCTAssertNil(value(8, hex("0001 18 00 c0000201")))  // one octet too many
        XCTAssertNil(value(8, hex("0001 18 00 c000")))  // one octet short
        XCTAssertNil(value(8, hex("0001 21 00 c000020100")))  // prefix longer than IPv4
        XCTAssertNil(value(8, hex("0001 18 21 c00002")))  // scope longer than IPv4
        XCTAssertNil(value(8, hex("0003 00 00")))  // unknown family
        XCTAssertNil(value(8, hex("0001 00")))
    }

    func testCookie() {
        XCTAssertEqual(value(10, hex("0102030405060708")), "0102030405060708")
        XCTAssertEqual(value(10, hex("0102030405060708 a1a2a3a4a5a6a7a8a9aaabacadaeafb0")),
                       "0102030405060708 a1a2a3a4a5a6a7a8a9aaabacadaeafb0")
        XCTAssertNil(value(10, hex("01020304050607")))
        XCTAssertNil(value(10, hex("0102030405060708 a1")))
        XCTAssertNil(value(10, [UInt8](repeating: 0, count: 41)))
    }

    func testExtendedError() {
        XCTAssertEqual(value(15, hex("000f") + Array("blocked by policy".utf8)), "15 (Blocked): blocked by policy")
        XCTAssertEqual(value(15, hex("0003")), "3 (Stale Answer)")
        XCTAssertEqual(value(15, hex("0012")), "18 (Prohibited)")
        XCTAssertEqual(value(15, hex("001e")), "30 (Invalid Query Type)")
        XCTAssertEqual(value(15, hex("03e7") + Array("x".utf8)), "999: x")
        XCTAssertEqual(value(15, hex("0000") + Array(#"say "hi" \ é"#.utf8) + [0]),
                       #"0 (Other Error): say \"hi\" \\ \195\169\000"#)
        XCTAssertNil(value(15, hex("00")))
    }

    func testNSIDAndOthers() {
        XCTAssertEqual(value(3, Array("ns1".utf8)), #"6e7331 ("ns1")"#)
        XCTAssertEqual(value(3, Array(#"a"b"#.utf8)), #"612262 ("a\"b")"#)
        XCTAssertEqual(value(3, [0x00, 0x41]), "0041")
        XCTAssertEqual(value(3, []), "")
        XCTAssertEqual(value(12, [0, 0, 0, 0, 0]), "5 bytes")
        XCTAssertEqual(value(12, []), "0 bytes")
        XCTAssertEqual(value(11, hex("0064")), "100")
        XCTAssertEqual(value(11, []), "")
        XCTAssertNil(value(11, hex("00")))
        XCTAssertEqual(value(9, hex("00000e10")), "3600")
        XCTAssertEqual(value(9, []), "")
        XCTAssertNil(value(9, hex("000e10")))
        XCTAssertEqual(value(65001, hex("DEADbeef")), "deadbeef")
        XCTAssertEqual(value(5, hex("080d0f")), "080d0f")
    }

    func testRandomOptionsNeverTrap() {
        var rng = SplitMix64(seed: 15)
        for _ in 0 ..< 20_000 {
            let code = [3, 8, 9, 10, 11, 12, 15, 99].randomElement(using: &rng)!
            let data = (0 ..< Int.random(in: 0 ... 48, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            _ = value(UInt16(code), data)
        }
    }
}
