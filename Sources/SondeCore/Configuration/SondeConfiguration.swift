/// Everything a run of Sonde is told, from defaults, the YAML file, `SONDE_…` variables and flags, in that
/// order of increasing precedence. The README's configuration reference documents every key.
public struct SondeConfiguration: Sendable, Equatable {
    /// The `identity` field of events (default: the host name).
    public var identity: String?
    /// DNS ports for packet inputs.
    public var ports: [UInt16] = [53]
    /// Network inputs of `sonde run` (dnstap servers and clients).
    public var inputs: [DnstapInputConfiguration] = []
    /// Live captures of `sonde run` (network interfaces).
    public var captures: [CaptureConfiguration] = []
    /// Outputs; without any, events go to standard output as text.
    public var outputs: [OutputConfiguration] = []
    /// The end-of-run report.
    public var summary = SummaryConfiguration()
    /// The progress bar on a terminal.
    public var progress = true
    /// `sonde read`: replay files at their captured pace times this factor (as if live); nil for full speed.
    public var replaySpeed: Double?
    /// `sonde run`: seconds between two lines of counters on standard error (0: none).
    public var statsInterval = 60
    /// `sonde run`: where to serve Prometheus metrics (`/metrics`); nil serves none.
    public var metricsListen: SocketEndpoint?
    /// TCP stream reassembly and IP defragmentation.
    public var reassembly = true
    /// Query/response matching (latency, unanswered counts).
    public var matching = true
    /// Emit queries that were never answered as events when they expire.
    public var unanswered = false
    /// One record per transaction: a response carries its query's time and size; queries alone only when
    /// unanswered.
    public var join = false

    /// Whether responses are matched to queries: asked for, or needed by `unanswered` or `join`.
    public var matchesQueries: Bool { matching || unanswered || join }

    public init() {}

    /// Sets the format of the standard output (adding it when no output is configured): `--format`, `SONDE_FORMAT`.
    public mutating func setStandardOutputFormat(_ format: OutputFormat) {
        if outputs.isEmpty {
            outputs = [OutputConfiguration(kind: "stdout", format: format)]
        } else {
            for i in outputs.indices where outputs[i].kind == "stdout" { outputs[i].format = format }
        }
    }
}

/// One output.
public struct OutputConfiguration: Sendable, Equatable {
    /// The component kind (`stdout` for now).
    public var kind: String
    /// Event format.
    public var format: OutputFormat
    /// `dnstap`: the file to write, or the receiver to forward to (exactly one of the two).
    public var path: String?
    public var endpoint: SocketEndpoint?
    public var tls = SocketTLSConfiguration()
    /// `dnstap`: replaces the identity of every forwarded message.
    public var identity: String?
    /// `dnstap` forwarding: frames held while the receiver is away; beyond, frames are dropped and counted.
    public var bufferFrames = 100_000

    public init(kind: String = "stdout", format: OutputFormat = .text) {
        self.kind = kind
        self.format = format
    }
}

/// The end-of-run report.
public struct SummaryConfiguration: Sendable, Equatable {
    /// Where the report goes.
    public enum Mode: String, Sendable, CaseIterable {
        /// On standard error after the events (the default).
        case stderr
        /// On standard output instead of the events.
        case only
        /// Not at all.
        case off
    }

    public var mode: Mode = .stderr
    /// `text` or `json`.
    public var format: SummaryFormat = .text
    /// How many names the top list shows.
    public var top = 10

    public init() {}
}

/// Formats of the end-of-run report.
public enum SummaryFormat: String, Sendable, CaseIterable {
    case text, json
}

/// A problem in the configuration, with where it is.
public struct ConfigurationIssue: Sendable, Equatable, CustomStringConvertible {
    /// Where the value came from: a file name, `environment` or `flags`.
    public var source: String
    /// The key path, such as `outputs[0].format`.
    public var path: String
    /// Line and column in the file (1-based), when known.
    public var line: Int?
    public var column: Int?
    /// What is wrong.
    public var message: String

    public init(source: String, path: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.source = source
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `sonde.yaml:4:11: outputs[0].format: unknown format "jsn" (expected text, json, yaml, csv)`.
    public var description: String {
        var s = source
        if let line { s += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        return "\(s): \(path.isEmpty ? "" : path + ": ")\(message)"
    }
}

/// The configuration could not be used; every problem found is listed.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var issues: [ConfigurationIssue]
    public init(issues: [ConfigurationIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
