import Foundation
import XCTest

@testable import SondeDNS

/// Seconds since 1970 for a UTC `YYYYMMDDHHmmSS`, computed with Foundation as an independent reference.
func epoch(_ stamp: String) -> UInt32 {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let d = Array(stamp.utf8).map { Int($0 - 0x30) }
    func n(_ i: Int, _ len: Int) -> Int { d[i ..< i + len].reduce(0) { $0 * 10 + $1 } }
    let c = DateComponents(year: n(0, 4), month: n(4, 2), day: n(6, 2), hour: n(8, 2), minute: n(10, 2), second: n(12, 2))
    return UInt32(calendar.date(from: c)!.timeIntervalSince1970)
}

func base64(_ s: String) -> [UInt8] { Array(Data(base64Encoded: s)!) }

final class DNSSECRDataTests: XCTestCase {
    func testDSAndCDS() {
        let digest = hex("2CBA9CAC093794CCC1B542F0237DB24FCF86B17D2B122F09DD78376D774E6726")
        for type: UInt16 in [43, 59, 32768, 32769] {
            check(type, be16(24193) + [13, 2] + digest,
                  "24193 13 2 2CBA9CAC093794CCC1B542F0237DB24FCF86B17D2B122F09DD78376D774E6726")
        }
        // RFC 4034 §5.4 (SHA-1).
        check(43, be16(60485) + [5, 1] + hex("2BB183AF5F22588179A53B0A98631FAD1A292118"),
              "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118")
        // RFC 8078 "delete" CDS.
        check(59, [0, 0, 0, 0, 0], "0 0 0 00")
        XCTAssertNil(render(43, be16(1) + [13, 2] + digest.dropLast()))  // SHA-256 digest one short
        XCTAssertNil(render(43, be16(1) + [13, 4] + digest))  // SHA-384 needs 48
        XCTAssertNil(render(43, be16(1) + [13, 9]))  // no digest
    }

    func testSSHFP() {
        let fp = hex("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")
        check(44, [4, 2] + fp, "4 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")
        check(44, [1, 1] + hex("dd465c09cfa51fb45020cc83316fff21b9ec74ac"),
              "1 1 DD465C09CFA51FB45020CC83316FFF21B9EC74AC")
        XCTAssertNil(render(44, [4, 1] + fp))
        XCTAssertNil(render(44, [4, 9]))
    }

    func testTLSA() {
        let data = hex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        check(52, [3, 1, 1] + data, "3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")
        check(53, [3, 0, 0, 0xAB], "3 0 0 AB")
        XCTAssertNil(render(52, [3, 1, 1]))
    }

    func testDNSKEY() {
        let key = "LKvFB09Kca7CN1NRpUjq8IyNwPOGksljdwT0PUW3SPTdUFHeZhyCnsnReE51FZp4boUiB7j/fwVrSmkbiXjalg=="
        check(48, be16(257) + [3, 13] + base64(key), "257 3 13 " + key)
        check(60, be16(257) + [3, 13] + base64(key), "257 3 13 " + key)
        check(25, be16(256) + [3, 5] + [1, 2, 3, 4], "256 3 5 AQIDBA==")
        check(60, be16(0) + [3, 0, 0], "0 3 0 AA==")  // RFC 8078 delete
        XCTAssertNil(render(48, be16(257) + [3, 13]))
    }

    func testRRSIG() {
        let sig = "kZTpOR+20F4aMz9JicjoSi0x+/9SuSMM6jubXW0V7eUAclBWU3rPTQfCa2RLKpjqGsswcxKzp6NduDvzUJlACg=="
        let rdata = be16(1) + [13, 2] + be32(300) + be32(epoch("20261205232528")) + be32(epoch("20261121215528"))
            + be16(24612) + wire("signed.test.") + base64(sig)
        check(46, rdata, "A 13 2 300 20261205232528 20261121215528 24612 signed.test. " + sig)
        check(24, rdata, "A 13 2 300 20261205232528 20261121215528 24612 signed.test. " + sig)
        // Unknown covered type, extreme times.
        let odd = be16(65280) + [253, 0] + be32(0xFFFF_FFFF) + be32(0xFFFF_FFFF) + be32(0) + be16(0) + [0] + [0xFF]
        check(46, odd, "TYPE65280 253 0 4294967295 21060207062815 19700101000000 0 . /w==")
        // No signature.
        XCTAssertNil(render(46, Array(rdata[0 ..< 18]) + wire("signed.test.")))
    }

    func testNSEC() {
        // RFC 4034 §4.3.
        let rdata = wire("host.example.com.") + hex("0006400100000003 041b") + [UInt8](repeating: 0, count: 26) + [0x20]
        check(47, rdata, "host.example.com. A MX RRSIG NSEC TYPE1234")
        // The corpus's apex NSEC.
        XCTAssertNil(render(47, wire("a.") + hex("0002 6000")))  // a trailing zero octet is malformed
        let apexGood = wire("mail.signed.test.") + bitmap([1, 2, 6, 15, 16, 28, 46, 47, 48, 59, 60])
        check(47, apexGood, "mail.signed.test. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY CDS CDNSKEY")
        check(47, wire("next.example."), "next.example.")  // empty bitmap
        XCTAssertNil(render(47, wire("a.") + hex("0000")))  // zero-length window
        XCTAssertNil(render(47, wire("a.") + hex("0101 40 0001 40")))  // windows out of order
        XCTAssertNil(render(47, wire("a.") + hex("0021") + [UInt8](repeating: 1, count: 33)))  // window too long
        XCTAssertNil(render(47, wire("a.") + hex("0002 40")))  // window runs past the end
    }

    func testNSEC3() {
        // RFC 5155 Appendix A: 1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA NSEC3PARAM RRSIG.
        let hash = hex("174eb2409fe28bcb4887a1836f957f0a8425e27b")
        let rdata: [UInt8] = [1, 1] + be16(12) + [4] + hex("aabbccdd") + [20] + hash + bitmap([2, 6, 15, 46, 48, 51])
        check(50, rdata, "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG DNSKEY NSEC3PARAM")
        // Empty salt, empty bitmap (an empty non-terminal).
        check(50, [1, 0, 0, 0, 0, 1, 0xFF], "1 0 0 - VS")
        XCTAssertNil(render(50, [1, 0, 0, 0, 0, 0]))  // empty hash
        XCTAssertNil(render(50, [1, 0, 0, 0, 4, 1, 2]))  // salt past the end
    }

    func testNSEC3PARAM() {
        check(51, [1, 0] + be16(10) + [4] + hex("aabbccdd"), "1 0 10 AABBCCDD")
        check(51, [1, 0, 0, 0, 0], "1 0 0 -")
        XCTAssertNil(render(51, [1, 0, 0, 0, 1]))
        XCTAssertNil(render(51, [1, 0, 0, 0, 0, 0]))
    }

    func testCSYNCAndZONEMD() {
        check(62, be32(66) + be16(3) + bitmap([1, 2, 28]), "66 3 A NS AAAA")
        let digest = [UInt8](repeating: 0xAB, count: 48)
        check(63, be32(2_018_031_900) + [1, 1] + digest, "2018031900 1 1 " + String(repeating: "AB", count: 48))
        XCTAssertNil(render(63, be32(1) + [1, 1] + [UInt8](repeating: 0, count: 11)))
    }

    func testOPENPGPKEYAndDHCID() {
        check(61, Array("foobar".utf8), "Zm9vYmFy")
        check(49, hex("000101"), "AAEB")
        XCTAssertNil(render(61, []))
        XCTAssertNil(render(49, [0, 1]))
    }
}

/// A type bit maps field for `types` (test-side encoder, independent of the writer).
func bitmap(_ types: [UInt16]) -> [UInt8] {
    var out: [UInt8] = []
    for window in Set(types.map { $0 >> 8 }).sorted() {
        let inWindow = types.filter { $0 >> 8 == window }.map { Int($0 & 0xFF) }
        var bits = [UInt8](repeating: 0, count: inWindow.max()! / 8 + 1)
        for t in inWindow { bits[t / 8] |= 0x80 >> UInt8(t % 8) }
        out += [UInt8(window), UInt8(bits.count)] + bits
    }
    return out
}
