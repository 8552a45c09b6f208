import NIOConcurrencyHelpers
public import Prometheus

/// Prometheus metrics from Sonde's counters.
///
/// Inputs keep their own counters (plain integers, published once per block or read); at each scrape the
/// exporter reads them through `collect` and moves the registry's counters forward by the difference, so
/// nothing is counted per event for the metrics' sake. Metric handles are made once, on first sight.
public final class MetricsExporter: @unchecked Sendable {
    /// One value: a counter (`…_total`, only ever grows) or a gauge.
    public struct Sample: Sendable {
        public var name: String
        public var labels: [(String, String)]
        public var value: UInt64
        public var help: String
        public var isGauge: Bool

        public init(_ name: String, _ value: UInt64, labels: [(String, String)] = [], help: String, gauge: Bool = false) {
            self.name = name
            self.value = value
            self.labels = labels
            self.help = help
            self.isGauge = gauge
        }
    }

    public let registry = PrometheusCollectorRegistry()
    private let collect: @Sendable () -> [Sample]
    private let lock = NIOLock()
    private var counters: [String: (counter: Counter, last: UInt64)] = [:]
    private var gauges: [String: Gauge] = [:]
    /// Whether each name was first seen with labels: the Prometheus client stops the process when a name comes
    /// both ways, so a sample that would mix them is left out (a bug to fix, never a crash).
    private var labelled: [String: Bool] = [:]

    public init(collect: @escaping @Sendable () -> [Sample]) { self.collect = collect }

    /// The exposition text (format 0.0.4).
    public func render() -> [UInt8] {
        let samples = collect()
        return lock.withLock {
            for s in samples {
                let hasLabels = !s.labels.isEmpty
                if let seen = labelled[s.name], seen != hasLabels { continue }
                labelled[s.name] = hasLabels
                let key = s.name + "\u{0}" + s.labels.map { "\($0.0)=\($0.1)" }.joined(separator: "\u{0}")
                if s.isGauge {
                    let g = gauges[key] ?? registry.makeGauge(name: s.name, labels: s.labels, help: s.help)
                    gauges[key] = g
                    g.set(Int64(clamping: s.value))
                } else {
                    var entry = counters[key] ?? (registry.makeCounter(name: s.name, labels: s.labels, help: s.help), 0)
                    if s.value > entry.last {
                        entry.counter.increment(by: Int64(clamping: s.value - entry.last))
                        entry.last = s.value
                    }
                    counters[key] = entry
                }
            }
            var out: [UInt8] = []
            registry.emit(into: &out)
            return out
        }
    }
}
