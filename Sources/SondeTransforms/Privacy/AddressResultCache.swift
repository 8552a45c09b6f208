/// A direct-mapped cache of recent results: one slot per hash value, a new entry replaces the old.
///
/// Clients repeat, and a miss costs 32 to 128 AES blocks (Crypto-PAn) or an HMAC, so even this simplest of caches
/// removes most of the work. All memory is taken at init; lookups and stores never allocate.
///
/// It has no lock: its owner is used by one thread at a time. The owner frees it with ``deallocate()``.
struct AddressResultCache<Key: Equatable, Value> {
    struct Entry {
        var key: Key
        var value: Value
        var filled: Bool
    }

    private let entries: UnsafeMutablePointer<Entry>
    /// Entry count minus one (the count is a power of two).
    let mask: Int

    /// A cache of `count` entries (a power of two); the placeholders fill the empty slots, which never match.
    init(count: Int, placeholderKey: Key, placeholderValue: Value) {
        precondition(count > 0 && count & (count - 1) == 0, "cache size \(count) is not a power of two")
        entries = .allocate(capacity: count)
        entries.initialize(repeating: Entry(key: placeholderKey, value: placeholderValue, filled: false), count: count)
        mask = count - 1
    }

    /// The value stored for `key` in slot `hash & mask`, if that slot holds `key`.
    @inline(__always)
    func value(for key: Key, hash: Int) -> Value? {
        let entry = entries + (hash & mask)
        return entry.pointee.filled && entry.pointee.key == key ? entry.pointee.value : nil
    }

    /// Stores `value` for `key` in slot `hash & mask`, replacing whatever was there.
    @inline(__always)
    func store(_ value: Value, for key: Key, hash: Int) {
        entries[hash & mask] = Entry(key: key, value: value, filled: true)
    }

    /// Frees the entries.
    func deallocate() {
        entries.deinitialize(count: mask + 1)
        entries.deallocate()
    }
}

/// The size limits of an `AddressResultCache`.
enum ResultCacheSize {
    /// Checks a requested size and returns it rounded up to a power of two.
    static func checked(_ requested: Int, for owner: String) throws(PrivacyConfigurationError) -> Int {
        guard (1...max).contains(requested) else {
            throw PrivacyConfigurationError(
                setting: "\(owner) cache entries", problem: "\(requested) is outside 1...\(max)")
        }
        var count = 1
        while count < requested { count <<= 1 }
        return count
    }

    /// 2^20 entries is 40 MiB of IPv6 cache per instance: beyond any useful size, but a bound on a typo.
    static var max: Int { 1 << 20 }
}

/// An IPv6 address as a cache key.
struct IPv6Key: Equatable {
    var high: UInt64
    var low: UInt64
}

/// Slot hashes (the cache masks their low bits). Bits 32 and up of a product by an odd constant depend on every
/// bit of a 32-bit input, so neighbours in a subnet land in unrelated slots.
enum AddressCacheHash {
    @inline(__always)
    static func ipv4(_ address: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(address) &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }

    @inline(__always)
    static func ipv6(high: UInt64, low: UInt64) -> Int {
        // Fold the top half down first: a product's bit only depends on the factors' bits at or below it.
        let combined = high &* 0x9E37_79B9_7F4A_7C15 ^ low
        return Int(truncatingIfNeeded: ((combined ^ combined >> 32) &* 0xC2B2_AE3D_27D4_EB4F) >> 32)
    }
}
