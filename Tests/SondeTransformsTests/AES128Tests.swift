import Crypto
import _CryptoExtras
import SondeTransforms
import XCTest

final class AES128Tests: XCTestCase {
    func bytes(_ hexText: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hexText.startIndex
        while index < hexText.endIndex {
            let next = hexText.index(index, offsetBy: 2)
            out.append(UInt8(hexText[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    /// FIPS-197 Appendix B (the cipher example) and Appendix C.1 (the AES-128 example vector).
    func testFIPS197Vectors() {
        let appendixB = AES128(key: bytes("2b7e151628aed2a6abf7158809cf4f3c"))
        XCTAssertEqual(
            appendixB.encrypt(bytes("3243f6a8885a308d313198a2e0370734")), bytes("3925841d02dc09fbdc118597196a0b32"))
        let appendixC = AES128(key: bytes("000102030405060708090a0b0c0d0e0f"))
        XCTAssertEqual(
            appendixC.encrypt(bytes("00112233445566778899aabbccddeeff")), bytes("69c4e0d86a7b0430d8cdb78070b4c55a"))
    }

    /// FIPS-197 Appendix A.1: the expanded key's first words after the cipher key, and its last word.
    func testFIPS197KeyExpansion() {
        let aes = AES128(key: bytes("2b7e151628aed2a6abf7158809cf4f3c"))
        XCTAssertEqual(aes.roundKeys[4], 0xa0fa_fe17)
        XCTAssertEqual(aes.roundKeys[5], 0x8854_2cb1)
        XCTAssertEqual(aes.roundKeys[6], 0x23a3_3939)
        XCTAssertEqual(aes.roundKeys[7], 0x2a6c_7605)
        XCTAssertEqual(
            [aes.roundKeys[40], aes.roundKeys[41], aes.roundKeys[42], aes.roundKeys[43]],
            [0xd014_f9a8, 0xc9ee_2589, 0xe13f_0cc8, 0xb663_0ca6])
    }

    /// The first-bit shortcut agrees with the full encryption's top bit.
    func testFirstBitIsTheCiphertextsTopBit() {
        var random = PrivacyRandom(seed: 0xF1F5)
        for _ in 0..<2000 {
            let aes = AES128(key: random.bytes(16))
            for _ in 0..<4 {
                let s0 = UInt32.random(in: .min ... .max, using: &random)
                let s1 = UInt32.random(in: .min ... .max, using: &random)
                let s2 = UInt32.random(in: .min ... .max, using: &random)
                let s3 = UInt32.random(in: .min ... .max, using: &random)
                XCTAssertEqual(aes.firstBit(s0, s1, s2, s3), aes.encrypt(s0, s1, s2, s3).0 >> 31)
            }
        }
    }

    /// 5,000 random keys, two random blocks each, against BoringSSL through swift-crypto's `AES.permute`.
    func testAgreesWithSwiftCrypto() throws {
        var random = PrivacyRandom(seed: 0xAE5_128)
        var mismatches = 0
        for _ in 0..<5000 {
            let key = random.bytes(16)
            let aes = AES128(key: key)
            let symmetric = SymmetricKey(data: key)
            for _ in 0..<2 {
                let block = random.bytes(16)
                var expected = block
                try AES.permute(&expected, key: symmetric)
                if aes.encrypt(block) != expected { mismatches += 1 }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }
}
