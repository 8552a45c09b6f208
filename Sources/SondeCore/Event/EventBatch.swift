public import SondeDNS
public import SondeDnstap
public import SondePacket

/// A batch of events and the bytes of their DNS messages, reused from batch to batch.
///
/// It is a non-copyable value that the input keeps in a local for the whole run: appending touches raw memory
/// held in that local, with no reference counting or exclusivity bookkeeping per message. Transforms and
/// outputs borrow it; `removeAll()` keeps the storage, so a steady stream allocates nothing once the first
/// batches have grown it.
public struct EventBatch: ~Copyable {
    @usableFromInline var events: UnsafeMutablePointer<DNSEvent>
    @usableFromInline var eventCapacity: Int
    /// The number of events.
    @inlinable public var count: Int { _count }
    @usableFromInline var _count = 0
    @usableFromInline var bytes: UnsafeMutableRawPointer
    @usableFromInline var byteCapacity: Int
    @usableFromInline var byteCount = 0
    /// The `identity` of the events' source.
    public private(set) var identity: String
    /// `identity` as UTF-8, escaped for JSON and YAML double-quoted strings, cached for formatters.
    public private(set) var identityEscaped: [UInt8] = []

    /// A batch sized for about `capacity` events.
    public init(identity: String = "", capacity: Int = 1024) {
        self.identity = identity
        eventCapacity = max(capacity, 16)
        events = .allocate(capacity: eventCapacity)
        byteCapacity = eventCapacity * 256
        bytes = .allocate(byteCount: byteCapacity, alignment: 16)
        identityEscaped = Self.escape(identity)
    }

    deinit {
        events.deinitialize(count: count)
        events.deallocate()
        bytes.deallocate()
    }

    static func escape(_ identity: String) -> [UInt8] {
        var out = OutputBuffer(capacity: identity.utf8.count * 6 + 8)
        out.appendJSONEscaped(identity)
        return out.makeArray()
    }

    /// Changes the identity (once per input, not per event).
    public mutating func setIdentity(_ identity: String) {
        self.identity = identity
        identityEscaped = Self.escape(identity)
    }

    /// Whether there are no events.
    @inlinable public var isEmpty: Bool { count == 0 }

    /// Adds an event with a copy of its DNS message.
    @inlinable
    public mutating func append(_ event: DNSEvent, message: UnsafeRawBufferPointer) {
        if _count == eventCapacity { growEvents() }
        if byteCount &+ message.count > byteCapacity { growBytes(byteCount &+ message.count) }
        var e = event
        e.messageOffset = Int32(byteCount)
        e.messageLength = Int32(message.count)
        if let src = message.baseAddress { (bytes + byteCount).copyMemory(from: src, byteCount: message.count) }
        byteCount &+= message.count
        (events + _count).initialize(to: e)
        _count &+= 1
    }

    /// Adds an event from dnstap, built in place: the frame is copied into the batch, then `build` fills a blank
    /// event (time `receivedAt`, input dnstap) from that copy and returns where the DNS message is in the frame (absent: the event has none), or nil
    /// to keep nothing (a frame that does not decode). No event is copied on the way.
    @inlinable
    public mutating func appendDnstap(
        frame: UnsafeRawBufferPointer, receivedAt: Int64, _ build: (inout DNSEvent, UnsafeRawBufferPointer) -> DnstapField?
    ) {
        if _count == eventCapacity { growEvents() }
        if byteCount &+ frame.count > byteCapacity { growBytes(byteCount &+ frame.count) }
        let copy = bytes + byteCount
        if let src = frame.baseAddress { copy.copyMemory(from: src, byteCount: frame.count) }
        let slot = events + _count
        slot.initialize(to: DNSEvent(
            timestamp: receivedAt, input: .dnstap, transport: .udp,
            source: .unspecifiedIPv4, destination: .unspecifiedIPv4, sourcePort: 0, destinationPort: 0))
        guard let message = build(&slot.pointee, UnsafeRawBufferPointer(start: copy, count: frame.count)) else {
            slot.deinitialize(count: 1)
            return
        }
        slot.pointee.recordOffset = Int32(byteCount)
        slot.pointee.recordLength = Int32(frame.count)
        slot.pointee.messageOffset = Int32(byteCount) &+ max(message.offset, 0)
        slot.pointee.messageLength = message.isPresent ? message.length : 0
        byteCount &+= frame.count
        _count &+= 1
    }

    @usableFromInline
    mutating func growEvents() {
        let bigger = UnsafeMutablePointer<DNSEvent>.allocate(capacity: eventCapacity * 2)
        bigger.moveInitialize(from: events, count: _count)
        events.deallocate()
        events = bigger
        eventCapacity *= 2
    }

    @usableFromInline
    mutating func growBytes(_ needed: Int) {
        var capacity = byteCapacity * 2
        while capacity < needed { capacity *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        bigger.copyMemory(from: bytes, byteCount: byteCount)
        bytes.deallocate()
        bytes = bigger
        byteCapacity = capacity
    }

    /// The event at `index`.
    @inlinable
    public subscript(index: Int) -> DNSEvent {
        get {
            precondition(index >= 0 && index < count)
            return events[index]
        }
        set {
            precondition(index >= 0 && index < count)
            events[index] = newValue
        }
    }

    /// The DNS message bytes of event `index`, valid until the batch changes.
    @inlinable
    public func message(at index: Int) -> UnsafeRawBufferPointer {
        precondition(index >= 0 && index < count)
        let e = events[index]
        return UnsafeRawBufferPointer(start: bytes + Int(e.messageOffset), count: Int(e.messageLength))
    }

    /// Gives `body` the events in place, to read or change them (transforms) without copying each one.
    @inlinable
    public mutating func withMutableEvents<R>(_ body: (UnsafeMutableBufferPointer<DNSEvent>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: events, count: _count))
    }

    /// Keeps only the events for which `keep` is true, in order (their message bytes stay where they are).
    public mutating func retain(where keep: (DNSEvent) -> Bool) {
        var kept = 0
        for i in 0..<_count where keep(events[i]) {
            if kept != i { events[kept] = events[i] }
            kept += 1
        }
        (events + kept).deinitialize(count: _count - kept)
        _count = kept
    }

    /// Forgets the events and keeps the storage.
    public mutating func removeAll() {
        events.deinitialize(count: _count)
        _count = 0
        byteCount = 0
    }

    /// Calls `body` with a pointer to every event in place, and its message bytes: for formatters that read a few
    /// fields of each event and must not copy it whole.
    @inlinable
    public func forEachInPlace(_ body: (UnsafePointer<DNSEvent>, UnsafeRawBufferPointer) throws -> Void) rethrows {
        let base = bytes
        var e = UnsafePointer(events)
        let end = e + count
        while e < end {
            try body(e, UnsafeRawBufferPointer(start: base + Int(e.pointee.messageOffset), count: Int(e.pointee.messageLength)))
            e += 1
        }
    }

    /// Calls `body` with every event, lent in place (not copied), and its message bytes.
    @inlinable
    public func forEach(_ body: (borrowing DNSEvent, UnsafeRawBufferPointer) throws -> Void) rethrows {
        let evs = events
        let base = bytes
        for i in 0..<count {
            let offset = Int(evs[i].messageOffset), length = Int(evs[i].messageLength)
            try body(evs[i], UnsafeRawBufferPointer(start: base + offset, count: length))
        }
    }
}
