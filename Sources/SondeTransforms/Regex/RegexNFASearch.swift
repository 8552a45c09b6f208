extension RegexNFA {
    /// Flat copies of the nodes and sets for the search, which reads them through pointers.
    struct SearchTables {
        let ops: [UInt8]
        let next: [Int32]
        let other: [Int32]
        let sets: [ByteSet]
        let start: Int32

        init(_ nfa: RegexNFA) {
            ops = nfa.nodes.map(\.op.rawValue)
            next = nfa.nodes.map(\.next)
            other = nfa.nodes.map(\.other)
            sets = nfa.sets
            start = nfa.start
        }
    }
}

/// Zeroed scratch memory that lives in the caller's stack frame: a local tuple, which Swift never puts on the heap.
/// (`withUnsafeTemporaryAllocation` uses the stack only up to 1 KiB on Linux, and the heap above.)
enum StackScratch {
    typealias Words8 = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    typealias Words64 = (Words8, Words8, Words8, Words8, Words8, Words8, Words8, Words8)
    typealias Words512 = (Words64, Words64, Words64, Words64, Words64, Words64, Words64, Words64)
    typealias Words4096 = (Words512, Words512, Words512, Words512, Words512, Words512, Words512, Words512)

    static let zero8: Words8 = (0, 0, 0, 0, 0, 0, 0, 0)
    static let zero64: Words64 = (zero8, zero8, zero8, zero8, zero8, zero8, zero8, zero8)
    /// 4 KiB.
    static let zero512: Words512 = (zero64, zero64, zero64, zero64, zero64, zero64, zero64, zero64)
    /// 32 KiB: the most a search puts on the stack, safe on any thread's stack.
    static let zero4096: Words4096 = (zero512, zero512, zero512, zero512, zero512, zero512, zero512, zero512)
}

extension RegexNFA.SearchTables {
    /// Scratch bytes a node: its mark, its places in the two lists and on the stack.
    static let scratchPerNode = 16
    /// The largest NFA the simulation runs: its scratch must fit ``StackScratch/zero4096``.
    static let maxNodes = MemoryLayout<StackScratch.Words4096>.size / scratchPerNode

    /// Python `re.search` on `input` by simulating the NFA: O(input × nodes) time, for patterns whose DFA is past
    /// the cap. Its scratch lives on the stack (at most 32 KiB), so a search never touches the heap.
    func search(_ input: UnsafeRawBufferPointer) -> Bool {
        let count = ops.count
        let bytes = count * Self.scratchPerNode
        if bytes <= 1024 {
            return withUnsafeTemporaryAllocation(byteCount: bytes, alignment: 8) { scratch in
                scratch.baseAddress!.initializeMemory(as: UInt32.self, repeating: 0, count: count)
                return search(input, scratch: scratch.baseAddress!)
            }
        }
        if bytes <= MemoryLayout<StackScratch.Words512>.size {
            var scratch = StackScratch.zero512
            return withUnsafeMutableBytes(of: &scratch) { search(input, scratch: $0.baseAddress!) }
        }
        precondition(count <= Self.maxNodes, "the compiler sends larger patterns nowhere near the simulation")
        var scratch = StackScratch.zero4096
        return withUnsafeMutableBytes(of: &scratch) { search(input, scratch: $0.baseAddress!) }
    }

    /// `scratch` holds 16 bytes a node, the first 4 (the marks) zeroed.
    private func search(_ input: UnsafeRawBufferPointer, scratch: UnsafeMutableRawPointer) -> Bool {
        let count = ops.count
        let marks = scratch.assumingMemoryBound(to: UInt32.self)
        let current = (scratch + 4 * count).assumingMemoryBound(to: Int32.self)
        let following = current + count
        let stack = following + count
        return ops.withUnsafeBufferPointer { ops in
            next.withUnsafeBufferPointer { next in
                other.withUnsafeBufferPointer { other in
                    sets.withUnsafeBufferPointer { sets in
                        let walk = Walk(
                            ops: ops.baseAddress!, next: next.baseAddress!, other: other.baseAddress!,
                            sets: sets.baseAddress!, marks: marks, stack: stack)
                        return walk.run(input, start: start, current: current, following: following)
                    }
                }
            }
        }
    }

    /// The simulation over raw pointers: no retain, no bounds check, no allocation.
    private struct Walk {
        let ops: UnsafePointer<UInt8>
        let next: UnsafePointer<Int32>
        let other: UnsafePointer<Int32>
        let sets: UnsafePointer<ByteSet>
        let marks: UnsafeMutablePointer<UInt32>
        let stack: UnsafeMutablePointer<Int32>

        func run(
            _ input: UnsafeRawBufferPointer, start: Int32, current: UnsafeMutablePointer<Int32>,
            following: UnsafeMutablePointer<Int32>
        ) -> Bool {
            let length = input.count
            var list = current
            var nextList = following
            var seedCount = 1
            nextList[0] = start
            var position = 0
            while true {
                // Close the seeds for this position into `list`, stamped with position + 1.
                let last = position < length ? input[position] : 0
                let context = RegexNFA.Context(
                    atStart: position == 0, dollar: position == length || (position == length - 1 && last == 0x0A),
                    atEnd: position == length)
                swap(&list, &nextList)
                guard let size = close(seeds: list, seedCount, into: list, context: context, stamp: UInt32(position + 1))
                else { return true }
                if position == length { return false }
                seedCount = 0
                for i in 0..<size {
                    let node = Int(list[i])
                    if ops[node] == RegexNFA.Op.bytes.rawValue && sets[Int(other[node])].contains(last) {
                        nextList[seedCount] = next[node]
                        seedCount += 1
                    }
                }
                if seedCount == 0 { return false }
                position += 1
            }
        }

        /// The closure of the seeds (read before being overwritten: `into` may be `seeds`); nil when it reaches
        /// the match node, else the number of byte nodes written.
        func close(
            seeds: UnsafeMutablePointer<Int32>, _ seedCount: Int, into list: UnsafeMutablePointer<Int32>,
            context: RegexNFA.Context, stamp: UInt32
        ) -> Int? {
            var depth = 0
            for i in 0..<seedCount where marks[Int(seeds[i])] != stamp {
                marks[Int(seeds[i])] = stamp
                stack[depth] = seeds[i]
                depth += 1
            }
            var size = 0
            while depth > 0 {
                depth -= 1
                let node = Int(stack[depth])
                var first: Int32 = -1
                var second: Int32 = -1
                switch ops[node] {
                case RegexNFA.Op.bytes.rawValue:
                    list[size] = Int32(node)
                    size += 1
                case RegexNFA.Op.split.rawValue:
                    first = next[node]
                    second = other[node]
                case RegexNFA.Op.assertion.rawValue:
                    if context.holds(RegexAssertion(rawValue: UInt8(other[node]))!) { first = next[node] }
                default:
                    return nil
                }
                if first >= 0 && marks[Int(first)] != stamp {
                    marks[Int(first)] = stamp
                    stack[depth] = first
                    depth += 1
                }
                if second >= 0 && marks[Int(second)] != stamp {
                    marks[Int(second)] = stamp
                    stack[depth] = second
                    depth += 1
                }
            }
            return size
        }
    }
}
