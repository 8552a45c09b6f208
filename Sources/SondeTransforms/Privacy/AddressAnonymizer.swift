/// Replaces an address with a pseudonym of the same family, so that stores with address columns keep working.
///
/// Addresses are integers in host order, as `IPAddress` holds them: an IPv4 address is its 32-bit value
/// (`0xc000_0201` is 192.0.2.1), an IPv6 address two 64-bit halves (`high` holds octets 0-7).
///
/// Implementations may keep a cache and are then not safe to share between threads: give each thread its own.
public protocol AddressAnonymizer {
    /// The pseudonym of an IPv4 address.
    func anonymize(ipv4: UInt32) -> UInt32
    /// The pseudonym of an IPv6 address.
    func anonymize(ipv6High: UInt64, low: UInt64) -> (high: UInt64, low: UInt64)
}
