#if canImport(Glibc)
import Glibc
#endif
public import SondePacket

/// A set of networks in CIDR form (`10.0.0.0/8`, `2001:db8::/32`, single addresses), IPv4 and IPv6, for filters.
///
/// Networks are kept as sorted, merged ranges of addresses, one list per family, so a lookup is a binary search:
/// a list of ten thousand networks costs fourteen compares.
public struct NetworkSet: Sendable, Equatable {
    var v4: [(UInt32, UInt32)] = []
    var v6: [(UInt128, UInt128)] = []

    public static func == (a: NetworkSet, b: NetworkSet) -> Bool {
        a.v4.elementsEqual(b.v4, by: ==) && a.v6.elementsEqual(b.v6, by: ==)
    }

    /// The networks of `texts`; an unreadable one is an error that names it.
    public init(parsing texts: [String]) throws(SondeError) {
        var v4: [(UInt32, UInt32)] = []
        var v6: [(UInt128, UInt128)] = []
        for text in texts {
            let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
            guard let first = parts.first else { throw SondeError("\"\(text)\" is not a network") }
            var a4 = in_addr()
            var a6 = in6_addr()
            if inet_pton(AF_INET, first, &a4) == 1 {
                let prefix = try Self.prefix(parts, 32, text)
                let base = UInt32(bigEndian: a4.s_addr)
                let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
                v4.append((base & mask, (base & mask) | ~mask))
            } else if inet_pton(AF_INET6, first, &a6) == 1 {
                let prefix = try Self.prefix(parts, 128, text)
                let base = withUnsafeBytes(of: a6) { b in b.reduce(UInt128(0)) { $0 << 8 | UInt128($1) } }
                let mask: UInt128 = prefix == 0 ? 0 : ~UInt128(0) << UInt128(128 - prefix)
                v6.append((base & mask, (base & mask) | ~mask))
            } else {
                throw SondeError("\"\(text)\" is not a network (expected an address or address/prefix: 10.0.0.0/8, 2001:db8::/32)")
            }
        }
        self.v4 = Self.merged(v4)
        self.v6 = Self.merged(v6)
    }

    static func prefix(_ parts: [String], _ max: Int, _ text: String) throws(SondeError) -> Int {
        guard parts.count == 2 else { return max }
        guard let p = Int(parts[1]), (0...max).contains(p) else { throw SondeError("\"\(text)\": the prefix must be 0-\(max)") }
        return p
    }

    static func merged<T: Comparable & FixedWidthInteger>(_ ranges: [(T, T)]) -> [(T, T)] {
        var out: [(T, T)] = []
        for r in ranges.sorted(by: { $0.0 < $1.0 }) {
            if let last = out.last, last.1 == T.max || r.0 <= last.1 + 1 {
                out[out.count - 1].1 = max(last.1, r.1)
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// Whether the set is empty.
    public var isEmpty: Bool { v4.isEmpty && v6.isEmpty }

    /// Whether `address` is in one of the networks (an IPv4 address is not in an IPv6 network, mapped or not).
    @inlinable
    public func contains(_ address: IPAddress) -> Bool {
        if address.family == .v4 { return Self.search(v4Ranges, UInt32(truncatingIfNeeded: address.low)) }
        return Self.search(v6Ranges, UInt128(address.high) << 64 | UInt128(address.low))
    }

    @usableFromInline var v4Ranges: [(UInt32, UInt32)] { v4 }
    @usableFromInline var v6Ranges: [(UInt128, UInt128)] { v6 }

    @usableFromInline
    static func search<T: Comparable>(_ ranges: [(T, T)], _ v: T) -> Bool {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if ranges[mid].1 < v { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].0 <= v
    }
}
