/// The compiled form behind a ``ByteRegex``: immutable once built, its tables in memory it owns, so a search
/// reads them through plain pointers (no retain, no bounds check, no copy-on-write test).
final class RegexProgram: @unchecked Sendable {
    let engine: ByteRegex.Engine
    /// Inputs shorter than any match are rejected at once (`[a-z0-9]{32,}\.` needs 33 bytes).
    private let minimumLength: Int
    private let exact: LiteralProbe?
    private let prefix: LiteralProbe?
    private let suffix: LiteralProbe?
    private let nfa: RegexNFA.SearchTables?
    // The DFA (empty when there is none).
    private let classOf: UnsafeMutablePointer<UInt32>
    private let table: UnsafeMutablePointer<UInt32>
    private let start: Int
    private let stride: Int
    /// The DFA reads the input from its end: the pattern reversed, for a pattern anchored by a final `$`/`\Z`.
    private let backward: Bool
    /// For a backward DFA: whether the anchor is `$`, which also allows the match to end before a final `\n`.
    private let backwardFromNewline: Bool

    init(_ pattern: String, options: ByteRegex.Options) throws(ByteRegexError) {
        let root = try RegexParser.parse(pattern, caseInsensitive: options.caseInsensitive)
        let automaton = try RegexNFA(root, maxNodes: options.maxNFANodes)
        minimumLength = root.minimumLength
        let shortcuts = options.literalShortcuts
        exact = (shortcuts ? RegexLiteral(exactly: root) : nil).map(LiteralProbe.init)
        prefix = exact == nil && shortcuts ? RegexLiteral(requiredPrefixOf: root).map(LiteralProbe.init) : nil
        suffix = exact == nil && shortcuts ? RegexLiteral(requiredSuffixOf: root).map(LiteralProbe.init) : nil
        classOf = .allocate(capacity: 256)
        classOf.initialize(repeating: 0, count: 256)

        var dfa: RegexDFA?
        var backward = false
        var fromNewline = false
        if exact == nil, options.reverseSearch, let (body, anchor) = root.endAnchored {
            // Suffixes tell DNS names apart sooner than prefixes: most names are rejected in a few bytes.
            let reversedRoot = RegexNode.concat([.assertion(.start), body.reversed])
            if let reversedNFA = try? RegexNFA(reversedRoot, maxNodes: options.maxNFANodes) {
                dfa = RegexDFA(reversedNFA, maxStates: options.maxDFAStates)
                backward = dfa != nil
                fromNewline = anchor == .dollar
            }
        }
        if exact == nil, dfa == nil { dfa = RegexDFA(automaton, maxStates: options.maxDFAStates) }
        self.backward = backward
        backwardFromNewline = fromNewline

        if exact != nil {
            engine = .literal
            (table, start, stride, nfa) = (.allocate(capacity: 0), 0, 0, nil)
        } else if let dfa {
            engine = backward ? .reverseDFA(states: dfa.stateCount) : .dfa(states: dfa.stateCount)
            for byte in 0..<256 { classOf[byte] = UInt32(dfa.classOf[byte]) }
            table = .allocate(capacity: dfa.table.count)
            table.initialize(from: dfa.table, count: dfa.table.count)
            (start, stride, nfa) = (Int(dfa.start), dfa.stride, nil)
        } else {
            guard automaton.nodes.count <= RegexNFA.SearchTables.maxNodes else {
                throw ByteRegexError(
                    .tooLarge,
                    "pattern needs a DFA of more than \(options.maxDFAStates) states and an NFA of "
                        + "\(automaton.nodes.count) nodes, more than the \(RegexNFA.SearchTables.maxNodes) simulated",
                    at: 0)
            }
            engine = .nfa(nodes: automaton.nodes.count)
            (table, start, stride) = (.allocate(capacity: 0), 0, 0)
            nfa = RegexNFA.SearchTables(automaton)
        }
    }

    deinit {
        classOf.deallocate()
        table.deallocate()
        exact?.deallocate()
        prefix?.deallocate()
        suffix?.deallocate()
    }

    func search(_ input: UnsafeRawBufferPointer) -> Bool {
        if input.count < minimumLength { return false }
        if let exact { return exact.search(input) }
        if let prefix, !prefix.search(input) { return false }
        if let suffix, !suffix.search(input) { return false }
        if let nfa { return nfa.search(input) }
        if backward {
            if backwardSearch(input, to: input.count) { return true }
            return backwardFromNewline && input.count > 0 && input[input.count - 1] == 0x0A
                && backwardSearch(input, to: input.count - 1)
        }
        return forwardSearch(input)
    }

    /// One table load a byte; the last byte goes through the "`\n` at the end" column when it is a `\n`, then
    /// the end column says whether `$` or `\Z` completes a match.
    @inline(__always)
    private func forwardSearch(_ input: UnsafeRawBufferPointer) -> Bool {
        let matchState = stride
        var state = start
        if state <= matchState { return state == matchState }
        let length = input.count
        if length > 0 {
            let bytes = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let last = length - 1
            var i = 0
            while i < last {
                state = Int(table[state &+ Int(classOf[Int(bytes[i])])])
                if state <= matchState { return state == matchState }
                i &+= 1
            }
            let byte = bytes[last]
            let column = byte == 0x0A ? stride - 2 : Int(classOf[Int(byte)])
            state = Int(table[state &+ column])
            if state <= matchState { return state == matchState }
        }
        return table[state + stride - 1] != 0
    }

    /// The reversed pattern's DFA over `input[..<end]` read from `end` down to 0; it holds no `$`, so every byte
    /// takes its class column, and the end column tests the original `^`.
    @inline(__always)
    private func backwardSearch(_ input: UnsafeRawBufferPointer, to end: Int) -> Bool {
        let matchState = stride
        var state = start
        if state <= matchState { return state == matchState }
        if end > 0 {
            let bytes = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var i = end
            while i > 0 {
                i &-= 1
                state = Int(table[state &+ Int(classOf[Int(bytes[i])])])
                if state <= matchState { return state == matchState }
            }
        }
        return table[state + stride - 1] != 0
    }
}
