#if canImport(Glibc)
import Glibc
#endif
public import SondeCore

/// A network in CIDR form (`192.0.2.0/24`, `2001:db8::/32`, or a single address), for allow-lists.
public struct IPNetwork: Sendable, Equatable {
    /// 16 octets; IPv4 as IPv4-mapped IPv6 so that one comparison serves both.
    let bytes: [UInt8]
    /// Prefix length over the 16 octets.
    let prefix: Int

    public init(parsing text: String) throws(SondeError) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let address = parts.first.flatMap({ Self.parse(String($0)) }) else {
            throw SondeError("\"\(text)\" is not a network (expected an address or address/prefix, 192.0.2.0/24)")
        }
        let isV4 = !parts[0].contains(":")
        let maxPrefix = isV4 ? 32 : 128
        var p = maxPrefix
        if parts.count == 2 {
            guard let v = Int(parts[1]), (0...maxPrefix).contains(v) else {
                throw SondeError("\"\(text)\": the prefix must be 0-\(maxPrefix)")
            }
            p = v
        }
        bytes = address
        prefix = isV4 ? p + 96 : p
    }

    /// Whether the address (in presentation form) is inside the network.
    public func contains(_ address: String) -> Bool {
        guard let a = Self.parse(address) else { return false }
        var bits = prefix
        for i in 0..<16 where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xff : ~(0xff >> UInt8(bits))
            if a[i] & mask != bytes[i] & mask { return false }
            bits -= 8
        }
        return true
    }

    /// 16 octets for an IPv4 or IPv6 address; IPv4 becomes `::ffff:a.b.c.d`.
    static func parse(_ text: String) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &out) == 1 { return out }
        var v4 = [UInt8](repeating: 0, count: 4)
        guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
        out[10] = 0xff
        out[11] = 0xff
        out.replaceSubrange(12..<16, with: v4)
        return out
    }
}
