/// A set of domain rules — exact names, names under a domain (`*.example.com`), and, as dnsmonster's lists have
/// them, any name starting or ending with a string — matched in time that does not grow with the list.
///
/// Names are matched lowercased, in presentation form with the trailing dot (`www.example.com.`), as dnsmonster
/// matches them. Every rule is a hash-table entry keyed by its kind and text; a name is matched by hashing its
/// prefixes and suffixes once, incrementally, and probing only at the lengths some rule has (for prefixes and
/// suffixes) or at label boundaries (for `*.` rules): at most a few dozen probes, whether the list holds ten
/// entries or ten million. Written by hand because no available package does domain-suffix matching.
public final class DomainSet: @unchecked Sendable {
    /// How a rule matches.
    public enum Rule: UInt8, Sendable {
        /// The whole name (`fqdn`).
        case exact = 0
        /// Names under the domain, at a label boundary (`*.example.com`).
        case subdomain = 1
        /// Names starting with the text (dnsmonster's `prefix`).
        case prefix = 2
        /// Names ending with the text (dnsmonster's `suffix`).
        case suffix = 3
    }

    struct Slot {
        var hash: UInt64 = 0
        var offset: UInt32 = 0
        var length: UInt16 = 0
        var used = false
    }

    private let slots: UnsafeMutableBufferPointer<Slot>
    private let mask: Int
    private let arena: [UInt8]
    /// Bit `n` set: some prefix (or suffix) rule is `n` octets long.
    private let prefixLengths: (UInt64, UInt64, UInt64, UInt64)
    private let suffixLengths: (UInt64, UInt64, UInt64, UInt64)
    /// Rules by kind.
    public let counts: [Int]
    public var count: Int { counts.reduce(0, +) }

    /// A set of `rules` (texts lowercased, exact and subdomain rules with their trailing dot; see ``DomainListParser``).
    public init(_ rules: [(Rule, [UInt8])]) {
        var capacity = 16
        while capacity < rules.count * 2 { capacity <<= 1 }
        let slots = UnsafeMutableBufferPointer<Slot>.allocate(capacity: capacity)
        slots.initialize(repeating: Slot())
        var arena: [UInt8] = []
        arena.reserveCapacity(rules.reduce(0) { $0 + $1.1.count })
        var counts = [0, 0, 0, 0]
        var pl: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var sl: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let mask = capacity - 1
        for (rule, text) in rules where !text.isEmpty && text.count <= 255 {
            let h = Self.hash(rule, text)
            var i = Int(truncatingIfNeeded: h) & mask
            var duplicate = false
            while slots[i].used {
                if slots[i].hash == h && Int(slots[i].length) == text.count
                    && arena[Int(slots[i].offset)..<Int(slots[i].offset) + text.count].elementsEqual(text)
                {
                    duplicate = true
                    break
                }
                i = (i + 1) & mask
            }
            if duplicate { continue }
            slots[i] = Slot(hash: h, offset: UInt32(arena.count), length: UInt16(text.count), used: true)
            arena.append(contentsOf: text)
            counts[Int(rule.rawValue)] += 1
            if rule == .prefix { Self.set(&pl, text.count) }
            if rule == .suffix { Self.set(&sl, text.count) }
        }
        self.slots = slots
        self.mask = mask
        self.arena = arena
        self.counts = counts
        prefixLengths = pl
        suffixLengths = sl
    }

    deinit { slots.deallocate() }

    static func set(_ bits: inout (UInt64, UInt64, UInt64, UInt64), _ n: Int) {
        let b = UInt64(1) << UInt64(n & 63)
        switch n >> 6 {
        case 0: bits.0 |= b
        case 1: bits.1 |= b
        case 2: bits.2 |= b
        default: bits.3 |= b
        }
    }

    @inline(__always)
    static func has(_ bits: (UInt64, UInt64, UInt64, UInt64), _ n: Int) -> Bool {
        let word: UInt64
        switch n >> 6 {
        case 0: word = bits.0
        case 1: word = bits.1
        case 2: word = bits.2
        default: word = bits.3
        }
        return word & (UInt64(1) << UInt64(n & 63)) != 0
    }

    // The hash of a rule is a polynomial over its octets, seeded by its kind, so that the hash of every prefix (and
    // every suffix) of a name comes from the one before it in one multiply-add while the name is walked.
    static let base: UInt64 = 0x100_0000_01b3
    static func seed(_ rule: Rule) -> UInt64 { 0x9E37_79B9_7F4A_7C15 &* (UInt64(rule.rawValue) &+ 1) }

    /// The hash of `text` as the matcher computes it: forwards for exact, subdomain and prefix rules, backwards
    /// for suffix rules.
    static func hash(_ rule: Rule, _ text: [UInt8]) -> UInt64 {
        text.withUnsafeBufferPointer { hash(rule, $0) }
    }

    static func hash(_ rule: Rule, _ text: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0
        if rule == .suffix {
            for b in text.reversed() { h = h &* base &+ UInt64(b) &+ 1 }
        } else if rule == .prefix {
            for b in text { h = h &* base &+ UInt64(b) &+ 1 }
        } else {
            // Exact and subdomain rules are probed at label boundaries from the end, like suffixes.
            for b in text.reversed() { h = h &* base &+ UInt64(b) &+ 1 }
        }
        return finish(h, rule)
    }

    @inline(__always)
    static func finish(_ h: UInt64, _ rule: Rule) -> UInt64 {
        var x = h ^ seed(rule)
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        return x
    }

    @inline(__always)
    func lookup(_ h: UInt64, _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i].used {
            if slots[i].hash == h && Int(slots[i].length) == text.count {
                let o = Int(slots[i].offset)
                let same = arena.withUnsafeBufferPointer { a in
                    memcmpBytes(a.baseAddress! + o, text.baseAddress!, text.count)
                }
                if same { return true }
            }
            i = (i &+ 1) & mask
        }
        return false
    }

    /// Whether `name` (lowercase presentation form with the trailing dot) matches any rule.
    public func matches(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = name.count
        guard n > 0 else { return false }
        let hasPrefixRules = counts[2] > 0, hasSuffixRules = counts[3] > 0
        let hasLabelRules = counts[0] > 0 || counts[1] > 0
        if hasPrefixRules {
            var h: UInt64 = 0
            for i in 0..<min(n, 255) {
                h = h &* Self.base &+ UInt64(name[i]) &+ 1
                let length = i + 1
                if Self.has(prefixLengths, length),
                    lookup(Self.finish(h, .prefix), UnsafeBufferPointer(rebasing: name[0..<length]))
                {
                    return true
                }
            }
        }
        if hasSuffixRules || hasLabelRules {
            var h: UInt64 = 0
            var i = n
            while i > 0 {
                i -= 1
                h = h &* Self.base &+ UInt64(name[i]) &+ 1
                let length = n - i
                let suffix = UnsafeBufferPointer(rebasing: name[i..<n])
                if hasSuffixRules && length <= 255 && Self.has(suffixLengths, length) && lookup(Self.finish(h, .suffix), suffix) {
                    return true
                }
                if hasLabelRules && (i == 0 || name[i - 1] == UInt8(ascii: ".")) {
                    if i == 0 {
                        if counts[0] > 0 && lookup(Self.finish(h, .exact), suffix) { return true }
                    } else if counts[1] > 0 && lookup(Self.finish(h, .subdomain), suffix) {
                        return true
                    }
                }
            }
        }
        return false
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i + 8 <= n {
        if UnsafeRawPointer(a + i).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) { return false }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}
