/// A Thompson automaton over bytes: every node consumes one byte of a set, forks, tests the position, or accepts.
///
/// Built back to front, each construct compiled with the node that follows it already known, so no patch lists
/// are needed. Unanchored search is a loop of any byte in front of the pattern, as `.*?` would be.
struct RegexNFA {
    enum Op: UInt8 {
        /// Consumes a byte of `sets[node.other]`, then goes to `next`.
        case bytes
        /// Goes to `next` and `other`.
        case split
        /// Goes to `next` when the assertion `RegexAssertion(rawValue: other)` holds here.
        case assertion
        case match
    }

    struct Node {
        var op: Op
        var next: Int32
        var other: Int32
    }

    /// What the closure may pass: the assertions that hold at the position being closed over.
    struct Context {
        var atStart: Bool
        var dollar: Bool
        var atEnd: Bool

        static let middle = Context(atStart: false, dollar: false, atEnd: false)

        func holds(_ assertion: RegexAssertion) -> Bool {
            switch assertion {
            case .start: return atStart
            case .dollar: return dollar
            case .end: return atEnd
            }
        }
    }

    private(set) var nodes: [Node] = []
    private(set) var sets: [ByteSet] = []
    private var setIndex: [ByteSet: Int32] = [:]
    private(set) var start: Int32 = 0
    private(set) var matchNode: Int32 = 0
    let maxNodes: Int

    /// Compiles `root`; throws `.tooLarge` past `maxNodes` nodes (counted repetitions expand).
    init(_ root: RegexNode, maxNodes: Int) throws(ByteRegexError) {
        self.maxNodes = maxNodes
        matchNode = try add(Node(op: .match, next: -1, other: -1), at: 0)
        let entry = try compile(root, next: matchNode)
        if root.isAnchoredAtStart {
            start = entry
        } else {
            let loop = try add(Node(op: .split, next: entry, other: -1), at: 0)
            let any = try add(Node(op: .bytes, next: loop, other: set(.all)), at: 0)
            nodes[Int(loop)].other = any
            start = loop
        }
    }

    private mutating func add(_ node: Node, at position: Int) throws(ByteRegexError) -> Int32 {
        if nodes.count >= maxNodes {
            throw ByteRegexError(.tooLarge, "pattern needs more than \(maxNodes) automaton nodes", at: position)
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    private mutating func set(_ bytes: ByteSet) -> Int32 {
        if let index = setIndex[bytes] { return index }
        sets.append(bytes)
        setIndex[bytes] = Int32(sets.count - 1)
        return Int32(sets.count - 1)
    }

    /// `position` is that of the outermost repetition being expanded: the one to blame when the size runs out.
    private mutating func compile(_ node: RegexNode, next: Int32, position: Int? = nil) throws(ByteRegexError) -> Int32 {
        switch node {
        case .empty:
            return next
        case .bytes(let bytes):
            return try add(Node(op: .bytes, next: next, other: set(bytes)), at: position ?? 0)
        case .assertion(let assertion):
            return try add(Node(op: .assertion, next: next, other: Int32(assertion.rawValue)), at: position ?? 0)
        case .concat(let items):
            var entry = next
            for item in items.reversed() { entry = try compile(item, next: entry, position: position) }
            return entry
        case .alternation(let branches):
            var entry = try compile(branches[branches.count - 1], next: next, position: position)
            for branch in branches.dropLast().reversed() {
                let branchEntry = try compile(branch, next: next, position: position)
                entry = try add(Node(op: .split, next: branchEntry, other: entry), at: position ?? 0)
            }
            return entry
        case .repetition(let body, let min, let max, let own):
            let at = position ?? own
            var entry = next
            if let max {
                // (e(e(e)?)?)? for the optional copies: each skip goes straight to `next`.
                for _ in 0..<(max - min) {
                    let copy = try compile(body, next: entry, position: at)
                    entry = try add(Node(op: .split, next: copy, other: next), at: at)
                }
            } else {
                let loop = try add(Node(op: .split, next: -1, other: next), at: at)
                let copy = try compile(body, next: loop, position: at)
                nodes[Int(loop)].next = copy
                // e* enters at the fork; e{m,} ends in e+, whose first copy is the loop body itself.
                entry = min == 0 ? loop : copy
            }
            let mandatory = max == nil ? Swift.max(min - 1, 0) : min
            for _ in 0..<mandatory { entry = try compile(body, next: entry, position: at) }
            return entry
        }
    }

    /// Follows forks and satisfied assertions from `seeds`, collecting the byte-consuming nodes, the match node
    /// and the assertions that do not hold yet (which may hold once more is known of the input).
    ///
    /// `marks` holds one stamp per node; a node is visited once per `stamp`. Used to build the DFA, so it may
    /// allocate; the allocation-free search has its own copy of this loop.
    func closure(
        of seeds: some Sequence<Int32>, in context: Context, marks: inout [UInt32], stamp: UInt32,
        stack: inout [Int32], into result: inout [Int32]
    ) {
        result.removeAll(keepingCapacity: true)
        for seed in seeds where marks[Int(seed)] != stamp {
            marks[Int(seed)] = stamp
            stack.append(seed)
        }
        while let index = stack.popLast() {
            let node = nodes[Int(index)]
            var follow: (Int32, Int32) = (-1, -1)
            switch node.op {
            case .bytes, .match:
                result.append(index)
            case .split:
                follow = (node.next, node.other)
            case .assertion:
                let assertion = RegexAssertion(rawValue: UInt8(node.other))!
                if context.holds(assertion) {
                    follow.0 = node.next
                } else if assertion != .start {
                    result.append(index)  // `$` and `\Z` may hold at the end, which is still ahead
                }
            }
            if follow.0 >= 0 && marks[Int(follow.0)] != stamp {
                marks[Int(follow.0)] = stamp
                stack.append(follow.0)
            }
            if follow.1 >= 0 && marks[Int(follow.1)] != stamp {
                marks[Int(follow.1)] = stamp
                stack.append(follow.1)
            }
        }
        result.sort()
    }
}
