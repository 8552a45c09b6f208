/// Something that takes batches of events: a formatter to standard output, a file, a server.
///
/// Calls are synchronous and per batch, never per event.
public protocol EventOutput: AnyObject {
    /// The component kind (`stdout`, `file`, ...): config key, metric label and folder name.
    var kind: String { get }
    /// Takes one batch; the batch is reused after the call returns.
    func write(_ batch: borrowing EventBatch) throws
    /// Writes out what is buffered now (live inputs call it when traffic pauses).
    func flush() throws
    /// Flushes what is buffered and closes; called once at the end.
    func finish() throws
    /// Whether the output can take nothing more (its reader went away, as `| head` does).
    var isGone: Bool { get }
}

extension EventOutput {
    public func flush() throws {}
    public var isGone: Bool { false }
}

/// An error with a message for the user (no stack, no type name).
public struct SondeError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
