/// The heaviest keys of a stream in fixed memory: Metwally, Agrawal and El Abbadi's Space-Saving, with Homem and
/// Carvalho's filter in front of it (Filtered Space-Saving).
///
/// It keeps `capacity` counters. A key already counted adds to its counter. A new key first adds to one of a few
/// thousand filter counters chosen by its hash (α); it takes over the smallest counter (μ) only once α plus its
/// value exceeds μ, starting from α + value with α as its possible overestimate (`error`), and the key it
/// replaces leaves its count in its own filter counter. (Homem and Carvalho admit at α + value ≥ μ; above μ keeps
/// every bound below, since α still never exceeds μ, and under a flood of keys of equal counts it takes over a
/// counter a third as often: ties no longer churn the table.) Plain Space-Saving replaces the smallest counter for every
/// new key, which under a random-subdomain flood (every name new) means a heap update per event; the filter
/// turns most of those into one addition. The bounds are Space-Saving's: every unheld key was counted at most
/// its α ≤ μ times, and the held counters never add up to more than the N of all values (a replacement adds at
/// most its own value: α + v in place of μ ≥ α), so μ ≤ N / capacity. Hence every key counted more than
/// N / capacity times is in the table, and each reported count is at most its `error` (≤ N / capacity) above the
/// truth, never below it — exact while fewer keys than `capacity` went by.
/// With ``Mode/max`` it keeps the keys with the largest single value instead (the slowest names by latency).
///
/// Keys are identified by their 64-bit hash (two keys that collide are counted together, with probability
/// about capacity / 2^64); their bytes (at most `keySize`, a name's wire form or an address) are copied only
/// when a key enters the table. Counters sit in a lazily kept min-heap (see ``Storage/heapValues``): a held key's
/// update costs O(1), a take-over O(log capacity). Everything lives
/// in one allocation made up front and reached through pointers (this runs several times per event, and arrays'
/// uniqueness and bounds checks cost more than the work); the value is copied on write as a whole. Written by
/// hand: no available package keeps heavy hitters.
public struct SpaceSaving: Sendable {
    public enum Mode: Sendable { case sum, max }

    public var capacity: Int { storage.capacity }
    public var keySize: Int { storage.keySize }
    public var mode: Mode { storage.mode }
    /// The sum of every value added (the N of the error bound).
    public var total: UInt64 { storage.total }
    @usableFromInline var storage: Storage

    public init(capacity: Int, keySize: Int, mode: Mode = .sum) {
        storage = Storage(capacity: max(capacity, 1), keySize: keySize, mode: mode)
    }

    /// The number of keys held.
    public var count: Int { storage.used }

    /// Adds `value` for the key of `hash`; `key` writes the key's bytes (at most ``keySize``) and returns how many,
    /// and is called only when the key enters the table.
    @inlinable
    public mutating func add(hash: UInt64, value: UInt64 = 1, key: (UnsafeMutableRawBufferPointer) -> Int) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        storage.add(hash: hash, value: value, key: key)
    }

    /// Makes the table's memory this value's own (copied if shared), so ``addInPlace(hash:value:key:)`` may follow.
    @inlinable @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// ``add(hash:value:key:)`` without the uniqueness check, once ``makeUnique()`` was called (the statistics call
    /// it once per batch, not for each of the nine tables an event may touch).
    @inlinable @inline(__always)
    func addInPlace(hash: UInt64, value: UInt64 = 1, key: (UnsafeMutableRawBufferPointer) -> Int) {
        storage.add(hash: hash, value: value, key: key)
    }

    /// One entry of the table.
    public struct Entry: Sendable, Equatable {
        public var key: [UInt8]
        public var value: UInt64
        /// How much `value` may exceed the truth (0: exact).
        public var error: UInt64
    }

    /// The `n` largest entries, largest first.
    public func top(_ n: Int) -> [Entry] {
        let s = storage
        return (0..<s.used).sorted { s.values[$0] > s.values[$1] || (s.values[$0] == s.values[$1] && s.hashes[$0] < s.hashes[$1]) }
            .prefix(Swift.max(n, 0))
            .map { i in
                Entry(key: Array(UnsafeBufferPointer(start: s.keys + i * s.keySize, count: Int(s.keyLengths[i]))), value: s.values[i], error: s.errors[i])
            }
    }

    /// Adds every entry of `other` (same key size and mode; its capacity may differ) to this table, as mergeable summaries do: a key
    /// one side does not hold counts there as that side's filter counter for it (the most it may have had there,
    /// 0 while the side was exact), so merged counts stay at or above the truth and their errors add up; the
    /// heaviest `capacity` keys stay, and the rest leave their counts in the filter.
    public mutating func merge(_ other: SpaceSaving) {
        let a = storage, b = other.storage
        precondition(a.keySize == b.keySize && a.mode == b.mode)
        func unheld(_ s: Storage, _ hash: UInt64) -> UInt64 { s.mode == .sum ? s.filter[s.filterIndex(hash)] : 0 }
        // (hash, value, error, side, slot)
        var all: [(UInt64, UInt64, UInt64, Bool, Int)] = []
        all.reserveCapacity(a.used + b.used)
        for i in 0..<a.used {
            let h = a.hashes[i]
            var v = a.values[i], e = a.errors[i]
            if let j = b.find(h) {
                v = a.mode == .sum ? v &+ b.values[j] : Swift.max(v, b.values[j])
                if a.mode == .sum { e &+= b.errors[j] }
            } else if a.mode == .sum {
                v &+= unheld(b, h)
                e &+= unheld(b, h)
            }
            all.append((h, v, e, true, i))
        }
        for j in 0..<b.used where a.find(b.hashes[j]) == nil {
            let h = b.hashes[j]
            all.append((h, b.values[j] &+ unheld(a, h), b.errors[j] &+ unheld(a, h), false, j))
        }
        all.sort { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        let out = Storage(capacity: a.capacity, keySize: a.keySize, mode: a.mode)
        out.total = a.total &+ b.total
        // Filters of other sizes (a stream's table merged with the global one) fold by the index's low bits,
        // which keeps every bucket an upper bound.
        let oc = out.filterCount, bc = b.filterCount
        for i in 0..<oc { out.filter[i] = a.filter[i] }
        if bc >= oc {
            for j in 0..<bc { out.filter[j & (oc - 1)] &+= b.filter[j] }
        } else {
            for i in 0..<oc { out.filter[i] &+= b.filter[i & (bc - 1)] }
        }
        for (rank, c) in all.enumerated() {
            if rank >= out.capacity {
                if out.mode == .sum {
                    let f = out.filterIndex(c.0)
                    out.filter[f] = Swift.max(out.filter[f], c.1)
                }
                continue
            }
            let side = c.3 ? a : b
            let slot = out.used
            out.used += 1
            out.store(slot, hash: c.0, value: c.1, error: c.2) { buffer in
                let n = Int(side.keyLengths[c.4])
                buffer.baseAddress!.copyMemory(from: side.keys + c.4 * side.keySize, byteCount: n)
                return n
            }
            out.push(slot)
        }
        storage = out
    }

    /// Forgets everything (keeps the memory).
    public mutating func reset() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Storage(capacity: storage.capacity, keySize: storage.keySize, mode: storage.mode)
            return
        }
        storage.reset()
    }

    /// The table's memory, in one block.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @usableFromInline let capacity: Int
        @usableFromInline let keySize: Int
        @usableFromInline let mode: Mode
        /// The total and the number of slots used, through a pointer like the rest: a class's stored `var`
        /// is checked for exclusive access at run time on every change (thread-local bookkeeping per event).
        @usableFromInline let header: UnsafeMutablePointer<UInt64>
        @usableFromInline var total: UInt64 {
            @inline(__always) get { header[0] }
            @inline(__always) set { header[0] = newValue }
        }
        @usableFromInline var used: Int {
            @inline(__always) get { Int(header[1]) }
            @inline(__always) set { header[1] = UInt64(newValue) }
        }
        @usableFromInline let values: UnsafeMutablePointer<UInt64>
        @usableFromInline let errors: UnsafeMutablePointer<UInt64>
        @usableFromInline let hashes: UnsafeMutablePointer<UInt64>
        /// Filter counters (α) by hash, for keys not held (``Mode/sum`` only).
        @usableFromInline let filter: UnsafeMutablePointer<UInt64>
        @usableFromInline let filterCount: Int
        @usableFromInline let keyLengths: UnsafeMutablePointer<UInt16>
        @usableFromInline let keys: UnsafeMutablePointer<UInt8>
        /// A min-heap of slots, kept lazily: each slot sits there with the value it had when last placed
        /// (`heapValues`, in heap order, never above its value now). A held key's addition only changes
        /// `values` — no sift per event; the root is brought up to date (and sifted) when the minimum is asked
        /// for, until it is current, which makes it the true minimum: its value equals the least placed value,
        /// which no value is below. Each sift there is paid for by earlier additions, so this never does more
        /// work than an eager heap and, with keys counted many times between take-overs, far less.
        @usableFromInline let heapValues: UnsafeMutablePointer<UInt64>
        @usableFromInline let heapSlots: UnsafeMutablePointer<Int32>
        /// Open addressing, linear probing, each entry the key's hash with its slot + 1 (0: empty), so a probe
        /// reads one array.
        @usableFromInline let table: UnsafeMutablePointer<TableEntry>
        @usableFromInline let mask: Int

        @usableFromInline
        struct TableEntry {
            @usableFromInline var hash: UInt64
            @usableFromInline var slot: Int32
            @inlinable init(hash: UInt64, slot: Int32) {
                self.hash = hash
                self.slot = slot
            }
        }

        init(capacity: Int, keySize: Int, mode: Mode) {
            self.capacity = capacity
            self.keySize = keySize
            self.mode = mode
            var size = 16
            while size < capacity * 2 { size <<= 1 }
            mask = size - 1
            // Eight filter counters per table entry (a power of two). Simulated on a million names seen twice each
            // (a flood's query and response) and on clients seen five times each, take-overs per addition: 40% and
            // 82% with four filter counters and admission at α + v ≥ μ; 12% and 23% with admission only above μ;
            // 6% and about 12% with eight. Measured with the flood of `Benchmarks/stats.sh`, sixteen were no faster
            // than eight (the filters leave the caches: nine tables per stats).
            filterCount = mode == .sum ? size * 4 : 0
            header = .allocate(capacity: 2)
            header.initialize(repeating: 0, count: 2)
            values = .allocate(capacity: capacity)
            errors = .allocate(capacity: capacity)
            hashes = .allocate(capacity: capacity)
            filter = .allocate(capacity: Swift.max(filterCount, 1))
            keyLengths = .allocate(capacity: capacity)
            keys = .allocate(capacity: capacity * keySize)
            heapValues = .allocate(capacity: capacity)
            heapSlots = .allocate(capacity: capacity)
            table = .allocate(capacity: size)
            values.initialize(repeating: 0, count: capacity)
            errors.initialize(repeating: 0, count: capacity)
            hashes.initialize(repeating: 0, count: capacity)
            filter.initialize(repeating: 0, count: Swift.max(filterCount, 1))
            keyLengths.initialize(repeating: 0, count: capacity)
            keys.initialize(repeating: 0, count: capacity * keySize)
            heapValues.initialize(repeating: 0, count: capacity)
            heapSlots.initialize(repeating: 0, count: capacity)
            table.initialize(repeating: TableEntry(hash: 0, slot: 0), count: size)
        }

        deinit {
            for p in [header, values, errors, hashes, filter, heapValues] { p.deallocate() }
            keyLengths.deallocate()
            keys.deallocate()
            heapSlots.deallocate()
            table.deallocate()
        }

        @usableFromInline
        func copy() -> Storage {
            let c = Storage(capacity: capacity, keySize: keySize, mode: mode)
            c.total = total
            c.used = used
            c.values.update(from: values, count: capacity)
            c.errors.update(from: errors, count: capacity)
            c.hashes.update(from: hashes, count: capacity)
            c.filter.update(from: filter, count: Swift.max(filterCount, 1))
            c.keyLengths.update(from: keyLengths, count: capacity)
            c.keys.update(from: keys, count: capacity * keySize)
            c.heapValues.update(from: heapValues, count: capacity)
            c.heapSlots.update(from: heapSlots, count: capacity)
            c.table.update(from: table, count: mask + 1)
            return c
        }

        func reset() {
            used = 0
            total = 0
            table.update(repeating: TableEntry(hash: 0, slot: 0), count: mask + 1)
            filter.update(repeating: 0, count: Swift.max(filterCount, 1))
        }

        @inlinable
        func add(hash: UInt64, value: UInt64, key: (UnsafeMutableRawBufferPointer) -> Int) {
            total &+= value
            if let slot = find(hash) {
                values[slot] = mode == .sum ? values[slot] &+ value : Swift.max(values[slot], value)
                return
            }
            if used < capacity {
                let slot = used
                used += 1
                store(slot, hash: hash, value: value, error: 0, key: key)
                push(slot)
                return
            }
            let floor = minimum()
            let slot = Int(heapSlots[0])
            var error: UInt64 = 0
            if mode == .sum {
                let f = filterIndex(hash)
                error = filter[f]
                guard error &+ value > floor else {
                    filter[f] = error &+ value
                    return
                }
                // The key leaving keeps its count in its filter counter: what unheld keys there may have had.
                let g = filterIndex(hashes[slot])
                filter[g] = Swift.max(filter[g], floor)
            } else if value <= floor {
                return
            }
            remove(hashes[slot])
            store(slot, hash: hash, value: error &+ value, error: error, key: key)
            heapValues[0] = error &+ value
            siftDown(0)
        }

        /// The least value held (the table must be full): the heap's root, brought up to date first.
        @inlinable @inline(__always)
        func minimum() -> UInt64 {
            while true {
                let current = values[Int(heapSlots[0])]
                if heapValues[0] == current { return current }
                heapValues[0] = current
                siftDown(0)
            }
        }

        @inlinable @inline(__always)
        func filterIndex(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 24) & (filterCount - 1) }

        @inlinable
        func store(_ slot: Int, hash: UInt64, value: UInt64, error: UInt64, key: (UnsafeMutableRawBufferPointer) -> Int) {
            values[slot] = value
            errors[slot] = error
            hashes[slot] = hash
            let n = key(UnsafeMutableRawBufferPointer(start: keys + slot * keySize, count: keySize))
            keyLengths[slot] = UInt16(Swift.min(Swift.max(n, 0), keySize))
            var i = Int(truncatingIfNeeded: hash) & mask
            while table[i].slot != 0 { i = (i &+ 1) & mask }
            table[i] = TableEntry(hash: hash, slot: Int32(slot + 1))
        }

        @inlinable @inline(__always)
        func find(_ hash: UInt64) -> Int? {
            var i = Int(truncatingIfNeeded: hash) & mask
            while true {
                let e = table[i]
                if e.slot == 0 { return nil }
                if e.hash == hash { return Int(e.slot) - 1 }
                i = (i &+ 1) & mask
            }
        }

        /// Linear probing's deletion by backward shift: later entries of the run move back, so no tombstones pile up.
        @usableFromInline
        func remove(_ hash: UInt64) {
            var i = Int(truncatingIfNeeded: hash) & mask
            while table[i].slot != 0 && table[i].hash != hash { i = (i &+ 1) & mask }
            guard table[i].slot != 0 else { return }
            var hole = i
            var j = (i &+ 1) & mask
            while table[j].slot != 0 {
                let home = Int(truncatingIfNeeded: table[j].hash) & mask
                // Move j into the hole when its home is not between the hole and j (cyclically).
                let between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
                if !between {
                    table[hole] = table[j]
                    hole = j
                }
                j = (j &+ 1) & mask
            }
            table[hole] = TableEntry(hash: 0, slot: 0)
        }

        /// Places a new slot (the last of the heap) by its value.
        @usableFromInline
        func push(_ slot: Int) {
            let value = values[slot]
            var i = used - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard value < heapValues[parent] else { break }
                heapValues[i] = heapValues[parent]
                heapSlots[i] = heapSlots[parent]
                i = parent
            }
            heapValues[i] = value
            heapSlots[i] = Int32(slot)
        }

        @usableFromInline
        func siftDown(_ start: Int) {
            var i = start
            let moving = heapSlots[i]
            let value = heapValues[i]
            let n = used
            while true {
                let l = 2 &* i &+ 1, r = l &+ 1
                guard l < n else { break }
                var child = l
                var childValue = heapValues[l]
                if r < n {
                    let rv = heapValues[r]
                    if rv < childValue {
                        child = r
                        childValue = rv
                    }
                }
                guard childValue < value else { break }
                heapValues[i] = childValue
                heapSlots[i] = heapSlots[child]
                i = child
            }
            heapValues[i] = value
            heapSlots[i] = moving
        }
    }
}
