/// The receiving end of a Frame Streams session, as a plain state machine: feed it each control frame and each
/// data frame; it says what to do.
///
/// Bidirectional (sockets): `READY →` / `← ACCEPT`, `START →`, data…, `STOP →` / `← FINISH`.
/// Unidirectional (files, some senders): `START`, data…, `STOP`. With ``Mode/either`` (the default for sockets)
/// the first control frame decides. Unknown control types are ignored wherever they come, as the specification
/// asks; a frame that is valid but out of place is an error, and the caller closes the session.
public struct FrameStreamReaderStateMachine: Sendable {
    /// Which handshakes are accepted.
    public enum Mode: Sendable { case bidirectional, unidirectional, either }

    /// What the caller does next.
    public enum Action: Equatable, Sendable {
        /// Nothing.
        case none
        /// Send this control frame (ACCEPT) to the peer.
        case reply(FrameStreamControl)
        /// Hand the data frame on.
        case deliver
        /// The session ended (STOP); send `reply` first when there is one (FINISH, bidirectional only).
        case finished(reply: FrameStreamControl?)
    }

    @usableFromInline enum State: Sendable { case initial, accepted, started, stopped }

    /// The content type read.
    public let contentType: [UInt8]
    let mode: Mode
    @usableFromInline var state = State.initial
    var bidirectional = false

    /// A reader of `contentType` frames (dnstap's by default).
    public init(mode: Mode = .either, contentType: [UInt8] = FrameStreamControl.dnstapContentType) {
        self.mode = mode
        self.contentType = contentType
    }

    /// Whether START has come and STOP has not.
    @inlinable public var isStarted: Bool { state == .started }
    /// Whether the session ended with STOP.
    public var isFinished: Bool { state == .stopped }

    /// A control frame came.
    public mutating func receive(_ control: FrameStreamControl) throws(FrameStreamError) -> Action {
        switch (control.kind, state) {
        case (.ready, .initial) where mode != .unidirectional:
            guard control.contentTypes.contains(contentType) else { throw .contentTypeMismatch(control.contentTypes) }
            state = .accepted
            bidirectional = true
            return .reply(FrameStreamControl(.accept, contentTypes: [contentType]))
        case (.start, .initial) where mode != .bidirectional, (.start, .accepted):
            guard control.allows(contentType) else { throw .contentTypeMismatch(control.contentTypes) }
            state = .started
            return .none
        case (.stop, .started), (.stop, .accepted):
            state = .stopped
            return .finished(reply: bidirectional ? FrameStreamControl(.finish) : nil)
        case (.ready, _), (.start, _), (.stop, _), (.accept, _), (.finish, _):
            throw .unexpected("\(control.kind) frame \(stateDescription)")
        default:
            return .none
        }
    }

    /// A data frame came: deliver it when the session has started.
    @inlinable
    public func receiveData() throws(FrameStreamError) -> Action {
        guard state == .started else { throw notStarted() }
        return .deliver
    }

    @usableFromInline
    func notStarted() -> FrameStreamError { .unexpected("data frame \(stateDescription)") }

    var stateDescription: String {
        switch state {
        case .initial: return mode == .unidirectional ? "before START" : "before READY or START"
        case .accepted: return "after ACCEPT, before START"
        case .started: return "after START"
        case .stopped: return "after STOP"
        }
    }
}
