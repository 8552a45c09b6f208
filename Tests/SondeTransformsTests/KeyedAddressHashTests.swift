import SondeTransforms
import XCTest

final class KeyedAddressHashTests: XCTestCase {
    /// 300 random IPv4 and 300 random IPv6 addresses (and the extremes) under a 32-octet and a 100-octet key,
    /// against Python's hmac module.
    func testAgreesWithPythonHMAC() throws {
        var random = PrivacyRandom(seed: 0x4D_AC)
        var inputs: [PrivacyReference.Line] = [.ipv4(0), .ipv4(.max), .ipv6(0, 0), .ipv6(.max, .max)]
        for _ in 0..<300 { inputs.append(.ipv4(UInt32.random(in: .min ... .max, using: &random))) }
        for _ in 0..<300 { inputs.append(.ipv6(random.next(), random.next())) }
        for keyLength in [16, 32, 100] {
            let key = random.bytes(keyLength)
            let expected = try PrivacyReference.run(mode: "hmac", key: key, inputs: inputs, pythonPackage: nil)
            XCTAssertEqual(expected.count, inputs.count)
            let hasher = try KeyedAddressHash(key: key, cacheEntries: 64)
            for (input, reference) in zip(inputs, expected) {
                let got: PrivacyReference.Line
                if input.version == 4 {
                    got = .ipv4(hasher.anonymize(ipv4: UInt32(input.low)))
                } else {
                    let (high, low) = hasher.anonymize(ipv6High: input.high, low: input.low)
                    got = .ipv6(high, low)
                }
                XCTAssertEqual(got, reference, "key of \(keyLength) octets, address \(input)")
            }
        }
    }

    func testKeyLengthIsChecked() {
        XCTAssertThrowsError(try KeyedAddressHash(key: [UInt8](repeating: 1, count: 15))) { error in
            XCTAssertEqual("\(error)", "keyed address hash key: 15 octets, need at least 16")
        }
        XCTAssertNoThrow(try KeyedAddressHash(key: [UInt8](repeating: 1, count: 16)))
        XCTAssertThrowsError(try KeyedAddressHash(key: [UInt8](repeating: 1, count: 16), cacheEntries: -1))
    }

    func testCacheGivesTheComputedAnswer() throws {
        var random = PrivacyRandom(seed: 0xCA)
        let hasher = try KeyedAddressHash(key: random.bytes(32), cacheEntries: 2)
        let v4 = (0..<30).map { _ in UInt32.random(in: .min ... .max, using: &random) }
        let v6 = (0..<30).map { _ in (random.next(), random.next()) }
        for _ in 0..<3 {
            for a in v4 { XCTAssertEqual(hasher.anonymize(ipv4: a), hasher.hashUncached(ipv4: a)) }
            for (h, l) in v6 {
                XCTAssertTrue(hasher.anonymize(ipv6High: h, low: l) == hasher.hashUncached(ipv6High: h, low: l))
            }
        }
        XCTAssertEqual(hasher.cacheHits + hasher.cacheMisses, 180)
    }
}
