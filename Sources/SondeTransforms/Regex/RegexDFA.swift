/// A DFA built up front from a ``RegexNFA`` by subset construction, over byte classes.
///
/// Bytes that no part of the pattern tells apart share a class, so a row has one column per class plus two:
/// "`\n` as the last byte" (where `$` may hold before it) and "end of input". State ids in `table` are
/// premultiplied by the row length; 0 is the dead state and `stride` (state 1) the match state, both absorbing,
/// so the search stops at the first byte that decides.
struct RegexDFA {
    /// The class of each byte.
    let classOf: [UInt8]
    /// Columns per row: the byte classes, then `newlineLastColumn`, then `endColumn`.
    let stride: Int
    /// Row-major transitions, each entry a premultiplied state id.
    let table: [UInt32]
    /// The premultiplied id of the state at offset 0.
    let start: UInt32
    /// Number of states, dead and match included.
    let stateCount: Int

    var newlineLastColumn: Int { stride - 2 }
    var endColumn: Int { stride - 1 }

    /// The most table entries (4 bytes each) a DFA may have, whatever the state cap: 8 MiB.
    static let maxTableEntries = 1 << 21

    /// Builds the DFA, or returns nil when it would need more than `maxStates` states or `maxTableEntries`.
    init?(_ nfa: RegexNFA, maxStates: Int) {
        var classOf = [Int](repeating: 0, count: 256)
        var classCount = 1
        for set in nfa.sets {
            var renumber: [Int: Int] = [:]
            for byte in 0..<256 {
                let key = classOf[byte] * 2 + (set.contains(UInt8(byte)) ? 1 : 0)
                if let number = renumber[key] {
                    classOf[byte] = number
                } else {
                    renumber[key] = renumber.count
                    classOf[byte] = renumber.count - 1
                }
            }
            classCount = renumber.count
        }
        var representative = [UInt8](repeating: 0, count: classCount)
        for byte in (0..<256).reversed() { representative[classOf[byte]] = UInt8(byte) }
        let stride = classCount + 2

        var builder = Builder(nfa: nfa, maxStates: Swift.min(maxStates, Self.maxTableEntries / stride))
        var rows: [UInt32] = [UInt32](repeating: 0, count: stride)  // dead
        rows += [UInt32](repeating: UInt32(stride), count: stride)  // match
        var seeds: [Int32] = []
        var closed: [Int32] = []
        builder.closure([nfa.start], Context(atStart: true, dollar: false, atEnd: false), into: &closed)
        guard let startID = builder.intern(closed, isStart: true) else { return nil }
        var id = 2
        while id < builder.states.count {
            let set = builder.states[id]
            let isStart = id == 2 && startID == 2
            var row = [UInt32](repeating: 0, count: stride)
            for column in 0..<classCount {
                builder.step(set, on: representative[column], into: &seeds)
                builder.closure(seeds, .middle, into: &closed)
                guard let target = builder.intern(closed, isStart: false) else { return nil }
                row[column] = UInt32(target * stride)
            }
            // `$` may hold before a final `\n`: pass it, then consume the `\n`.
            builder.closure(set, Context(atStart: isStart, dollar: true, atEnd: false), into: &closed)
            if closed.first == nfa.matchNode {
                row[classCount] = UInt32(stride)
            } else {
                builder.step(closed, on: 0x0A, into: &seeds)
                builder.closure(seeds, .middle, into: &closed)
                guard let target = builder.intern(closed, isStart: false) else { return nil }
                row[classCount] = UInt32(target * stride)
            }
            builder.closure(set, Context(atStart: isStart, dollar: true, atEnd: true), into: &closed)
            row[classCount + 1] = closed.first == nfa.matchNode ? UInt32(stride) : 0
            rows += row
            id += 1
        }
        self.classOf = classOf.map { UInt8($0) }
        self.stride = stride
        self.table = rows
        self.start = UInt32(startID * stride)
        self.stateCount = builder.states.count
    }

    typealias Context = RegexNFA.Context

    /// The sets of NFA nodes behind each DFA state, and the scratch of the closure.
    private struct Builder {
        let nfa: RegexNFA
        let maxStates: Int
        var states: [[Int32]] = [[], []]
        var index: [[Int32]: Int] = [:]
        var marks: [UInt32]
        var stamp: UInt32 = 0
        var stack: [Int32] = []

        init(nfa: RegexNFA, maxStates: Int) {
            self.nfa = nfa
            self.maxStates = maxStates
            self.marks = [UInt32](repeating: 0, count: nfa.nodes.count)
        }

        mutating func closure(_ seeds: [Int32], _ context: Context, into result: inout [Int32]) {
            stamp += 1
            nfa.closure(of: seeds, in: context, marks: &marks, stamp: stamp, stack: &stack, into: &result)
        }

        func step(_ set: [Int32], on byte: UInt8, into seeds: inout [Int32]) {
            seeds.removeAll(keepingCapacity: true)
            for index in set {
                let node = nfa.nodes[Int(index)]
                if node.op == .bytes && nfa.sets[Int(node.other)].contains(byte) { seeds.append(node.next) }
            }
        }

        /// The id of the state for `set`, added if new; nil past the cap. The start state stays apart from an
        /// equal set reached later, because `^` holds only there.
        mutating func intern(_ set: [Int32], isStart: Bool) -> Int? {
            if set.first == nfa.matchNode { return 1 }
            if set.isEmpty { return 0 }
            let key = isStart ? [-1] + set : set
            if let id = index[key] { return id }
            if states.count >= maxStates { return nil }
            states.append(set)
            index[key] = states.count - 1
            return states.count - 1
        }
    }
}
