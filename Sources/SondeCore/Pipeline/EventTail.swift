import Atomics
public import SondeDNS

/// A condition on an event (a filter expression): the event tail's subscribers are given one, compiled once.
public protocol EventPredicate: Sendable {
    /// Whether the event passes.
    func matches(
        _ e: UnsafePointer<DNSEvent>, _ message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
        enrichment: UnsafePointer<EventEnrichment>?
    ) -> Bool
}

/// The live event tail (`GET /api/v1/events`): whoever subscribes gets the events after the global transforms,
/// as Sonde's JSON lines, each in a server-sent event (`data: {…}\n\n`).
///
/// The producers pay for it only while someone listens: with no subscriber, one relaxed atomic load per batch
/// (``isActive``). With subscribers, each producer formats the batch's matching events on its own thread, once per
/// subscriber, and hands the bytes to the subscriber's bounded buffer; what does not fit is dropped for that
/// subscriber alone and counted, never waited for, so a slow reader cannot slow the capture or another reader.
public final class EventTail: @unchecked Sendable {
    /// Subscribers at once; more are refused.
    public let maxSubscribers: Int
    /// Bytes of formatted events a subscriber's buffer holds before dropping.
    public let bufferBytes: Int
    let activeCount = ManagedAtomic<Int>(0)
    /// Bumped on every (un)subscription, so producers reread the list only when it changed.
    let version = ManagedAtomic<UInt64>(0)
    let sentCounter = ManagedAtomic<UInt64>(0)
    let droppedCounter = ManagedAtomic<UInt64>(0)
    private let lock = ConditionLock()
    private var list: [Subscription] = []

    public init(maxSubscribers: Int = 8, bufferBytes: Int = 1 << 20) {
        self.maxSubscribers = maxSubscribers
        self.bufferBytes = bufferBytes
    }

    /// Whether anyone listens: the whole cost of the tail on a batch when nobody does.
    @inline(__always) public var isActive: Bool { activeCount.load(ordering: .relaxed) != 0 }

    /// Subscribers now.
    public var subscribers: Int { activeCount.load(ordering: .relaxed) }
    /// Events handed to subscribers, and events dropped because a subscriber's buffer was full, since start.
    public var eventsSent: UInt64 { sentCounter.load(ordering: .relaxed) }
    public var eventsDropped: UInt64 { droppedCounter.load(ordering: .relaxed) }

    /// A new subscription for events that pass `filter` (all when nil), ending after `limit` events when given;
    /// nil when ``maxSubscribers`` are already listening.
    public func subscribe(filter: (any EventPredicate)?, limit: Int? = nil) -> Subscription? {
        lock.withLock {
            guard list.count < maxSubscribers else { return nil }
            let s = Subscription(tail: self, filter: filter, limit: limit, capacity: bufferBytes)
            list.append(s)
            activeCount.store(list.count, ordering: .relaxed)
            version.wrappingIncrement(ordering: .releasing)
            return s
        }
    }

    /// Ends a subscription: producers stop formatting for it.
    public func unsubscribe(_ s: Subscription) {
        s.close()
        lock.withLock {
            list.removeAll { $0 === s }
            activeCount.store(list.count, ordering: .relaxed)
            version.wrappingIncrement(ordering: .releasing)
        }
    }

    /// Ends every subscription (Sonde stops): readers see them finished.
    public func closeAll() {
        let all = lock.withLock { list }
        for s in all { unsubscribe(s) }
    }

    /// The subscriptions and the version they are of.
    func current() -> (UInt64, [Subscription]) {
        lock.withLock { (version.load(ordering: .relaxed), list) }
    }

    /// One reader's subscription: a bounded buffer of formatted events that producers fill and the reader empties.
    public final class Subscription: @unchecked Sendable {
        // Strong: the tail holds its subscriptions only while they last, so the cycle ends with them.
        let tail: EventTail
        let filter: (any EventPredicate)?
        let capacity: Int
        /// Set when the limit is reached or the subscription ends: producers skip it.
        let done = ManagedAtomic<Bool>(false)
        private let lock = ConditionLock()
        // Under `lock`.
        private var pending: [UInt8] = []
        private var droppedSinceTake: UInt64 = 0
        private var remaining: Int
        private var taken: UInt64 = 0
        private var dropped: UInt64 = 0

        init(tail: EventTail, filter: (any EventPredicate)?, limit: Int?, capacity: Int) {
            self.tail = tail
            self.filter = filter
            self.capacity = capacity
            remaining = limit ?? Int.max
        }

        /// Whether producers should skip it.
        @inline(__always) var isDone: Bool { done.load(ordering: .relaxed) }

        /// Events it may still take (its limit), for the producer to stop formatting early.
        var room: Int { lock.withLock { remaining } }

        func close() { done.store(true, ordering: .relaxed) }

        /// Takes whole events from `bytes` (each ends at the offset in `ends`) while they fit in the buffer and the
        /// limit allows; those that do not fit are dropped and counted.
        func offer(_ bytes: UnsafeRawBufferPointer, ends: [Int]) {
            var accepted = 0, refused = 0
            lock.withLock {
                guard !isDone else { return }
                let allowed = min(ends.count, remaining)
                var end = 0
                while accepted < allowed && pending.count + ends[accepted] <= capacity {
                    end = ends[accepted]
                    accepted += 1
                }
                if end > 0 { pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<end])) }
                // Beyond the limit is not a drop: the reader asked for no more.
                refused = allowed - accepted
                remaining -= accepted
                taken &+= UInt64(accepted)
                dropped &+= UInt64(refused)
                droppedSinceTake &+= UInt64(refused)
                if remaining == 0 { close() }
            }
            if accepted > 0 { tail.sentCounter.wrappingIncrement(by: UInt64(accepted), ordering: .relaxed) }
            if refused > 0 { tail.droppedCounter.wrappingIncrement(by: UInt64(refused), ordering: .relaxed) }
        }

        /// What the reader gets: the formatted events since the last call, how many were dropped meanwhile, and
        /// whether the subscription has ended (its limit reached, or Sonde stopping) with nothing left to read.
        public func take() -> (bytes: [UInt8], dropped: UInt64, finished: Bool) {
            lock.withLock {
                var out: [UInt8] = []
                swap(&out, &pending)
                let d = droppedSinceTake
                droppedSinceTake = 0
                return (out, d, isDone)
            }
        }

        /// Events delivered to the buffer and events dropped, since the subscription began.
        public var counts: (events: UInt64, dropped: UInt64) { lock.withLock { (taken, dropped) } }
    }
}

/// The event tail as one producer sees it: the subscriptions it last read, and its own formatting state.
final class TailRoute {
    var version = UInt64.max
    var subscriptions: [EventTail.Subscription] = []
    var context = FormatContext()
    var buffer = OutputBuffer(capacity: 1 << 12)
    var ends: [Int] = []

    /// Formats the rows each subscriber wants and offers them to it.
    func run(_ rows: borrowing EventRows, tail: EventTail) {
        let v = tail.version.load(ordering: .acquiring)
        if v != version { (version, subscriptions) = tail.current() }
        let identity = rows.identity
        for s in subscriptions where !s.isDone {
            buffer.removeAll()
            ends.removeAll(keepingCapacity: true)
            let room = s.room
            for i in 0..<rows.count where ends.count < room {
                let e = rows.event(i), m = rows.message(i), x = rows.enrichment(i)
                if let f = s.filter, !f.matches(e, m, identity: identity, enrichment: x) { continue }
                // A JSON line holds no newline (strings are escaped), so it is one `data:` field as it is.
                buffer.append("data: ")
                JSONFormat.write(e, message: m, identity: identity, enrichment: x, context: &context, into: &buffer)
                buffer.append(UInt8(ascii: "\n"))
                ends.append(buffer.count)
            }
            guard !ends.isEmpty else { continue }
            buffer.withBytes { s.offer($0, ends: ends) }
        }
    }
}
