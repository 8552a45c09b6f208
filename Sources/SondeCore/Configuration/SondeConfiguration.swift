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
    /// Outputs, each a mapping with a `kind` that the output reads itself; without any, events go to standard
    /// output as text.
    public var outputs: [SettingValue] = []
    /// Transforms applied once to every event, before the events fan out to the outputs.
    public var transforms: [SettingValue] = []
    /// Log verbosity and line format.
    public var logLevel: LogLevel = .info
    public var logFormat: LogFormat = .text
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
    /// `sonde run`: the HTTP listener of the API, `/metrics` and the dashboard, and who may use it.
    public var api = APIConfiguration()
    /// `sonde run`: the live statistics' sizes and windows.
    public var stats = StatsConfiguration()
    /// `sonde run`: where to push the statistics over statsd (UDP), and how often.
    public var statsd = StatsdConfiguration()
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
    public mutating func setStandardOutputFormat(_ format: OutputFormat, source: String = "flags") {
        if outputs.isEmpty {
            outputs = [.mapping([("kind", "stdout"), ("format", format.rawValue)], source: source)]
        } else {
            for i in outputs.indices where outputs[i]["kind"]?.scalar == "stdout" {
                outputs[i] = outputs[i].setting("format", to: format.rawValue, source: source)
            }
        }
    }
}

extension SettingValue {
    /// A mapping with `key` set to `value` (replaced where present, added at the end otherwise).
    public func setting(_ key: String, to value: String, source: String) -> SettingValue {
        guard case .mapping(var entries, let mark) = self else { return self }
        let m = SettingMark(source: source)
        if let i = entries.firstIndex(where: { $0.key == key }) {
            entries[i].value = .scalar(value, m)
        } else {
            entries.append((key: key, keyMark: m, value: .scalar(value, m)))
        }
        return .mapping(entries, mark)
    }
}

/// Log verbosity (`--log-level`).
public enum LogLevel: String, Sendable, CaseIterable {
    case debug, info, notice, warning, error
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

/// The `api` section: where the API listens and its credentials (never from a flag: `ps` would show them).
public struct APIConfiguration: Sendable, Equatable {
    public var listen: SocketEndpoint?
    /// Keys accepted in `X-API-Key`.
    public var keys: [String] = []
    /// HTTP Basic credentials.
    public var user: String?
    public var password: String?
    /// Serve without credentials (a demo); otherwise Sonde refuses to start without them.
    public var demo = false
    /// HTTPS: the certificate chain and key (PEM), and a CA whose certificates clients must present (the dnstap
    /// listener's keys: `tls_certificate`, `tls_key`, `tls_ca`).
    public var tls = SocketTLSConfiguration()

    public init() {}
}

/// The `stats` section: the sizes of the statistics' tables and their windows (memory is fixed by these).
public struct StatsConfiguration: Sendable, Equatable {
    /// Off only to measure what they cost (the API then shows nothing).
    public var enabled = true
    /// Every table, the intervals and the streams (true), or only the summary's (false); nil: when the API,
    /// /metrics or statsd reads them.
    public var detail: Bool?
    /// Entries of each top table, over all traffic and per stream.
    public var top = 1024
    public var streamTop = 128
    /// Streams counted apart; later ones are counted in the totals only.
    public var maxStreams = 64
    /// Seconds per interval, and how many past intervals are kept.
    public var interval = 60
    public var intervalsKept = 5
    /// The periodic line (`stats_interval`) also to this file, one line per interval with its time, rotated like
    /// the file output's files: before it would pass `logMaxSize`, keeping the newest `logKeep` (0: all).
    public var logFile: String?
    public var logMaxSize: Int?
    public var logKeep = 0
    /// The file's counts since start, or of the last interval only.
    public var logWindow: PeriodicLine.Window = .cumulative

    public init() {}
}

/// The `statsd` section: push the statistics to a statsd server (dnsmonster's alternative to Prometheus).
public struct StatsdConfiguration: Sendable, Equatable {
    public var address: SocketEndpoint?
    public var prefix = "sonde"
    /// Seconds between two pushes.
    public var interval = 10

    public init() {}
}
