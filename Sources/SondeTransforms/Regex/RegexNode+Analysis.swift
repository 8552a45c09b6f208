extension RegexNode {
    /// The fewest bytes a match can span (saturating at 2^20): shorter inputs are rejected before any search.
    var minimumLength: Int {
        let cap = 1 << 20
        switch self {
        case .empty, .assertion: return 0
        case .bytes: return 1
        case .concat(let items): return min(items.reduce(0) { $0 + $1.minimumLength }, cap)
        case .alternation(let branches): return branches.map(\.minimumLength).min() ?? 0
        case .repetition(let body, let count, _, _): return min(body.minimumLength * count, cap)
        }
    }

    /// For a pattern whose every match ends at a trailing `$` or `\Z` (and which tests no other end): the pattern
    /// without that anchor, and which anchor it was. Such a pattern is searched backwards from the end.
    var endAnchored: (body: RegexNode, anchor: RegexAssertion)? {
        guard let (body, anchor) = strippingEndAnchor(), !body.testsEnd else { return nil }
        return (body, anchor)
    }

    private func strippingEndAnchor() -> (RegexNode, RegexAssertion)? {
        switch self {
        case .assertion(let anchor) where anchor != .start:
            return (.empty, anchor)
        case .concat(let items):
            guard let last = items.last, let (body, anchor) = last.strippingEndAnchor() else { return nil }
            return (.concat(items.dropLast() + [body]), anchor)
        case .alternation(let branches):
            var stripped: [RegexNode] = []
            var common: RegexAssertion?
            for branch in branches {
                guard let (body, anchor) = branch.strippingEndAnchor(), common == nil || common == anchor else {
                    return nil
                }
                common = anchor
                stripped.append(body)
            }
            return common.map { (.alternation(stripped), $0) }
        default:
            return nil
        }
    }

    /// Whether a `$` or `\Z` remains anywhere.
    private var testsEnd: Bool {
        switch self {
        case .empty, .bytes: return false
        case .assertion(let assertion): return assertion != .start
        case .concat(let items): return items.contains(where: \.testsEnd)
        case .alternation(let branches): return branches.contains(where: \.testsEnd)
        case .repetition(let body, _, _, _): return body.testsEnd
        }
    }

    /// The pattern that matches the reversed bytes of what this one matches; `^` becomes `\Z`, since the start
    /// of the input is the end of the reversed input. Only for patterns without `$` and `\Z`.
    var reversed: RegexNode {
        switch self {
        case .empty, .bytes: return self
        case .assertion: return .assertion(.end)
        case .concat(let items): return .concat(items.reversed().map(\.reversed))
        case .alternation(let branches): return .alternation(branches.map(\.reversed))
        case .repetition(let body, let min, let max, let position):
            return .repetition(body.reversed, min: min, max: max, position: position)
        }
    }
}
