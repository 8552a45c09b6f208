/// What the dnstap inputs saw: every frame and every connection is counted in one outcome.
public struct DnstapCounters: Sendable, Hashable {
    /// Data frames received.
    public var frames: UInt64 = 0
    /// Frame bytes received (payloads).
    public var bytes: UInt64 = 0
    /// Frames that became events.
    public var events: UInt64 = 0
    /// Of those, events whose dnstap message carried no DNS message.
    public var withoutMessage: UInt64 = 0
    /// Frames that are not valid dnstap protobuf (counted, not emitted).
    public var invalidFrames: UInt64 = 0
    /// Data frames over the size limit, skipped.
    public var oversizedFrames: UInt64 = 0
    /// Connections accepted, refused (allow-list or connection limit), closed for a protocol error, timed out
    /// idle, and ended cleanly with STOP/FINISH.
    public var connectionsAccepted: UInt64 = 0
    public var connectionsRefused: UInt64 = 0
    /// Connections closed to make room at the connection limit (the oldest that had not started a session).
    public var connectionsEvicted: UInt64 = 0
    public var protocolErrors: UInt64 = 0
    public var idleTimeouts: UInt64 = 0
    public var connectionsFinished: UInt64 = 0
    /// Connections that ended without STOP (peer closed or reset mid-stream).
    public var connectionsLost: UInt64 = 0

    public init() {}

    /// Adds another connection's counters.
    public mutating func add(_ o: DnstapCounters) {
        frames += o.frames
        bytes += o.bytes
        events += o.events
        withoutMessage += o.withoutMessage
        invalidFrames += o.invalidFrames
        oversizedFrames += o.oversizedFrames
        connectionsAccepted += o.connectionsAccepted
        connectionsRefused += o.connectionsRefused
        connectionsEvicted += o.connectionsEvicted
        protocolErrors += o.protocolErrors
        idleTimeouts += o.idleTimeouts
        connectionsFinished += o.connectionsFinished
        connectionsLost += o.connectionsLost
    }

    /// The counters as `name value` pairs, in a fixed order (for the summary and metrics).
    public var fields: [(String, UInt64)] {
        [
            ("frames", frames), ("bytes", bytes), ("events", events), ("without_message", withoutMessage),
            ("invalid_frames", invalidFrames), ("oversized_frames", oversizedFrames),
            ("connections_accepted", connectionsAccepted), ("connections_refused", connectionsRefused),
            ("connections_evicted", connectionsEvicted),
            ("protocol_errors", protocolErrors), ("idle_timeouts", idleTimeouts),
            ("connections_finished", connectionsFinished), ("connections_lost", connectionsLost),
        ]
    }
}
