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
        // Find the longest run of zero groups; `>` keeps the first run on a tie (RFC 5952 4.2.3).
        var bestStart = -1
        var bestLength = 0
        var runStart = -1
        for index in 0..<8 {
            if group(index) == 0 {
                if runStart < 0 { runStart = index }
                let length = index - runStart + 1
                if length > bestLength {
                    bestStart = runStart
                    bestLength = length
                }
            } else {
                runStart = -1
            }
        }
        // A single zero group is never shortened (RFC 5952 4.2.2).
        if bestLength < 2 { bestStart = -1 }

        var written = 0
        var index = 0
        while index < 8 {
            if index == bestStart {
                destination[written] = 58  // ':'
                destination[written + 1] = 58
                written += 2
                index += bestLength
                continue
            }
            // A separator goes before every group except the first and one right after "::".
            if index > 0 && index != bestStart + bestLength {
                destination[written] = 58
                written += 1
            }
            written += Self.writeHexGroup(group(index), to: destination + written)
            index += 1
        }
        return written
    }

    /// Writes `value` in lowercase hex without leading zeros (RFC 5952 4.1, 4.3).
    @inline(__always)
    private static func writeHexGroup(_ value: UInt16, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        var shift = 12
        while shift > 0 && (value >> UInt16(shift)) & 0xf == 0 { shift -= 4 }
        var written = 0
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt16(shift)) & 0xf
            destination[written] = nibble < 10 ? 48 + nibble : 87 + nibble  // '0'... or 'a'...
            written += 1
            shift -= 4
        }
        return written
    }

    @inline(__always)
    private static func writeDottedQuad(_ value: UInt32, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        var written = 0
        for index in 0..<4 {
            if index > 0 {
                destination[written] = 46  // '.'
                written += 1
            }
            let octet = UInt8(truncatingIfNeeded: value >> UInt32(24 - 8 * index))
            if octet >= 100 {
                destination[written] = 48 + octet / 100
                written += 1
            }
            if octet >= 10 {
                destination[written] = 48 + (octet / 10) % 10
                written += 1
            }
            destination[written] = 48 + octet % 10
            written += 1
        }
        return written
    }
}

extension IPAddress: CustomStringConvertible {
    /// The presentation form (see `writePresentation(to:)`), for tests, logs and debugging; it allocates.
    public var description: String {
        String(unsafeUninitializedCapacity: Self.maxPresentationLength) { buffer in
            writePresentation(to: buffer.baseAddress!)
        }
    }
}
