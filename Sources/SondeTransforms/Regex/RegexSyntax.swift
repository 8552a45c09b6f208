/// A set of bytes, the label of every byte-consuming step of a pattern: 256 bits in four words.
struct ByteSet: Hashable, Sendable {
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    static let empty = ByteSet()
    static let all = ByteSet(words: (~0, ~0, ~0, ~0))

    static func == (a: ByteSet, b: ByteSet) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    init() {}
    init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }
    init(byte: UInt8) { insert(byte) }
    init(range: ClosedRange<UInt8>) { insert(range) }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    mutating func insert(_ range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    mutating func formUnion(_ other: ByteSet) {
        words.0 |= other.words.0
        words.1 |= other.words.1
        words.2 |= other.words.2
        words.3 |= other.words.3
    }

    var inverted: ByteSet { ByteSet(words: (~words.0, ~words.1, ~words.2, ~words.3)) }

    var count: Int {
        words.0.nonzeroBitCount + words.1.nonzeroBitCount + words.2.nonzeroBitCount + words.3.nonzeroBitCount
    }

    /// The set with the other case of every ASCII letter in it: Python's IGNORECASE on a bytes pattern folds
    /// ASCII letters only.
    var caseFolded: ByteSet {
        var folded = self
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") where contains(byte) || contains(byte | 0x20) {
            folded.insert(byte)
            folded.insert(byte | 0x20)
        }
        return folded
    }

    /// `[0-9]`, Python's `\d` on bytes.
    static let digits = ByteSet(range: UInt8(ascii: "0")...UInt8(ascii: "9"))
    /// `[a-zA-Z0-9_]`, Python's `\w` on bytes.
    static let word: ByteSet = {
        var set = digits
        set.insert(UInt8(ascii: "a")...UInt8(ascii: "z"))
        set.insert(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        set.insert(UInt8(ascii: "_"))
        return set
    }()
    /// `[ \t\n\r\f\v]`, Python's `\s` on bytes.
    static let space: ByteSet = {
        var set = ByteSet(range: 9...13)
        set.insert(UInt8(ascii: " "))
        return set
    }()
    /// Every byte but `\n`: `.` without the DOTALL flag.
    static let dot = ByteSet(byte: 0x0A).inverted
}

/// A zero-width test of the position.
enum RegexAssertion: UInt8, Sendable {
    /// `^` and `\A`: the start of the input (Python's default, without MULTILINE).
    case start
    /// `$`: the end of the input, or just before a `\n` that ends it.
    case dollar
    /// `\Z`: the end of the input only.
    case end
}

/// The parsed pattern. Groups leave no node of their own: nothing is captured.
indirect enum RegexNode: Sendable {
    case empty
    case bytes(ByteSet)
    case concat([RegexNode])
    case alternation([RegexNode])
    /// `max == nil` is unbounded; `position` is where the quantifier stands, for size errors.
    case repetition(RegexNode, min: Int, max: Int?, position: Int)
    case assertion(RegexAssertion)

    /// Whether every match must begin at the start of the input, so the search need not try later starts.
    var isAnchoredAtStart: Bool {
        switch self {
        case .assertion(.start): return true
        case .concat(let items):
            for item in items {
                if item.isAnchoredAtStart { return true }
                if !item.isZeroWidthAlways { return false }
            }
            return false
        case .alternation(let branches): return !branches.isEmpty && branches.allSatisfy(\.isAnchoredAtStart)
        case .repetition(let body, let min, _, _): return min > 0 && body.isAnchoredAtStart
        default: return false
        }
    }

    /// Nodes that consume nothing and are never skipped over: an anchor after them still anchors the match.
    private var isZeroWidthAlways: Bool {
        switch self {
        case .empty, .assertion: return true
        default: return false
        }
    }
}
