/// Everything the periodic line (`--stats-interval`) reads, at one moment: counters that only grow, and gauges.
public struct PeriodicSample: Sendable {
    /// Events that entered the pipeline.
    public var events: UInt64 = 0
    /// The dnstap inputs' counters and the connections open now; nil without dnstap inputs.
    public var dnstap: DnstapCounters?
    public var openConnections = 0
    /// The captures' counters; nil without captures.
    public var capture: CaptureCounters?
    public var decode = DecodeCounters()
    /// The live statistics' counters since start (nil when they are off), and the distinct-value estimates.
    public var stats: StatsCounters?
    public var clients: UInt64 = 0
    public var domains: UInt64 = 0
    /// Each output's accounting.
    public var outputs: [(name: String, counters: OutputCounters)] = []

    public init() {}
}

/// The one-line statistics summary written every `--stats-interval` seconds: to the log, and to `stats.log_file`.
///
/// Each part's counts are either since start (`cumulative`) or the last interval's (`interval`). The log's line
/// keeps the form scripts read: the inputs' and outputs' counts since start, the statistics' over the interval.
/// Whatever the window, the line starts with the interval's events and rate and the total (`N in all`), rates are
/// over the interval, and the open connections, the queued events and the two estimates are values now.
public struct PeriodicLine: Sendable {
    /// Since start, or the last interval only.
    public enum Window: String, Sendable, CaseIterable {
        case cumulative, interval
    }

    public var inputs: Window
    public var statistics: Window
    public var outputs: Window

    /// Every part in `window`.
    public init(window: Window) {
        inputs = window
        statistics = window
        outputs = window
    }

    public init(inputs: Window, statistics: Window, outputs: Window) {
        self.inputs = inputs
        self.statistics = statistics
        self.outputs = outputs
    }

    /// The log's line, as it has always read.
    public static let log = PeriodicLine(inputs: .cumulative, statistics: .interval, outputs: .cumulative)

    /// The line for `now`, `before` being the sample of the previous line (or an empty one), `seconds` apart.
    public func text(_ now: PeriodicSample, since before: PeriodicSample, seconds: Int) -> String {
        let g = SummaryReport.grouped
        let s = UInt64(max(seconds, 1))
        let events = now.events &- before.events
        var line = "\(seconds) s: \(g(events)) events (\(g(events / s))/s), \(g(now.events)) in all"
        if var c = now.dnstap {
            if inputs == .interval, let b = before.dnstap { c.subtract(b) }
            line += "; connections open \(now.openConnections), refused \(c.connectionsRefused), evicted \(c.connectionsEvicted), protocol errors \(c.protocolErrors), idle timeouts \(c.idleTimeouts), lost \(c.connectionsLost) (closed connections: invalid frames \(c.invalidFrames), oversized \(c.oversizedFrames))"
        }
        if var c = now.capture {
            var d = now.decode
            if inputs == .interval, let b = before.capture {
                c.subtract(b)
                d.subtract(before.decode)
            }
            line += "; " + SummaryReport.captureLine(c, d)
        }
        if let total = now.stats {
            // dnstap-receiver's metrics line: queries, rate, clients, domains, per family and protocol.
            var d = total
            d.subtract(before.stats ?? StatsCounters())
            let c = statistics == .interval ? d : total
            var protocols: [String] = []
            for t in TransportProtocol.allCases where c.transport[Int(t.rawValue)] > 0 { protocols.append("\(t.name) \(g(c.transport[Int(t.rawValue)]))") }
            line += "; queries \(g(c.queries)) (\(g(d.queries / s))/s), responses \(g(c.responses)), clients ~\(g(now.clients)), domains ~\(g(now.domains))"
                + ", INET \(g(c.family[0])), INET6 \(g(c.family[1]))\(protocols.isEmpty ? "" : ", " + protocols.joined(separator: ", "))"
        }
        for (name, counters) in now.outputs {
            var c = counters
            if outputs == .interval, let b = before.outputs.first(where: { $0.name == name })?.counters {
                c.written &-= b.written
                c.dropped &-= b.dropped
                c.failed &-= b.failed
            }
            line += "; \(name): written \(g(c.written)), dropped \(g(c.dropped)), failed \(g(c.failed)), queued \(g(c.pending))"
        }
        return line
    }
}

extension DnstapCounters {
    /// Takes away an earlier reading of the same counters (what grew since).
    public mutating func subtract(_ o: DnstapCounters) {
        frames &-= o.frames
        bytes &-= o.bytes
        events &-= o.events
        withoutMessage &-= o.withoutMessage
        invalidFrames &-= o.invalidFrames
        oversizedFrames &-= o.oversizedFrames
        connectionsAccepted &-= o.connectionsAccepted
        connectionsRefused &-= o.connectionsRefused
        connectionsEvicted &-= o.connectionsEvicted
        protocolErrors &-= o.protocolErrors
        idleTimeouts &-= o.idleTimeouts
        connectionsFinished &-= o.connectionsFinished
        connectionsLost &-= o.connectionsLost
    }
}

extension CaptureCounters {
    /// Takes away an earlier reading of the same counters (what grew since).
    public mutating func subtract(_ o: CaptureCounters) {
        kernelPackets &-= o.kernelPackets
        kernelDrops &-= o.kernelDrops
        ringFreezes &-= o.ringFreezes
        received &-= o.received
        loopbackCopies &-= o.loopbackCopies
        sampledOut &-= o.sampledOut
        duplicates &-= o.duplicates
        blocks &-= o.blocks
    }
}

extension DecodeCounters {
    /// Takes away an earlier reading of the counters the periodic line shows (packets, DNS, not DNS, malformed);
    /// the others are left as they are.
    public mutating func subtract(_ o: DecodeCounters) {
        packets &-= o.packets
        bytes &-= o.bytes
        dnsPackets &-= o.dnsPackets
        notDNS &-= o.notDNS
        malformedPackets &-= o.malformedPackets
        unsupportedLinkType &-= o.unsupportedLinkType
    }
}
