import SondeDNS
import XCTest

final class NumberFormattingTests: XCTestCase {
    func testDecimalAgreesWithTheStandardLibrary() {
        var values: [UInt64] = Array(0...12_000) + [99_999, 100_000, 100_001, 999_999, 1_000_000, UInt64(UInt32.max), .max, .max - 1]
        for shift in 0..<64 { values.append(1 << UInt64(shift)); values.append((1 << UInt64(shift)) - 1) }
        var out = OutputBuffer(capacity: 16)
        for v in values {
            out.removeAll()
            out.appendDecimal(v)
            XCTAssertEqual(out.makeString(), String(v))
        }
    }

    func testFixedWidthPadsAndNeverCuts() {
        var out = OutputBuffer()
        out.appendDecimal(7, width: 9)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(123_456_789, width: 9)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(1_234, width: 2)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(0, width: 4)
        XCTAssertEqual(out.makeString(), "000000007 123456789 1234 0000")
    }

    func testEscapingFindsQuotesAndBackslashesAnywhere() {
        for length in 0..<40 {
            for position in 0..<max(length, 1) {
                for special in [UInt8(ascii: "\""), UInt8(ascii: "\\")] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if length > 0 { bytes[position] = special }
                    var out = OutputBuffer()
                    out.append(UInt8(ascii: "x"))
                    bytes.withUnsafeBytes { out.append($0) }
                    out.escapeQuotesAndBackslashes(from: 1)
                    var expected = "x"
                    for b in bytes {
                        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { expected.append("\\") }
                        expected.append(Character(Unicode.Scalar(b)))
                    }
                    XCTAssertEqual(out.makeString(), expected)
                }
            }
        }
    }
}
