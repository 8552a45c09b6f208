// Memory accounting shared by the reassemblers: every buffer they hold is charged here by its
// capacity, so `used` is what the buffers really occupy, not just the bytes written into them.

/// A byte budget for the buffers of one reassembler.
///
/// Buffers are plain arrays; their capacity only changes through `reserve` and `free`, which keep
/// `used` equal to the sum of the capacities (times the element size) of every array charged here,
/// spare arrays in the pools included. `reserve` never lets `used` exceed `limit`.
struct StorageBudget {
    /// The most bytes the buffers may occupy.
    let limit: Int
    /// Bytes the charged buffers occupy now.
    private(set) var used = 0

    /// A budget of `limit` bytes.
    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Bytes an array of this capacity occupies.
    @inline(__always)
    static func bytes<Element>(_ array: [Element]) -> Int {
        array.capacity * MemoryLayout<Element>.stride
    }

    /// Grows `array` to hold at least `capacity` elements, if the budget allows it.
    ///
    /// The allocator may round the capacity up; the rounded size is what is charged, and when it
    /// does not fit the growth is undone. Returns false, leaving `array` as it was, when it does
    /// not fit.
    mutating func reserve<Element>(_ array: inout [Element], capacity: Int) -> Bool {
        if array.capacity >= capacity { return true }
        let before = Self.bytes(array)
        let wanted = capacity * MemoryLayout<Element>.stride
        guard used - before + wanted <= limit else { return false }
        // A fresh array of the exact size, then the contents: `reserveCapacity` on the array itself
        // would do the same, but this keeps the old storage until the new size is known to fit.
        var grown: [Element] = []
        grown.reserveCapacity(capacity)
        guard used - before + Self.bytes(grown) <= limit else { return false }
        grown.append(contentsOf: array)
        used += Self.bytes(grown) - before
        array = grown
        return true
    }

    /// Frees `array`'s storage and stops charging it.
    mutating func free<Element>(_ array: inout [Element]) {
        used -= Self.bytes(array)
        array = []
    }
}

/// Spare arrays kept for reuse, so that a new flow or datagram usually finds its storage ready.
///
/// The spares stay charged to the budget. At most `maxCount` are kept, each of at most
/// `maxCapacity` elements: the pool holds at most `maxCount * maxCapacity` elements.
struct ArrayPool<Element> {
    /// The spare arrays, empty, with their capacity.
    private var spares: ContiguousArray<[Element]>
    /// The most spares kept.
    let maxCount: Int
    /// The largest capacity worth keeping.
    let maxCapacity: Int

    /// An empty pool; its own table of spares is allocated once, here.
    init(maxCount: Int, maxCapacity: Int) {
        self.maxCount = maxCount
        self.maxCapacity = maxCapacity
        spares = []
        spares.reserveCapacity(maxCount)
    }

    /// Number of spares held.
    var count: Int { spares.count }

    /// Bytes the spares occupy, recomputed (for audits in tests).
    var heldBytes: Int { spares.reduce(0) { $0 + StorageBudget.bytes($1) } }

    /// A spare array (empty, with capacity) or a new empty one.
    mutating func take() -> [Element] {
        spares.popLast() ?? []
    }

    /// Empties `array` and keeps its storage as a spare, or frees it when the pool is full or the
    /// storage too large or absent. `array` is left empty without storage.
    mutating func recycle(_ array: inout [Element], budget: inout StorageBudget) {
        let capacity = array.capacity
        guard capacity > 0 else { return }
        if capacity <= maxCapacity && spares.count < maxCount {
            array.removeAll(keepingCapacity: true)
            var spare: [Element] = []
            swap(&spare, &array)
            spares.append(spare)
        } else {
            budget.free(&array)
        }
    }

    /// Frees every spare: done before refusing a reservation for lack of budget.
    mutating func drain(budget: inout StorageBudget) {
        while var spare = spares.popLast() {
            budget.free(&spare)
        }
    }
}

extension ArrayPool: Sendable where Element: Sendable {}

extension Array where Element == UInt8 {
    /// Writes `bytes` at `offset`, extending the array as needed, with zeros over any hole before
    /// `offset`. The caller has reserved the capacity, so nothing is allocated.
    mutating func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        if offset > count { appendZeros(offset - count) }
        let inside = Swift.min(bytes.count, count - offset)
        if inside > 0 {
            withUnsafeMutableBytes { destination in
                UnsafeMutableRawBufferPointer(rebasing: destination[offset..<(offset + inside)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[..<inside]))
            }
        }
        if inside < bytes.count {
            append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[inside...]))
        }
    }

    /// Appends `count` zero bytes, copied from a zeroed stack buffer (a contiguous source, so each
    /// append is one copy).
    mutating func appendZeros(_ count: Int) {
        var remaining = count
        withUnsafeTemporaryAllocation(byteCount: 1024, alignment: 1) { zeros in
            zeros.initializeMemory(as: UInt8.self, repeating: 0)
            while remaining > 0 {
                let chunk = Swift.min(remaining, zeros.count)
                append(contentsOf: UnsafeRawBufferPointer(rebasing: zeros[..<chunk]))
                remaining -= chunk
            }
        }
    }
}
