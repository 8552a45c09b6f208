public import SondeDNS

/// Counts names (case-folded) to find the most frequent ones, with bounded memory and no allocation per name.
///
/// An open-addressing table of entries points into one byte arena, both manually managed so the hot loop
/// touches raw memory only. Once `maxNames` distinct names are held, new names are not added but counted in
/// ``untracked``, so a random-subdomain flood cannot exhaust memory; the names already held keep counting.
public final class NameCounter {
    var table: NameTable

    /// A counter holding at most `maxNames` distinct names.
    public init(maxNames: Int = 1 << 20) { table = NameTable(maxNames: maxNames) }

    deinit { table.free() }

    /// Counts the name at `offset` in `message`.
    public func add(_ message: UnsafeRawBufferPointer, nameAt offset: Int) {
        table.add(message, nameAt: offset, hash: DomainName.foldedHash(message, at: offset))
    }

    /// Distinct names held.
    public var distinct: Int { table.distinct }
    /// Names seen after the table was full.
    public var untracked: UInt64 { table.untracked }
    /// The most distinct names held.
    public var maxNames: Int { table.maxNames }

    /// The `n` most counted names in presentation form, most frequent first (ties by first seen).
    public func top(_ n: Int) -> [(name: String, count: UInt64)] {
        var held: [(count: UInt64, place: NameTable.Place)] = []
        for i in 0...table.mask where table.tags[i] != 0 { held.append((table.slots[i].count, table.places[i])) }
        held.sort { $0.count != $1.count ? $0.count > $1.count : $0.place.offset < $1.place.offset }
        return held.prefix(n).map { e in
            let wire = UnsafeRawBufferPointer(start: table.arena + Int(e.place.offset), count: Int(e.place.length))
            var out = OutputBuffer(capacity: 1100)
            DomainName.write(wire, at: 0, into: &out)
            return (out.makeString(), e.count)
        }
    }
}

/// The storage of a ``NameCounter``: a plain struct of pointers, so a batch loop can hold it in a local.
///
/// Every event probes it, at a random place, so it is laid out for the cache: a dense array of 16-bit tags (64 KB
/// for 16,384 names) is probed first, and only a matching tag reads the slot with the full hash and the count. A
/// name that is not held (most often, once the table is full) touches the tags alone. Where a name's bytes are
/// kept is read only when the name is added and for the top list.
struct NameTable {
    struct Slot {
        var hash: UInt64 = 0
        var count: UInt64 = 0
    }

    struct Place {
        var offset: Int32 = 0
        var length: Int32 = 0
    }

    /// 0 for an empty slot, otherwise ``tag(_:)`` of the slot's hash.
    var tags: UnsafeMutablePointer<UInt16>
    var slots: UnsafeMutablePointer<Slot>
    var places: UnsafeMutablePointer<Place>
    var mask: Int
    var distinct = 0
    var untracked: UInt64 = 0
    var arena: UnsafeMutablePointer<UInt8>
    var arenaCount = 0
    var arenaCapacity: Int
    let maxNames: Int

    init(maxNames: Int) {
        self.maxNames = maxNames
        mask = 1023
        (tags, slots, places) = Self.allocate(mask + 1)
        arenaCapacity = 1 << 16
        arena = .allocate(capacity: arenaCapacity)
    }

    static func allocate(_ n: Int) -> (UnsafeMutablePointer<UInt16>, UnsafeMutablePointer<Slot>, UnsafeMutablePointer<Place>) {
        let tags = UnsafeMutablePointer<UInt16>.allocate(capacity: n)
        tags.initialize(repeating: 0, count: n)
        let slots = UnsafeMutablePointer<Slot>.allocate(capacity: n)
        slots.initialize(repeating: Slot(), count: n)
        let places = UnsafeMutablePointer<Place>.allocate(capacity: n)
        places.initialize(repeating: Place(), count: n)
        return (tags, slots, places)
    }

    func free() {
        tags.deallocate()
        slots.deallocate()
        places.deallocate()
        arena.deallocate()
    }

    /// The slot index comes from the hash's low bits, the tag from its top 16 (never 0).
    @inline(__always)
    static func tag(_ h: UInt64) -> UInt16 { UInt16(truncatingIfNeeded: h >> 48) | 1 }

    /// Counts the name at `offset` in `message`, whose folded hash is `hash`.
    ///
    /// Names are told apart by their 64-bit hash alone: among a million names the chance that any two share one
    /// is about 3e-8, and the cost would be one name counted under another. The bytes are copied only when a name
    /// is new.
    @inline(__always)
    mutating func add(_ message: UnsafeRawBufferPointer, nameAt offset: Int, hash h: UInt64) {
        guard h != 0 else { return }
        let t = Self.tag(h)
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = tags[i]
            if s == 0 { break }
            if s == t && slots[i].hash == h {
                slots[i].count &+= 1
                return
            }
            i = (i &+ 1) & mask
        }
        guard distinct < maxNames else {
            untracked &+= 1
            return
        }
        if arenaCount + DomainName.maxWireLength > arenaCapacity { growArena(arenaCount + DomainName.maxWireLength) }
        let n = DomainName.copyFoldedWire(message, at: offset, into: arena + arenaCount)
        guard n > 0 else { return }
        tags[i] = t
        slots[i] = Slot(hash: h, count: 1)
        places[i] = Place(offset: Int32(arenaCount), length: Int32(n))
        arenaCount += n
        distinct += 1
        if distinct * 2 > mask + 1 { rehash() }
    }

    /// Reads the tag and slot each question name of `batch` will probe first, all at once before the batch is
    /// counted, so the cache misses overlap instead of stalling the count one event at a time. Returns a value
    /// made of what was read, for the caller to keep.
    func warm(_ batch: borrowing EventBatch) -> UInt64 {
        var sum: UInt64 = 0
        let tags = tags, slots = slots, mask = mask
        batch.forEachInPlace { e, _ in
            let i = Int(truncatingIfNeeded: e.pointee.layout.qnameHash) & mask
            sum &+= UInt64(tags[i]) &+ slots[i].count
        }
        return sum
    }

    mutating func growArena(_ needed: Int) {
        var capacity = arenaCapacity * 2
        while capacity < needed { capacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bigger.update(from: arena, count: arenaCount)
        arena.deallocate()
        arena = bigger
        arenaCapacity = capacity
    }

    mutating func rehash() {
        let oldCount = mask + 1
        let (oldTags, oldSlots, oldPlaces) = (tags, slots, places)
        mask = oldCount * 2 - 1
        (tags, slots, places) = Self.allocate(mask + 1)
        for j in 0..<oldCount where oldTags[j] != 0 {
            var i = Int(truncatingIfNeeded: oldSlots[j].hash) & mask
            while tags[i] != 0 { i = (i + 1) & mask }
            tags[i] = oldTags[j]
            slots[i] = oldSlots[j]
            places[i] = oldPlaces[j]
        }
        oldTags.deallocate()
        oldSlots.deallocate()
        oldPlaces.deallocate()
    }
}
