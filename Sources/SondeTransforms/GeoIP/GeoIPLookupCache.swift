/// A fixed-size, direct-mapped cache of ``GeoIPLookup`` results by address, in front of one database.
///
/// A busy client asks about the same few addresses again and again; a hit costs a hash and a compare instead of
/// a 20-to-30-level tree walk with a cache miss at most levels. Each address has one slot (its hash); a new
/// address evicts whatever was there. All memory is allocated by `init`: a lookup allocates nothing.
///
/// One instance is used by one thread at a time: it is not `Sendable` and not copyable. Give each worker its
/// own cache over the shared ``MaxMindDatabase`` (which any number of threads may read at once).
public struct GeoIPLookupCache: ~Copyable {
    /// The database the cached results come from; their string references point into its bytes.
    public let database: MaxMindDatabase
    /// Lookups answered from the cache.
    public private(set) var hits = 0
    /// Lookups that walked the tree.
    public private(set) var misses = 0

    /// Entries the cache holds: the count asked for, rounded up to a power of two.
    public let slotCount: Int

    private let slots: UnsafeMutablePointer<Slot>
    /// 64 minus log2(slotCount): the hash's top bits pick the slot (Fibonacci hashing).
    private let shift: UInt64

    /// 112 bytes: the family last, where it fills the result's padding.
    private struct Slot {
        var high: UInt64
        var low: UInt64
        var result: GeoIPLookup
        /// 0: empty, 4: an IPv4 address in `low`, 6: an IPv6 address in `high` and `low`.
        var family: UInt8
    }

    /// A cache of `slotCount` entries (rounded up to a power of two, 1...2^20) over `database`; an entry takes
    /// 112 bytes, so the default 4096 take 448 KiB.
    ///
    /// Four-way sets: an address is looked for in the four slots of its set, so addresses that share a set
    /// evict each other only when more than four busy ones do. Size it at about twice the number of clients
    /// expected to be active at once.
    public init(database: MaxMindDatabase, slotCount: Int = 4096) {
        var count = 1
        while count < min(max(slotCount, Self.ways), 1 << 20) { count <<= 1 }
        self.database = database
        self.slotCount = count
        // The hash's top bits pick one of slotCount / ways sets.
        self.shift = UInt64(64 - (count / Self.ways).trailingZeroBitCount)
        self.slots = .allocate(capacity: count)
        slots.initialize(repeating: Slot(high: 0, low: 0, result: GeoIPLookup(prefixLength: 0, record: nil), family: 0), count: count)
    }

    deinit {
        slots.deinitialize(count: slotCount)
        slots.deallocate()
    }

    /// The lookup of an IPv4 address (`0x7f000001` is 127.0.0.1), from the cache when it holds it.
    public mutating func lookup(ipv4 address: UInt32) throws(MaxMindDBError) -> GeoIPLookup {
        let low = UInt64(address)
        let set = slots + index(high: 0, low: low ^ 0x4_0000_0000)
        for w in 0..<Self.ways where set[w].family == 4 && set[w].low == low {
            hits += 1
            return set[w].result
        }
        misses += 1
        let result = try database.geoIP(ipv4: address)
        set[victim(set)] = Slot(high: 0, low: low, result: result, family: 4)
        return result
    }

    /// The lookup of an IPv6 address given as two big-endian halves, from the cache when it holds it.
    public mutating func lookup(ipv6 address: (high: UInt64, low: UInt64)) throws(MaxMindDBError) -> GeoIPLookup {
        let set = slots + index(high: address.high, low: address.low)
        for w in 0..<Self.ways where set[w].family == 6 && set[w].high == address.high && set[w].low == address.low {
            hits += 1
            return set[w].result
        }
        misses += 1
        let result = try database.geoIP(ipv6: address)
        set[victim(set)] = Slot(high: address.high, low: address.low, result: result, family: 6)
        return result
    }

    /// Slots per set: an address may sit in any of the 4 slots of its set, so a few busy addresses that hash
    /// alike no longer evict each other at every turn (with a direct-mapped cache, 5,000 clients in 16,384
    /// slots missed on about one lookup in seven).
    static let ways = 4

    /// The slot a new entry takes: an empty one, else one chosen by the miss count (random enough, and free).
    @inline(__always)
    private func victim(_ set: UnsafeMutablePointer<Slot>) -> Int {
        for w in 0..<Self.ways where set[w].family == 0 { return w }
        return misses & (Self.ways - 1)
    }

    /// Forgets every entry (the counters stay).
    public mutating func removeAll() {
        for i in 0..<slotCount { slots[i].family = 0 }
    }

    @inline(__always)
    private func index(high: UInt64, low: UInt64) -> Int {
        // Mix both halves, then take the top bits of a multiply by 2^64 / golden ratio: neighbouring addresses
        // (the common case: one client, one subnet) land in different slots.
        let mixed = (high &* 0xC2B2_AE3D_27D4_EB4F ^ low) &* 0x9E37_79B9_7F4A_7C15
        // A cache of one set shifts by 64, which Swift's `>>` turns into 0. The index is the set's first slot.
        return Int(truncatingIfNeeded: mixed >> shift) &* Self.ways
    }
}
