/// A regular expression in Python `re` syntax, compiled to a DFA over bytes, that answers Python's
/// `re.search(pattern, input) is not None` for a bytes pattern on a byte string.
///
/// Made for filtering DNS names and dnstap identities at millions of events a second: ``matches(_:)`` does not
/// allocate, takes time linear in the input whatever the pattern (no backtracking), and stops at the first byte
/// that decides. A pattern that is one literal with anchors (`example`, `^www\.`, `\.example\.com$`) is answered
/// by a comparison; a literal prefix after `^` or suffix before `$`, or a length below the shortest match, rejects
/// most inputs before the DFA runs. A pattern ending in `$` runs its DFA backwards from the end of the name,
/// where DNS names differ first.
///
/// The DFA is built whole at compile time, so the value is immutable and can be shared by any number of threads.
/// A pattern whose DFA would exceed ``Options/maxDFAStates`` is not refused: it is searched by simulating the
/// NFA, still linear (input length × pattern size) and allocation-free, only slower. Only a pattern too large
/// for both (an NFA of more than 2048 nodes, whose simulation scratch would not fit 32 KiB of stack) is refused.
///
/// Supported: literals, `.`, `[...]` with ranges and negation, `\d \w \s \D \W \S`, `\xHH`, `\n \t \r \f \v
/// \a`, escaped punctuation, `^ $ \A \Z`, `|`, `(...)`, `(?:...)`, `(?P<name>...)`, `* + ? {m} {m,} {,n}
/// {m,n}` and their lazy forms, `(?i)`, `(?s)`, `(?a)` at the start, and scoped `(?i:...)`. Refused with the
/// position: backreferences, lookaround, possessive quantifiers, atomic and conditional groups, `\b`, `\B`,
/// octal escapes, MULTILINE and VERBOSE. The pattern is read as Python reads a bytes pattern: `\w`, `\d`, `\s`
/// and IGNORECASE are ASCII-only, `\xHH` is one byte, `.` is any byte but `\n`, and a non-ASCII character is its
/// UTF-8 bytes.
public struct ByteRegex: Sendable {
    /// How a pattern is compiled.
    public struct Options: Sendable {
        /// Match ASCII letters regardless of case, as Python's `re.IGNORECASE` (or `(?i)`) on bytes.
        public var caseInsensitive: Bool
        /// The most DFA states built at compile time (each costs 4 bytes a byte class; the table never exceeds
        /// 8 MiB); past it the pattern is searched by NFA simulation. 0 always simulates.
        public var maxDFAStates: Int
        /// The most NFA nodes a pattern may need (counted repetitions expand); past it the pattern is refused.
        public var maxNFANodes: Int
        /// Whether literal comparisons may answer or pre-filter. Only tests and benchmarks turn this off, to
        /// reach the automata.
        public var literalShortcuts: Bool
        /// Whether a pattern anchored by a final `$` or `\Z` is searched from the end of the input with a DFA of
        /// the reversed pattern. Only tests and benchmarks turn this off.
        public var reverseSearch: Bool

        /// Options with the given flags and limits.
        public init(
            caseInsensitive: Bool = false, maxDFAStates: Int = 10_000, maxNFANodes: Int = 20_000,
            literalShortcuts: Bool = true, reverseSearch: Bool = true
        ) {
            self.reverseSearch = reverseSearch
            self.caseInsensitive = caseInsensitive
            self.literalShortcuts = literalShortcuts
            self.maxDFAStates = maxDFAStates
            self.maxNFANodes = maxNFANodes
        }
    }

    /// How the compiled pattern is searched.
    public enum Engine: Sendable, Equatable {
        /// A comparison with one literal: the pattern is a literal with anchors.
        case literal
        /// A DFA of this many states (the dead and the match state included).
        case dfa(states: Int)
        /// A DFA of the reversed pattern, run from the end of the input: the pattern ends with `$` or `\Z`.
        case reverseDFA(states: Int)
        /// NFA simulation over this many nodes: the DFA would have exceeded the cap.
        case nfa(nodes: Int)
    }

    /// The pattern as written.
    public let pattern: String
    /// How this pattern is searched.
    public var engine: Engine { program.engine }

    let program: RegexProgram

    /// Compiles `pattern`; throws ``ByteRegexError`` saying what is wrong or unsupported and where.
    public init(_ pattern: String, options: Options = Options()) throws(ByteRegexError) {
        self.pattern = pattern
        self.program = try RegexProgram(pattern, options: options)
    }

    /// Compiles `pattern`, case-insensitively if asked.
    public init(_ pattern: String, caseInsensitive: Bool) throws(ByteRegexError) {
        try self.init(pattern, options: Options(caseInsensitive: caseInsensitive))
    }

    /// Whether the pattern matches anywhere in `input` (Python `re.search`), or where its anchors say.
    @inline(__always)
    public func matches(_ input: UnsafeRawBufferPointer) -> Bool {
        program.search(input)
    }

    /// Whether the pattern matches the UTF-8 bytes of `text`. Does not allocate for a native string.
    public func matches(_ text: some StringProtocol) -> Bool {
        if let answer = text.utf8.withContiguousStorageIfAvailable({ matches(UnsafeRawBufferPointer($0)) }) {
            return answer
        }
        return Array(text.utf8).withUnsafeBytes { matches($0) }
    }
}
