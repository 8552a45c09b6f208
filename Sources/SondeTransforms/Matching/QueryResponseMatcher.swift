public import SondeCore
import SondeDNS
import SondePacket

/// Matches each response to its query to fill the response's `latency`, and counts queries that were never
/// answered and responses that answer nothing seen.
///
/// A query and its response match when they share the client and server addresses and ports, the transport, the
/// message ID and the question (name case-folded, type, class). The table is bounded (``Configuration/maxPending``)
/// and entries older than ``Configuration/timeoutNanoseconds`` (in capture time) are retired as unanswered. Queries
/// arrive in time order, so a FIFO of insertions finds the expired ones without scanning the table.
///
/// It runs synchronously over each batch, before the outputs: no allocation per message once the table exists.
public final class QueryResponseMatcher {
    /// Limits of the matcher.
    public struct Configuration: Sendable {
        /// Queries waiting for an answer, at most (each costs about 80 bytes of ring; the index grows with the
        /// queries actually pending).
        public var maxPending: Int
        /// How long a query waits for its answer, in capture time.
        public var timeoutNanoseconds: Int64

        /// Emit every query that gets no answer as an event (`transaction: unanswered`) when it expires.
        public var emitUnanswered: Bool
        /// One record per transaction: responses carry their query's time and size, queries are not emitted on
        /// their own (only when unanswered), responses without a query say so.
        public var join: Bool

        /// The bytes kept of each query when queries are kept (for `emitUnanswered` and `join`): longer queries
        /// are kept cut, and their event says it is malformed. Real queries rarely pass 512 bytes.
        public static let keptQueryBytes = 512

        public init(
            maxPending: Int = 1 << 18, timeoutNanoseconds: Int64 = 10_000_000_000, emitUnanswered: Bool = false,
            join: Bool = false
        ) {
            self.maxPending = maxPending
            self.timeoutNanoseconds = timeoutNanoseconds
            self.emitUnanswered = emitUnanswered
            self.join = join
        }

        /// Whether query events and bytes are kept while they wait.
        var keepsQueries: Bool { emitUnanswered || join }
    }

    /// What the matcher saw.
    public typealias Counters = MatchingCounters

    /// A pending query, kept in a ring in arrival (time) order.
    struct Entry {
        var hash: UInt64 = 0
        var client: IPAddress = .unspecifiedIPv4
        var server: IPAddress = .unspecifiedIPv4
        var clientPort: UInt16 = 0
        var serverPort: UInt16 = 0
        var id: UInt16 = 0
        var qtype: UInt16 = 0
        var qclass: UInt16 = 0
        var transport: UInt8 = 0
        var pending = false
        var timestamp: Int64 = 0
    }

    /// An index slot: the hash and where the entry sits in the ring (-1: empty).
    struct Slot {
        var hash: UInt64 = 0
        var ring: Int32 = -1
    }

    public let configuration: Configuration
    public private(set) var counters = Counters()
    let ring: UnsafeMutablePointer<Entry>
    let capacity: Int
    var head = 0
    var used = 0
    var index: UnsafeMutablePointer<Slot>
    var mask: Int
    /// Queries waiting for an answer now.
    public private(set) var pendingQueries = 0
    /// Kept query events and bytes, parallel to the ring (only when queries are kept).
    let keptEvents: UnsafeMutablePointer<DNSEvent>?
    let keptBytes: UnsafeMutableRawPointer?
    /// Unanswered queries retired since the last ``takeRetired(into:)``, as events.
    public private(set) var retired = EventBatch(capacity: 64)

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        capacity = max(configuration.maxPending, 1)
        ring = .allocate(capacity: capacity)
        ring.initialize(repeating: Entry(), count: capacity)
        if configuration.keepsQueries {
            keptEvents = .allocate(capacity: capacity)
            keptBytes = .allocate(byteCount: capacity * Configuration.keptQueryBytes, alignment: 8)
        } else {
            keptEvents = nil
            keptBytes = nil
        }
        // The index starts small and doubles as pending queries grow (load factor at most 1/2): in practice few
        // queries are pending at once, and a small index stays in cache, which is what makes matching cheap.
        mask = 1023
        index = .allocate(capacity: mask + 1)
        index.initialize(repeating: Slot(), count: mask + 1)
    }

    deinit {
        ring.deallocate()
        index.deallocate()
        keptEvents?.deallocate()
        keptBytes?.deallocate()
    }

    /// Matches every event of `batch`, setting the latency of matched responses.
    public func process(_ batch: inout EventBatch) {
        if configuration.keepsQueries {
            for i in 0..<batch.count {
                var e = batch[i]
                match(&e, message: batch.message(at: i))
                batch[i] = e
            }
            if configuration.join {
                // Queries travel inside their transaction record; only responses remain.
                batch.retain { !$0.layout.hasQuestion || $0.layout.isResponse }
            }
        } else {
            batch.withMutableEvents { events in
                for i in 0..<events.count { match(&events[i], message: nil) }
            }
        }
    }

    /// Moves the retired unanswered queries to `body` (then forgets them); call after each batch and after
    /// ``finish()``.
    public func takeRetired(_ body: (inout EventBatch) throws -> Void) rethrows {
        guard !retired.isEmpty else { return }
        try body(&retired)
        retired.removeAll()
    }

    @inline(__always)
    func match(_ e: inout DNSEvent, message: UnsafeRawBufferPointer?) {
        // dnstap messages carry their own query and response times.
        if e.hasDnstap { return }
        guard e.layout.hasQuestion else {
            counters.unmatchable &+= 1
            return
        }
        expire(before: e.timestamp &- configuration.timeoutNanoseconds)
        let response = e.layout.isResponse
        var probe = Entry()
        probe.id = e.layout.id
        probe.qtype = e.layout.qtype
        probe.qclass = e.layout.qclass
        probe.transport = e.transport.rawValue
        probe.client = response ? e.destination : e.source
        probe.clientPort = response ? e.destinationPort : e.sourcePort
        probe.server = response ? e.source : e.destination
        probe.serverPort = response ? e.sourcePort : e.destinationPort
        probe.hash = Self.hash(probe, qnameHash: e.layout.qnameHash)
        if response {
            if let slot = find(probe) {
                let r = Int(index[slot].ring)
                let latency = e.timestamp &- ring[r].timestamp
                if latency >= 0 { e.latency = latency }
                if configuration.join, let keptEvents {
                    e.transaction = .answered
                    e.queryTimestamp = ring[r].timestamp
                    e.querySize = keptEvents[r].messageLength
                }
                ring[r].pending = false
                removeSlot(slot)
                pendingQueries -= 1
                counters.matched &+= 1
            } else {
                counters.unmatchedResponses &+= 1
                if configuration.join { e.transaction = .unmatched }
            }
        } else if find(probe) != nil {
            counters.duplicateQueries &+= 1
        } else {
            let r = insert(probe, timestamp: e.timestamp)
            if let keptEvents, let keptBytes, let message {
                let n = min(message.count, Configuration.keptQueryBytes)
                if n > 0 {
                    (keptBytes + r * Configuration.keptQueryBytes).copyMemory(from: message.baseAddress!, byteCount: n)
                }
                var kept = e
                kept.messageLength = Int32(message.count)
                keptEvents[r] = kept
            }
        }
    }

    /// Retires every pending query (at the end of a run); they count as unanswered.
    public func finish() {
        expire(before: .max)
    }

    static func hash(_ p: Entry, qnameHash: UInt64) -> UInt64 {
        var h: UInt64 = qnameHash
        @inline(__always) func mix(_ v: UInt64) {
            h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        mix(p.client.high)
        mix(p.client.low)
        mix(p.server.high)
        mix(p.server.low)
        mix(UInt64(p.clientPort) | UInt64(p.serverPort) << 16 | UInt64(p.id) << 32 | UInt64(p.transport) << 48)
        mix(UInt64(p.qtype) | UInt64(p.qclass) << 16)
        return h
    }

    func same(_ a: Entry, _ b: Entry) -> Bool {
        a.hash == b.hash && a.id == b.id && a.clientPort == b.clientPort && a.serverPort == b.serverPort
            && a.qtype == b.qtype && a.qclass == b.qclass && a.transport == b.transport && a.client == b.client
            && a.server == b.server
    }

    /// The index slot of the pending query equal to `probe`.
    func find(_ probe: Entry) -> Int? {
        var i = Int(truncatingIfNeeded: probe.hash) & mask
        while index[i].ring >= 0 {
            if index[i].hash == probe.hash && same(ring[Int(index[i].ring)], probe) { return i }
            i = (i + 1) & mask
        }
        return nil
    }

    @discardableResult
    func insert(_ probe: Entry, timestamp: Int64) -> Int {
        if used == capacity {
            // The ring is full: free its oldest place, retiring that query if it is still unanswered.
            popOldest()
        }
        let r = (head + used) % capacity
        var entry = probe
        entry.pending = true
        entry.timestamp = timestamp
        ring[r] = entry
        used += 1
        pendingQueries += 1
        if pendingQueries * 2 > mask + 1 {
            growIndex()
        } else {
            var i = Int(truncatingIfNeeded: probe.hash) & mask
            while index[i].ring >= 0 { i = (i + 1) & mask }
            index[i] = Slot(hash: probe.hash, ring: Int32(r))
        }
        return r
    }

    /// Doubles the index and refills it from the pending queries of the ring.
    func growIndex() {
        index.deallocate()
        mask = (mask + 1) * 2 - 1
        index = .allocate(capacity: mask + 1)
        index.initialize(repeating: Slot(), count: mask + 1)
        for k in 0..<used {
            let r = (head + k) % capacity
            guard ring[r].pending else { continue }
            var i = Int(truncatingIfNeeded: ring[r].hash) & mask
            while index[i].ring >= 0 { i = (i + 1) & mask }
            index[i] = Slot(hash: ring[r].hash, ring: Int32(r))
        }
    }

    /// Frees the oldest ring place; a query still pending there is retired as unanswered.
    func popOldest() {
        guard used > 0 else { return }
        if ring[head].pending {
            if let slot = find(ring[head]) { removeSlot(slot) }
            ring[head].pending = false
            pendingQueries -= 1
            counters.unanswered &+= 1
            if let keptEvents, let keptBytes {
                var e = keptEvents[head]
                e.transaction = .unanswered
                let n = min(Int(e.messageLength), Configuration.keptQueryBytes)
                let bytes = UnsafeRawBufferPointer(start: keptBytes + head * Configuration.keptQueryBytes, count: n)
                if n < Int(e.messageLength) { e.layout = MessageLayout(decoding: bytes) }
                retired.append(e, message: bytes)
            }
        }
        head = (head + 1) % capacity
        used -= 1
    }

    func expire(before cutoff: Int64) {
        while used > 0 && (ring[head].timestamp < cutoff || !ring[head].pending) { popOldest() }
    }

    /// Backward-shift deletion keeps linear probing correct without tombstones (only index slots move).
    func removeSlot(_ slot: Int) {
        var hole = slot
        var i = (slot + 1) & mask
        while index[i].ring >= 0 {
            let home = Int(truncatingIfNeeded: index[i].hash) & mask
            if (hole - home) & mask < (i - home) & mask {
                index[hole] = index[i]
                hole = i
            }
            i = (i + 1) & mask
        }
        index[hole] = Slot()
    }
}
