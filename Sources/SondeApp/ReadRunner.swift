#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import SondeCore
import SondeInputs
import SondeOutputs
import Logging
import SondePacket
import SondeTransforms

/// Runs `sonde read`: files → events → outputs, then the report. The command line and the tests both call it.
public enum ReadRunner {
    /// What came out of a run.
    public struct Result: Sendable {
        /// The process exit status: 0, or 1 when a file could not be read.
        public var exitCode: Int32
        /// Packet outcomes.
        public var counters: DecodeCounters
        /// Messages seen.
        public var messages: UInt64
        /// One line per file that failed.
        public var failures: [String]
    }

    /// Reads `paths` with `configuration`; events go to the configured outputs (standard output by default),
    /// the report to standard error or standard output as configured.
    @discardableResult
    public static func run(paths: [String], configuration: SondeConfiguration) throws -> Result {
        signal(SIGPIPE, SIG_IGN)
        let identity = configuration.identity ?? hostName()
        let context = ComponentContext(identity: identity, log: AppLog.make(configuration), fetch: URLFetcher.fetch)
        let pipeline = try PipelineBuilder.build(
            configuration, context: context, stats: nil, withOutputs: configuration.summary.mode != .only)
        let input = PcapFileInput(
            configuration: .init(
                paths: paths, ports: PortSet(configuration.ports), identity: identity,
                reassemble: configuration.reassembly))
        input.configuration.replaySpeed = configuration.replaySpeed
        try pipeline.start()
        let producer = pipeline.makeProducer()
        // The summary is the statistics engine's (as `sonde run`'s live statistics), totals only.
        let stats = StatsStore(maxStreams: 0, intervals: false, detail: false)
        let shard = stats.makeShard()
        let counting = configuration.summary.mode != .off
        var messages: UInt64 = 0
        let start = ProgressReporter.nowSeconds()
        let progress = ProgressReporter.make(enabled: configuration.progress)
        let matcher = QueryResponseMatcher(
            configuration: .init(emitUnanswered: configuration.unanswered, join: configuration.join))
        let matching = configuration.matchesQueries
        var readError: (any Error)?
        do {
            try input.run(progress: progress) { batch in
                messages += UInt64(batch.count)
                // The summary counts every message, before joining folds queries into their responses.
                if counting { shard.add(batch) }
                if matching { matcher.process(&batch) }
                producer.consume(&batch)
                matcher.takeRetired { producer.consume(&$0) }
                if pipeline.allGone { throw OutputsGone() }
            }
            matcher.finish()
            matcher.takeRetired { producer.consume(&$0) }
        } catch is OutputsGone {
            progress?.finish()
        } catch {
            readError = error
        }
        pipeline.finish(deadline: ProgressReporter.nowSeconds() + 30)
        if let readError { throw readError }
        let elapsed = ProgressReporter.nowSeconds() - start
        var report = SummaryReport(
            stats: stats.snapshot(), decode: input.counters, matching: matcher.counters, files: paths.count, elapsed: elapsed)
        if input.sawDnstap { report.dnstap = input.dnstapCounters }
        report.add(pipeline)
        for failure in input.failures { writeError("sonde: \(failure)\n") }
        printReport(report, configuration)
        let outputsFailed = pipeline.outputs.contains { $0.worker.snapshot.failed > 0 }
        return Result(
            exitCode: input.failures.isEmpty && !outputsFailed ? 0 : 1, counters: input.counters, messages: messages,
            failures: input.failures)
    }

    /// Thrown out of the read loop when every output's reader has gone (`| head`).
    struct OutputsGone: Error {}

    static func printReport(_ report: SummaryReport, _ configuration: SondeConfiguration) {
        let top = configuration.summary.top
        let text = configuration.summary.format == .json ? report.json(topNames: top) : report.text(topNames: top)
        switch configuration.summary.mode {
        case .off: break
        case .stderr: writeError(text)
        case .only: writeOut(text)
        }
    }

    static func hostName() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return "sonde" }
        return String(cString: buf)
    }

    static func writeError(_ s: String) { write(fd: 2, s) }
    static func writeOut(_ s: String) { write(fd: 1, s) }

    static func write(fd: Int32, _ s: String) {
        var s = s
        s.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return }
                off += n
            }
        }
    }
}

extension SummaryReport {
    /// Adds the pipeline's outputs and transforms.
    mutating func add(_ pipeline: Pipeline) {
        outputs = pipeline.outputs.map { (name: $0.name, kind: $0.kind, counters: $0.worker.snapshot) }
        transforms = pipeline.global.map { (stage: "global", kind: $0.kind, dropped: $0.dropped) }
        for o in pipeline.outputs { transforms += o.stages.map { (stage: o.name, kind: $0.kind, dropped: $0.dropped) } }
    }
}

/// Sonde's logger, as configured (`--log-level`, `--log-format`).
public enum AppLog {
    /// What `sonde config check` builds components with: quiet, but able to fetch lists given by URL.
    public static var checkContext: ComponentContext { ComponentContext(identity: "check", log: .quiet, fetch: URLFetcher.fetch) }

    public static func make(_ configuration: SondeConfiguration) -> SondeLog {
        let level: Logger.Level =
            switch configuration.logLevel {
            case .debug: .debug
            case .info: .info
            case .notice: .notice
            case .warning: .warning
            case .error: .error
            }
        var logger = Logger(label: "sonde") { StderrLogHandler(label: $0, level: level, format: configuration.logFormat) }
        logger.logLevel = level
        return SondeLog(logger)
    }
}
