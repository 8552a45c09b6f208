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
    /// Whether intervals are kept at all (`sonde read` keeps only the totals).
    public let intervals: Bool
    /// Whether every table, the intervals and the streams are kept, or only what the end-of-run summary shows
    /// (counters, estimates, latency, top names). The full set costs several times the JSON path today (the
    /// top tables' updates; see docs/statistics.md), so `sonde run` keeps it only when something reads it.
    public let detail: Bool
    /// The Public Suffix List, when there is one (tld and registered-domain tables).
    public let suffixes: (any SuffixLookup)?
    let lock = ConditionLock()
    var shards: [StatsShard] = []
    /// Events per second now and at most, sampled by ``tick()``.
    var rates = Rates()
    /// The exact counters at the last reset, globally ("") and per stream: counters only ever grow (Prometheus
    /// reads them), and what the API shows since a reset is the difference.
    var baselines: [String: StatsCounters] = [:]

    struct Rates {
        var last: (time: Double, queries: UInt64, responses: UInt64)?
        var queries = 0.0, responses = 0.0, peakQueries = 0.0, peakResponses = 0.0
    }

    public init(
        capacity: Int = 1024, streamCapacity: Int = 128, maxStreams: Int = 64, interval: Int = 60, keptIntervals: Int = 5,
        intervals: Bool = true, detail: Bool = true, suffixes: (any SuffixLookup)? = nil
    ) {
        self.intervals = intervals
        self.detail = detail
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
        var out = StreamStats(capacity: stream == nil ? capacity : streamCapacity)
        for shard in all {
            shard.lock.withLock {
                if let stream {
                    if let s = shard.stream(stream) { out.merge(s) }
                    return
                }
                switch window {
                case .total:
                    out.merge(shard.closed)
                    out.merge(shard.current)
                case .current: out.merge(shard.current)
                case .last(let n):
                    for s in shard.recent.prefix(n) { out.merge(s) }
                }
            }
        }
        if window == .total, let base = lock.withLock({ baselines[stream ?? ""] }) { out.counters.subtract(base) }
        return out
    }

    /// The exact counters of all traffic since start, never reset (cheaper than a whole ``snapshot(stream:window:)``).
    public var totals: StatsCounters {
        var out = StatsCounters()
        for shard in lock.withLock({ shards }) { shard.lock.withLock {
                out.add(shard.closed.counters)
                out.add(shard.current.counters)
            } }
        return out
    }

    /// A stream's exact counters since start, never reset (Prometheus reads them).
    public func totals(stream: String) -> StatsCounters {
        var out = StatsCounters()
        for shard in lock.withLock({ shards }) {
            shard.lock.withLock { if let c = shard.streamCounters(stream) { out.add(c) } }
        }
        return out
    }

    /// Every stream seen so far, in the order they appeared.
    public var streams: [String] {
        var seen: [String] = []
        for shard in lock.withLock({ shards }) {
            for s in shard.lock.withLock({ shard.streamNames }) where !seen.contains(s) { seen.append(s) }
        }
        return seen
    }

    /// Forgets what was counted, for all or for one stream: the top tables, estimates and latencies start again,
    /// and the counters are shown from here (they keep growing underneath, for Prometheus).
    public func reset(stream: String? = nil) {
        let all = lock.withLock { shards }
        let names = stream.map { [$0] } ?? self.streams
        var bases: [String: StatsCounters] = [:]
        for shard in all {
            shard.lock.withLock {
                if stream == nil {
                    bases["", default: StatsCounters()].add(shard.closed.counters)
                    bases["", default: StatsCounters()].add(shard.current.counters)
                }
                for name in names {
                    if let c = shard.streamCounters(name) { bases[name, default: StatsCounters()].add(c) }
                }
            }
            shard.reset(stream: stream)
        }
        lock.withLock {
            for (name, base) in bases { baselines[name] = base }
            if stream == nil {
                rates.peakQueries = 0
                rates.peakResponses = 0
            }
        }
    }

    /// Samples the query and response rates (call about once a second).
    public func tick(now: Double = SondeThread.now()) {
        var q: UInt64 = 0, r: UInt64 = 0
        for shard in lock.withLock({ shards }) {
            shard.lock.withLock {
                q &+= shard.closed.counters.queries &+ shard.current.counters.queries
                r &+= shard.closed.counters.responses &+ shard.current.counters.responses
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
