import SondeTransforms
import XCTest

final class CryptoPAnTests: XCTestCase {
    /// yacryptopan's own self-test: key octets 0...31.
    func testYacryptopanSelfTestVectors() throws {
        let pan = try CryptoPAn(key: Array(0..<32))
        XCTAssertEqual(pan.anonymize(ipv4: 0xc000_0201), 0x025a_5d11)  // 192.0.2.1 -> 2.90.93.17
        let v6 = pan.anonymize(ipv6High: 0x2001_0db8_0000_0000, low: 1)  // 2001:db8::1
        XCTAssertEqual(v6.high, 0xdd92_2c44_3fc0_ff1e)
        XCTAssertEqual(v6.low, 0x7ff9_c7f0_8180_7e00)
    }

    /// A second fixed key, with yacryptopan 1.0.2's answers: runs without Python.
    func testReferenceKeyVectors() throws {
        let key: [UInt8] = [
            21, 34, 23, 141, 51, 164, 207, 128, 19, 10, 91, 22, 73, 144, 125, 16,
            216, 152, 143, 131, 121, 121, 101, 39, 98, 87, 76, 45, 42, 132, 34, 2,
        ]
        let pan = try CryptoPAn(key: key)
        let cases: [(UInt32, UInt32)] = [
            (0x800b_4484, 0x87f2_b484),  // 128.11.68.132 -> 135.242.180.132
            (0x8176_4a04, 0x8688_ba7b),  // 129.118.74.4 -> 134.136.186.123
            (0x8284_fcf4, 0x8544_a4ea),  // 130.132.252.244 -> 133.68.164.234
            (0x8ddf_072b, 0x8da7_08a0),  // 141.223.7.43 -> 141.167.8.160
            (0xc066_f90d, 0xfc8a_3e83),  // 192.102.249.13 -> 252.138.62.131
        ]
        for (address, expected) in cases {
            XCTAssertEqual(
                pan.anonymize(ipv4: address), expected, "address \(PrivacyReference.hex(UInt64(address), digits: 8))")
        }
    }

    func testKeyLengthIsChecked() {
        for length in [0, 16, 31, 33, 64] {
            XCTAssertThrowsError(try CryptoPAn(key: [UInt8](repeating: 7, count: length))) { error in
                XCTAssertEqual(
                    "\(error)", "Crypto-PAn key: \(length) octets, need exactly 32 (16 for AES-128, 16 for the pad)")
            }
        }
        XCTAssertThrowsError(try CryptoPAn(key: Array(0..<32), cacheEntries: 0))
        XCTAssertThrowsError(try CryptoPAn(key: Array(0..<32), cacheEntries: (1 << 20) + 1))
    }

    /// 100,000 random IPv4 and 20,000 random IPv6 addresses under one random key, against yacryptopan.
    func testAgreesWithYacryptopan() throws {
        var random = PrivacyRandom(seed: 0x00C7_7970_A17A)
        let key = random.bytes(32)
        var inputs: [PrivacyReference.Line] = []
        for _ in 0..<100_000 { inputs.append(.ipv4(UInt32.random(in: .min ... .max, using: &random))) }
        for _ in 0..<20_000 { inputs.append(.ipv6(random.next(), random.next())) }
        let expected = try PrivacyReference.run(
            mode: "cryptopan", key: key, inputs: inputs, pythonPackage: "yacryptopan")
        XCTAssertEqual(expected.count, inputs.count)

        let pan = try CryptoPAn(key: key)
        var mismatches: [String] = []
        for (input, reference) in zip(inputs, expected) {
            let got: PrivacyReference.Line
            if input.version == 4 {
                got = .ipv4(pan.anonymize(ipv4: UInt32(input.low)))
            } else {
                let (high, low) = pan.anonymize(ipv6High: input.high, low: input.low)
                got = .ipv6(high, low)
            }
            if got != reference { mismatches.append("\(input) -> \(got), yacryptopan \(reference)") }
        }
        XCTAssertEqual(mismatches.count, 0, "first mismatches: \(mismatches.prefix(5))")
    }

    /// Addresses sharing exactly k leading bits get pseudonyms sharing exactly k leading bits.
    func testPrefixPreservation() throws {
        var random = PrivacyRandom(seed: 0x9EF1)
        let pan = try CryptoPAn(key: random.bytes(32), cacheEntries: 1)
        for _ in 0..<20_000 {
            let a = UInt32.random(in: .min ... .max, using: &random)
            let k = Int.random(in: 0...32, using: &random)
            // Flip bit k (counting from the top), randomise the bits after it.
            let b: UInt32 =
                k == 32 ? a : (a & ~(UInt32.max >> k)) | ((~a) & (UInt32(1) << (31 - k)))
                    | (UInt32.random(in: .min ... .max, using: &random) & (UInt32.max >> (k + 1)))
            let shared = (pan.anonymize(ipv4: a) ^ pan.anonymize(ipv4: b)).leadingZeroBitCount
            XCTAssertEqual(
                shared, k,
                "\(PrivacyReference.hex(UInt64(a), digits: 8)) and \(PrivacyReference.hex(UInt64(b), digits: 8))")
        }
        for _ in 0..<2_000 {
            let (aHigh, aLow) = (random.next(), random.next())
            let k = Int.random(in: 0...128, using: &random)
            let (keepHigh, keepLow) = AddressPrefixMask.ipv6Mask(keeping: k)
            var bHigh = aHigh & keepHigh | random.next() & ~keepHigh
            var bLow = aLow & keepLow | random.next() & ~keepLow
            // Make bit k differ.
            if k < 64 {
                bHigh = (bHigh & ~(UInt64(1) << (63 - k))) | (~aHigh & (UInt64(1) << (63 - k)))
            } else if k < 128 {
                bLow = (bLow & ~(UInt64(1) << (127 - k))) | (~aLow & (UInt64(1) << (127 - k)))
            }
            let ra = pan.anonymize(ipv6High: aHigh, low: aLow)
            let rb = pan.anonymize(ipv6High: bHigh, low: bLow)
            let shared =
                ra.high != rb.high
                ? (ra.high ^ rb.high).leadingZeroBitCount : 64 + (ra.low ^ rb.low).leadingZeroBitCount
            XCTAssertEqual(shared, k)
        }
    }

    /// Cached answers equal computed ones, also when a tiny cache keeps evicting.
    func testCacheGivesTheComputedAnswer() throws {
        var random = PrivacyRandom(seed: 0xCAC4E)
        let key = random.bytes(32)
        let tiny = try CryptoPAn(key: key, cacheEntries: 3)
        let reference = try CryptoPAn(key: key)
        let v4 = (0..<40).map { _ in UInt32.random(in: .min ... .max, using: &random) } + [0, .max]
        let v6 = (0..<20).map { _ in (random.next(), random.next()) } + [(0, 0), (.max, .max)]
        for _ in 0..<3 {
            for a in v4 { XCTAssertEqual(tiny.anonymize(ipv4: a), reference.anonymizeUncached(ipv4: a)) }
            for (h, l) in v6 {
                let got = tiny.anonymize(ipv6High: h, low: l)
                let want = reference.anonymizeUncached(ipv6High: h, low: l)
                XCTAssertTrue(got == want)
            }
        }
        XCTAssertEqual(tiny.cacheHits + tiny.cacheMisses, 3 * (42 + 22))

        // A cache that holds the working set answers every repeat from memory.
        let roomy = try CryptoPAn(key: key, cacheEntries: 1 << 16)
        for a in v4 { _ = roomy.anonymize(ipv4: a) }
        for a in v4 { _ = roomy.anonymize(ipv4: a) }
        XCTAssertGreaterThanOrEqual(roomy.cacheHits, 40)
    }
}
