import XCTest

@testable import SondeDNS

final class MnemonicsTests: XCTestCase {
    func testTypes() {
        XCTAssertEqual(text { DNSType.write(1, into: &$0) }, "A")
        XCTAssertEqual(text { DNSType.write(28, into: &$0) }, "AAAA")
        XCTAssertEqual(text { DNSType.write(65, into: &$0) }, "HTTPS")
        XCTAssertEqual(text { DNSType.write(255, into: &$0) }, "ANY")
        XCTAssertEqual(text { DNSType.write(32769, into: &$0) }, "DLV")
        XCTAssertEqual(text { DNSType.write(0, into: &$0) }, "TYPE0")
        XCTAssertEqual(text { DNSType.write(54, into: &$0) }, "TYPE54")
        XCTAssertEqual(text { DNSType.write(65280, into: &$0) }, "TYPE65280")
        XCTAssertEqual(DNSType.code(forMnemonic: "aaaa"), 28)
        XCTAssertEqual(DNSType.code(forMnemonic: "NSAP-PTR"), 23)
        XCTAssertEqual(DNSType.code(forMnemonic: "nsec3param"), 51)
        XCTAssertEqual(DNSType.code(forMnemonic: "TYPE65280"), 65280)
        XCTAssertEqual(DNSType.code(forMnemonic: "type1"[...]), 1)
        XCTAssertEqual(DNSType.code(forMnemonic: "TA"), 32768)
        XCTAssertNil(DNSType.code(forMnemonic: "TYPE"))
        XCTAssertNil(DNSType.code(forMnemonic: "TYPE65536"))
        XCTAssertNil(DNSType.code(forMnemonic: "TYPE99999999999999999999"))
        XCTAssertNil(DNSType.code(forMnemonic: "AAAAA"))
        XCTAssertNil(DNSType.code(forMnemonic: "AA"))
        XCTAssertNil(DNSType.code(forMnemonic: ""))
    }

    func testTypeRoundTrip() {
        for c in Array(0 ... 600) + Array(32760 ... 32780) + Array(65270 ... 65535) {
            let code = UInt16(c)
            XCTAssertEqual(DNSType.code(forMnemonic: text { DNSType.write(code, into: &$0) }), code)
        }
    }

    func testClasses() {
        XCTAssertEqual(text { DNSClass.write(1, into: &$0) }, "IN")
        XCTAssertEqual(text { DNSClass.write(3, into: &$0) }, "CH")
        XCTAssertEqual(text { DNSClass.write(4, into: &$0) }, "HS")
        XCTAssertEqual(text { DNSClass.write(254, into: &$0) }, "NONE")
        XCTAssertEqual(text { DNSClass.write(255, into: &$0) }, "ANY")
        XCTAssertEqual(text { DNSClass.write(2, into: &$0) }, "CLASS2")
        XCTAssertEqual(DNSClass.code(forMnemonic: "chaos"), 3)
        XCTAssertEqual(DNSClass.code(forMnemonic: "ch"), 3)
        XCTAssertEqual(DNSClass.code(forMnemonic: "in"), 1)
        XCTAssertEqual(DNSClass.code(forMnemonic: "CLASS65535"), 65535)
        XCTAssertNil(DNSClass.code(forMnemonic: "INX"))
        for c in 0 ... 1000 {
            XCTAssertEqual(DNSClass.code(forMnemonic: text { DNSClass.write(UInt16(c), into: &$0) }), UInt16(c))
        }
    }

    func testRcodes() {
        let names = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
                     "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI"]
        for (i, n) in names.enumerated() {
            XCTAssertEqual(text { DNSRcode.write(UInt16(i), into: &$0) }, n)
        }
        let extended = ["BADVERS", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE"]
        for (i, n) in extended.enumerated() {
            XCTAssertEqual(text { DNSRcode.write(UInt16(16 + i), into: &$0) }, n)
        }
        XCTAssertEqual(text { DNSRcode.write(12, into: &$0) }, "RCODE12")
        XCTAssertEqual(text { DNSRcode.write(4095, into: &$0) }, "RCODE4095")
        XCTAssertEqual(DNSRcode.code(forMnemonic: "badsig"), 16)
        XCTAssertEqual(DNSRcode.code(forMnemonic: "nxdomain"), 3)
        XCTAssertNil(DNSRcode.code(forMnemonic: "RCODE4096"))
        for c in 0 ... 4095 {
            XCTAssertEqual(DNSRcode.code(forMnemonic: text { DNSRcode.write(UInt16(c), into: &$0) }), UInt16(c))
        }
    }

    func testOpcodes() {
        let names = [0: "QUERY", 1: "IQUERY", 2: "STATUS", 3: "OPCODE3", 4: "NOTIFY", 5: "UPDATE", 6: "DSO",
                     15: "OPCODE15"]
        for (c, n) in names {
            XCTAssertEqual(text { DNSOpcode.write(UInt8(c), into: &$0) }, n)
            XCTAssertEqual(DNSOpcode.code(forMnemonic: n.lowercased()), UInt8(c))
        }
        XCTAssertNil(DNSOpcode.code(forMnemonic: "OPCODE16"))
    }
}
