// Text forms of an address, written into caller-owned memory so that formatting a packet's
// addresses on the hot path builds no String.

extension IPAddress {
    /// The longest text `writePresentation(to:)` can produce: eight 4-digit groups and seven colons
    /// (`ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff` is 39 bytes). The mixed form is shorter:
    /// `::ffff:255.255.255.255` is 22 bytes, a dotted quad at most 15.
    public static let maxPresentationLength = 39

    /// Writes the presentation form of the address as ASCII and returns the number of bytes written.
    ///
    /// IPv4 is a dotted quad without leading zeros. IPv6 follows RFC 5952: lowercase hex, no leading
    /// zeros in a group, the longest run of two or more zero groups shortened to `::` (the first run on
    /// a tie), and IPv4-mapped addresses in mixed notation (`::ffff:192.0.2.1`). Other embedded-IPv4
    /// forms (the deprecated IPv4-compatible `::/96`, NAT64 prefixes) are printed in plain hex, as RFC
    /// 5952 section 5 leaves them optional.
    ///
    /// - Parameter destination: room for at least `IPAddress.maxPresentationLength` bytes.
    public func writePresentation(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        switch family {
        case .v4:
            return Self.writeDottedQuad(UInt32(truncatingIfNeeded: low), to: destination)
        case .v6:
            if isIPv4Mapped {
                // "::ffff:" then the dotted quad.
                let prefix: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (58, 58, 102, 102, 102, 102, 58)
                withUnsafeBytes(of: prefix) { bytes in
                    for index in 0..<7 { destination[index] = bytes[index] }
                }
                return 7 + Self.writeDottedQuad(UInt32(truncatingIfNeeded: low), to: destination + 7)
            }
            return writeIPv6Groups(to: destination)
        }
    }

    /// The 16-bit group `index` (0...7) of an IPv6 address.
    @inline(__always)
    private func group(_ index: Int) -> UInt16 {
        let word = index < 4 ? high : low
        return UInt16(truncatingIfNeeded: word >> UInt64(48 - 16 * (index & 3)))
    }

    private func writeIPv6Groups(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        // One bit per zero group (bit i for group i); the longest run of ones is the run to shorten, the first
        // one on a tie (RFC 5952 4.2.3), and only when it is two groups or more (4.2.2).
        var zeros: UInt32 = 0
        for index in 0..<8 where group(index) == 0 { zeros |= 1 << UInt32(index) }
        var bestStart = -1
        var bestLength = 0
        var rest = zeros
        while rest != 0 {
            let start = rest.trailingZeroBitCount
            let length = (~(rest >> UInt32(start))).trailingZeroBitCount
            if length > bestLength {
                bestStart = start
                bestLength = length
            }
            rest &= ~(((1 << UInt32(length)) &- 1) << UInt32(start))
        }
        if bestLength < 2 { bestStart = -1 }

        let pairs = UnsafeRawPointer(hexPairs.utf8Start)
        let out = UnsafeMutableRawPointer(destination)
        var written = 0
        var index = 0
        while index < 8 {
            if index == bestStart {
                destination[written] = 58  // ':'
                destination[written &+ 1] = 58
                written &+= 2
                index &+= bestLength
                continue
            }
            // A separator goes before every group except the first and one right after "::".
            if index > 0 && index != bestStart &+ bestLength {
                destination[written] = 58
                written &+= 1
            }
            // Lowercase hex without leading zeros (RFC 5952 4.1, 4.3): the group's four digits from a table of
            // byte pairs, shifted past the leading zeros and stored at once. Before the last group at most 35
            // bytes are written, so the 4-byte store stays within the 39 of the longest address.
            let value = group(index)
            let digits = value == 0 ? 1 : (19 &- value.leadingZeroBitCount) >> 2
            let high = UInt32(pairs.loadUnaligned(fromByteOffset: Int(value >> 8) &* 2, as: UInt16.self))
            let low = UInt32(pairs.loadUnaligned(fromByteOffset: Int(value & 0xFF) &* 2, as: UInt16.self))
            let text = (high | low << 16) >> UInt32((4 &- digits) &* 8)
            out.storeBytes(of: text, toByteOffset: written, as: UInt32.self)
            written &+= digits
            index &+= 1
        }
        return written
    }

    /// Writes the four octets, each as one 4-byte store from ``octetText`` (its digits and a dot), so a quad
    /// costs no division. The destination must have room for 16 bytes (the last store reaches one past the text).
    @inline(__always)
    private static func writeDottedQuad(_ value: UInt32, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        let table = UnsafeRawPointer(octetText.utf8Start)
        let out = UnsafeMutableRawPointer(destination)
        var written = 0
        for index in 0..<4 {
            let octet = Int(truncatingIfNeeded: (value >> UInt32(24 - 8 * index)) & 0xFF)
            out.storeBytes(of: table.loadUnaligned(fromByteOffset: octet &* 4, as: UInt32.self), toByteOffset: written, as: UInt32.self)
            written &+= 2 &+ (octet >= 10 ? 1 : 0) &+ (octet >= 100 ? 1 : 0)
        }
        return written &- 1  // no dot after the last octet
    }
}

/// "00", "01", …, "ff": each byte's two lowercase hex digits.
let hexPairs: StaticString = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

/// "0...", "1...", …, "255.": each octet's digits followed by dots, four bytes an entry.
let octetText: StaticString = "0...1...2...3...4...5...6...7...8...9...10..11..12..13..14..15..16..17..18..19..20..21..22..23..24..25..26..27..28..29..30..31..32..33..34..35..36..37..38..39..40..41..42..43..44..45..46..47..48..49..50..51..52..53..54..55..56..57..58..59..60..61..62..63..64..65..66..67..68..69..70..71..72..73..74..75..76..77..78..79..80..81..82..83..84..85..86..87..88..89..90..91..92..93..94..95..96..97..98..99..100.101.102.103.104.105.106.107.108.109.110.111.112.113.114.115.116.117.118.119.120.121.122.123.124.125.126.127.128.129.130.131.132.133.134.135.136.137.138.139.140.141.142.143.144.145.146.147.148.149.150.151.152.153.154.155.156.157.158.159.160.161.162.163.164.165.166.167.168.169.170.171.172.173.174.175.176.177.178.179.180.181.182.183.184.185.186.187.188.189.190.191.192.193.194.195.196.197.198.199.200.201.202.203.204.205.206.207.208.209.210.211.212.213.214.215.216.217.218.219.220.221.222.223.224.225.226.227.228.229.230.231.232.233.234.235.236.237.238.239.240.241.242.243.244.245.246.247.248.249.250.251.252.253.254.255."

extension IPAddress: CustomStringConvertible {
    /// The presentation form (see `writePresentation(to:)`), for tests, logs and debugging; it allocates.
    public var description: String {
        String(unsafeUninitializedCapacity: Self.maxPresentationLength) { buffer in
            writePresentation(to: buffer.baseAddress!)
        }
    }
}
