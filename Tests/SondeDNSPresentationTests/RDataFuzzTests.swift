import Foundation
import XCTest

@testable import SondeDNS

/// Hostile input: random and mutated RDATA must never trap, write and validate must agree, and whatever is
/// written must be printable ASCII. Run under `swift test --sanitize=address` to also catch stray reads.
final class RDataFuzzTests: XCTestCase {
    /// Every type with a specific form, plus two written generically.
    static let types: [UInt16] = (0 ... 65535).map { UInt16($0) }.filter { RDataWriter.hasPresentationForm(type: $0) }
        + [10, 65280]

    /// One write/validate pair over an exact-size copy of `message`.
    func exercise(_ type: UInt16, _ message: [UInt8], offset: Int, length: Int) {
        withExactBytes(message) { m in
            var out = OutputBuffer(capacity: 16)
            let ok = RDataWriter.write(type: type, message: m, offset: offset, length: length, into: &out)
            let valid = RDataWriter.validate(type: type, message: m, offset: offset, length: length)
            if ok != valid {
                XCTFail("TYPE\(type) disagree on \(message) at \(offset)+\(length)")
            }
            if ok {
                assertPrintable(out.makeArray())
                assertJSONFormAgrees(type, m, offset: offset, length: length, plain: out.makeString())
            }
        }
    }

    /// `writeValidated` of valid RDATA: text ready for a JSON string must decode to the presentation form, and
    /// text not ready must be the presentation form itself (the caller escapes it).
    func assertJSONFormAgrees(_ type: UInt16, _ m: UnsafeRawBufferPointer, offset: Int, length: Int, plain: String) {
        var json = OutputBuffer(capacity: 16)
        let ready = RDataWriter.writeValidated(type: type, message: m, offset: offset, length: length, into: &json)
        let text = json.makeString()
        guard ready, text.utf8.contains(UInt8(ascii: "\\")) else {
            if text != plain { XCTFail("TYPE\(type): \(text) is not \(plain)") }
            return
        }
        let decoded = try? JSONSerialization.jsonObject(with: Data(("\"" + text + "\"").utf8), options: .fragmentsAllowed)
        if decoded as? String != plain { XCTFail("TYPE\(type): \(text) does not decode to \(plain)") }
    }

    /// A byte biased toward what makes parsers go deep: small lengths, pointers, zeros.
    func plausibleByte(_ rng: inout SplitMix64) -> UInt8 {
        switch UInt8.random(in: 0 ..< 10, using: &rng) {
        case 0 ..< 4: return UInt8.random(in: 0 ... 8, using: &rng)
        case 4: return 0xC0
        case 5: return 0
        default: return UInt8.random(in: 0 ... 255, using: &rng)
        }
    }

    func testRandomRData() {
        XCTAssertGreaterThan(Self.types.count, 40)
        var rng = SplitMix64(seed: 0x534F_4E44_45)
        for i in 0 ..< 20_000 {
            let biased = i % 2 == 0
            let prefix = Int.random(in: 0 ... 24, using: &rng)
            let length = Int.random(in: 0 ... (i % 16 == 0 ? 400 : 48), using: &rng)
            let suffix = Int.random(in: 0 ... 4, using: &rng)
            let bytes = (0 ..< prefix + length + suffix).map { _ in
                biased ? plausibleByte(&rng) : UInt8.random(in: 0 ... 255, using: &rng)
            }
            for type in Self.types {
                exercise(type, bytes, offset: prefix, length: length)
            }
        }
    }

    func testMutatedValidRData() {
        let seeds: [(UInt16, [UInt8])] = [
            (6, wire("ns1.example.test.") + wire("hostmaster.example.test.") + [UInt8](repeating: 1, count: 20)),
            (35, be16(100) + be16(10) + cs("S") + cs("SIP+D2U") + cs("") + wire("_sip._udp.example.test.")),
            (46, be16(1) + [13, 2] + be32(300) + be32(1) + be32(2) + be16(3) + wire("signed.test.") + [1, 2, 3]),
            (47, wire("host.example.com.") + bitmap([1, 15, 46, 47, 1234])),
            (50, [1, 1] + be16(12) + [4] + hex("aabbccdd") + [4] + hex("174eb240") + bitmap([2, 6, 15])),
            (64, hex("0010 03666f6f076578616d706c65036f726700 0000000400010004 00010009026832056833 2d3139 00040004c0000201")),
            (65, hex("0001 00 0001 0006 026832 026833 0004 0004 c0000201 0006 0010 20010db8000000000000000000000001")),
            (257, [0, 5] + Array("issue".utf8) + Array("ca.example.net".utf8)),
            (29, [0, 0x00, 0x16, 0x13] + be32(2_336_026_648) + be32(2_165_095_648) + be32(9_999_800)),
            (62, be32(66) + be16(3) + bitmap([1, 2, 28])),
        ]
        var rng = SplitMix64(seed: 77)
        for (type, rdata) in seeds {
            XCTAssertNotNil(render(type, rdata), "seed for TYPE\(type) is valid")
            for _ in 0 ..< 3000 {
                var m = rdata
                for _ in 0 ..< Int.random(in: 1 ... 3, using: &rng) {
                    switch UInt8.random(in: 0 ..< 3, using: &rng) {
                    case 0: m[Int.random(in: 0 ..< m.count, using: &rng)] = plausibleByte(&rng)
                    case 1: m[Int.random(in: 0 ..< m.count, using: &rng)] ^= 1 << UInt8.random(in: 0 ..< 8, using: &rng)
                    default: m.insert(plausibleByte(&rng), at: Int.random(in: 0 ... m.count, using: &rng))
                    }
                }
                exercise(type, m, offset: 0, length: Int.random(in: 0 ... m.count, using: &rng))
            }
        }
    }
}
