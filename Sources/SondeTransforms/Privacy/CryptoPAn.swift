/// Prefix-preserving address anonymisation (Crypto-PAn: Xu, Fan, Ammar and Moon, "Prefix-Preserving IP Address
/// Anonymization", ICNP 2002) with AES-128.
///
/// Two addresses that share exactly their first k bits get pseudonyms that share exactly their first k bits, so
/// subnets stay subnets while the addresses themselves are hidden. Bit i of the pseudonym is bit i of the address
/// XOR the first bit of AES_K(the address's first i bits followed by the pad's remaining bits).
///
/// The 32-octet key is split as the Python package `yacryptopan` splits it: octets 0-15 are the AES key, and the pad
/// is octets 16-31 encrypted with that key. IPv4 addresses take the same 128-bit pad as IPv6 ones, the address
/// standing in for its first 32 bits. Results agree bit for bit with
/// `yacryptopan.CryptoPAn(key).anonymize_bin(address, version)`.
///
/// A new address costs 32 (IPv4) or 128 (IPv6) AES blocks, so recent results are kept in a small direct-mapped cache.
/// Because of that cache an instance is not thread-safe: it is meant for one thread at a time (one per pipeline
/// worker), hence no lock; it is deliberately not `Sendable`.
public final class CryptoPAn: AddressAnonymizer {
    /// Key length in octets: 16 for AES-128, then 16 from which the pad is made.
    public static let keyLength = 32

    let aes: AES128
    /// The pad, AES_K(key octets 16-31), as four big-endian words.
    let pad0: UInt32, pad1: UInt32, pad2: UInt32, pad3: UInt32
    let ipv4Cache: AddressResultCache<UInt32, UInt32>
    let ipv6Cache: AddressResultCache<IPv6Key, IPv6Key>

    /// Lookups answered from the cache.
    public private(set) var cacheHits = 0
    /// Lookups that had to compute the pseudonym.
    public private(set) var cacheMisses = 0

    /// An anonymiser for `key`, keeping the last results of up to `cacheEntries` addresses per family.
    ///
    /// - Parameters:
    ///   - key: exactly 32 octets (generate them at random and keep them to get the same pseudonyms again).
    ///   - cacheEntries: slots per family, in 1...1,048,576, rounded up to a power of two; each IPv4 slot takes
    ///     12 octets, each IPv6 slot 40. Direct-mapped, it keeps about e^(-W/N) of a working set of W addresses
    ///     in N slots: 78 % of 1,000 addresses in 4,096 slots, 94 % in 16,384, 98.5 % in 65,536.
    /// - Throws: `PrivacyConfigurationError` when the key has another length or the cache size is out of range.
    public init(key: [UInt8], cacheEntries: Int = 4096) throws(PrivacyConfigurationError) {
        guard key.count == Self.keyLength else {
            throw PrivacyConfigurationError(
                setting: "Crypto-PAn key",
                problem: "\(key.count) octets, need exactly \(Self.keyLength) (16 for AES-128, 16 for the pad)")
        }
        let entries = try ResultCacheSize.checked(cacheEntries, for: "Crypto-PAn")
        aes = AES128(key: Array(key[0..<16]))
        let pad = aes.encrypt(Array(key[16..<32]))
        func word(_ i: Int) -> UInt32 {
            UInt32(pad[i]) << 24 | UInt32(pad[i + 1]) << 16 | UInt32(pad[i + 2]) << 8 | UInt32(pad[i + 3])
        }
        (pad0, pad1, pad2, pad3) = (word(0), word(4), word(8), word(12))
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
        let result = anonymizeUncached(ipv4: address)
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
        let result = anonymizeUncached(ipv6High: high, low: low)
        ipv6Cache.store(IPv6Key(high: result.high, low: result.low), for: key, hash: hash)
        return result
    }

    /// The pseudonym of an IPv4 address, computed without the cache (32 AES blocks).
    package func anonymizeUncached(ipv4 address: UInt32) -> UInt32 {
        address ^ flips(word: 0, address, 0, 0, 0)
    }

    /// The pseudonym of an IPv6 address, computed without the cache (128 AES blocks).
    package func anonymizeUncached(ipv6High high: UInt64, low: UInt64) -> (high: UInt64, low: UInt64) {
        let a0 = UInt32(truncatingIfNeeded: high >> 32)
        let a1 = UInt32(truncatingIfNeeded: high)
        let a2 = UInt32(truncatingIfNeeded: low >> 32)
        let a3 = UInt32(truncatingIfNeeded: low)
        let f0 = flips(word: 0, a0, a1, a2, a3)
        let f1 = flips(word: 1, a0, a1, a2, a3)
        let f2 = flips(word: 2, a0, a1, a2, a3)
        let f3 = flips(word: 3, a0, a1, a2, a3)
        return (high ^ (UInt64(f0) << 32 | UInt64(f1)), low ^ (UInt64(f2) << 32 | UInt64(f3)))
    }

    /// The 32 flip bits for address bits 32·word ..< 32·word + 32, most significant first.
    ///
    /// The AES input for bit 32·word + j is the address's words before `word`, then the first j bits of word
    /// `word` completed by the pad's bits, then the pad's later words. Each call site passes a constant `word`,
    /// so after inlining the selection below folds away.
    @inline(__always)
    private func flips(word: Int, _ a0: UInt32, _ a1: UInt32, _ a2: UInt32, _ a3: UInt32) -> UInt32 {
        let pad = word == 0 ? pad0 : word == 1 ? pad1 : word == 2 ? pad2 : pad3
        let address = word == 0 ? a0 : word == 1 ? a1 : word == 2 ? a2 : a3
        let s0 = word > 0 ? a0 : pad0
        let s1 = word > 1 ? a1 : pad1
        let s2 = word > 2 ? a2 : pad2
        let s3 = pad3
        var flips: UInt32 = 0
        for j in 0..<32 {
            let fromPad = UInt32.max &>> UInt32(j)
            let mixed = (address & ~fromPad) | (pad & fromPad)
            let bit: UInt32
            switch word {
            case 0: bit = aes.firstBit(mixed, s1, s2, s3)
            case 1: bit = aes.firstBit(s0, mixed, s2, s3)
            case 2: bit = aes.firstBit(s0, s1, mixed, s3)
            default: bit = aes.firstBit(s0, s1, s2, mixed)
            }
            flips |= bit << UInt32(31 - j)
        }
        return flips
    }
}

@available(*, unavailable)
extension CryptoPAn: Sendable {}
