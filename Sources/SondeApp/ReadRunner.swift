#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import SondeCore
import SondeInputs
import SondeOutputs
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
        let input = PcapFileInput(
            configuration: .init(
                paths: paths, ports: PortSet(configuration.ports), identity: identity,
                reassemble: configuration.reassembly))
        input.configuration.replaySpeed = configuration.replaySpeed
        var outputs: [any EventOutput] = []
        if configuration.summary.mode != .only {
            let configured = configuration.outputs.isEmpty ? [OutputConfiguration()] : configuration.outputs
            for o in configured { outputs.append(try OutputFactory.make(o, identity: configuration.identity)) }
        }
        let summary = TrafficSummary()
        let counting = configuration.summary.mode != .off
        var messages: UInt64 = 0
        let start = ProgressReporter.nowSeconds()
        let progress = ProgressReporter.make(enabled: configuration.progress)
        let matcher = QueryResponseMatcher(
            configuration: .init(emitUnanswered: configuration.unanswered, join: configuration.join))
        let matching = configuration.matchesQueries
        func writeRetired() throws {
            try matcher.takeRetired { retired in
                for o in outputs { try o.write(retired) }
            }
        }
        try input.run(progress: progress) { batch in
            messages += UInt64(batch.count)
            // The summary counts every message, before joining folds queries into their responses.
            if counting { summary.add(batch) }
            if matching { matcher.process(&batch) }
            for o in outputs { try o.write(batch) }
            try writeRetired()
            // As if live: each batch leaves at once instead of waiting for a full output buffer.
            if configuration.replaySpeed != nil { for o in outputs { try o.flush() } }
        }
        matcher.finish()
        try writeRetired()
        for o in outputs { try o.finish() }
        let elapsed = ProgressReporter.nowSeconds() - start
        var report = SummaryReport(
            summary: summary, decode: input.counters, matching: matcher.counters, files: paths.count, elapsed: elapsed)
        if input.sawDnstap { report.dnstap = input.dnstapCounters }
        for failure in input.failures { writeError("sonde: \(failure)\n") }
        printReport(report, configuration)
        return Result(
            exitCode: input.failures.isEmpty ? 0 : 1, counters: input.counters, messages: messages,
            failures: input.failures)
    }

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

/// Builds outputs from their configuration: one line per output kind.
public enum OutputFactory {
    public static func make(_ c: OutputConfiguration, identity: String? = nil) throws -> any EventOutput {
        switch c.kind {
        case StdoutOutput.kind: return StdoutOutput(configuration: .init(format: c.format))
        case DnstapOutput.kind: return try DnstapOutput(configuration: c, defaultIdentity: identity ?? ReadRunner.hostName())
        default: throw SondeError("unknown output kind \"\(c.kind)\"")
        }
    }
}
