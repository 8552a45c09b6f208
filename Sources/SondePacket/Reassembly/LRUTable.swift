/// A bounded hash table of entries kept in recency order, for flows and datagrams.
///
/// Entries live in slots of parallel arrays, found by a `Dictionary` from key to slot, and are
/// threaded on an intrusive doubly linked list from newest to oldest. Finding, inserting, touching
/// (moving to the newest end), removing and finding the oldest are all O(1); freed slots are
/// reused, so a table that reached its size allocates nothing more.
///
/// `Dictionary` hashes with a per-process random seed, so a hostile choice of addresses and ports
/// cannot force its lookups into long collision chains.
struct LRUTable<Key: Hashable, Value> {
    /// No slot.
    static var none: Int32 { -1 }

    /// Key to slot.
    private var index: [Key: Int32] = [:]
    /// Per slot: the key, nil when the slot is free.
    private var keys: ContiguousArray<Key?> = []
    /// Per slot: the entry, `vacant` when the slot is free.
    var values: ContiguousArray<Value> = []
    /// Per slot: the entry's time stamp (nanoseconds), as given to `insert` or `touch`.
    private(set) var stamps: ContiguousArray<Int64> = []
    /// Per slot: the next older and the next newer slot on the recency list.
    private var older: ContiguousArray<Int32> = []
    private var newer: ContiguousArray<Int32> = []
    /// Ends of the recency list.
    private(set) var newest = LRUTable.none
    private(set) var oldest = LRUTable.none
    /// Free slots, reused last-freed first.
    private var freeSlots: ContiguousArray<Int32> = []
    /// The value a free slot holds.
    private let vacant: Value

    /// An empty table whose free slots hold `vacant`.
    init(vacant: Value) {
        self.vacant = vacant
    }

    /// Number of entries.
    var count: Int { index.count }

    /// The slot of `key`, or nil.
    @inline(__always)
    func slot(for key: Key) -> Int32? {
        index[key]
    }

    /// The key of the entry in `slot`; the slot holds an entry.
    func key(at slot: Int32) -> Key {
        keys[Int(slot)]!
    }

    /// Adds an entry as the newest and returns its slot. The key is not in the table; the caller
    /// keeps the table within its bound by removing entries first.
    mutating func insert(_ key: Key, value: Value, stamp: Int64) -> Int32 {
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            keys[Int(slot)] = key
            values[Int(slot)] = value
            stamps[Int(slot)] = stamp
        } else {
            slot = Int32(keys.count)
            keys.append(key)
            values.append(value)
            stamps.append(stamp)
            older.append(Self.none)
            newer.append(Self.none)
        }
        index[key] = slot
        link(slot)
        return slot
    }

    /// Makes the entry in `slot` the newest, stamped with the later of its stamp and `stamp` (a
    /// capture merged out of time order must not make an entry look older than it is).
    @inline(__always)
    mutating func touch(_ slot: Int32, stamp: Int64) {
        let i = Int(slot)
        if stamp > stamps[i] { stamps[i] = stamp }
        guard newest != slot else { return }
        unlink(slot)
        link(slot)
    }

    /// Removes the entry in `slot` and returns its value; the slot becomes free.
    mutating func remove(_ slot: Int32) -> Value {
        let i = Int(slot)
        unlink(slot)
        if let key = keys[i] { index.removeValue(forKey: key) }
        keys[i] = nil
        var value = vacant
        swap(&value, &values[i])
        freeSlots.append(slot)
        return value
    }

    /// The slot after `slot` going from oldest to newest, or `none`.
    func newer(than slot: Int32) -> Int32 {
        newer[Int(slot)]
    }

    /// Puts `slot` at the newest end of the list.
    @inline(__always)
    private mutating func link(_ slot: Int32) {
        let i = Int(slot)
        older[i] = newest
        newer[i] = Self.none
        if newest != Self.none { newer[Int(newest)] = slot } else { oldest = slot }
        newest = slot
    }

    /// Takes `slot` off the list.
    @inline(__always)
    private mutating func unlink(_ slot: Int32) {
        let i = Int(slot)
        let before = older[i]
        let after = newer[i]
        if before != Self.none { newer[Int(before)] = after } else { oldest = after }
        if after != Self.none { older[Int(after)] = before } else { newest = before }
        older[i] = Self.none
        newer[i] = Self.none
    }
}

extension LRUTable: Sendable where Key: Sendable, Value: Sendable {}
