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
        var held: [NameTable.Entry] = []
        for i in 0...table.mask where table.entries[i].offset >= 0 { held.append(table.entries[i]) }
        held.sort { $0.count != $1.count ? $0.count > $1.count : $0.offset < $1.offset }
        return held.prefix(n).map { e in
            let wire = UnsafeRawBufferPointer(start: table.arena + Int(e.offset), count: Int(e.length))
            var out = OutputBuffer(capacity: 1100)
            DomainName.write(wire, at: 0, into: &out)
            return (out.makeString(), e.count)
        }
    }
}

/// The storage of a ``NameCounter``: a plain struct of pointers, so a batch loop can hold it in a local.
struct NameTable {
    struct Entry {
        var hash: UInt64 = 0
        var offset: Int32 = -1
        var length: Int32 = 0
        var count: UInt64 = 0
    }

    var entries: UnsafeMutablePointer<Entry>
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
        entries = .allocate(capacity: mask + 1)
        entries.initialize(repeating: Entry(), count: mask + 1)
        arenaCapacity = 1 << 16
        arena = .allocate(capacity: arenaCapacity)
    }

    func free() {
        entries.deallocate()
        arena.deallocate()
    }

    /// Counts the name at `offset` in `message`, whose folded hash is `hash`.
    ///
    /// Names are told apart by their 64-bit hash alone: among a million names the chance that any two share one
    /// is about 3e-8, and the cost would be one name counted under another. The bytes are copied only when a name
    /// is new.
    @inline(__always)
    mutating func add(_ message: UnsafeRawBufferPointer, nameAt offset: Int, hash h: UInt64) {
        guard h != 0 else { return }
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = entries[i]
            if e.offset < 0 { break }
            if e.hash == h {
                entries[i].count &+= 1
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
        entries[i] = Entry(hash: h, offset: Int32(arenaCount), length: Int32(n), count: 1)
        arenaCount += n
        distinct += 1
        if distinct * 2 > mask + 1 { rehash() }
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
        let old = entries
        mask = oldCount * 2 - 1
        entries = .allocate(capacity: mask + 1)
        entries.initialize(repeating: Entry(), count: mask + 1)
        for j in 0..<oldCount where old[j].offset >= 0 {
            var i = Int(truncatingIfNeeded: old[j].hash) & mask
            while entries[i].offset >= 0 { i = (i + 1) & mask }
            entries[i] = old[j]
        }
        old.deallocate()
    }
}
