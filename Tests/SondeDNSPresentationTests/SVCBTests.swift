import XCTest

@testable import SondeDNS

/// RFC 9460 Appendix D test vectors (wire bytes as in NLnet Labs' svcb.test-vectors-wf.zone), with the
/// presentation Sonde prints: values quoted as `dig` does for alpn and generic keys, bare otherwise.
final class SVCBTests: XCTestCase {
    let fooExampleCom = "03 666f6f 07 6578616d706c65 03 636f6d 00"
    let fooExampleOrg = "03 666f6f 07 6578616d706c65 03 6f7267 00"

    func vectors() -> [(String, String)] {
        [
            ("0000" + fooExampleCom, "0 foo.example.com."),
            ("0001 00", "1 ."),
            ("0010" + fooExampleCom + "0003 0002 0035", "16 foo.example.com. port=53"),
            ("0001" + fooExampleCom + "029b 0005 68656c6c6f", #"1 foo.example.com. key667="hello""#),
            ("0001" + fooExampleCom + "029b 0009 68656c6c6fd2716f6f", #"1 foo.example.com. key667="hello\210qoo""#),
            ("0001" + fooExampleCom + "0006 0020 20010db8000000000000000000000001 20010db8000000000000000000530001",
             "1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1"),
            ("0001 07 6578616d706c65 03 636f6d 00 0006 0010 20010db8ffffffffffffffffc6336464",
             "1 example.com. ipv6hint=2001:db8:ffff:ffff:ffff:ffff:c633:6464"),
            ("0010" + fooExampleOrg + "0000 0004 0001 0004 0001 0009 02 6832 05 68332d3139 0004 0004 c0000201",
             #"16 foo.example.org. mandatory=alpn,ipv4hint alpn="h2,h3-19" ipv4hint=192.0.2.1"#),
            ("0010" + fooExampleOrg + "0001 000c 08 665c6f6f2c626172 02 6832",
             #"16 foo.example.org. alpn="f\\\\oo\\,bar,h2""#),
        ]
    }

    func testAppendixD() {
        for type: UInt16 in [64, 65] {
            for (wireHex, expected) in vectors() {
                check(type, hex(wireHex), expected)
            }
        }
    }

    func testMalformedVectors() {
        // Out-of-order keys (unbound's v21) and a truncated value (v22).
        XCTAssertNil(render(65, hex("000100000300021e6100010003026833")))
        XCTAssertNil(render(65, hex("000100000300021e")))
        let cases = [
            "0001 00 0003 0002 0035 0003 0002 0035",  // duplicate key
            "0001 00 0000 0002 0000",  // mandatory names itself
            "0001 00 0000 0004 0004 0001",  // mandatory out of order
            "0001 00 0000 0000",  // empty mandatory
            "0001 00 0000 0003 000100",  // odd mandatory
            "0001 00 0001 0000",  // empty alpn
            "0001 00 0001 0002 00 00",  // empty alpn id
            "0001 00 0001 0003 05 6832",  // alpn id past the value
            "0001 00 0002 0001 00",  // no-default-alpn with a value
            "0001 00 0003 0001 35",  // short port
            "0001 00 0004 0005 c000020100",  // ipv4hint not a multiple of 4
            "0001 00 0005 0000",  // empty ech
            "0001 00 0006 000f 20010db8000000000000000000000001",  // ipv6hint short... length 15
            "0001 00 0008 0001 00",  // ohttp with a value
            "0001",  // no target
            "0001 03 666f6f",  // unterminated target
        ]
        for c in cases {
            XCTAssertNil(render(64, hex(c)), c)
            assertTruncationsSafe(64, hex(c))
        }
    }

    func testOtherKeys() {
        // The corpus's DoH record: alpn, port and dohpath (RFC 9461).
        let doh = hex("0001") + wire("doh.example.test.") + hex("0001 0003 026832 0003 0002 01bb")
            + be16(7) + be16(16) + Array("/dns-query{?dns}".utf8)
        check(64, doh, #"1 doh.example.test. alpn="h2" port=443 dohpath="/dns-query{?dns}""#)
        // no-default-alpn, ech in base64, ohttp, an empty generic key, a quote in a generic value.
        let misc = hex("0001 00 0002 0000 0005 0006 666f6f626172 0008 0000 0100 0000 0101 0002 225c")
        check(65, misc, #"1 . no-default-alpn ech=Zm9vYmFy ohttp key256 key257="\"\\""#)
        // The corpus's HTTPS record.
        let https = hex("0001 00 0001 0006 026832 026833 0004 0004 c0000201 0006 0010 20010db8000000000000000000000001")
        check(65, https, #"1 . alpn="h2,h3" ipv4hint=192.0.2.1 ipv6hint=2001:db8::1"#)
        // Alias form with a compressed target (not allowed by RFC 9460, accepted here).
        let (m, o) = messageWith(hex("0000 c00c"))
        check(65, m, offset: o, "0 example.com.")
    }
}
