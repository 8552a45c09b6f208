/// Why a pattern was refused, and where: `position` is the offset in the pattern's UTF-8 bytes (0 is the first
/// byte), as Python's `re.error.pos` counts for an ASCII pattern.
public struct ByteRegexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of refusal this is.
    public enum Kind: Sendable, Equatable {
        /// The pattern is not valid Python `re` syntax (Python refuses it too).
        case syntax
        /// Valid Python syntax that this engine does not implement (backreferences, lookaround, `\b`, ...).
        case unsupported
        /// The pattern would need more automaton than the limits allow.
        case tooLarge
    }

    /// What kind of refusal this is.
    public let kind: Kind
    /// What is wrong, without the position.
    public let message: String
    /// Offset of the offending construct in the pattern's UTF-8 bytes.
    public let position: Int

    /// An error of `kind` at `position`.
    public init(_ kind: Kind, _ message: String, at position: Int) {
        self.kind = kind
        self.message = message
        self.position = position
    }

    /// "`message` at position `position`", as Python words its own errors.
    public var description: String { "\(message) at position \(position)" }
}
