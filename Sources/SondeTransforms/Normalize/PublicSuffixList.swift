/// The Public Suffix List (publicsuffix.org), loaded once and asked per name without allocating.
///
/// A lookup follows the list's algorithm: the default rule `*` when nothing matches, the matching rule with the
/// most labels, an exception rule over any other (its public suffix drops its leftmost label). One reading is
/// added, the one the list's own linter, libpsl, browsers and the `publicsuffixlist` Python package share: a
/// wildcard `*.kobe.jp` makes `kobe.jp` itself a public suffix too (publicsuffix/list#1989, #694). Without it,
/// `kobe.jp` would be a registrable domain under `jp`, although nobody can register it.
///
/// Names are the presentation form of DNS names (RFC 1035 §5.1): ASCII, labels separated by dots, lowercased by
/// the caller. A dot escaped with a backslash (`a\.b`) does not separate labels. Unicode names must arrive in
/// their `xn--` form, which is how they travel; the list's Unicode rules are converted to that form at load.
public struct PublicSuffixList: Sendable {
    /// Which of the list's sections to use.
    public enum Sections: Sendable, Hashable {
        /// ICANN and private rules, as the list's algorithm says.
        case all
        /// Only rules between the ICANN markers: `github.io` is then a registrable domain under `io`.
        case icannOnly
    }

    /// Where Debian's `publicsuffix` package installs the list.
    public static let debianPath = "/usr/share/publicsuffix/public_suffix_list.dat"

    /// Names with more labels than this are not DNS names (a 255-octet wire name holds at most 127 labels).
    public static let maxLabels = 127

    let table: SuffixTable
    /// The rules in use.
    public let ruleCount: Int
    /// The sections in use.
    public let sections: Sections

    /// Builds a list from parsed rules.
    init(rules: [PublicSuffixRule], sections: Sections, source: String) throws(PublicSuffixListError) {
        let chosen = sections == .all ? rules : rules.filter { $0.section == .icann }
        guard let table = SuffixTable(rules: chosen) else {
            throw PublicSuffixListError(
                source: source,
                reason: "more than \(SuffixTable.maxNodes) distinct suffixes (the real list has about 10,000)")
        }
        self.table = table
        self.ruleCount = chosen.count
        self.sections = sections
    }

    /// Nodes of the suffix trie (every suffix of every rule).
    public var nodeCount: Int { table.nodeCount }

    /// Bytes held by the lookup structure.
    public var memoryFootprint: Int {
        table.slots.count * MemoryLayout<SuffixTable.Slot>.stride + table.labels.count
    }

    /// The public suffix and registrable domain of `name`, or nil when it is not a name: empty, an empty label
    /// (leading dot, two dots in a row), or more than ``maxLabels`` labels. One trailing dot is ignored.
    ///
    /// The cost is one pass over the name and one hash probe per label of the suffixes the list knows (a walk
    /// stops at the first suffix no rule ends with), whatever the list's size. Bytes that no rule holds (upper
    /// case, escapes, UTF-8) are not errors: they simply match nothing.
    public func match(_ name: UnsafeRawBufferPointer) -> PublicSuffixMatch? {
        guard let raw = name.baseAddress, name.count > 0 else { return nil }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        var end = name.count
        if p[end &- 1] == LabelScan.dot && !LabelScan.isEscaped(p, end &- 1) { end &-= 1 }
        guard end > 0 else { return nil }
        return table.slots.withUnsafeBufferPointer { slots in
            table.labels.withUnsafeBufferPointer { labels in
                walk(p, end: end, slots: slots, labels: labels.baseAddress!)
            }
        }
    }

    /// Same as ``match(_:)-(UnsafeRawBufferPointer)`` for a string (tests, configuration; not the hot path).
    public func match(_ name: String) -> PublicSuffixMatch? {
        var name = name
        return name.withUTF8 { match(UnsafeRawBufferPointer($0)) }
    }

    /// One pass from the right: each label is found, counted and checked, and, while the list knows the suffix
    /// so far, looked up under its parent.
    @inline(__always)
    func walk(
        _ p: UnsafePointer<UInt8>, end: Int, slots: UnsafeBufferPointer<SuffixTable.Slot>,
        labels: UnsafePointer<UInt8>
    ) -> PublicSuffixMatch? {
        let mask = table.mask
        var labelEnd = end
        var count = 0
        var node = SuffixTable.root
        var walking = true
        // Labels of the prevailing rule so far; the default rule `*` gives the last label.
        var best = 1
        var wildcardAbove = false
        var suffixStart = 0
        var registrableStart = -1
        var previousStart = 0
        while true {
            let start = LabelScan.labelStart(p, before: labelEnd)
            guard start < labelEnd else { return nil }
            count &+= 1
            guard count <= Self.maxLabels else { return nil }
            if walking {
                // `*.parent` matches this label, whatever it is.
                if wildcardAbove { best = count }
                if let child = SuffixTable.child(
                    of: node, label: p + start, count: labelEnd &- start, readableBefore: labelEnd >= 8,
                    slots: slots, labels: labels, mask: mask)
                {
                    let flags = slots[Int(child)].flags
                    if flags & SuffixTable.Flag.exception != 0 {
                        // An exception prevails over every other rule, and drops its own first label; rules
                        // below it cannot matter.
                        best = count &- 1
                        suffixStart = previousStart
                        walking = false
                    } else {
                        if flags & (SuffixTable.Flag.exact | SuffixTable.Flag.wildcard) != 0 { best = count }
                        wildcardAbove = flags & SuffixTable.Flag.wildcard != 0
                        node = child
                    }
                } else {
                    walking = false
                }
            }
            // `best` only ever becomes the current label (or the one before, for an exception), so the offsets
            // are known as the labels go by: no second pass.
            if best == count {
                suffixStart = start
                registrableStart = -1
            } else if best &+ 1 == count {
                registrableStart = start
            }
            if start == 0 { break }
            previousStart = start
            labelEnd = start &- 1
        }
        return PublicSuffixMatch(
            labels: count, suffixLabels: best, suffixStart: suffixStart,
            registrableLabels: registrableStart < 0 ? nil : best &+ 1,
            registrableStart: registrableStart < 0 ? nil : registrableStart, end: end)
    }
}

/// Where a name's public suffix and registrable domain (eTLD+1) start.
public struct PublicSuffixMatch: Sendable, Hashable {
    /// Labels in the whole name.
    public var labels: Int
    /// Labels in the public suffix, at least 1.
    public var suffixLabels: Int
    /// Offset of the public suffix's first byte in the name.
    public var suffixStart: Int
    /// Labels in the registrable domain (the public suffix and one more label); nil when the name is itself a
    /// public suffix.
    public var registrableLabels: Int?
    /// Offset of the registrable domain's first byte in the name; nil with ``registrableLabels``.
    public var registrableStart: Int?
    /// Offset just past the last label: the name's length, less the trailing dot if there is one. The public
    /// suffix is `name[suffixStart..<end]`.
    public var end: Int

    /// Creates a match.
    public init(
        labels: Int, suffixLabels: Int, suffixStart: Int, registrableLabels: Int?, registrableStart: Int?, end: Int
    ) {
        self.labels = labels
        self.end = end
        self.suffixLabels = suffixLabels
        self.suffixStart = suffixStart
        self.registrableLabels = registrableLabels
        self.registrableStart = registrableStart
    }
}
