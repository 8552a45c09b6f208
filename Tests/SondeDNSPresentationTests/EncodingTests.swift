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
        XCTAssertEqual(text { out in withBytes(Array(#"a"b\c"#.utf8) + [0]) { out.appendQuotedString($0, json: true) } },
                       #"\"a\\\"b\\\\c\\000\""#)
    }

    /// The eight-at-a-time copy against a byte-at-a-time reference, on strings of every length to 40 mixing plain
    /// text with each byte that needs an escape, at every position in a word; the JSON form must also be the plain
    /// form escaped for a JSON string.
    func testQuotedStringsMatchAByteAtATimeReference() throws {
        func reference(_ bytes: [UInt8]) -> String {
            var s = "\""
            for b in bytes {
                switch b {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): s += "\\" + String(UnicodeScalar(b))
                case 0x20 ... 0x7E: s += String(UnicodeScalar(b))
                default: s += "\\" + String(format: "%03d", Int(b))
                }
            }
            return s + "\""
        }
        var rng = SplitMix64(seed: 7)
        let odd: [UInt8] = [0x22, 0x5C, 0x00, 0x1F, 0x20, 0x7E, 0x7F, 0x80, 0xA2, 0xDC, 0xFF]
        for _ in 0 ..< 5000 {
            let n = Int.random(in: 0 ... 40, using: &rng)
            let bytes: [UInt8] = (0 ..< n).map { _ in
                Int.random(in: 0 ..< 6, using: &rng) == 0
                    ? odd.randomElement(using: &rng)! : UInt8.random(in: 0x21 ... 0x7D, using: &rng)
            }
            let plain = text { out in withBytes(bytes) { out.appendQuotedString($0) } }
            XCTAssertEqual(plain, reference(bytes), "\(bytes)")
            let json = text { out in withBytes(bytes) { out.appendQuotedString($0, json: true) } }
            let decoded = try JSONSerialization.jsonObject(with: Data(("\"" + json + "\"").utf8), options: .fragmentsAllowed)
            XCTAssertEqual(decoded as? String, plain, "\(bytes)")
        }
    }

    func testIPv4() {
        XCTAssertEqual(text { out in withBytes([10, 0, 100, 255]) { out.appendIPv4Address($0) } }, "10.0.100.255")
        XCTAssertEqual(text { out in withBytes([10, 0, 100]) { out.appendIPv4Address($0) } }, "")
    }
}
