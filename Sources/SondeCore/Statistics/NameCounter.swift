public import SondeDNS

/// Counts names (case-folded) to find the most frequent ones, with bounded memory and no allocation per name.
///
/// An open-addressing table of entries points into one byte arena. Once `maxNames` distinct names are held,
/// new names are not added but counted in ``untracked``, so a random-subdomain flood cannot exhaust memory;
/// the names already held keep counting exactly.
public struct NameCounter {
    struct Entry {
        var hash: UInt64 = 0
        var offset: Int32 = -1
        var length: Int32 = 0
        var count: UInt64 = 0
    }

    var entries: [Entry]
    var arena: [UInt8] = []
    var mask: Int
    /// Distinct names held.
    public private(set) var distinct = 0
    /// Names seen after the table was full.
    public private(set) var untracked: UInt64 = 0
    /// The most distinct names held.
    public let maxNames: Int

    /// A counter holding at most `maxNames` distinct names.
    public init(maxNames: Int = 1 << 20) {
        self.maxNames = maxNames
        entries = Array(repeating: Entry(), count: 1024)
        mask = 1023
    }

    /// Counts the name at `offset` in `message` (which must have been validated).

    public mutating func add(_ message: UnsafeRawBufferPointer, nameAt offset: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DomainName.maxWireLength) { scratch in
            let n = DomainName.copyFoldedWire(message, at: offset, into: scratch.baseAddress!)
            guard n > 0 else { return }
            add(UnsafeRawBufferPointer(start: scratch.baseAddress!, count: n))
        }
    }

    /// Counts one name given as folded wire bytes.

    public mutating func add(_ name: UnsafeRawBufferPointer) {
        // FNV-1a: names are short, so a simple byte hash is as fast as anything here.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = entries[i]
            if e.offset < 0 { break }
            if e.hash == h && Int(e.length) == name.count && equals(e, name) {
                entries[i].count &+= 1
                return
            }
            i = (i &+ 1) & mask
        }
        guard distinct < maxNames else {
            untracked &+= 1
            return
        }
        entries[i] = Entry(hash: h, offset: Int32(arena.count), length: Int32(name.count), count: 1)
        arena.append(contentsOf: name)
        distinct += 1
        if distinct * 2 > entries.count { rehash() }
    }


    func equals(_ e: Entry, _ name: UnsafeRawBufferPointer) -> Bool {
        arena.withUnsafeBytes { a in
            memcmpBytes(a.baseAddress! + Int(e.offset), name.baseAddress!, name.count)
        }
    }


    mutating func rehash() {
        let old = entries
        entries = Array(repeating: Entry(), count: old.count * 2)
        mask = entries.count - 1
        for e in old where e.offset >= 0 {
            var i = Int(truncatingIfNeeded: e.hash) & mask
            while entries[i].offset >= 0 { i = (i + 1) & mask }
            entries[i] = e
        }
    }

    /// The `n` most counted names in presentation form, most frequent first (ties by name).
    public func top(_ n: Int) -> [(name: String, count: UInt64)] {
        let held = entries.filter { $0.offset >= 0 }
        let best = held.sorted { $0.count != $1.count ? $0.count > $1.count : $0.offset < $1.offset }.prefix(n)
        return arena.withUnsafeBytes { a in
            best.map { e in
                let wire = UnsafeRawBufferPointer(rebasing: a[Int(e.offset)..<Int(e.offset + e.length)])
                var out = OutputBuffer(capacity: 1100)
                DomainName.write(wire, at: 0, into: &out)
                return (out.makeString(), e.count)
            }
        }
    }
}


func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < n {
        if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
        i += 1
    }
    return true
}
