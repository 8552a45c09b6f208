/// The IP version of an address or a packet.
@frozen
public enum IPFamily: UInt8, Sendable, Hashable {
    /// IPv4 (RFC 791).
    case v4 = 4
    /// IPv6 (RFC 8200).
    case v6 = 6
}

/// An IPv4 or IPv6 address held in 16 bytes of integers, so that decoding a packet never allocates.
///
/// The 128 bits are stored as two integers read in network order: `high` holds bytes 0-7 and `low`
/// bytes 8-15 of an IPv6 address. An IPv4 address lives in the low 32 bits of `low` with `high == 0`;
/// `family` tells the two apart, so `0.0.0.0` and `::` are different values.
@frozen
public struct IPAddress: Sendable, Hashable {
    /// Bytes 0-7 of an IPv6 address as a big-endian integer; 0 for IPv4.
    public var high: UInt64
    /// Bytes 8-15 of an IPv6 address as a big-endian integer; for IPv4 the address in the low 32 bits.
    public var low: UInt64
    /// Whether this is an IPv4 or an IPv6 address.
    public var family: IPFamily

    /// An IPv4 address from its 32-bit value in host order (`0x7f000001` is 127.0.0.1).
    @inlinable
    public init(ipv4 value: UInt32) {
        self.high = 0
        self.low = UInt64(value)
        self.family = .v4
    }

    /// An IPv6 address from its two 64-bit halves in host order (`high: 0x2001_0db8_0000_0000` is 2001:db8::/64).
    @inlinable
    public init(ipv6High high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
        self.family = .v6
    }

    /// `0.0.0.0`, the value of address fields a decoder did not reach.
    @inlinable public static var unspecifiedIPv4: IPAddress { IPAddress(ipv4: 0) }

    /// The IPv4 address as a 32-bit value, or nil for IPv6.
    @inlinable
    public var ipv4Value: UInt32? {
        family == .v4 ? UInt32(truncatingIfNeeded: low) : nil
    }

    /// Whether this is an IPv4-mapped IPv6 address (`::ffff:0:0/96`, RFC 4291 section 2.5.5.2).
    @inlinable
    public var isIPv4Mapped: Bool {
        family == .v6 && high == 0 && low >> 32 == 0xffff
    }

    /// Writes the address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    ///
    /// - Parameter destination: room for at least 16 bytes.
    /// - Returns: the number of bytes written.
    @inlinable
    public func writeNetworkBytes(to destination: UnsafeMutablePointer<UInt8>) -> Int {
        let raw = UnsafeMutableRawPointer(destination)
        switch family {
        case .v4:
            raw.storeBytes(of: UInt32(truncatingIfNeeded: low).bigEndian, as: UInt32.self)
            return 4
        case .v6:
            raw.storeBytes(of: high.bigEndian, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
            return 16
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The IPv4 address at `offset`. The caller has checked `offset + 4 <= count`.
    @inline(__always)
    func ipv4Address(at offset: Int) -> IPAddress {
        IPAddress(ipv4: bigEndianUInt32(at: offset))
    }

    /// The IPv6 address at `offset`. The caller has checked `offset + 16 <= count`.
    @inline(__always)
    func ipv6Address(at offset: Int) -> IPAddress {
        IPAddress(ipv6High: bigEndianUInt64(at: offset), low: bigEndianUInt64(at: offset + 8))
    }
}
