import Histogram
#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
public import SondeCore
import SondeInputs
import SondeHTTP
import SondeOutputs
import SondeTransforms

/// Runs `sonde run`: network inputs (dnstap servers and clients) → outputs, until SIGINT or SIGTERM; then stops
/// the inputs, delivers what they hold, flushes the outputs and prints the report.
public enum RunRunner {
    /// Runs until a signal; returns the exit status.
    public static func run(configuration: SondeConfiguration) throws -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        // Every thread started from here on inherits the mask, so only `sigwait` below sees the signals.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGHUP)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        // Every connection is a descriptor: allow as many as the hard limit does.
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 && limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
        guard !configuration.inputs.isEmpty || !configuration.captures.isEmpty else {
            throw SondeError("nothing to listen to: give --dnstap URL or --interface NAME (or inputs: in the configuration file)")
        }
        let appLog = AppLog.make(configuration)
        let identity = configuration.identity ?? ReadRunner.hostName()
        let context = ComponentContext(identity: identity, log: appLog, fetch: URLFetcher.fetch)
        // Live statistics are always kept, in memory fixed here whatever the traffic (docs/statistics.md).
        let sc = configuration.stats
        // Every table, interval and stream only when something reads them (the API, /metrics, statsd, or
        // stats.detail); otherwise what the end-of-run summary shows.
        let detail = sc.detail ?? (configuration.api.listen != nil || configuration.metricsListen != nil || configuration.statsd.address != nil)
        let statsStore = StatsStore(
            capacity: sc.top, streamCapacity: sc.streamTop, maxStreams: sc.maxStreams, interval: sc.interval, keptIntervals: sc.intervalsKept,
            detail: detail)
        let api = configuration.api
        let credentials = APICredentials(keys: api.keys, user: api.user, password: api.password, demo: api.demo)
        if api.listen != nil, let problem = credentials.problem() { throw SondeError("api: \(problem)") }
        let pipeline = try PipelineBuilder.build(
            configuration, context: context, stats: sc.enabled ? statsStore : nil,
            withOutputs: configuration.summary.mode != .only)
        try pipeline.start()
        for o in pipeline.outputs { appLog.info("output \(o.name): \(o.component.summary)") }
        let sink = pipeline
        let group = MultiThreadedEventLoopGroup(numberOfThreads: min(System.coreCount, 4))
        let log: @Sendable (String) -> Void = { line in
            appLog.info(line.hasPrefix("sonde: ") ? String(line.dropFirst(7)) : line)
        }
        var inputs: [DnstapInput] = []
        /// Undoes a start that failed half-way.
        func abandon(_ captures: [LiveCaptureInput] = []) {
            pipeline.beginShutdown(deadline: ProgressReporter.nowSeconds())
            for i in inputs { i.stop() }
            for c in captures { c.stop() }
            try? group.syncShutdownGracefully()
            pipeline.finish(deadline: ProgressReporter.nowSeconds() + 5)
        }
        // The periodic line, to the log and, when asked, to a rotating file of its own.
        var statsFile: RotatingLineFile?
        if let path = sc.logFile {
            guard configuration.statsInterval > 0 else {
                abandon()
                throw SondeError("stats.log_file: the line is written every stats_interval seconds, and stats_interval is 0")
            }
            do {
                statsFile = try RotatingLineFile(path: path, maxSize: sc.logMaxSize, keep: sc.logKeep, log: appLog)
            } catch {
                abandon()
                throw SondeError("stats.log_file \(path): \(error)")
            }
            log("sonde: statistics line every \(configuration.statsInterval) s to \(path) (\(sc.logWindow.rawValue))")
        }
        let start = ProgressReporter.nowSeconds()
        do {
            for c in configuration.inputs {
                let input: DnstapInput
                do {
                    input = try DnstapInput(configuration: c, group: group, sink: sink, logger: log)
                    try input.start()
                } catch {
                    throw SondeError("\(c.endpoint): \(error)")
                }
                inputs.append(input)
                switch c.mode {
                case .listen:
                    let address = input.localAddress.map(Self.describe) ?? "\(c.endpoint)"
                    log("sonde: dnstap listening on \(address)")
                case .connect: log("sonde: dnstap connecting to \(c.endpoint)")
                }
            }
        } catch {
            abandon()
            throw SondeError("cannot start the dnstap input: \(error)")
        }
        // When every output's reader has gone (`sonde run … | head`), the run ends as on SIGTERM, like tcpdump's.
        let goneWatch = group.next().scheduleRepeatedTask(initialDelay: .milliseconds(200), delay: .milliseconds(200)) { task in
            if pipeline.allGone {
                appLog.info("the output's reader has gone; stopping")
                task.cancel()
                kill(getpid(), SIGTERM)
            }
        }
        let captures: [LiveCaptureInput]
        do {
            captures = try Self.startCaptures(configuration, sink: sink, log: log)
        } catch {
            abandon()
            throw error
        }
        var metrics: MetricsServer?
        if let endpoint = configuration.metricsListen {
            let exporter = MetricsExporter { [inputs] in Self.samples(pipeline: pipeline, inputs: inputs, captures: captures) }
            do {
                metrics = try MetricsServer(endpoint: endpoint, exporter: exporter, group: group)
            } catch {
                abandon(captures)
                throw SondeError("cannot serve metrics on \(endpoint): \(error)")
            }
            log("sonde: metrics on http://\(metrics!.localAddress)/metrics")
        }
        let ready = NIOLockedValueBox(false)
        var apiServer: APIServer?
        if let endpoint = api.listen, case .tcp(let host, let port) = endpoint {
            let exporter = MetricsExporter { [inputs] in Self.samples(pipeline: pipeline, inputs: inputs, captures: captures) }
            let content = APIContent(stats: statsStore, pipeline: pipeline, metrics: exporter, filter: { try FilterExpression(parsing: $0) }) {
                ready.withLockedValue { $0 } ? (true, "") : (false, "inputs starting")
            }
            do {
                apiServer = try APIServer(
                    host: host, port: port, content: content, credentials: credentials, tls: api.tls, eventLoopGroup: group,
                    logger: appLog.logger)
            } catch {
                abandon(captures)
                throw SondeError("cannot serve the API on \(endpoint): \(error)")
            }
            log("sonde: API, metrics and dashboard on http\(apiServer!.usesTLS ? "s" : "")://\(apiServer!.localAddress)/\(api.demo ? " (demo: no credentials asked)" : "")")
        }
        ready.withLockedValue { $0 = true }
        // Rates (queries and responses per second, now and at their peak) are sampled every second.
        let rateTicker = group.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in statsStore.tick() }
        var statsd: (pusher: StatsdPusher, task: RepeatedTask)?
        if let endpoint = configuration.statsd.address {
            do {
                let pusher = try StatsdPusher(endpoint: endpoint, prefix: configuration.statsd.prefix)
                let every = TimeAmount.seconds(Int64(configuration.statsd.interval))
                statsd = (pusher, group.next().scheduleRepeatedTask(initialDelay: every, delay: every) { _ in pusher.push(statsStore) })
                log("sonde: statistics pushed to statsd at \(endpoint) every \(configuration.statsd.interval) s")
            } catch {
                abandon(captures)
                throw SondeError("cannot push to statsd at \(endpoint): \(error)")
            }
        }
        var stats: RepeatedTask?
        if configuration.statsInterval > 0 {
            let interval = configuration.statsInterval
            let last = NIOLockedValueBox(PeriodicSample())
            let all = inputs
            let fileLine = PeriodicLine(window: sc.logWindow)
            stats = group.next().scheduleRepeatedTask(initialDelay: .seconds(Int64(interval)), delay: .seconds(Int64(interval))) { [statsFile] _ in
                var now = PeriodicSample()
                now.events = pipeline.events
                if !all.isEmpty {
                    var c = DnstapCounters()
                    for i in all {
                        c.add(i.state.counters)
                        now.openConnections += i.state.openConnections
                    }
                    now.dnstap = c
                }
                if !captures.isEmpty {
                    let t = Self.captureTotals(captures)
                    now.capture = t.capture
                    now.decode = t.decode
                }
                if sc.enabled {
                    now.stats = statsStore.totals
                    let s = statsStore.snapshot(window: .total)
                    now.clients = s.clients.estimate
                    now.domains = s.names.estimate
                }
                now.outputs = pipeline.outputs.map { ($0.name, $0.worker.snapshot) }
                let before = last.withLockedValue { v in defer { v = now }; return v }
                log("sonde: " + PeriodicLine.log.text(now, since: before, seconds: interval))
                if let statsFile {
                    do {
                        try statsFile.write(Self.utcTime() + " " + fileLine.text(now, since: before, seconds: interval))
                    } catch {
                        appLog.error("stats.log_file \(statsFile.path): \(error)", key: "stats file")
                    }
                }
            }
        }

        var received: Int32 = 0
        while true {
            sigwait(&signals, &received)
            guard received == SIGHUP else { break }
            appLog.info("SIGHUP: reopening outputs, reloading lists and databases")
            pipeline.reload()
            do { try statsFile?.reopen() } catch { appLog.error("stats.log_file: cannot reopen: \(error)") }
        }
        log("sonde: \(received == SIGINT ? "interrupted" : "terminated"); stopping")
        // A stuck output (policy block) must not keep the inputs from stopping.
        pipeline.beginShutdown(deadline: ProgressReporter.nowSeconds() + 10)
        for i in inputs { i.stop() }
        for c in captures { c.stop() }
        metrics?.stop()
        apiServer?.stop()
        goneWatch.cancel()
        stats?.cancel()
        try? statsFile?.close()
        rateTicker.cancel()
        if let statsd {
            statsd.task.cancel()
            statsd.pusher.push(statsStore)
        }
        try? group.syncShutdownGracefully()
        pipeline.finish(deadline: ProgressReporter.nowSeconds() + 30)

        let totals = Self.captureTotals(captures)
        var report = SummaryReport(
            stats: statsStore.snapshot(), decode: totals.decode, matching: totals.matching, files: 0,
            elapsed: ProgressReporter.nowSeconds() - start)
        report.add(pipeline)
        if !inputs.isEmpty {
            var dnstap = DnstapCounters()
            for i in inputs { dnstap.add(i.state.counters) }
            report.dnstap = dnstap
        }
        if !captures.isEmpty {
            report.capture = totals.capture
            report.interfaces = captures.map(\.configuration.interface)
        }
        ReadRunner.printReport(report, configuration)
        return pipeline.outputs.contains { $0.worker.snapshot.failed > 0 } ? 1 : 0
    }

    /// Opens every configured capture (all of them, or none: a failure stops those already started).
    static func startCaptures(
        _ configuration: SondeConfiguration, sink: any BatchSink, log: @escaping @Sendable (String) -> Void
    ) throws -> [LiveCaptureInput] {
        guard !configuration.captures.isEmpty else { return [] }
        let settings = LiveCaptureInput.Settings(
            ports: configuration.ports, identity: configuration.identity ?? ReadRunner.hostName(),
            reassemble: configuration.reassembly,
            matching: configuration.matchesQueries ? .init(emitUnanswered: configuration.unanswered, join: configuration.join) : nil)
        // One table for every interface, so a packet seen on two taps is recognised.
        let window = configuration.captures.map(\.dedupWindow).max() ?? 0
        let deduplicator = window > 0 ? PacketDeduplicator(windowMilliseconds: window) : nil
        var started: [LiveCaptureInput] = []
        do {
            for c in configuration.captures {
                let input = LiveCaptureInput(
                    configuration: c, settings: settings, sink: sink, deduplicator: c.dedupWindow > 0 ? deduplicator : nil,
                    log: log)
                do { try input.start() } catch { throw SondeError("\(c.interface): \(error)") }
                started.append(input)
                var notes: [String] = []
                if c.fanout > 1 { notes.append("\(c.fanout) threads") }
                if let s = c.sample { notes.append("sampling \(s)") }
                if c.dedupWindow > 0 { notes.append("deduplicating within \(c.dedupWindow) ms") }
                if !c.promiscuous { notes.append("not promiscuous") }
                // The default filter is Sonde's own program; an expression is libpcap's.
                let filter = c.filter == nil ? "built-in filter (no libpcap)" : "filter"
                log("sonde: capturing on \(c.interface), \(filter) \"\(input.filterExpression)\"\(notes.isEmpty ? "" : " (" + notes.joined(separator: ", ") + ")")")
            }
        } catch {
            for s in started { s.stop() }
            throw SondeError("cannot start the capture: \(error)")
        }
        return started
    }

    /// Every counter of the run, for `/metrics`.
    /// The live statistics for `/metrics`: counters that only grow (an API reset does not touch them), gauges for
    /// rates, estimates and percentiles. Labels come from small fixed sets (rcode, qtype, protocol, family, flag,
    /// bucket, and streams up to `stats.max_streams`): never a client or a name.
    static func statsSamples(_ stats: StatsStore) -> [MetricsExporter.Sample] {
        var out: [MetricsExporter.Sample] = []
        func counters(_ c: StatsCounters, _ labels: [(String, String)], detailed: Bool) {
            // A name is either labelled or not, always (the Prometheus client refuses both): streams have their own.
            let p = detailed ? "sonde_dns" : "sonde_stream_dns"
            out.append(.init("\(p)_messages_total", c.messages, labels: labels, help: "DNS messages seen (queries, responses, malformed)."))
            out.append(.init("\(p)_queries_total", c.queries, labels: labels, help: "DNS queries seen."))
            out.append(.init("\(p)_responses_total", c.responses, labels: labels, help: "DNS responses seen."))
            guard detailed else { return }
            out.append(.init("sonde_dns_malformed_total", c.malformed, labels: labels, help: "DNS messages that did not decode fully."))
            out.append(.init("sonde_dns_unanswered_total", c.unanswered, labels: labels, help: "Queries that got no answer in time."))
            out.append(.init("sonde_dns_unmatched_total", c.unmatched, labels: labels, help: "Responses without a query."))
            out.append(.init("sonde_dns_bytes_total", c.bytesIn, labels: labels + [("direction", "in")], help: "Octets of DNS messages: queries (in) and responses (out)."))
            out.append(.init("sonde_dns_bytes_total", c.bytesOut, labels: labels + [("direction", "out")], help: "Octets of DNS messages: queries (in) and responses (out)."))
            for (code, count) in c.rcodes {
                out.append(.init("sonde_dns_responses_by_rcode_total", count, labels: labels + [("rcode", SummaryReport.rcodeName(code))], help: "Responses by rcode."))
            }
            for (code, count) in c.qtypes {
                out.append(.init("sonde_dns_queries_by_qtype_total", count, labels: labels + [("qtype", SummaryReport.qtypeName(code))], help: "Queries by qtype."))
            }
            for t in TransportProtocol.allCases where c.transport[Int(t.rawValue)] > 0 {
                out.append(.init("sonde_dns_messages_by_protocol_total", c.transport[Int(t.rawValue)], labels: labels + [("protocol", "\(t.name)".lowercased())], help: "DNS messages by transport."))
            }
            for (i, f) in ["ipv4", "ipv6"].enumerated() {
                out.append(.init("sonde_dns_messages_by_family_total", c.family[i], labels: labels + [("family", f)], help: "DNS messages by address family."))
            }
            for (name, count) in zip(StatsCounters.flagNames, c.flags) {
                out.append(.init("sonde_dns_messages_by_flag_total", count, labels: labels + [("flag", name)], help: "DNS messages with the flag set."))
            }
            for (bucket, count) in zip(StatsCounters.latencyBuckets, c.latency) {
                out.append(.init("sonde_dns_latency_bucket_total", count, labels: labels + [("bucket", bucket.name)], help: "Answered queries by latency (dnstap-receiver's buckets)."))
            }
        }
        counters(stats.totals, [], detailed: true)
        for stream in stats.streams { counters(stats.totals(stream: stream), [("stream", stream)], detailed: false) }
        let s = stats.snapshot()
        out.append(.init("sonde_dns_clients", s.clients.estimate, help: "Distinct clients since start or reset (HyperLogLog estimate).", gauge: true))
        out.append(.init("sonde_dns_domains", s.names.estimate, help: "Distinct query names since start or reset (HyperLogLog estimate).", gauge: true))
        if s.latency.totalCount > 0 {
            for (name, p) in [("0.5", 50.0), ("0.9", 90.0), ("0.99", 99.0), ("0.999", 99.9)] {
                out.append(.init("sonde_dns_latency_microseconds", s.latency.valueAtPercentile(p), labels: [("quantile", name)], help: "Latency percentiles of answered queries since start or reset.", gauge: true))
            }
        }
        let r = stats.rate
        out.append(.init("sonde_dns_queries_per_second", UInt64(r.queries.rounded()), help: "Queries per second, over the last second.", gauge: true))
        out.append(.init("sonde_dns_responses_per_second", UInt64(r.responses.rounded()), help: "Responses per second, over the last second.", gauge: true))
        return out
    }

    static func samples(pipeline: Pipeline, inputs: [DnstapInput], captures: [LiveCaptureInput]) -> [MetricsExporter.Sample] {
        var out: [MetricsExporter.Sample] = [
            .init("sonde_events_total", pipeline.events, help: "Events that entered the pipeline."),
        ]
        if let stats = pipeline.stats { out += statsSamples(stats) }
        for o in pipeline.outputs {
            let c = o.worker.snapshot
            let labels = [("output", o.name), ("kind", o.kind)]
            for (name, value, help) in [
                ("events_in", c.eventsIn, "Events offered to the output."), ("written", c.written, "Events written."),
                ("filtered", c.filtered, "Events left out by the output's filters."),
                ("dropped", c.dropped, "Events dropped: queue full (policy drop), output gone, or still queued at the end."),
                ("failed", c.failed, "Events the writer failed to write."), ("bytes_written", c.bytesWritten, "Bytes written."),
                ("queue_full", c.droppedBatches + c.blockedWaits, "Times the queue was full."),
            ] {
                out.append(.init("sonde_output_\(name)_total", value, labels: labels, help: help))
            }
            out.append(.init("sonde_output_queue_events", c.pending, labels: labels, help: "Events queued or being encoded now.", gauge: true))
            out.append(.init("sonde_output_queue_bytes", c.queueBytes, labels: labels, help: "Bytes queued now.", gauge: true))
        }
        let tail = pipeline.tail
        out.append(.init("sonde_tail_subscribers", UInt64(tail.subscribers), help: "Event tails (GET /api/v1/events) open now.", gauge: true))
        out.append(.init("sonde_tail_events_total", tail.eventsSent, help: "Events handed to event tails."))
        out.append(.init("sonde_tail_dropped_total", tail.eventsDropped, help: "Events dropped for an event tail whose reader fell behind."))
        for (stage, list) in [("global", pipeline.global)] + pipeline.outputs.map({ ($0.name, $0.stages) }) {
            for (i, t) in list.enumerated() {
                out.append(.init(
                    "sonde_transform_dropped_total", t.dropped, labels: [("stage", stage), ("transform", "\(i):\(t.kind)")],
                    help: "Events a filter or sampler left out."))
            }
        }
        for c in captures {
            let snap = c.snapshot
            let labels = [("interface", c.configuration.interface)]
            for (name, value) in snap.capture.fields {
                out.append(.init("sonde_capture_\(name)_total", value, labels: labels, help: Self.captureHelp[name] ?? name))
            }
            let d = snap.decode
            for (outcome, value) in [
                ("dns", d.dnsPackets), ("tcp_control", d.tcpControl), ("not_dns", d.notDNS), ("icmp_quoted", d.icmpQuotedDNS),
                ("ip_fragment", d.ipFragments), ("malformed", d.malformedPackets + d.unsupportedLinkType),
            ] {
                out.append(
                    .init("sonde_capture_packets_total", value, labels: labels + [("outcome", outcome)],
                          help: "Decoded packets by outcome."))
            }
            out.append(.init("sonde_capture_tcp_holes_total", d.tcpHoles, labels: labels, help: "Holes in TCP streams declared lost (skipped, the stream carried on)."))
            out.append(.init("sonde_capture_tcp_hole_bytes_total", d.tcpHoleBytes, labels: labels, help: "Bytes in the TCP holes declared lost."))
        }
        for (i, input) in inputs.enumerated() {
            let labels = [("input", "\(i)")]
            for (name, value) in input.state.counters.fields {
                out.append(.init("sonde_dnstap_\(name)_total", value, labels: labels, help: "dnstap: \(String(name.map { $0 == "_" ? " " : $0 }))."))
            }
            out.append(
                .init("sonde_dnstap_connections_open", UInt64(input.state.openConnections), labels: labels,
                      help: "dnstap connections open now.", gauge: true))
        }
        return out
    }

    static let captureHelp: [String: String] = [
        "kernel_packets": "Packets that passed the kernel filter (drops included).",
        "kernel_drops": "Packets the kernel dropped because the ring was full.",
        "ring_freezes": "Times the kernel froze the ring's queue.",
        "received": "Packets read from the ring.",
        "loopback_copies": "Outgoing copies skipped on loopback interfaces.",
        "sampled_out": "Packets left out by sampling.",
        "duplicates": "Packets dropped as duplicates.",
        "decoded": "Packets handed to the decoder.",
        "blocks": "Ring blocks read.",
    ]

    static func captureTotals(_ captures: [LiveCaptureInput]) -> LiveCaptureInput.Snapshot {
        var total = LiveCaptureInput.Snapshot()
        for c in captures { total.add(c.snapshot) }
        return total
    }

    /// Now, in UTC to the second (`2026-12-07T15:30:00Z`), for the statistics file's lines.
    static func utcTime() -> String {
        var t = time(nil)
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))Z"
    }

    static func describe(_ a: SocketAddress) -> String {
        switch a {
        case .unixDomainSocket: return "unix://\(a.pathname ?? "")"
        default:
            let host = a.ipAddress ?? "?"
            return "tcp://\(host.contains(":") ? "[\(host)]" : host):\(a.port ?? 0)"
        }
    }
}

