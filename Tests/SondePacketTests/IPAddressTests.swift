import Glibc
import SondePacket
import XCTest

final class IPAddressTests: XCTestCase {
    func v6(_ groups: [UInt16]) -> IPAddress {
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return IPAddress(ipv6High: high, low: low)
    }

    func text(_ address: IPAddress) -> String {
        var buffer = [UInt8](repeating: 0, count: IPAddress.maxPresentationLength)
        let count = buffer.withUnsafeMutableBufferPointer { address.writePresentation(to: $0.baseAddress!) }
        XCTAssertLessThanOrEqual(count, IPAddress.maxPresentationLength)
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// RFC 5952 sections 4 and 5, plus the edges of the zero-run rule.
    func testRFC5952CanonicalForms() {
        let cases: [([UInt16], String)] = [
            ([0x2001, 0x0db8, 0, 0, 0, 0, 0, 0x0001], "2001:db8::1"),  // 4.1 leading zeros, 4.2.1 longest run
            ([0x2001, 0xdb8, 0, 0, 0, 0, 2, 1], "2001:db8::2:1"),
            ([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], "2001:db8:0:1:1:1:1:1"),  // 4.2.2 one zero group stays
            ([0x2001, 0, 0, 1, 0, 0, 0, 1], "2001:0:0:1::1"),  // 4.2.3 the longest run
            ([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], "2001:db8::1:0:0:1"),  // 4.2.3 first run on a tie
            ([0x2001, 0xdb8, 0xaaaa, 0xbbbb, 0xcccc, 0xdddd, 0xeeee, 0xaaaa], "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"),  // 4.3
            ([0, 0, 0, 0, 0, 0, 0, 0], "::"),
            ([0, 0, 0, 0, 0, 0, 0, 1], "::1"),
            ([1, 0, 0, 0, 0, 0, 0, 0], "1::"),
            ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], "2001:db8::"),
            ([0, 0, 1, 2, 3, 4, 0, 0], "::1:2:3:4:0:0"),
            ([1, 0, 0, 2, 0, 0, 0, 3], "1:0:0:2::3"),
            ([0xfe80, 0, 0, 0, 0x0202, 0xb3ff, 0xfe1e, 0x8329], "fe80::202:b3ff:fe1e:8329"),
            ([0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff], "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            ([1, 0, 1, 0, 1, 0, 1, 0], "1:0:1:0:1:0:1:0"),
            ([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201], "::ffff:192.0.2.1"),  // 5: IPv4-mapped
            ([0, 0, 0, 0, 0, 0xffff, 0, 0], "::ffff:0.0.0.0"),
            ([0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff], "::ffff:255.255.255.255"),
            ([0, 0, 0, 0, 0, 0, 0xc000, 0x0201], "::c000:201"),  // deprecated IPv4-compatible: plain hex
            ([0x64, 0xff9b, 0, 0, 0, 0, 0xc000, 0x0201], "64:ff9b::c000:201"),
        ]
        for (groups, expected) in cases {
            XCTAssertEqual(text(v6(groups)), expected)
            XCTAssertEqual(v6(groups).description, expected)
        }
    }

    func testDottedQuad() {
        let cases: [(UInt32, String)] = [
            (0, "0.0.0.0"), (0xffff_ffff, "255.255.255.255"), (0xc000_0201, "192.0.2.1"),
            (0x0a00_6409, "10.0.100.9"), (0x7f00_0001, "127.0.0.1"), (0x0102_0a63, "1.2.10.99"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(text(IPAddress(ipv4: value)), expected)
            XCTAssertEqual(IPAddress(ipv4: value).ipv4Value, value)
        }
    }

    /// glibc's inet_ntop follows the same rules, except that it also writes `::/96` addresses in
    /// mixed notation; compare on random addresses rich in zero runs.
    func testAgreesWithInetNtop() {
        var random = SplitMix64(state: 5952)
        for _ in 0..<20000 {
            var groups = [UInt16](repeating: 0, count: 8)
            for index in 0..<8 {
                switch random.next() % 4 {
                case 0, 1: groups[index] = 0
                case 2: groups[index] = UInt16(random.next() % 16)
                default: groups[index] = UInt16(truncatingIfNeeded: random.next())
                }
            }
            if groups[0..<6].allSatisfy({ $0 == 0 }) { continue }
            let bytes = Wire.v6(groups)
            var output = [CChar](repeating: 0, count: 64)
            let reference = bytes.withUnsafeBytes { raw in
                output.withUnsafeMutableBufferPointer { out in
                    String(cString: inet_ntop(AF_INET6, raw.baseAddress, out.baseAddress, socklen_t(out.count))!)
                }
            }
            XCTAssertEqual(text(v6(groups)), reference)
        }
    }

    func testNetworkBytes() {
        var buffer = [UInt8](repeating: 0, count: 16)
        let address = v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x53])
        XCTAssertEqual(buffer.withUnsafeMutableBufferPointer { address.writeNetworkBytes(to: $0.baseAddress!) }, 16)
        XCTAssertEqual(buffer, Wire.doc6a)
        XCTAssertEqual(buffer.withUnsafeMutableBufferPointer { IPAddress(ipv4: 0xc000_0201).writeNetworkBytes(to: $0.baseAddress!) }, 4)
        XCTAssertEqual(Array(buffer[0..<4]), [192, 0, 2, 1])
    }

    func testFamilyIsPartOfIdentity() {
        XCTAssertNotEqual(IPAddress(ipv4: 0), v6([0, 0, 0, 0, 0, 0, 0, 0]))
        XCTAssertTrue(v6([0, 0, 0, 0, 0, 0xffff, 1, 2]).isIPv4Mapped)
        XCTAssertFalse(IPAddress(ipv4: 0xffff).isIPv4Mapped)
        XCTAssertNil(v6([0, 0, 0, 0, 0, 0, 0, 1]).ipv4Value)
    }
}
