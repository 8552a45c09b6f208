import Histogram
public import SondeDNS
import SondeDnstap

/// The end-of-run report, as text for people or JSON for programs.
public struct SummaryReport {
    /// The statistics of every message seen (``StatsStore``'s, globally).
    public var stats: StreamStats
    public var decode: DecodeCounters
    public var matching: MatchingCounters
    /// Files read.
    public var files: Int
    /// Wall-clock seconds.
    public var elapsed: Double
    /// dnstap frames and connections, when a dnstap input ran.
    public var dnstap: DnstapCounters?
    /// Live capture counters and interfaces, when a capture ran.
    public var capture: CaptureCounters?
    public var interfaces: [String] = []
    /// Every output's counters, by name and kind.
    public var outputs: [(name: String, kind: String, counters: OutputCounters)] = []
    /// Events each transform left out: `(output name, or "global"), kind, dropped`.
    public var transforms: [(stage: String, kind: String, dropped: UInt64)] = []

    public init(
        stats: StreamStats, decode: DecodeCounters, matching: MatchingCounters = MatchingCounters(), files: Int,
        elapsed: Double
    ) {
        self.stats = stats
        self.decode = decode
        self.matching = matching
        self.files = files
        self.elapsed = elapsed
    }

    static func mnemonic(_ write: (inout OutputBuffer) -> Void) -> String {
        var out = OutputBuffer(capacity: 32)
        write(&out)
        return out.makeString()
    }

    /// `1,234,567`.
    public static func grouped(_ v: UInt64) -> String {
        let s = String(v)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }

    /// A few lines for a terminal.
    public func text(topNames: Int = 10) -> String {
        let s = stats.counters
        let d = decode
        var lines: [String] = []
        let rate = elapsed > 0 ? Double(s.messages) / elapsed : 0
        if let c = capture {
            lines.append(
                "sonde: \(Self.grouped(d.packets)) packets (\(Self.grouped(d.bytes)) bytes) captured on \(interfaces.joined(separator: ", "))"
                    + " in \(String(format3(elapsed))) s, \(Self.grouped(UInt64(rate))) messages/s")
            lines.append(Self.captureLine(c, d))
        } else if let t = dnstap, d.packets == 0 {
            lines.append(
                "sonde: \(Self.grouped(t.frames)) dnstap frames (\(Self.grouped(t.bytes)) bytes)\(files > 0 ? " from \(files) file\(files == 1 ? "" : "s")" : "")"
                    + " in \(String(format3(elapsed))) s, \(Self.grouped(UInt64(rate))) messages/s")
        } else {
            lines.append(
                "sonde: \(Self.grouped(d.packets)) packets (\(Self.grouped(d.bytes)) bytes) from \(files) file\(files == 1 ? "" : "s")"
                    + " in \(String(format3(elapsed))) s, \(Self.grouped(UInt64(rate))) messages/s")
        }
        if let t = dnstap {
            lines.append(
                "dnstap:    events \(Self.grouped(t.events)) (without DNS message \(Self.grouped(t.withoutMessage))), invalid frames \(Self.grouped(t.invalidFrames)), oversized \(Self.grouped(t.oversizedFrames))"
                    + (files > 0 ? "" : "; connections accepted \(Self.grouped(t.connectionsAccepted)), refused \(Self.grouped(t.connectionsRefused)), evicted \(Self.grouped(t.connectionsEvicted)), protocol errors \(Self.grouped(t.protocolErrors)), idle timeouts \(Self.grouped(t.idleTimeouts)), finished \(Self.grouped(t.connectionsFinished)), lost \(Self.grouped(t.connectionsLost))")
            )
            let types = Self.dnstapTypes(stats.counters).map { "\($0.0) \(Self.grouped($0.1))" }
            lines.append("types:     \(types.isEmpty ? "-" : types.joined(separator: ", "))")
        }
        lines.append(
            "messages:  \(Self.grouped(s.messages)) (queries \(Self.grouped(s.queries)), responses \(Self.grouped(s.responses)), malformed \(Self.grouped(s.malformed)), TC=1 \(Self.grouped(s.truncatedResponses)))"
        )
        var transports: [String] = []
        for t in TransportProtocol.allCases where s.transport[Int(t.rawValue)] > 0 {
            transports.append("\(t.name) \(Self.grouped(s.transport[Int(t.rawValue)]))")
        }
        lines.append("transport: \(transports.isEmpty ? "-" : transports.joined(separator: ", "))")
        lines.append("family:    INET \(Self.grouped(s.family[0])), INET6 \(Self.grouped(s.family[1]))")
        lines.append(
            "distinct:  clients ~\(Self.grouped(stats.clients.estimate)), names ~\(Self.grouped(stats.names.estimate))"
                + " (HyperLogLog estimates, standard error 0.81%)")
        if stats.latency.totalCount > 0 {
            let l = stats.latency
            func ms(_ us: UInt64) -> String { format3(Double(us) / 1000) }
            lines.append(
                "latency:   \(Self.grouped(l.totalCount)) answered, p50 \(ms(l.valueAtPercentile(50))) ms, p90 \(ms(l.valueAtPercentile(90))) ms, p99 \(ms(l.valueAtPercentile(99))) ms, p99.9 \(ms(l.valueAtPercentile(99.9))) ms, max \(ms(l.max)) ms"
            )
        }
        // Packet, reassembly and matching lines say nothing about a dnstap-only run.
        if dnstap == nil || d.packets > 0 {
            lines.append(
                "packets:   DNS \(Self.grouped(d.dnsPackets)), TCP without payload \(Self.grouped(d.tcpControl)), not DNS \(Self.grouped(d.notDNS)), ICMP-quoted DNS \(Self.grouped(d.icmpQuotedDNS)), undecodable \(Self.grouped(d.malformedPackets + d.unsupportedLinkType))"
            )
            lines.append(
                "TCP:       messages reassembled \(Self.grouped(d.tcpMessagesReassembled)), segments waiting \(Self.grouped(d.tcpIncomplete)), bytes skipped \(Self.grouped(d.tcpBytesSkipped)), messages over limit \(Self.grouped(d.tcpMessagesDropped)), flows evicted \(Self.grouped(d.tcpFlowsEvicted)), timed out \(Self.grouped(d.tcpFlowsTimedOut)); holes \(Self.grouped(d.tcpHoles)) (\(Self.grouped(d.tcpHoleBytes)) bytes)"
            )
            lines.append(
                "IP:        fragments \(Self.grouped(d.ipFragments)), datagrams reassembled \(Self.grouped(d.ipDatagramsReassembled)), timed out \(Self.grouped(d.ipDatagramsTimedOut)), discarded \(Self.grouped(d.ipDatagramsDiscarded)); cut by snap length \(Self.grouped(d.captureTruncated))"
            )
            let m = matching
            lines.append(
                "matching:  answered \(Self.grouped(m.matched)), unanswered \(Self.grouped(m.unanswered)), responses without a query \(Self.grouped(m.unmatchedResponses)), retransmitted queries \(Self.grouped(m.duplicateQueries))"
            )
        }
        let qtypes = s.qtypes.prefix(10).map { e in "\(Self.qtypeName(e.code)) \(Self.grouped(e.count))" }
        lines.append("qtypes:    \(qtypes.isEmpty ? "-" : qtypes.joined(separator: ", "))")
        let rcodes = s.rcodes.prefix(10).map { e in "\(Self.rcodeName(e.code)) \(Self.grouped(e.count))" }
        lines.append("rcodes:    \(rcodes.isEmpty ? "-" : rcodes.joined(separator: ", "))")
        for o in outputs { lines.append(Self.outputLine(o.name, o.kind, o.counters)) }
        for t in transforms where t.dropped > 0 {
            lines.append("filtered:  \(t.stage) \(t.kind) left out \(Self.grouped(t.dropped))")
        }
        let top = Self.topNames(stats.topNames, topNames)
        lines.append("top qnames:\(top.isEmpty ? " -" : "")")
        for e in top {
            lines.append("  \(Self.grouped(e.count).leftPadded(12))  \(e.name)\(e.error > 0 ? "  (at most \(Self.grouped(e.error)) fewer)" : "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The capture's accounting in one line (also the periodic log line's tail).
    public static func captureLine(_ c: CaptureCounters, _ d: DecodeCounters) -> String {
        "capture:   kernel seen \(grouped(c.kernelPackets)), kernel dropped \(grouped(c.kernelDrops)) (ring full), received \(grouped(c.received)), loopback copies \(grouped(c.loopbackCopies)), sampled out \(grouped(c.sampledOut)), duplicates \(grouped(c.duplicates)), decoded \(grouped(c.decoded)) (DNS \(grouped(d.dnsPackets)), not DNS \(grouped(d.notDNS)), malformed \(grouped(d.malformedPackets + d.unsupportedLinkType)))"
    }

    /// One output's accounting in one line (the summary and the periodic line).
    public static func outputLine(_ name: String, _ kind: String, _ c: OutputCounters) -> String {
        var line = "output:    \(name) (\(kind)): in \(grouped(c.eventsIn)), written \(grouped(c.written)), filtered \(grouped(c.filtered)), dropped \(grouped(c.dropped)), failed \(grouped(c.failed))"
        if c.pending > 0 { line += ", pending \(grouped(c.pending))" }
        return line
    }

    /// One JSON object (keys as in the README).
    public func json(topNames: Int = 10) -> String {
        let s = stats.counters
        let d = decode
        func object(_ pairs: [(String, UInt64)]) -> String {
            "{" + pairs.map { "\"\(jsonEscape($0.0))\":\($0.1)" }.joined(separator: ",") + "}"
        }
        var transports: [(String, UInt64)] = []
        for t in TransportProtocol.allCases where s.transport[Int(t.rawValue)] > 0 {
            transports.append(("\(t.name)".lowercased(), s.transport[Int(t.rawValue)]))
        }
        let qtypes = s.qtypes.map { e in (Self.qtypeName(e.code), e.count) }
        let rcodes = s.rcodes.map { e in (Self.rcodeName(e.code), e.count) }
        let opcodes = StatsCounters.table(s.opcode + [0], RareCodes()).map { e in (Self.mnemonic { DNSOpcode.write(UInt8(e.code ?? 0), into: &$0) }, e.count) }
        let top = Self.topNames(stats.topNames, topNames).map {
            "{\"name\":\"\(jsonEscape($0.name))\",\"count\":\($0.count),\"error\":\($0.error)}"
        }
        var fields: [String] = []
        fields.append("\"files\":\(files)")
        fields.append("\"elapsed_seconds\":\(format3(elapsed))")
        fields.append("\"packets\":\(d.packets)")
        fields.append("\"bytes\":\(d.bytes)")
        fields.append("\"dns_packets\":\(d.dnsPackets)")
        fields.append("\"not_dns\":\(d.notDNS)")
        fields.append("\"tcp_control\":\(d.tcpControl)")
        fields.append("\"icmp_quoted\":\(d.icmpQuotedDNS)")
        fields.append("\"malformed_packets\":\(d.malformedPackets)")
        fields.append("\"unsupported_link_type\":\(d.unsupportedLinkType)")
        fields.append("\"ip_fragments\":\(d.ipFragments)")
        fields.append("\"tcp_incomplete\":\(d.tcpIncomplete)")
        fields.append("\"capture_truncated\":\(d.captureTruncated)")
        fields.append("\"tcp_messages_reassembled\":\(d.tcpMessagesReassembled)")
        fields.append("\"tcp_bytes_skipped\":\(d.tcpBytesSkipped)")
        fields.append("\"tcp_messages_dropped\":\(d.tcpMessagesDropped)")
        fields.append("\"tcp_flows_evicted\":\(d.tcpFlowsEvicted)")
        fields.append("\"tcp_flows_timed_out\":\(d.tcpFlowsTimedOut)")
        fields.append("\"tcp_holes\":\(d.tcpHoles)")
        fields.append("\"tcp_hole_bytes\":\(d.tcpHoleBytes)")
        fields.append("\"ip_datagrams_reassembled\":\(d.ipDatagramsReassembled)")
        fields.append("\"ip_datagrams_timed_out\":\(d.ipDatagramsTimedOut)")
        fields.append("\"ip_datagrams_discarded\":\(d.ipDatagramsDiscarded)")
        fields.append("\"dns_messages\":\(s.messages)")
        fields.append("\"queries\":\(s.queries)")
        fields.append("\"responses\":\(s.responses)")
        fields.append("\"malformed\":\(s.malformed)")
        fields.append("\"truncated_responses\":\(s.truncatedResponses)")
        fields.append("\"transport\":\(object(transports))")
        fields.append("\"ip\":\(object([("ipv4", s.family[0]), ("ipv6", s.family[1])]))")
        fields.append("\"opcode\":\(object(opcodes))")
        fields.append("\"rcode\":\(object(rcodes))")
        fields.append("\"qtype_queries\":\(object(qtypes))")
        fields.append("\"top_qnames\":[\(top.joined(separator: ","))]")
        fields.append("\"distinct_clients\":\(stats.clients.estimate)")
        fields.append("\"distinct_names\":\(stats.names.estimate)")
        if stats.latency.totalCount > 0 {
            let l = stats.latency
            let buckets = zip(StatsCounters.latencyBuckets, s.latency).map { ($0.0.name, $0.1) }
            fields.append(
                "\"latency\":{\"answered\":\(l.totalCount),\"p50_us\":\(l.valueAtPercentile(50)),\"p90_us\":\(l.valueAtPercentile(90)),\"p99_us\":\(l.valueAtPercentile(99)),\"p999_us\":\(l.valueAtPercentile(99.9)),\"max_us\":\(l.max),\"buckets\":\(object(buckets))}"
            )
        }
        fields.append("\"answered\":\(matching.matched)")
        fields.append("\"unanswered\":\(matching.unanswered)")
        fields.append("\"unmatched_responses\":\(matching.unmatchedResponses)")
        fields.append("\"duplicate_queries\":\(matching.duplicateQueries)")
        if let c = capture {
            fields.append("\"interfaces\":[\(interfaces.map { "\"\(jsonEscape($0))\"" }.joined(separator: ","))]")
            fields.append("\"capture\":\(object(c.fields))")
        }
        if let t = dnstap {
            fields.append("\"dnstap\":\(object(t.fields + [])),\"dnstap_types\":\(object(Self.dnstapTypes(s)))")
        }
        if !outputs.isEmpty {
            let list = outputs.map { o in
                "{\"name\":\"\(jsonEscape(o.name))\",\"kind\":\"\(jsonEscape(o.kind))\"," + object(o.counters.fields).dropFirst()
            }
            fields.append("\"outputs\":[\(list.joined(separator: ","))]")
        }
        if !transforms.isEmpty {
            let list = transforms.map { "{\"stage\":\"\(jsonEscape($0.stage))\",\"kind\":\"\(jsonEscape($0.kind))\",\"dropped\":\($0.dropped)}" }
            fields.append("\"transforms\":[\(list.joined(separator: ","))]")
        }
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    /// dnstap message types seen, most first.
    static func dnstapTypes(_ s: StatsCounters) -> [(String, UInt64)] {
        StatsCounters.table(s.dnstapType + [0], RareCodes()).map { e in
            let code = e.code ?? 0
            return (DnstapNames.messageType(UInt32(code)).map { "\($0)" } ?? "TYPE\(code)", e.count)
        }
    }

    /// A qtype's mnemonic; "other" for the shared bucket of rare codes.
    public static func qtypeName(_ code: UInt16?) -> String {
        code.map { c in mnemonic { DNSType.write(c, into: &$0) } } ?? "other"
    }

    /// An rcode's mnemonic; "other" for the shared bucket.
    public static func rcodeName(_ code: UInt16?) -> String {
        code.map { c in mnemonic { DNSRcode.write(c, into: &$0) } } ?? "other"
    }

    /// The `n` heaviest names of a table, in presentation form, with how much each count may exceed the truth.
    public static func topNames(_ table: SpaceSaving, _ n: Int) -> [(name: String, count: UInt64, error: UInt64)] {
        table.top(n).map { e in
            var out = OutputBuffer(capacity: 1100)
            e.key.withUnsafeBytes { DomainName.write($0, at: 0, into: &out) }
            return (out.makeString(), e.value, e.error)
        }
    }
}

func format3(_ v: Double) -> String {
    let ms = Int((v * 1000).rounded())
    let frac = String(ms % 1000)
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
}

func jsonEscape(_ s: String) -> String {
    var out = OutputBuffer(capacity: s.utf8.count + 16)
    out.appendJSONEscaped(s)
    return out.makeString()
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
