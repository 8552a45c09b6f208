/// The heaviest keys of a stream in fixed memory: Metwally, Agrawal and El Abbadi's Space-Saving.
///
/// It keeps `capacity` counters. A key already counted adds to its counter; a new key takes over the smallest
/// counter, inheriting its count as its possible overestimate (`error`). So over a stream whose counts add up to
/// N, every key counted more than N / capacity times is in the table, and each reported count is at most its
/// `error` (never more than N / capacity) above the truth — exact while fewer keys than `capacity` went by.
/// With ``Mode/max`` it keeps the keys with the largest single value instead (the slowest names by latency).
///
/// Keys are identified by their 64-bit hash (two keys that collide are counted together, with probability
/// about capacity / 2^64); their bytes (at most `keySize`, a name's wire form or an address) are copied only
/// when a key enters the table. Counters sit in a min-heap, so an update costs O(log capacity). Written by hand:
/// no available package keeps heavy hitters.
public struct SpaceSaving: Sendable {
    public enum Mode: Sendable { case sum, max }

    public let capacity: Int
    public let keySize: Int
    public let mode: Mode
    /// The sum of every value added (the N of the error bound).
    public var total: UInt64 { _total }
    @usableFromInline var _total: UInt64 = 0
    @usableFromInline var used = 0
    @usableFromInline var values: [UInt64]
    @usableFromInline var errors: [UInt64]
    @usableFromInline var hashes: [UInt64]
    @usableFromInline var keyLengths: [UInt16]
    @usableFromInline var keys: [UInt8]
    /// Slots ordered by value, smallest first.
    @usableFromInline var heap: [Int32]
    @usableFromInline var position: [Int32]
    /// Open addressing, linear probing: slot + 1, 0 for empty.
    @usableFromInline var table: [Int32]
    @usableFromInline let mask: Int

    public init(capacity: Int, keySize: Int, mode: Mode = .sum) {
        self.capacity = max(capacity, 1)
        self.keySize = keySize
        self.mode = mode
        values = [UInt64](repeating: 0, count: self.capacity)
        errors = values
        hashes = values
        keyLengths = [UInt16](repeating: 0, count: self.capacity)
        keys = [UInt8](repeating: 0, count: self.capacity * keySize)
        heap = [Int32](repeating: 0, count: self.capacity)
        position = heap
        var size = 16
        while size < self.capacity * 2 { size <<= 1 }
        table = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    /// The number of keys held.
    public var count: Int { used }

    /// Adds `value` for the key of `hash`; `key` writes the key's bytes (at most ``keySize``) and returns how many,
    /// and is called only when the key enters the table.
    @inlinable
    public mutating func add(hash: UInt64, value: UInt64 = 1, key: (UnsafeMutableRawBufferPointer) -> Int) {
        _total &+= value
        if let slot = find(hash) {
            let old = values[slot]
            values[slot] = mode == .sum ? old &+ value : Swift.max(old, value)
            if values[slot] != old { siftDown(Int(position[slot])) }
            return
        }
        if used < capacity {
            let slot = used
            used += 1
            store(slot, hash: hash, value: value, error: 0, key: key)
            heap[slot] = Int32(slot)
            position[slot] = Int32(slot)
            siftUp(slot)
            return
        }
        let slot = Int(heap[0])
        let floor = values[slot]
        if mode == .max && value <= floor { return }
        remove(hashes[slot])
        if mode == .sum {
            store(slot, hash: hash, value: floor &+ value, error: floor, key: key)
        } else {
            store(slot, hash: hash, value: value, error: 0, key: key)
        }
        siftDown(0)
    }

    @usableFromInline
    mutating func store(_ slot: Int, hash: UInt64, value: UInt64, error: UInt64, key: (UnsafeMutableRawBufferPointer) -> Int) {
        values[slot] = value
        errors[slot] = error
        hashes[slot] = hash
        let size = keySize
        let n = keys.withUnsafeMutableBytes { all in
            key(UnsafeMutableRawBufferPointer(rebasing: all[(slot * size)..<(slot * size + size)]))
        }
        keyLengths[slot] = UInt16(Swift.min(Swift.max(n, 0), size))
        insert(hash, slot)
    }

    @usableFromInline
    func find(_ hash: UInt64) -> Int? {
        // Through the arrays' storage: this runs for every event, several times, and checked subscripts cost more
        // than the probe itself.
        table.withUnsafeBufferPointer { t in
            hashes.withUnsafeBufferPointer { h in
                var i = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let s = t[i]
                    if s == 0 { return nil }
                    if h[Int(s) - 1] == hash { return Int(s) - 1 }
                    i = (i &+ 1) & mask
                }
            }
        }
    }

    @usableFromInline
    mutating func insert(_ hash: UInt64, _ slot: Int) {
        var i = Int(truncatingIfNeeded: hash) & mask
        while table[i] != 0 { i = (i &+ 1) & mask }
        table[i] = Int32(slot + 1)
    }

    /// Linear probing's deletion by backward shift: later entries of the run move back, so no tombstones pile up.
    @usableFromInline
    mutating func remove(_ hash: UInt64) {
        var i = Int(truncatingIfNeeded: hash) & mask
        while table[i] != 0 && hashes[Int(table[i]) - 1] != hash { i = (i &+ 1) & mask }
        guard table[i] != 0 else { return }
        var hole = i
        var j = (i &+ 1) & mask
        while table[j] != 0 {
            let home = Int(truncatingIfNeeded: hashes[Int(table[j]) - 1]) & mask
            // Move j into the hole when its home is not between the hole and j (cyclically).
            let between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j)
            if !between {
                table[hole] = table[j]
                hole = j
            }
            j = (j &+ 1) & mask
        }
        table[hole] = 0
    }

    @usableFromInline
    mutating func swapHeap(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        position[Int(heap[a])] = Int32(a)
        position[Int(heap[b])] = Int32(b)
    }

    @usableFromInline
    mutating func siftUp(_ start: Int) {
        let used = self.used
        values.withUnsafeBufferPointer { v in
            heap.withUnsafeMutableBufferPointer { h in
                position.withUnsafeMutableBufferPointer { p in Self.siftUp(start, used, v, h, p) }
            }
        }
    }

    @usableFromInline
    mutating func siftDown(_ start: Int) {
        let used = self.used
        values.withUnsafeBufferPointer { v in
            heap.withUnsafeMutableBufferPointer { h in
                position.withUnsafeMutableBufferPointer { p in Self.siftDown(start, used, v, h, p) }
            }
        }
    }

    /// The heap's moves on the arrays' storage (every event moves an entry; checked subscripts and uniqueness
    /// checks per step cost several times the comparisons).
    @usableFromInline
    static func siftUp(
        _ start: Int, _ used: Int, _ v: UnsafeBufferPointer<UInt64>, _ h: UnsafeMutableBufferPointer<Int32>,
        _ p: UnsafeMutableBufferPointer<Int32>
    ) {
        var i = start
        let moving = h[i]
        let value = v[Int(moving)]
        while i > 0 {
            let parent = (i - 1) / 2
            let up = h[parent]
            guard value < v[Int(up)] else { break }
            h[i] = up
            p[Int(up)] = Int32(i)
            i = parent
        }
        h[i] = moving
        p[Int(moving)] = Int32(i)
    }

    @usableFromInline
    static func siftDown(
        _ start: Int, _ used: Int, _ v: UnsafeBufferPointer<UInt64>, _ h: UnsafeMutableBufferPointer<Int32>,
        _ p: UnsafeMutableBufferPointer<Int32>
    ) {
        var i = start
        let moving = h[i]
        let value = v[Int(moving)]
        while true {
            let l = 2 &* i &+ 1, r = l &+ 1
            guard l < used else { break }
            var child = l
            var childValue = v[Int(h[l])]
            if r < used {
                let rv = v[Int(h[r])]
                if rv < childValue {
                    child = r
                    childValue = rv
                }
            }
            guard childValue < value else { break }
            let down = h[child]
            h[i] = down
            p[Int(down)] = Int32(i)
            i = child
        }
        h[i] = moving
        p[Int(moving)] = Int32(i)
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
        (0..<used).sorted { values[$0] > values[$1] || (values[$0] == values[$1] && hashes[$0] < hashes[$1]) }
            .prefix(Swift.max(n, 0))
            .map { s in
                Entry(key: Array(keys[(s * keySize)..<(s * keySize + Int(keyLengths[s]))]), value: values[s], error: errors[s])
            }
    }

    /// Adds every entry of `other` (same key size) to this table; errors add up.
    public mutating func merge(_ other: SpaceSaving) {
        for s in 0..<other.used {
            let bytes = other.keys[(s * other.keySize)..<(s * other.keySize + Int(other.keyLengths[s]))]
            let before = _total
            add(hash: other.hashes[s], value: other.values[s]) { buffer in
                let n = Swift.min(bytes.count, buffer.count)
                buffer.copyBytes(from: bytes.prefix(n))
                return n
            }
            if let slot = find(other.hashes[s]), mode == .sum { errors[slot] &+= other.errors[s] }
            _total = before
        }
        _total &+= other.total
    }

    /// Forgets everything (keeps the memory).
    public mutating func reset() {
        used = 0
        _total = 0
        for i in table.indices { table[i] = 0 }
    }
}
