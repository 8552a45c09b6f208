public import ArgumentParser
import SondeApp
public import SondeCore

#if canImport(Glibc)
import Glibc
#endif

/// The `sonde` command: argument parsing only; the work is in SondeApp.
@main
struct Sonde: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sonde",
        abstract: "Passive DNS monitoring: decode DNS traffic into structured events.",
        discussion: """
            Sonde reads DNS traffic from pcap, pcapng and dnstap files (`sonde read`), captures it on network \
            interfaces (`sonde run --interface eth0`) and receives dnstap streams sent by DNS servers \
            (`sonde run --dnstap tcp://0.0.0.0:6000`), and writes every query and response as an event (text, \
            JSON, YAML or CSV, or dnstap), with a summary at the end.

            Configuration comes from a YAML file (--config or SONDE_CONFIG), SONDE_… environment variables and \
            flags; flags win over the environment, which wins over the file. See `sonde config --help`.
            """,
        version: SondeVersion.string,
        subcommands: [Read.self, Run.self, Top.self, Config.self]
    )
}

/// Options shared by commands that load the configuration.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("YAML configuration file (default: $SONDE_CONFIG).", valueName: "file"))
    var config: String?

    /// Defaults, then the file, then the environment.
    func load(environment env: [String: String] = ProcessEnvironment.current) throws -> SondeConfiguration {
        var configuration = SondeConfiguration()
        var loader = ConfigurationLoader()
        if let path = config ?? env["SONDE_CONFIG"] {
            let text = try ConfigFile.read(path)
            loader.apply(yaml: text, source: path, to: &configuration)
        }
        loader.apply(environment: env, to: &configuration)
        if !loader.issues.isEmpty { throw ConfigurationError(issues: loader.issues) }
        return configuration
    }
}

/// The end-of-run report's flags, shared by `read` and `run`.
struct SummaryOptions: ParsableArguments {
    @Flag(name: .long, help: "Print only the summary, on standard output.")
    var summary = false

    @Flag(name: .long, help: "Do not print the summary.")
    var noSummary = false

    @Option(name: .long, help: ArgumentHelp("Summary format (default text).", valueName: "format"))
    var summaryFormat: SummaryFormat?

    func validate() throws {
        if summary && noSummary { throw ValidationError("--summary and --no-summary cannot be used together") }
    }

    func apply(to configuration: inout SondeConfiguration) {
        if summary { configuration.summary.mode = .only }
        if noSummary { configuration.summary.mode = .off }
        if let summaryFormat { configuration.summary.format = summaryFormat }
    }
}

/// Outputs and logging, shared by `read` and `run`.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write events to this output (repeatable): stdout:json, 'file:///var/log/sonde/dns.jsonl?format=json&max-size=100M&keep=10&compress=gzip', dnstap+tcp://host:6000, dnstap:///path/file.dnstap.",
            valueName: "url"))
    var output: [String] = []

    @Option(name: .long, help: ArgumentHelp("Also write events as a dnstap file (Frame Streams).", valueName: "file"))
    var writeDnstap: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Forward events as dnstap to a receiver: tcp://host:port, tls://host:port, unix:///path.", valueName: "url"))
    var forward: String?

    @Option(name: .long, help: ArgumentHelp("Identity of the dnstap frames written or forwarded (default: unchanged).", valueName: "name"))
    var dnstapIdentity: String?

    @Option(name: .long, help: ArgumentHelp("Log verbosity: debug, info, notice, warning, error (default info).", valueName: "level"))
    var logLevel: LogLevel?

    @Option(name: .long, help: ArgumentHelp("Log lines as text or json (default text).", valueName: "format"))
    var logFormat: LogFormat?

    func validate() throws {
        for url in output {
            do { _ = try PipelineBuilder.outputSettings(fromURL: url) } catch { throw ValidationError("\(error)") }
        }
    }

    /// Adds the outputs; with `--output` or a dnstap output and no explicit format, standard output stays quiet.
    func apply(to configuration: inout SondeConfiguration, format: OutputFormat?) throws {
        if let logLevel { configuration.logLevel = logLevel }
        if let logFormat { configuration.logFormat = logFormat }
        var added: [SettingValue] = []
        for url in output { added.append(try PipelineBuilder.outputSettings(fromURL: url)) }
        var dnstap: [(String, String)] = []
        if let dnstapIdentity { dnstap.append(("identity", dnstapIdentity)) }
        if let writeDnstap { added.append(.mapping([("kind", "dnstap"), ("path", writeDnstap)] + dnstap, source: "--write-dnstap")) }
        if let forward {
            _ = try SocketEndpoint(parsing: forward)
            added.append(.mapping([("kind", "dnstap"), ("forward", forward)] + dnstap, source: "--forward"))
        }
        if !output.isEmpty {
            // --output replaces the outputs of the file; --format then sets a stdout among them.
            configuration.outputs = added
            if let format {
                if configuration.outputs.contains(where: { $0["kind"]?.scalar == "stdout" }) {
                    configuration.setStandardOutputFormat(format)
                } else {
                    configuration.outputs.insert(.mapping([("kind", "stdout"), ("format", format.rawValue)]), at: 0)
                }
            }
            return
        }
        if let format { configuration.setStandardOutputFormat(format) }
        guard !added.isEmpty else { return }
        if configuration.outputs.isEmpty && format != nil {
            configuration.outputs = [.mapping([("kind", "stdout"), ("format", format!.rawValue)])]
        }
        configuration.outputs += added
    }
}

/// `-p/--port`, shared by `read` and `run`.
struct PortOptions: ParsableArguments {
    @Option(
        name: [.customShort("p"), .long],
        help: ArgumentHelp("DNS ports, comma-separated (default 53).", valueName: "ports"))
    var port: [String] = []

    /// `53,5353` (repeatable) replaces the configured ports.
    func apply(to configuration: inout SondeConfiguration) throws {
        guard !port.isEmpty else { return }
        var ports: [UInt16] = []
        for text in port.flatMap({ $0.split(separator: ",") }) {
            guard let p = UInt16(text.trimmingCharacters(in: " ")), p > 0 else {
                throw ValidationError("\"\(text)\" is not a port (1-65535)")
            }
            ports.append(p)
        }
        configuration.ports = ports
    }
}

/// Live capture flags of `run`.
struct CaptureOptions: ParsableArguments {
    @Option(name: [.customShort("i"), .long], help: ArgumentHelp("Capture DNS on this network interface (repeatable).", valueName: "name"))
    var interface: [String] = []

    @OptionGroup var ports: PortOptions

    @Option(
        name: .long,
        help: ArgumentHelp("tcpdump-style filter run in the kernel (needs libpcap; default: the DNS ports and IP fragments).", valueName: "expression"))
    var filter: String?

    @Flag(name: .long, help: "Do not put the interfaces in promiscuous mode.")
    var noPromiscuous = false

    @Option(name: .long, help: ArgumentHelp("Capture threads per interface, sharing it by flow (PACKET_FANOUT; default 1).", valueName: "n"))
    var fanout: Int?

    @Option(name: .long, help: ArgumentHelp("Keep a of every b packets after the filter.", valueName: "a:b"))
    var sample: String?

    @Option(name: .long, help: ArgumentHelp("Drop packets identical to one seen within this many milliseconds (two taps; default off).", valueName: "ms"))
    var dedup: Int?

    @Option(name: .long, help: ArgumentHelp("Capture ring block size in octets, a power of two (default 1048576).", valueName: "octets"))
    var ringBlockSize: Int?

    @Option(name: .long, help: ArgumentHelp("Capture ring blocks (default 32).", valueName: "n"))
    var ringBlocks: Int?

    @Option(name: .long, help: ArgumentHelp("Milliseconds before a partly filled block is handed over (default 100).", valueName: "ms"))
    var ringTimeout: Int?

    func validate() throws {
        if let sample { _ = try parsedSample(sample) }
        var probe = CaptureConfiguration(interface: "lo")
        change(&probe)
        if let problem = probe.problems.first { throw ValidationError(problem) }
    }

    func parsedSample(_ text: String) throws -> CaptureConfiguration.Sampling {
        do { return try .init(parsing: text) } catch { throw ValidationError("--sample: \(error)") }
    }

    /// Applies the flags that tune a capture (besides its interface).
    func change(_ c: inout CaptureConfiguration) {
        if let filter { c.filter = filter }
        if noPromiscuous { c.promiscuous = false }
        if let fanout { c.fanout = fanout }
        if let sample, let s = try? CaptureConfiguration.Sampling(parsing: sample) { c.sample = s }
        if let dedup { c.dedupWindow = dedup }
        if let ringBlockSize { c.blockSize = ringBlockSize }
        if let ringBlocks { c.blockCount = ringBlocks }
        if let ringTimeout { c.blockTimeout = ringTimeout }
    }

    /// `--interface` replaces the configured captures; the tuning flags also apply to configured ones.
    func apply(to configuration: inout SondeConfiguration) throws {
        try ports.apply(to: &configuration)
        if !interface.isEmpty { configuration.captures = interface.map { CaptureConfiguration(interface: $0) } }
        for i in configuration.captures.indices { change(&configuration.captures[i]) }
    }
}

struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode DNS messages from pcap or pcapng files and print them as events.",
        discussion: """
            The file type is taken from its first octets: classic pcap (microsecond or nanosecond, either byte \
            order), pcapng, and dnstap (Frame Streams, as fstrm_capture and dnstap -w write it). Use - to read \
            standard input. At the end a summary goes to standard error \
            (--summary prints it on standard output instead of the events; --no-summary leaves it out).
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Event format (default text).", valueName: "format"))
    var format: OutputFormat?

    @OptionGroup var ports: PortOptions

    @Option(name: .long, help: ArgumentHelp("The identity field of events (default: the host name).", valueName: "name"))
    var identity: String?

    @OptionGroup var summaryOptions: SummaryOptions

    @Flag(name: .long, help: "Do not draw the progress bar (it is only drawn on a terminal).")
    var noProgress = false

    @Option(name: .long, help: ArgumentHelp("Replay at the captured pace times this factor, as if live (1 real time, 10 ten times faster).", valueName: "factor"))
    var replaySpeed: Double?

    @Flag(name: .long, help: "Do not reassemble TCP streams or IP fragments (only messages whole in a segment).")
    var noReassembly = false

    @Flag(name: .long, help: "Do not match responses to queries (no latency, no unanswered count).")
    var noMatching = false

    @Flag(name: .long, help: "Also emit every query that got no answer, when it expires (transaction: unanswered).")
    var unanswered = false

    @Flag(name: .long, help: "One record per transaction: responses with their query's time and size, unanswered queries.")
    var join = false

    @OptionGroup(title: "Outputs and logging") var outputOptions: OutputOptions

    @Argument(help: ArgumentHelp("Capture files (pcap, pcapng or dnstap); - for standard input.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one capture file, or - for standard input") }
        if let replaySpeed, !(replaySpeed > 0 && replaySpeed <= 1_000_000) {
            throw ValidationError("--replay-speed must be above 0 and at most 1000000")
        }
    }

    func run() throws {
        let result = try ReadRunner.run(paths: files, configuration: resolvedConfiguration())
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

    /// Defaults < file < environment < these flags.
    func resolvedConfiguration(environment: [String: String] = ProcessEnvironment.current) throws -> SondeConfiguration {
        var configuration = try options.load(environment: environment)
        try ports.apply(to: &configuration)
        if let identity { configuration.identity = identity }
        summaryOptions.apply(to: &configuration)
        if noProgress { configuration.progress = false }
        if let replaySpeed {
            configuration.replaySpeed = replaySpeed
            configuration.progress = false
        }
        if noReassembly { configuration.reassembly = false }
        if noMatching { configuration.matching = false }
        if unanswered { configuration.unanswered = true }
        if join { configuration.join = true }
        try outputOptions.apply(to: &configuration, format: format)
        return configuration
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Capture DNS on network interfaces or receive dnstap streams, and write the messages as events, until SIGINT or SIGTERM.",
        discussion: """
            --interface eth0 captures DNS on an interface through a memory-mapped AF_PACKET ring (Linux; needs \
            CAP_NET_RAW: root, or `setcap cap_net_raw,cap_net_admin=eip` on the binary). The kernel keeps only \
            what --filter says (a tcpdump expression, compiled by libpcap at run time), by default the DNS ports \
            and IP fragments. Kernel drops, sampling and deduplication are counted in the periodic line and the \
            summary.

            --dnstap tcp://0.0.0.0:6000 listens for dnstap senders (BIND, Unbound, Knot, Knot Resolver, dnsdist, \
            CoreDNS, PowerDNS, fstrm_replay…) over TCP; tls://host:port over TLS (--tls-cert, --tls-key; with \
            --tls-ca clients must present a certificate); unix:///path on a unix socket. --dnstap-connect dials a \
            sender that listens for collectors instead, retrying with back-off. Both may be given several times. \
            On SIGINT or SIGTERM Sonde stops accepting, delivers what it received, flushes its outputs and prints \
            the summary.
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @OptionGroup(title: "Live capture") var capture: CaptureOptions

    @Option(name: .long, help: ArgumentHelp("Listen for dnstap senders (repeatable).", valueName: "url"))
    var dnstap: [String] = []

    @Option(name: .long, help: ArgumentHelp("Dial a dnstap sender that listens (repeatable).", valueName: "url"))
    var dnstapConnect: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Event format (default text).", valueName: "format"))
    var format: OutputFormat?

    @Option(name: .long, help: ArgumentHelp("The identity of events whose sender gives none (default: the host name).", valueName: "name"))
    var identity: String?

    @Option(name: .long, help: ArgumentHelp("TLS certificate chain (PEM) for tls:// listeners.", valueName: "file"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("TLS private key (PEM) for tls:// listeners.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .long, help: ArgumentHelp("CA (PEM): listeners require client certificates it signed; dialling checks the server against it.", valueName: "file"))
    var tlsCa: String?

    @Option(name: .long, help: ArgumentHelp("Client networks allowed to connect (CIDR, repeatable; default all).", valueName: "cidr"))
    var allow: [String] = []

    @Option(name: .long, help: ArgumentHelp("Connections served at once per listener (default 1024).", valueName: "n"))
    var maxConnections: Int?

    @Option(name: .long, help: ArgumentHelp("Longest dnstap frame in octets; longer ones are skipped and counted (default 1048576).", valueName: "octets"))
    var maxFrameSize: Int?

    @Option(name: .long, help: ArgumentHelp("Close connections idle this many seconds (default 300; 0 never).", valueName: "seconds"))
    var idleTimeout: Int?

    @Option(name: .long, help: ArgumentHelp("Seconds between two lines of counters on standard error (default 60; 0 none).", valueName: "seconds"))
    var statsInterval: Int?

    @Option(name: .long, help: ArgumentHelp("Also write the line of counters to this file every --stats-interval, with its time (stats.log_file; rotation in the stats section).", valueName: "path"))
    var statsFile: String?

    @Option(name: .long, help: ArgumentHelp("Serve Prometheus metrics on http://host:port/metrics.", valueName: "host:port"))
    var metricsListen: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve the REST API, /metrics and the live dashboard on http://host:port/ (credentials from the api section of --config, SONDE_API_KEY or SONDE_API_PASSWORD).",
            valueName: "host:port"))
    var api: String?

    @Flag(name: .long, help: "Serve the API without credentials (a demo; refused otherwise).")
    var apiDemo = false

    @Option(name: .long, help: ArgumentHelp("Push the statistics to a statsd server over UDP every 10 s.", valueName: "host:port"))
    var statsd: String?

    @OptionGroup var summaryOptions: SummaryOptions

    @OptionGroup(title: "Outputs and logging") var outputOptions: OutputOptions

    func validate() throws {
        if let metricsListen {
            do { _ = try SocketEndpoint(metricsAddress: metricsListen) } catch { throw ValidationError("--metrics-listen: \(error)") }
        }
        if let api {
            do { _ = try SocketEndpoint(metricsAddress: api) } catch { throw ValidationError("--api: \(error)") }
        }
        if let statsInterval, !(0...86_400).contains(statsInterval) { throw ValidationError("--stats-interval must be 0-86400 seconds") }
        if let statsFile, statsFile.isEmpty { throw ValidationError("--stats-file needs a file's path") }
        if dnstap.isEmpty && dnstapConnect.isEmpty && capture.interface.isEmpty && options.config == nil
            && ProcessEnvironment.current["SONDE_CONFIG"] == nil
        {
            throw ValidationError("give --interface NAME to capture, --dnstap URL to listen (or --dnstap-connect URL, or inputs: in a --config file)")
        }
        if let maxFrameSize, !(64...(64 << 20)).contains(maxFrameSize) {
            throw ValidationError("--max-frame-size must be between 64 and 67108864 octets")
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        if let idleTimeout, !(0...86_400).contains(idleTimeout) { throw ValidationError("--idle-timeout must be 0-86400 seconds") }
    }

    func run() throws {
        let status = try RunRunner.run(configuration: resolvedConfiguration())
        if status != 0 { throw ExitCode(status) }
    }

    /// Defaults < file < environment < these flags.
    func resolvedConfiguration(environment: [String: String] = ProcessEnvironment.current) throws -> SondeConfiguration {
        var configuration = try options.load(environment: environment)
        var added: [DnstapInputConfiguration] = []
        for (mode, urls) in [(DnstapInputConfiguration.Mode.listen, dnstap), (.connect, dnstapConnect)] {
            for url in urls {
                var c = DnstapInputConfiguration(mode: mode, endpoint: try SocketEndpoint(parsing: url))
                c.tls.certificate = tlsCert
                c.tls.key = tlsKey
                c.tls.ca = tlsCa
                c.allow = allow
                if let maxConnections { c.maxConnections = maxConnections }
                if let maxFrameSize { c.maxFrameSize = maxFrameSize }
                if let idleTimeout { c.idleTimeout = idleTimeout }
                added.append(c)
            }
        }
        if !added.isEmpty || !capture.interface.isEmpty {
            configuration.inputs = added
            configuration.captures = []
        }
        try capture.apply(to: &configuration)
        if let statsInterval { configuration.statsInterval = statsInterval }
        if let statsFile { configuration.stats.logFile = statsFile }
        if let metricsListen { configuration.metricsListen = try SocketEndpoint(metricsAddress: metricsListen) }
        if let api { configuration.api.listen = try SocketEndpoint(metricsAddress: api) }
        if apiDemo { configuration.api.demo = true }
        if let statsd { configuration.statsd.address = try SocketEndpoint(metricsAddress: statsd) }
        if let identity { configuration.identity = identity }
        summaryOptions.apply(to: &configuration)
        try outputOptions.apply(to: &configuration, format: format)
        return configuration
    }
}

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a configuration file or print the configuration reference.",
        subcommands: [Check.self, Reference.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report every error in a configuration file and in --output URLs, with its place (file:line:column: key: problem).")

        @Argument(help: ArgumentHelp("The YAML file (optional when --output is given).", valueName: "file"))
        var file: String?

        @Option(name: .long, help: ArgumentHelp("An output URL to check as well (repeatable).", valueName: "url"))
        var output: [String] = []

        func validate() throws {
            if file == nil && output.isEmpty { throw ValidationError("give a configuration file, or --output URL, to check") }
        }

        func run() throws {
            var configuration = SondeConfiguration()
            var loader = ConfigurationLoader()
            if let file { loader.apply(yaml: try ConfigFile.read(file), source: file, to: &configuration) }
            var issues = loader.issues
            for url in output {
                do { configuration.outputs.append(try PipelineBuilder.outputSettings(fromURL: url)) } catch {
                    issues.append(ConfigurationIssue(source: "--output", path: "", message: "\(error)"))
                }
            }
            let context = AppLog.checkContext
            issues += PipelineBuilder.check(configuration, context: context)
            let name = file ?? "--output"
            if issues.isEmpty {
                print("\(name): OK")
                return
            }
            for issue in issues { FileHandleOut.stderr("\(issue)\n") }
            FileHandleOut.stderr("\(name): \(issues.count) error\(issues.count == 1 ? "" : "s")\n")
            throw ExitCode(1)
        }
    }

    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every configuration key with its default.")

        func run() { print(ReferenceText.full, terminator: "") }
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension LogLevel: ExpressibleByArgument {}
extension LogFormat: ExpressibleByArgument {}
extension SummaryFormat: ExpressibleByArgument {}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}

struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A live terminal view of a running Sonde (through its API): rates, rcodes, latency, drops, top tables.",
        discussion: """
            Keys: t or Tab next table, T previous, s next stream, r reset (asks), q quit. The API key comes from \
            SONDE_API_KEY or --key-file (never a flag: ps shows flags); Basic credentials from --user and \
            SONDE_API_PASSWORD. With --interface or --dnstap it runs its own capture or dnstap listener (a child \
            `sonde run`) and shows that: `sonde top -i eth0`, `sonde top --dnstap tcp://0.0.0.0:6000`.
            """)

    @Argument(help: ArgumentHelp("The API's address (sonde run --api).", valueName: "url"))
    var url = "http://127.0.0.1:8080"

    @Option(name: [.customShort("i"), .long], help: ArgumentHelp("Capture on this interface and show it, instead of attaching to an API (repeatable; runs `sonde run -i …` as a child).", valueName: "name"))
    var interface: [String] = []

    @Option(name: .long, help: ArgumentHelp("Receive dnstap here and show it, instead of attaching to an API (repeatable; tcp://, tls://, unix://).", valueName: "url"))
    var dnstap: [String] = []

    @Option(name: .long, help: ArgumentHelp("A file holding the API key.", valueName: "path"))
    var keyFile: String?

    @Option(name: .long, help: "The user for HTTP Basic (the password from SONDE_API_PASSWORD).")
    var user: String?

    @Option(name: .long, help: ArgumentHelp("Seconds between two refreshes (default 1).", valueName: "seconds"))
    var interval: Double = 1

    @Option(name: .long, help: "Rows of the top table (default: as many as fit).")
    var rows: Int = 1000

    @Flag(name: .long, help: "Print one screen and exit.")
    var once = false

    func validate() throws {
        guard interval >= 0.2 && interval <= 3600 else { throw ValidationError("--interval must be 0.2-3600 seconds") }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw ValidationError("the URL starts with http:// or https://") }
    }

    func run() throws {
        let environment = ProcessEnvironment.current
        var key = environment["SONDE_API_KEY"]
        if let keyFile {
            do {
                var bytes = try FileBytes.read(keyFile, limit: 4096)
                while let last = bytes.last, last == 0x0a || last == 0x0d || last == 0x20 { bytes.removeLast() }
                key = String(decoding: bytes, as: UTF8.self)
            } catch { throw ValidationError("--key-file: cannot read \(keyFile): \(error)") }
        }
        let options = TopRunner.Options(url: url, key: key, user: user, password: environment["SONDE_API_PASSWORD"], interval: interval, once: once, rows: rows)
        let inputs = interface.flatMap { ["--interface", $0] } + dnstap.flatMap { ["--dnstap", $0] }
        let status = try inputs.isEmpty ? TopRunner.run(options) : TopRunner.runOwn(inputs: inputs, options)
        if status != 0 { throw ExitCode(status) }
    }
}
