import Crypto

/// Replaces an address with the first 4 (IPv4) or 16 (IPv6) octets of HMAC-SHA256(key, its network-order octets).
///
/// Unlike ``CryptoPAn`` it keeps no structure: neighbours get unrelated pseudonyms. The pseudonym stays in the
/// address's family, so columns typed as addresses still take it. It is not a bijection: n distinct IPv4 addresses
/// have about n²/2^33 colliding pairs (about one at 93,000 addresses, a hundred at 930,000), so count distinct
/// clients before pseudonymising if exact counts matter. 128-bit IPv6 pseudonyms do not collide in practice.
///
/// A miss costs one HMAC: two SHA-256 compressions (the key's blocks are hashed once, at init) and, with
/// swift-crypto's BoringSSL-backed digests on Linux, two small allocations for the copied digest contexts, which
/// its API gives no way to avoid. Recent results are kept in a direct-mapped cache. Because of that cache an
/// instance is meant for one thread at a time, hence no lock; it is deliberately not `Sendable`.
public final class KeyedAddressHash: AddressAnonymizer {
    /// The shortest key accepted: below 128 bits, trying every key against a known address becomes conceivable.
    public static let minimumKeyLength = 16

    /// HMAC state after the key: copied for each address, so the key's own blocks are hashed once.
    let keyed: HMAC<SHA256>
    let ipv4Cache: AddressResultCache<UInt32, UInt32>
    let ipv6Cache: AddressResultCache<IPv6Key, IPv6Key>

    /// Lookups answered from the cache.
    public private(set) var cacheHits = 0
    /// Lookups that had to compute the pseudonym.
    public private(set) var cacheMisses = 0

    /// A hasher for `key`, keeping the last results of up to `cacheEntries` addresses per family.
    ///
    /// - Parameters:
    ///   - key: at least 16 octets (HMAC takes any length; longer than 64 is hashed first, as RFC 2104 says).
    ///   - cacheEntries: slots per family, in 1...1,048,576, rounded up to a power of two (see
    ///     ``CryptoPAn/init(key:cacheEntries:)`` for the hit rate to expect).
    /// - Throws: `PrivacyConfigurationError` when the key is too short or the cache size is out of range.
    public init(key: [UInt8], cacheEntries: Int = 4096) throws(PrivacyConfigurationError) {
        guard key.count >= Self.minimumKeyLength else {
            throw PrivacyConfigurationError(
                setting: "keyed address hash key",
                problem: "\(key.count) octets, need at least \(Self.minimumKeyLength)")
        }
        let entries = try ResultCacheSize.checked(cacheEntries, for: "keyed address hash")
        keyed = HMAC<SHA256>(key: SymmetricKey(data: key))
        ipv4Cache = AddressResultCache(count: entries, placeholderKey: 0, placeholderValue: 0)
        ipv6Cache = AddressResultCache(
            count: entries, placeholderKey: IPv6Key(high: 0, low: 0), placeholderValue: IPv6Key(high: 0, low: 0))
    }

    deinit {
        ipv4Cache.deallocate()
        ipv6Cache.deallocate()
    }

    /// The pseudonym of an IPv4 address, from the cache when it was seen recently.
    public func anonymize(ipv4 address: UInt32) -> UInt32 {
        let hash = AddressCacheHash.ipv4(address)
        if let cached = ipv4Cache.value(for: address, hash: hash) {
            cacheHits += 1
            return cached
        }
        cacheMisses += 1
        let result = hashUncached(ipv4: address)
        ipv4Cache.store(result, for: address, hash: hash)
        return result
    }

    /// The pseudonym of an IPv6 address, from the cache when it was seen recently.
    public func anonymize(ipv6High high: UInt64, low: UInt64) -> (high: UInt64, low: UInt64) {
        let key = IPv6Key(high: high, low: low)
        let hash = AddressCacheHash.ipv6(high: high, low: low)
        if let cached = ipv6Cache.value(for: key, hash: hash) {
            cacheHits += 1
            return (cached.high, cached.low)
        }
        cacheMisses += 1
        let result = hashUncached(ipv6High: high, low: low)
        ipv6Cache.store(IPv6Key(high: result.high, low: result.low), for: key, hash: hash)
        return result
    }

    /// The pseudonym of an IPv4 address, computed without the cache.
    package func hashUncached(ipv4 address: UInt32) -> UInt32 {
        withUnsafeBytes(of: address.bigEndian) { octets in
            mac(octets) { UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self)) }
        }
    }

    /// The pseudonym of an IPv6 address, computed without the cache.
    package func hashUncached(ipv6High high: UInt64, low: UInt64) -> (high: UInt64, low: UInt64) {
        withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { octets in
            mac(octets) {
                (
                    UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)),
                    UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
                )
            }
        }
    }

    /// Runs `read` on the 32 octets of HMAC-SHA256(key, message).
    @inline(__always)
    private func mac<R>(_ message: UnsafeRawBufferPointer, _ read: (UnsafeRawBufferPointer) -> R) -> R {
        var hmac = keyed
        hmac.update(data: message)
        return hmac.finalize().withUnsafeBytes(read)
    }
}

@available(*, unavailable)
extension KeyedAddressHash: Sendable {}
