import SondeTransforms
import XCTest

final class AddressPrefixMaskTests: XCTestCase {
    func testIPv4Lengths() {
        let address: UInt32 = 0xc000_024d  // 192.0.2.77
        XCTAssertEqual(AddressPrefixMask.keep(0, ofIPv4: address), 0)
        XCTAssertEqual(AddressPrefixMask.keep(1, ofIPv4: address), 0x8000_0000)
        XCTAssertEqual(AddressPrefixMask.keep(7, ofIPv4: 0xffff_ffff), 0xfe00_0000)
        XCTAssertEqual(AddressPrefixMask.keep(24, ofIPv4: address), 0xc000_0200)
        XCTAssertEqual(AddressPrefixMask.keep(25, ofIPv4: 0xc000_02ff), 0xc000_0280)
        XCTAssertEqual(AddressPrefixMask.keep(31, ofIPv4: 0xffff_ffff), 0xffff_fffe)
        XCTAssertEqual(AddressPrefixMask.keep(32, ofIPv4: address), address)
        for bits in 0...32 {
            XCTAssertEqual(AddressPrefixMask.ipv4Mask(keeping: bits).nonzeroBitCount, bits)
            XCTAssertEqual(AddressPrefixMask.ipv4Mask(keeping: bits).leadingZeroBitCount, bits == 0 ? 32 : 0)
        }
    }

    func testIPv6Lengths() {
        let (h, l): (UInt64, UInt64) = (.max, .max)
        XCTAssertTrue(AddressPrefixMask.keep(0, ofIPv6High: h, low: l) == (0, 0))
        XCTAssertTrue(AddressPrefixMask.keep(1, ofIPv6High: h, low: l) == (0x8000_0000_0000_0000, 0))
        XCTAssertTrue(AddressPrefixMask.keep(33, ofIPv6High: h, low: l) == (0xffff_ffff_8000_0000, 0))
        XCTAssertTrue(AddressPrefixMask.keep(63, ofIPv6High: h, low: l) == (0xffff_ffff_ffff_fffe, 0))
        XCTAssertTrue(AddressPrefixMask.keep(64, ofIPv6High: h, low: l) == (.max, 0))
        XCTAssertTrue(AddressPrefixMask.keep(65, ofIPv6High: h, low: l) == (.max, 0x8000_0000_0000_0000))
        XCTAssertTrue(AddressPrefixMask.keep(127, ofIPv6High: h, low: l) == (.max, 0xffff_ffff_ffff_fffe))
        XCTAssertTrue(AddressPrefixMask.keep(128, ofIPv6High: h, low: l) == (.max, .max))
        // 2001:db8:1234:5678::1 kept to /48.
        XCTAssertTrue(
            AddressPrefixMask.keep(48, ofIPv6High: 0x2001_0db8_1234_5678, low: 1) == (0x2001_0db8_1234_0000, 0))
        for bits in 0...128 {
            let (mh, ml) = AddressPrefixMask.ipv6Mask(keeping: bits)
            XCTAssertEqual(mh.nonzeroBitCount + ml.nonzeroBitCount, bits)
            XCTAssertTrue(bits == 0 || mh.leadingZeroBitCount == 0)
        }
    }

    func testConfiguredMask() throws {
        let mask = try AddressPrefixMask(ipv4Bits: 24, ipv6Bits: 56)
        XCTAssertEqual(mask.anonymize(ipv4: 0x0a01_0203), 0x0a01_0200)
        XCTAssertTrue(mask.anonymize(ipv6High: 0x2001_0db8_aabb_ccdd, low: 9) == (0x2001_0db8_aabb_cc00, 0))
        let anonymizer: any AddressAnonymizer = mask
        XCTAssertEqual(anonymizer.anonymize(ipv4: 0xffff_ffff), 0xffff_ff00)
    }

    func testLengthsAreChecked() {
        XCTAssertThrowsError(try AddressPrefixMask(ipv4Bits: 33, ipv6Bits: 64)) { error in
            XCTAssertEqual("\(error)", "IPv4 prefix length: 33 is outside 0...32")
        }
        XCTAssertThrowsError(try AddressPrefixMask(ipv4Bits: -1, ipv6Bits: 64))
        XCTAssertThrowsError(try AddressPrefixMask(ipv4Bits: 24, ipv6Bits: 129)) { error in
            XCTAssertEqual("\(error)", "IPv6 prefix length: 129 is outside 0...128")
        }
        XCTAssertNoThrow(try AddressPrefixMask(ipv4Bits: 0, ipv6Bits: 128))
    }
}
