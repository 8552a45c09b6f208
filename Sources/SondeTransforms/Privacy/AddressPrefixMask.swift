/// Keeps the first N bits of an address and zeroes the rest (192.0.2.77 kept to 24 bits is 192.0.2.0).
///
/// The lengths are checked once, at init; ``anonymize(ipv4:)`` and ``anonymize(ipv6High:low:)`` are then two ANDs.
public struct AddressPrefixMask: AddressAnonymizer, Sendable, Equatable {
    /// Bits kept of an IPv4 address, 0...32.
    public let ipv4Bits: Int
    /// Bits kept of an IPv6 address, 0...128.
    public let ipv6Bits: Int
    @usableFromInline let ipv4Mask: UInt32
    @usableFromInline let ipv6HighMask: UInt64
    @usableFromInline let ipv6LowMask: UInt64

    /// A mask keeping `ipv4Bits` of IPv4 addresses and `ipv6Bits` of IPv6 addresses.
    ///
    /// - Throws: `PrivacyConfigurationError` when a length is outside 0...32 or 0...128.
    public init(ipv4Bits: Int, ipv6Bits: Int) throws(PrivacyConfigurationError) {
        guard (0...32).contains(ipv4Bits) else {
            throw PrivacyConfigurationError(setting: "IPv4 prefix length", problem: "\(ipv4Bits) is outside 0...32")
        }
        guard (0...128).contains(ipv6Bits) else {
            throw PrivacyConfigurationError(setting: "IPv6 prefix length", problem: "\(ipv6Bits) is outside 0...128")
        }
        self.ipv4Bits = ipv4Bits
        self.ipv6Bits = ipv6Bits
        ipv4Mask = Self.ipv4Mask(keeping: ipv4Bits)
        (ipv6HighMask, ipv6LowMask) = Self.ipv6Mask(keeping: ipv6Bits)
    }

    /// The address with only its first ``ipv4Bits`` bits kept.
    @inlinable
    public func anonymize(ipv4 address: UInt32) -> UInt32 {
        address & ipv4Mask
    }

    /// The address with only its first ``ipv6Bits`` bits kept.
    @inlinable
    public func anonymize(ipv6High high: UInt64, low: UInt64) -> (high: UInt64, low: UInt64) {
        (high & ipv6HighMask, low & ipv6LowMask)
    }

    /// `address` with only its first `bits` bits kept.
    ///
    /// - Precondition: `bits` in 0...32 (lengths from configuration go through ``init(ipv4Bits:ipv6Bits:)``).
    public static func keep(_ bits: Int, ofIPv4 address: UInt32) -> UInt32 {
        address & ipv4Mask(keeping: bits)
    }

    /// The address with only its first `bits` bits kept.
    ///
    /// - Precondition: `bits` in 0...128 (lengths from configuration go through ``init(ipv4Bits:ipv6Bits:)``).
    public static func keep(_ bits: Int, ofIPv6High high: UInt64, low: UInt64) -> (high: UInt64, low: UInt64) {
        let (highMask, lowMask) = ipv6Mask(keeping: bits)
        return (high & highMask, low & lowMask)
    }

    /// The netmask of a `bits`-bit IPv4 prefix.
    public static func ipv4Mask(keeping bits: Int) -> UInt32 {
        precondition((0...32).contains(bits), "IPv4 prefix length \(bits) is outside 0...32")
        // `<<` is Swift's smart shift: a shift by 32 gives 0, which is the /0 mask.
        return UInt32.max << (32 - bits)
    }

    /// The netmask of a `bits`-bit IPv6 prefix, as the masks of the two 64-bit halves.
    public static func ipv6Mask(keeping bits: Int) -> (high: UInt64, low: UInt64) {
        precondition((0...128).contains(bits), "IPv6 prefix length \(bits) is outside 0...128")
        return bits >= 64 ? (UInt64.max, UInt64.max << (128 - bits)) : (UInt64.max << (64 - bits), 0)
    }
}
