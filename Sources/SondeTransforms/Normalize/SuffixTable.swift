/// The rules of the list as a trie whose edges live in one open-addressing hash table.
///
/// How the structure was chosen: a lookup must cost the same with 10,000 rules as with 100, and must not
/// allocate. A sorted array with binary search (libpsl's layout) costs log₂(n) comparisons per label suffix; a
/// DAFSA (Chromium's `.dafsa`, which Debian also ships) is small but scans sibling lists; a Swift `Dictionary`
/// keyed by suffix text would build a key per probe. Here each node is "this label under that parent", keyed by
/// (parent slot, label bytes): walking a name from its last label costs one hash of each label and, on average,
/// under two probes, whatever the list's size, and a probe compares one label, not a whole suffix.
///
/// A slot holds the label's last eight bytes as a word, so a label of up to eight bytes (most of them: `com`,
/// `co`, `kobe`) is compared with one integer comparison, without touching the label bytes.
///
/// Memory: a node is a 16-byte slot and the table is kept at most 70 % full (linear probing stays short and a
/// miss, the usual end of a walk, stops at an empty slot), so the ~9,700 nodes of today's list take 16,384 slots
/// (256 KiB) plus about 60 KB of label bytes. A node's id is its slot index: slots never move once inserted.
///
/// The table is built from the list file, never from traffic, so names seen on the wire cannot lengthen probe
/// chains: the longest chain is fixed at load (``longestProbe``).
struct SuffixTable: Sendable {
    /// One node. `key == 0` marks an empty slot (a node's label is never empty, so its key never is 0).
    struct Slot: Sendable {
        /// The label's last eight bytes (all of it when shorter, zero-extended), little-endian.
        var word: UInt64 = 0
        /// Parent slot (bits 9–31), label length (bits 3–8) and flags (bits 0–2).
        var key: UInt32 = 0
        /// Where the label's bytes start in ``SuffixTable/labels`` (read for labels over eight bytes).
        var labelStart: UInt32 = 0

        var flags: UInt8 { UInt8(truncatingIfNeeded: key & 7) }
    }

    /// What a node says about the suffix it stands for.
    enum Flag {
        /// The suffix is a rule.
        static let exact: UInt8 = 1
        /// `*.` plus the suffix is a rule (which also makes the suffix itself public, see ``PublicSuffixList``).
        static let wildcard: UInt8 = 2
        /// `!` plus the suffix is a rule.
        static let exception: UInt8 = 4
    }

    /// The parent of top-level labels: the largest parent the key's 23 bits hold.
    static let root: UInt32 = (1 << 23) - 1
    /// At most this many nodes (the list has about 10,000): 512 Ki slots, 8 MiB, at most.
    static let maxNodes = 1 << 18

    let slots: [Slot]
    let labels: [UInt8]
    let mask: Int
    /// Nodes in the table.
    let nodeCount: Int
    /// The longest probe sequence any lookup can take (the longest run of occupied slots, plus the empty one).
    let longestProbe: Int

    /// The key bits that identify a node: parent and label length, without the flags.
    @inline(__always)
    static func key(parent: UInt32, length: Int) -> UInt32 { parent &<< 9 | UInt32(truncatingIfNeeded: length) &<< 3 }

    /// Builds the table; nil when the rules make more than ``maxNodes`` nodes.
    init?(rules: [PublicSuffixRule]) {
        // Every suffix of every rule is a node; the flags gather all rules on the same suffix.
        var nodes: [[UInt8]: UInt8] = [:]
        for rule in rules {
            let flag: UInt8 =
                switch rule.kind {
                case .normal: Flag.exact
                case .wildcard: Flag.wildcard
                case .exception: Flag.exception
                }
            // The rule itself, then each shorter suffix (after each dot).
            nodes[rule.name, default: 0] |= flag
            for (i, byte) in rule.name.enumerated() where byte == UInt8(ascii: ".") {
                nodes[Array(rule.name[(i + 1)...]), default: 0] |= 0
            }
            if nodes.count > Self.maxNodes { return nil }
        }
        // Parents go in before their children, in a fixed order so that the layout is reproducible.
        let ordered = nodes.keys.map { key in (depth: key.count(where: { $0 == UInt8(ascii: ".") }), key: key) }
            .sorted { $0.depth != $1.depth ? $0.depth < $1.depth : $0.key.lexicographicallyPrecedes($1.key) }
        var capacity = 16
        while capacity * 7 < nodes.count * 10 { capacity *= 2 }
        var slots = [Slot](repeating: Slot(), count: capacity)
        var labels: [UInt8] = []
        var slotOf: [[UInt8]: UInt32] = [:]
        slotOf.reserveCapacity(nodes.count)
        for (_, name) in ordered {
            let dot = name.firstIndex(of: UInt8(ascii: "."))
            let label = dot.map { Array(name[..<$0]) } ?? name
            let parent = dot.map { slotOf[Array(name[($0 + 1)...])]! } ?? Self.root
            let (h, word) = label.withUnsafeBufferPointer { b in
                let word = LabelScan.lastWord(b.baseAddress!, count: b.count, readableBefore: false)
                return (Self.hash(parent: parent, b.baseAddress!, b.count, lastWord: word), word)
            }
            var i = Int(truncatingIfNeeded: h) & (capacity - 1)
            while slots[i].key != 0 { i = (i + 1) & (capacity - 1) }
            slots[i] = Slot(
                word: word, key: Self.key(parent: parent, length: label.count) | UInt32(nodes[name]!),
                labelStart: UInt32(labels.count))
            labels += label
            slotOf[name] = UInt32(i)
        }
        // The longest run of occupied slots, wrapping around the end.
        var longest = 0
        var run = 0
        for i in 0..<(2 * capacity) {
            run = slots[i & (capacity - 1)].key != 0 ? run + 1 : 0
            longest = max(longest, run)
        }
        self.slots = slots
        // Never empty (a list may hold no rule at all), so the walk always has a base address to pass.
        self.labels = labels + [0]
        self.mask = capacity - 1
        self.nodeCount = nodes.count
        self.longestProbe = min(longest, capacity) + 1
    }

    /// The node for the label `p[0..<count]` under `parent`, or nil. `readableBefore` says whether the eight
    /// bytes before the label's end are in the caller's buffer. The slots and label bytes are passed in so
    /// that a walk opens them once.
    @inline(__always)
    static func child(
        of parent: UInt32, label p: UnsafePointer<UInt8>, count: Int, readableBefore: Bool,
        slots: UnsafeBufferPointer<Slot>, labels: UnsafePointer<UInt8>, mask: Int
    ) -> UInt32? {
        // Rule labels are 1 to 63 octets; a longer label (escaped presentation) cannot match.
        guard count > 0 && count <= 63 else { return nil }
        let word = LabelScan.lastWord(p, count: count, readableBefore: readableBefore)
        let key = Self.key(parent: parent, length: count)
        var i = Int(truncatingIfNeeded: hash(parent: parent, p, count, lastWord: word)) & mask
        while true {
            let slot = slots[i]
            if slot.key == 0 { return nil }
            if slot.key & ~7 == key && slot.word == word
                && (count <= 8 || LabelScan.headsEqual(labels + Int(slot.labelStart), p, count: count))
            {
                return UInt32(i)
            }
            i = (i &+ 1) & mask
        }
    }

    /// Hashes a label with its parent: the words before the last one, then the last word, one multiply each,
    /// and a final mix so that the low bits (the slot) depend on every byte. Not keyed: the table's content is
    /// fixed at load, so there is nothing for chosen names to flood.
    @inline(__always)
    static func hash(parent: UInt32, _ p: UnsafePointer<UInt8>, _ n: Int, lastWord: UInt64) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(key(parent: parent, length: n)) &* k
        var offset = 0
        while offset &+ 8 < n {
            let w = UnsafeRawPointer(p + offset).loadUnaligned(as: UInt64.self)
            h = (h ^ w) &* k
            h = (h &<< 29) | (h &>> 35)
            offset &+= 8
        }
        h = (h ^ lastWord) &* k
        h ^= h &>> 32
        h &*= 0xD6E8_FEB8_6659_FD93
        h ^= h &>> 29
        return h
    }
}
