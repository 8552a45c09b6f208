/// A run of literal bytes with its place in the input, compared without an automaton. Each byte is compared
/// through a mask: `0x20` on a case-folded ASCII letter (the literal holds the lower case), 0 otherwise.
struct RegexLiteral: Sendable {
    enum Place: Sendable, Equatable {
        /// Anywhere in the input.
        case anywhere
        /// At the start.
        case prefix
        /// At the end; `newline`: or just before a final `\n` (`$`), not only at the very end (`\Z`).
        case suffix(newline: Bool)
        /// The whole input; `newline` as for `suffix`.
        case whole(newline: Bool)
    }

    let bytes: [UInt8]
    let masks: [UInt8]
    let place: Place

    /// The literal when `node` is exactly a literal with anchors (the answer is the comparison), else nil.
    init?(exactly node: RegexNode) {
        var items = Self.flatten(node)
        let anchoredStart = items.first.map(Self.isStartAnchor) ?? false
        if anchoredStart { items.removeFirst() }
        var end: RegexAssertion?
        if case .assertion(let assertion)? = items.last, assertion != .start {
            end = assertion
            items.removeLast()
        }
        // `.*` at an unanchored edge changes no search result; after `^` it would (it stops at `\n`).
        if !anchoredStart, let first = items.first, Self.isDotStar(first) { items.removeFirst() }
        if end == nil, let last = items.last, Self.isDotStar(last) { items.removeLast() }
        guard let (bytes, masks) = Self.literalRun(items[...]), bytes.count == items.count else { return nil }
        self.bytes = bytes
        self.masks = masks
        switch (anchoredStart, end) {
        case (false, nil): place = .anywhere
        case (true, nil): place = .prefix
        case (false, let end?): place = .suffix(newline: end == .dollar)
        case (true, let end?): place = .whole(newline: end == .dollar)
        }
    }

    /// The literal every match starts with, after a leading `^` (a quick rejection before the DFA).
    init?(requiredPrefixOf node: RegexNode) {
        var items = Self.flatten(node)
        guard let first = items.first, Self.isStartAnchor(first) else { return nil }
        items.removeFirst()
        guard let (bytes, masks) = Self.literalRun(items[...]), !bytes.isEmpty else { return nil }
        self.bytes = bytes
        self.masks = masks
        place = .prefix
    }

    /// The literal every match ends with, before a final `$` or `\Z` (a quick rejection before the DFA).
    init?(requiredSuffixOf node: RegexNode) {
        let items = Self.flatten(node)
        guard case .assertion(let end)? = items.last, end != .start else { return nil }
        let body = items.dropLast()
        var start = body.endIndex
        while start > body.startIndex, Self.literalRun(body[(start - 1)...]) != nil { start -= 1 }
        guard let (bytes, masks) = Self.literalRun(body[start...]), !bytes.isEmpty else { return nil }
        self.bytes = bytes
        self.masks = masks
        place = .suffix(newline: end == .dollar)
    }

    private static func flatten(_ node: RegexNode) -> [RegexNode] {
        switch node {
        case .empty: return []
        case .concat(let items): return items.flatMap(flatten)
        default: return [node]
        }
    }

    private static func isStartAnchor(_ node: RegexNode) -> Bool {
        if case .assertion(.start) = node { return true }
        return false
    }

    private static func isDotStar(_ node: RegexNode) -> Bool {
        if case .repetition(.bytes(let set), 0, nil, _) = node { return set == .dot || set == .all }
        return false
    }

    /// The bytes and masks of the literal items at the front of `items` (nil if the first is not one).
    private static func literalRun(_ items: ArraySlice<RegexNode>) -> ([UInt8], [UInt8])? {
        var bytes: [UInt8] = []
        var masks: [UInt8] = []
        for item in items {
            guard case .bytes(let set) = item else { break }
            if set.count == 1, let byte = (0...255).first(where: { set.contains(UInt8($0)) }) {
                bytes.append(UInt8(byte))
                masks.append(0)
            } else if set.count == 2, let lower = (UInt8(ascii: "a")...UInt8(ascii: "z")).first(where: set.contains),
                set.contains(lower ^ 0x20)
            {
                bytes.append(lower)
                masks.append(0x20)
            } else {
                break
            }
        }
        return bytes.isEmpty && !items.isEmpty ? nil : (bytes, masks)
    }
}
