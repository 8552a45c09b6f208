import Histogram
public import SondeCore
import SondeDNS
import SondeDnstap

/// The API's JSON bodies, written by hand into a buffer (a handful a second; the shapes are documented in
/// `openapi.yaml`, served beside them).
public enum StatsJSON {
    /// A JSON object being written: `key: value` pairs, commas handled.
    struct Object {
        var text = "{"
        var first = true

        init() {}

        mutating func key(_ k: String) {
            if !first { text += "," }
            first = false
            text += "\"" + StatsJSON.escape(k) + "\":"
        }

        mutating func number(_ k: String, _ v: UInt64) {
            key(k)
            text += String(v)
        }

        mutating func double(_ k: String, _ v: Double) {
            key(k)
            text += v.isFinite ? String(format3: v) : "null"
        }

        mutating func string(_ k: String, _ v: String?) {
            key(k)
            guard let v else {
                text += "null"
                return
            }
            text += "\"" + StatsJSON.escape(v) + "\""
        }

        mutating func raw(_ k: String, _ json: String) {
            key(k)
            text += json
        }

        mutating func counts(_ k: String, _ pairs: [(String, UInt64)]) {
            var o = Object()
            for (name, v) in pairs { o.number(name, v) }
            raw(k, o.finished())
        }

        func finished() -> String { text + "}" }
    }

    /// A JSON string's inside.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    static func time(_ ns: Int64) -> String? {
        guard ns > 0 else { return nil }
        var out = OutputBuffer(capacity: 40)
        var w = TimestampWriter()
        w.write(ns, into: &out)
        return out.makeString()
    }

    /// `/api/v1/counters`.
    public static func counters(_ s: StreamStats, stream: String?, window: String, rates: (Double, Double, Double, Double)?) -> String {
        let c = s.counters
        var o = Object()
        o.string("stream", stream)
        o.string("window", window)
        o.string("since", time(s.since))
        o.string("last_event", time(s.lastEvent))
        o.number("messages", c.messages)
        o.number("queries", c.queries)
        o.number("responses", c.responses)
        if let (q, r, pq, pr) = rates {
            o.double("queries_per_second", q)
            o.double("responses_per_second", r)
            o.double("peak_queries_per_second", pq)
            o.double("peak_responses_per_second", pr)
        }
        o.number("clients", s.clients.estimate)
        o.number("domains", s.names.estimate)
        o.number("malformed", c.malformed)
        o.number("without_message", c.withoutMessage)
        o.number("unanswered", c.unanswered)
        o.number("unmatched", c.unmatched)
        o.number("truncated_responses", c.truncatedResponses)
        o.number("bytes_in", c.bytesIn)
        o.number("bytes_out", c.bytesOut)
        o.counts("family", [("ipv4", c.family[0]), ("ipv6", c.family[1])])
        o.counts(
            "protocol",
            TransportProtocol.allCases.compactMap { t in
                c.transport[Int(t.rawValue)] > 0 ? ("\(t.name)".lowercased(), c.transport[Int(t.rawValue)]) : nil
            })
        o.counts("rcode", c.rcodes.map { (SummaryReport.rcodeName($0.code), $0.count) })
        o.counts("qtype", c.qtypes.map { (SummaryReport.qtypeName($0.code), $0.count) })
        o.counts(
            "opcode",
            c.opcode.enumerated().compactMap { i, v in
                guard v > 0 else { return nil }
                var b = OutputBuffer(capacity: 16)
                DNSOpcode.write(UInt8(i), into: &b)
                return (b.makeString(), v)
            })
        o.counts("flags", zip(StatsCounters.flagNames, c.flags).map { ($0, $1) })
        o.counts(
            "dnstap_types",
            c.dnstapType.enumerated().compactMap { i, v in
                v > 0 ? (DnstapNames.messageType(UInt32(i)).map { "\($0)" } ?? "TYPE\(i)", v) : nil
            })
        var l = Object()
        l.counts("buckets", zip(StatsCounters.latencyBuckets, c.latency).map { ($0.name, $1) })
        l.number("answered", s.latency.totalCount)
        if s.latency.totalCount > 0 {
            for (name, p) in [("p50_ms", 50.0), ("p90_ms", 90.0), ("p99_ms", 99.0), ("p999_ms", 99.9)] {
                l.double(name, Double(s.latency.valueAtPercentile(p)) / 1000)
            }
            l.double("max_ms", Double(s.latency.max) / 1000)
            l.double("mean_ms", s.latency.mean / 1000)
        }
        o.raw("latency", l.finished())
        return o.finished()
    }

    /// The names of ``tables(_:n:stream:window:)``, in order.
    public static let tableNames = [
        "domains", "nxdomain", "servfail", "refused", "tlds", "registered_domains", "clients", "clients_by_bytes", "slowest",
        "qtypes", "rcodes",
    ]

    /// `/api/v1/tables`: each top table, `n` entries, with each count's possible overestimate (`error`).
    public static func tables(_ s: StreamStats, n: Int, stream: String?, window: String, only: String? = nil) -> String {
        var o = Object()
        o.string("stream", stream)
        o.string("window", window)
        o.number("n", UInt64(n))
        var t = Object()
        func names(_ k: String, _ table: SpaceSaving) {
            guard only == nil || only == k else { return }
            let list = SummaryReport.topNames(table, n).map { e in
                var x = Object()
                x.string("key", e.name)
                x.number("count", e.count)
                x.number("error", e.error)
                return x.finished()
            }
            t.raw(k, "[" + list.joined(separator: ",") + "]")
        }
        func clients(_ k: String, _ table: SpaceSaving) {
            guard only == nil || only == k else { return }
            let list = table.top(n).map { e in
                var x = Object()
                x.string("key", StreamStats.address(fromKey: e.key).map { "\($0)" } ?? "?")
                x.number("count", e.value)
                x.number("error", e.error)
                return x.finished()
            }
            t.raw(k, "[" + list.joined(separator: ",") + "]")
        }
        func codes(_ k: String, _ pairs: [(String, UInt64)]) {
            guard only == nil || only == k else { return }
            let list = pairs.prefix(n).map { name, count in
                var x = Object()
                x.string("key", name)
                x.number("count", count)
                x.number("error", 0)
                return x.finished()
            }
            t.raw(k, "[" + list.joined(separator: ",") + "]")
        }
        names("domains", s.topNames)
        names("nxdomain", s.topNXDomain)
        names("servfail", s.topServfail)
        names("refused", s.topRefused)
        names("tlds", s.topTLDs)
        names("registered_domains", s.topRegistered)
        clients("clients", s.topClients)
        clients("clients_by_bytes", s.topClientBytes)
        names("slowest", s.slowest)
        codes("qtypes", s.counters.qtypes.map { (SummaryReport.qtypeName($0.code), $0.count) })
        codes("rcodes", s.counters.rcodes.map { (SummaryReport.rcodeName($0.code), $0.count) })
        o.raw("tables", t.finished())
        return o.finished()
    }

    /// `/api/v1/streams`.
    public static func streams(_ store: StatsStore) -> String {
        let list = store.streams.map { name in
            let s = store.snapshot(stream: name)
            var x = Object()
            x.string("name", name)
            x.number("messages", s.counters.messages)
            x.number("queries", s.counters.queries)
            x.number("responses", s.counters.responses)
            x.string("last_event", time(s.lastEvent))
            return x.finished()
        }
        var o = Object()
        o.raw("streams", "[" + list.joined(separator: ",") + "]")
        o.number("max_streams", UInt64(store.maxStreams))
        return o.finished()
    }

    /// `/api/v1/outputs`.
    public static func outputs(_ pipeline: Pipeline?) -> String {
        let list = (pipeline?.outputs ?? []).map { out in
            let c = out.worker.snapshot
            var x = Object()
            x.string("name", out.name)
            x.string("kind", out.kind)
            for (k, v) in c.fields { x.number(k, v) }
            x.string("state", out.worker.isGone ? "gone" : "running")
            return x.finished()
        }
        var o = Object()
        o.raw("outputs", "[" + list.joined(separator: ",") + "]")
        return o.finished()
    }
}

extension String {
    /// A number with at most three decimals, as JSON writes it.
    init(format3 v: Double) {
        let scaled = (v * 1000).rounded()
        if scaled == scaled.rounded(.towardZero) && abs(scaled) < 9e15 {
            let i = Int64(scaled)
            let sign = i < 0 ? "-" : ""
            let a = abs(i)
            let frac = a % 1000
            self = frac == 0 ? "\(sign)\(a / 1000)" : "\(sign)\(a / 1000).\(String(String(frac + 1000).dropFirst()).replacingTrailingZeros())"
        } else {
            self = "\(v)"
        }
    }

    fileprivate func replacingTrailingZeros() -> String {
        var s = self
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}
