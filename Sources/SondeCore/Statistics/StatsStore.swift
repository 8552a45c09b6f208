/// Sonde's live statistics: every producer's ``StatsShard``, merged when read.
///
/// Memory is fixed when it is made: `capacity` entries per top table globally, `streamCapacity` per stream, at
/// most `maxStreams` streams (later ones are counted globally only), `keptIntervals` past intervals.
public final class StatsStore: @unchecked Sendable {
    /// Top table entries, globally and per stream.
    public let capacity: Int
    public let streamCapacity: Int
    public let maxStreams: Int
    /// Seconds per interval, and how many past intervals are kept.
    public let interval: Int
    public let keptIntervals: Int
    /// The Public Suffix List, when there is one (tld and registered-domain tables).
    public let suffixes: (any SuffixLookup)?
    let lock = ConditionLock()
    var shards: [StatsShard] = []
    /// Events per second now and at most, sampled by ``tick()``.
    var rates = Rates()

    struct Rates {
        var last: (time: Double, queries: UInt64, responses: UInt64)?
        var queries = 0.0, responses = 0.0, peakQueries = 0.0, peakResponses = 0.0
    }

    public init(
        capacity: Int = 1024, streamCapacity: Int = 128, maxStreams: Int = 64, interval: Int = 60, keptIntervals: Int = 5,
        suffixes: (any SuffixLookup)? = nil
    ) {
        self.capacity = capacity
        self.streamCapacity = streamCapacity
        self.maxStreams = maxStreams
        self.interval = max(interval, 1)
        self.keptIntervals = max(keptIntervals, 1)
        self.suffixes = suffixes
    }

    /// A shard for one producer.
    public func makeShard() -> StatsShard {
        let s = StatsShard(store: self)
        lock.withLock { shards.append(s) }
        return s
    }

    /// The stream a batch is counted under when its events do not say (the input's identity).
    func streamName(_ identity: String) -> String { identity }

    /// Which stats to read.
    public enum Window: Sendable, Equatable {
        /// Since start (or the last reset).
        case total
        /// The interval under way.
        case current
        /// The last `n` complete intervals.
        case last(Int)
    }

    /// The merged stats of every producer: globally, or for one stream.
    public func snapshot(stream: String? = nil, window: Window = .total) -> StreamStats {
        let all = lock.withLock { shards }
        var out = StreamStats(capacity: stream == nil ? capacity : streamCapacity, precise: stream == nil)
        for shard in all {
            shard.lock.withLock {
                if let stream {
                    if let s = shard.streams[stream] { out.merge(s) }
                    return
                }
                switch window {
                case .total: out.merge(shard.global)
                case .current: out.merge(shard.current)
                case .last(let n):
                    for s in shard.recent.prefix(n) { out.merge(s) }
                }
            }
        }
        return out
    }

    /// Every stream seen so far, in the order they appeared.
    public var streams: [String] {
        var seen: [String] = []
        for shard in lock.withLock({ shards }) {
            for s in shard.lock.withLock({ shard.streamOrder }) where !seen.contains(s) { seen.append(s) }
        }
        return seen
    }

    /// Forgets what was counted, for all or for one stream.
    public func reset(stream: String? = nil) {
        for shard in lock.withLock({ shards }) { shard.reset(stream: stream) }
        if stream == nil { lock.withLock { rates = Rates() } }
    }

    /// Samples the query and response rates (call about once a second).
    public func tick(now: Double = SondeThread.now()) {
        var q: UInt64 = 0, r: UInt64 = 0
        for shard in lock.withLock({ shards }) {
            shard.lock.withLock {
                q &+= shard.global.counters.queries
                r &+= shard.global.counters.responses
            }
        }
        lock.withLock {
            if let last = rates.last, now > last.time {
                let dt = now - last.time
                rates.queries = Double(q &- last.queries) / dt
                rates.responses = Double(r &- last.responses) / dt
                rates.peakQueries = max(rates.peakQueries, rates.queries)
                rates.peakResponses = max(rates.peakResponses, rates.responses)
            }
            rates.last = (now, q, r)
        }
    }

    /// Queries and responses per second, now and at their peak.
    public var rate: (queries: Double, responses: Double, peakQueries: Double, peakResponses: Double) {
        lock.withLock { (rates.queries, rates.responses, rates.peakQueries, rates.peakResponses) }
    }
}
