import Foundation
import XCTest

@testable import SondeDNS

final class EncodingTests: XCTestCase {
    func testBase64RFC4648Vectors() {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                       ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (input, expected) in vectors {
            XCTAssertEqual(text { out in withBytes(Array(input.utf8)) { out.appendBase64($0) } }, expected)
        }
    }

    func testBase64AgainstFoundation() {
        var rng = SplitMix64(seed: 64)
        for _ in 0 ..< 500 {
            let bytes = (0 ..< Int.random(in: 0 ... 200, using: &rng)).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
            XCTAssertEqual(text { out in withBytes(bytes) { out.appendBase64($0) } }, Data(bytes).base64EncodedString())
        }
    }

    func testBase32HexRFC4648Vectors() {
        // RFC 4648 §10 with the padding removed (RFC 5155 §3.3 presents the hash without it).
        let vectors = [("", ""), ("f", "CO"), ("fo", "CPNG"), ("foo", "CPNMU"), ("foob", "CPNMUOG"),
                       ("fooba", "CPNMUOJ1"), ("foobar", "CPNMUOJ1E8")]
        for (input, expected) in vectors {
            XCTAssertEqual(text { out in withBytes(Array(input.utf8)) { out.appendBase32Hex($0) } }, expected)
        }
    }

    func testTimestamps() {
        let cases: [(UInt32, String)] = [
            (0, "19700101000000"),
            (951_782_400, "20000229000000"),  // a leap day in a 400-year leap year
            (4_107_542_400, "21000301000000"),  // 2100 is not a leap year
            (1_709_164_799, "20240228235959"),
            (0xFFFF_FFFF, "21060207062815"),
        ]
        for (seconds, expected) in cases {
            XCTAssertEqual(text { $0.appendDNSTimestamp(seconds) }, expected)
        }
        var rng = SplitMix64(seed: 1)
        for _ in 0 ..< 2000 {
            let s = UInt32.random(in: 0 ... UInt32.max, using: &rng)
            let stamp = text { $0.appendDNSTimestamp(s) }
            XCTAssertEqual(epoch(stamp), s, stamp)
        }
    }

    func testQuotedStrings() {
        XCTAssertEqual(text { out in withBytes([]) { out.appendQuotedString($0) } }, #""""#)
        XCTAssertEqual(text { out in withBytes(Array(#"a"b\c"#.utf8) + [0, 9, 0x7F, 0x80, 0xFF]) { out.appendQuotedString($0) } },
                       #""a\"b\\c\000\009\127\128\255""#)
        XCTAssertEqual(text { out in withBytes(Array("x y".utf8)) { out.appendEscapedText($0) } }, "x y")
    }

    func testIPv4() {
        XCTAssertEqual(text { out in withBytes([10, 0, 100, 255]) { out.appendIPv4Address($0) } }, "10.0.100.255")
        XCTAssertEqual(text { out in withBytes([10, 0, 100]) { out.appendIPv4Address($0) } }, "")
    }
}
