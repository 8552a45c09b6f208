public import SondeDNS

/// A batch of events and the bytes of their DNS messages, reused from batch to batch.
///
/// Inputs fill a batch, transforms and outputs read it; `removeAll()` keeps the storage, so a steady stream
/// allocates nothing once the first batches have grown it.
public final class EventBatch {
    /// The events, in arrival order.
    public private(set) var events: [DNSEvent] = []
    /// DNS message bytes, back to back.
    public private(set) var storage: [UInt8] = []
    /// The `identity` of the events' source.
    public var identity: String
    /// `identity` as UTF-8, escaped for JSON and YAML double-quoted strings, cached for formatters.
    public private(set) var identityEscaped: [UInt8] = []

    /// A batch sized for about `capacity` events.
    public init(identity: String = "", capacity: Int = 1024) {
        self.identity = identity
        events.reserveCapacity(capacity)
        storage.reserveCapacity(capacity * 256)
        setIdentity(identity)
    }

    /// Changes the identity (once per input, not per event).
    public func setIdentity(_ identity: String) {
        self.identity = identity
        var out = OutputBuffer(capacity: identity.utf8.count * 6 + 8)
        out.appendJSONEscaped(identity)
        identityEscaped = out.makeArray()
    }

    /// The number of events.
    public var count: Int { events.count }
    /// Whether there are no events.
    public var isEmpty: Bool { events.isEmpty }

    /// Adds an event with a copy of its DNS message.
    public func append(_ event: DNSEvent, message: UnsafeRawBufferPointer) {
        var e = event
        e.messageOffset = Int32(storage.count)
        e.messageLength = Int32(message.count)
        storage.append(contentsOf: message)
        events.append(e)
    }

    /// Sets the latency of event `index`.
    public func setLatency(_ nanoseconds: Int64, at index: Int) { events[index].latency = nanoseconds }

    /// Forgets the events and keeps the storage.
    public func removeAll() {
        events.removeAll(keepingCapacity: true)
        storage.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with every event and its message bytes, with one storage access for the whole batch.
    public func forEach(_ body: (DNSEvent, UnsafeRawBufferPointer) throws -> Void) rethrows {
        try storage.withUnsafeBytes { all in
            try events.withUnsafeBufferPointer { evs in
                for i in 0..<evs.count {
                    let e = evs[i]
                    let message = UnsafeRawBufferPointer(
                        rebasing: all[Int(e.messageOffset)..<Int(e.messageOffset) + Int(e.messageLength)])
                    try body(e, message)
                }
            }
        }
    }
}
