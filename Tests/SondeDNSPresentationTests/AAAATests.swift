import XCTest

@testable import SondeDNS

/// RFC 5952 canonical text for AAAA RDATA.
final class AAAATests: XCTestCase {
    func address(_ groups: [UInt16]) -> [UInt8] { groups.flatMap { be16($0) } }

    func testRFC5952Examples() {
        let cases: [([UInt16], String)] = [
            ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], "2001:db8::1"),
            ([0x2001, 0xdb8, 0, 0, 0, 0, 2, 1], "2001:db8::2:1"),  // §4.2.1
            ([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], "2001:db8:0:1:1:1:1:1"),  // §4.2.2 one zero group
            ([0x2001, 0, 0, 1, 0, 0, 0, 1], "2001:0:0:1::1"),  // §4.2.3 longest run
            ([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], "2001:db8::1:0:0:1"),  // §4.2.3 first on a tie
            ([0x2001, 0xdb8, 0xaaaa, 0xbbbb, 0xcccc, 0xdddd, 0xeeee, 0xaaaa], "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa"),
            ([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], "2001:db8::"),
            ([0, 0, 0, 0, 0, 0, 0, 0], "::"),
            ([0, 0, 0, 0, 0, 0, 0, 1], "::1"),
            ([1, 0, 0, 0, 0, 0, 0, 0], "1::"),
            ([0xfe80, 0, 0, 0, 0x0202, 0xb3ff, 0xfe1e, 0x8329], "fe80::202:b3ff:fe1e:8329"),
            ([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201], "::ffff:192.0.2.1"),  // §5 IPv4-mapped
            ([0, 0, 0, 0, 0, 0, 0xc000, 0x0201], "::c000:201"),  // IPv4-compatible is not special
            ([0, 0, 0, 0, 1, 0xffff, 0xc000, 0x0201], "::1:ffff:c000:201"),
            ([1, 0, 1, 0, 1, 0, 1, 0], "1:0:1:0:1:0:1:0"),
            ([0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff],
             "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ]
        for (groups, expected) in cases {
            check(28, address(groups), expected)
        }
        XCTAssertNil(render(28, [UInt8](repeating: 0, count: 15)))
        XCTAssertNil(render(28, [UInt8](repeating: 0, count: 17)))
    }

    /// Every address with groups drawn from {0, 1} against a straightforward reference implementation.
    func testAllZeroPatterns() {
        for mask in 0 ..< 256 {
            let groups = (0 ..< 8).map { UInt16((mask >> (7 - $0)) & 1) }
            if groups[0 ..< 5].allSatisfy({ $0 == 0 }) && groups[5] == 0xffff { continue }
            XCTAssertEqual(render(28, address(groups)), reference(groups), "\(groups)")
        }
    }

    func reference(_ g: [UInt16]) -> String {
        var best = (start: -1, length: 1)
        var i = 0
        while i < 8 {
            var j = i
            while j < 8 && g[j] == 0 { j += 1 }
            if j - i > best.length { best = (i, j - i) }
            i = max(j, i + 1)
        }
        let hexes = g.map { String($0, radix: 16) }
        if best.start < 0 { return hexes.joined(separator: ":") }
        return hexes[0 ..< best.start].joined(separator: ":") + "::"
            + hexes[(best.start + best.length)...].joined(separator: ":")
    }
}
