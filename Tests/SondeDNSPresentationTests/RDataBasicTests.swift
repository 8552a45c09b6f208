import XCTest

@testable import SondeDNS

/// A message with `example.com.` at offset 12 (so `c0 0c` points to it) and `rdata` at the returned offset.
func messageWith(_ rdata: [UInt8]) -> (message: [UInt8], offset: Int) {
    let prefix = [UInt8](repeating: 0, count: 12) + wire("example.com.") + be16(1) + be16(1)
    return (prefix + rdata, prefix.count)
}

final class RDataBasicTests: XCTestCase {
    func testA() {
        check(1, [192, 0, 2, 1], "192.0.2.1")
        check(1, [0, 0, 0, 0], "0.0.0.0")
        check(1, [255, 255, 255, 255], "255.255.255.255")
        XCTAssertNil(render(1, [1, 2, 3]))
        XCTAssertNil(render(1, [1, 2, 3, 4, 5]))
    }

    func testSingleNameTypes() {
        for type: UInt16 in [2, 5, 12, 39] {
            check(type, wire("ns1.example.com."), "ns1.example.com.")
            check(type, [0], ".")
            // Compressed: "ns1" + pointer to example.com. at 12.
            let (m, o) = messageWith([3] + Array("ns1".utf8) + [0xC0, 0x0C])
            check(type, m, offset: o, "ns1.example.com.")
            // Trailing byte after the name.
            XCTAssertNil(render(type, wire("a.") + [0]))
            XCTAssertNil(render(type, []))
        }
    }

    func testNameEscapes() {
        // A label with a dot, a space, a quote and a byte 0xff.
        let rdata: [UInt8] = [6, 0x61, 0x2E, 0x20, 0x22, 0xFF, 0x62, 0]
        check(5, rdata, #"a\.\ \"\255b."#)
    }

    func testNameMustEndInsideRDLENGTH() {
        // The message holds the whole name, but RDLENGTH stops before its end.
        let name = wire("foo.example.")
        let message = name + [0xAA, 0xBB]
        XCTAssertEqual(render(2, message, length: name.count), "foo.example.")
        XCTAssertNil(render(2, message, length: name.count - 1))
        XCTAssertNil(render(2, message, length: 3))
    }

    func testBadPointers() {
        // Pointer to itself, forward pointer, pointer past the message.
        let (m1, o1) = messageWith([0xC0, 29])
        XCTAssertEqual(o1, 29)
        XCTAssertNil(render(2, m1, offset: o1))
        let (m2, o2) = messageWith([0xC0, 31, 0, 0])
        XCTAssertNil(render(2, m2, offset: o2, length: 2))
        let (m3, o3) = messageWith([0xFF, 0xFF])
        XCTAssertNil(render(2, m3, offset: o3))
        // Reserved label type 0x40.
        XCTAssertNil(render(2, [0x41, 0x61, 0]))
        // A label longer than the RDATA.
        XCTAssertNil(render(2, [5, 0x61, 0]))
    }

    func testSOA() {
        let rdata = wire("ns1.example.test.") + wire("hostmaster.example.test.")
            + be32(2_024_010_101) + be32(3600) + be32(900) + be32(604_800) + be32(300)
        check(6, rdata, "ns1.example.test. hostmaster.example.test. 2024010101 3600 900 604800 300")
        XCTAssertNil(render(6, rdata + [0]))
        XCTAssertNil(render(6, Array(rdata.dropLast())))
    }

    func testSOACompressed() {
        let rdata = [3] + Array("ns1".utf8) + [0xC0, 0x0C] + [10] + Array("hostmaster".utf8) + [0xC0, 0x0C]
            + be32(4_294_967_295) + be32(1) + be32(2) + be32(3) + be32(4)
        let (m, o) = messageWith(rdata)
        check(6, m, offset: o, "ns1.example.com. hostmaster.example.com. 4294967295 1 2 3 4")
    }

    func testMX() {
        check(15, be16(10) + wire("mail.example.com."), "10 mail.example.com.")
        let (m, o) = messageWith(be16(65535) + [4] + Array("mail".utf8) + [0xC0, 0x0C])
        check(15, m, offset: o, "65535 mail.example.com.")
        // The exchange is the root.
        check(15, be16(0) + [0], "0 .")
        XCTAssertNil(render(15, be16(10)))
    }

    func testHINFO() {
        check(13, cs("PC") + cs("Linux"), #""PC" "Linux""#)
        check(13, cs("") + cs("RFC8482"), #""" "RFC8482""#)
        XCTAssertNil(render(13, cs("PC")))
        XCTAssertNil(render(13, cs("PC") + cs("Linux") + [0]))
    }

    func testTXT() {
        check(16, cs("v=spf1 -all"), #""v=spf1 -all""#)
        check(16, cs("one") + cs("two") + cs(""), #""one" "two" """#)
        check(16, [5, 0x22, 0x5C, 0x0A, 0x7F, 0xC3], #""\"\\\010\127\195""#)
        check(16, [0], #""""#)
        XCTAssertNil(render(16, []))
        XCTAssertNil(render(16, [3, 0x61]))
        check(99, cs("v=spf1 -all"), #""v=spf1 -all""#)
    }

    func testSRV() {
        check(33, be16(10) + be16(20) + be16(5060) + wire("sip.example.test."), "10 20 5060 sip.example.test.")
        check(33, be16(0) + be16(0) + be16(0) + [0], "0 0 0 .")
        let (m, o) = messageWith(be16(1) + be16(2) + be16(443) + [0xC0, 0x0C])
        check(33, m, offset: o, "1 2 443 example.com.")
        XCTAssertNil(render(33, be16(10) + be16(20) + be16(5060)))
    }

    func testNAPTR() {
        let rdata = be16(100) + be16(10) + cs("S") + cs("SIP+D2U") + cs("") + wire("_sip._udp.example.test.")
        check(35, rdata, #"100 10 "S" "SIP+D2U" "" _sip._udp.example.test."#)
        let regexp = be16(100) + be16(50) + cs("u") + cs("E2U+sip") + cs(#"!^.*$!sip:info@example.com!"#) + [0]
        check(35, regexp, #"100 50 "u" "E2U+sip" "!^.*$!sip:info@example.com!" ."#)
        XCTAssertNil(render(35, be16(100) + be16(10) + cs("S") + cs("SIP+D2U") + [0]))
    }

    func testRPAFSDBKX() {
        check(17, wire("admin.example.com.") + wire("info.example.com."), "admin.example.com. info.example.com.")
        check(18, be16(1) + wire("afsdb.example.com."), "1 afsdb.example.com.")
        check(36, be16(10) + wire("kx.example.com."), "10 kx.example.com.")
    }

    func testCAA() {
        check(257, [0, 5] + Array("issue".utf8) + Array("ca.example.net".utf8), #"0 issue "ca.example.net""#)
        check(257, [128, 3] + Array("tbs".utf8) + Array("Unknown".utf8), #"128 tbs "Unknown""#)
        check(257, [0, 5] + Array("issue".utf8), #"0 issue """#)
        check(257, [0, 5] + Array("iodef".utf8) + Array("mailto:\"x\"".utf8), #"0 iodef "mailto:\"x\"""#)
        XCTAssertNil(render(257, [0, 0] + Array("x".utf8)))  // empty tag
        XCTAssertNil(render(257, [0, 5] + Array("iss e".utf8)))  // space in tag
        XCTAssertNil(render(257, [0, 6] + Array("issue".utf8)))  // tag past the end
    }

    func testURI() {
        check(256, be16(10) + be16(1) + Array("ftp://ftp1.example.com/public".utf8),
              #"10 1 "ftp://ftp1.example.com/public""#)
        XCTAssertNil(render(256, be16(10) + be16(1)))
    }

    func testEUI() {
        check(108, hex("00005e00532a"), "00-00-5e-00-53-2a")
        check(109, hex("00005eef1000002a"), "00-00-5e-ef-10-00-00-2a")
        XCTAssertNil(render(108, hex("00005e0053")))
        XCTAssertNil(render(109, hex("00005e00532a")))
    }

    func testLOC() {
        // RFC 1876 example-like: 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m.
        let rdata: [UInt8] = [0, 0x00, 0x16, 0x13] + be32(2_336_026_648) + be32(2_165_095_648) + be32(9_999_800)
        check(29, rdata, "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m")
        // South, west, above the base, sub-metre precisions.
        let south: [UInt8] = [0, 0x12, 0x11, 0x10] + be32((1 << 31) - 1) + be32((1 << 31) - 180 * 3_600_000)
            + be32(10_000_000 + 12_345)
        check(29, south, "0 0 0.001 S 180 0 0.000 W 123.45m 1m 0.10m 0.01m")
        XCTAssertNil(render(29, [1] + Array(rdata.dropFirst())))  // version 1
        XCTAssertNil(render(29, [0, 0xA0] + Array(rdata.dropFirst(2))))  // mantissa 10
        XCTAssertNil(render(29, [0, 0x0A] + Array(rdata.dropFirst(2))))  // exponent with zero mantissa
        XCTAssertNil(render(29, Array(rdata[0 ..< 4]) + be32((1 << 31) + 90 * 3_600_000 + 1) + Array(rdata[8...])))
    }

    func testUnknownTypes() {
        XCTAssertEqual(render(65280, [0xDE, 0xAD, 0xBE, 0xEF]), ##"\# 4 deadbeef"##)
        XCTAssertEqual(render(10, []), ##"\# 0"##)
        XCTAssertEqual(render(41, [0, 1]), ##"\# 2 0001"##)
        XCTAssertEqual(text { out in
            withBytes(hex("0102030405")) { RDataWriter.writeUnknown(message: $0, offset: 1, length: 3, into: &out) }
        }, ##"\# 3 020304"##)
        // A range that runs off the message is clipped, and write refuses it.
        XCTAssertEqual(text { out in
            withBytes(hex("0102")) { RDataWriter.writeUnknown(message: $0, offset: 1, length: 9, into: &out) }
        }, ##"\# 1 02"##)
        withBytes(hex("0102")) { m in
            var out = OutputBuffer()
            XCTAssertFalse(RDataWriter.write(type: 1, message: m, offset: 1, length: 4, into: &out))
            XCTAssertFalse(RDataWriter.write(type: 999, message: m, offset: -1, length: 1, into: &out))
            XCTAssertFalse(RDataWriter.validate(type: 999, message: m, offset: 2, length: 1))
            XCTAssertTrue(RDataWriter.validate(type: 999, message: m, offset: 2, length: 0))
        }
    }
}
