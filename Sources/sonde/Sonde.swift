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
            Sonde reads DNS traffic from pcap and pcapng files and prints every query and response as an event \
            (text, JSON, YAML or CSV), with a summary at the end.

            Configuration comes from a YAML file (--config or SONDE_CONFIG), SONDE_… environment variables and \
            flags; flags win over the environment, which wins over the file. See `sonde config --help`.
            """,
        version: SondeVersion.string,
        subcommands: [Read.self, Config.self]
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

struct Read: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode DNS messages from pcap or pcapng files and print them as events.",
        discussion: """
            The file type is taken from its magic number: classic pcap (microsecond or nanosecond, either byte \
            order) and pcapng. Use - to read standard input. At the end a summary goes to standard error \
            (--summary prints it on standard output instead of the events; --no-summary leaves it out).
            """
    )

    @OptionGroup var options: ConfigurationOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Event format (default text).", valueName: "format"))
    var format: OutputFormat?

    @Option(
        name: [.customShort("p"), .long],
        help: ArgumentHelp("DNS ports, comma-separated (default 53).", valueName: "ports"))
    var port: [String] = []

    @Option(name: .long, help: ArgumentHelp("The identity field of events (default: the host name).", valueName: "name"))
    var identity: String?

    @Flag(name: .long, help: "Print only the summary, on standard output.")
    var summary = false

    @Flag(name: .long, help: "Do not print the summary.")
    var noSummary = false

    @Option(name: .long, help: ArgumentHelp("Summary format (default text).", valueName: "format"))
    var summaryFormat: SummaryFormat?

    @Flag(name: .long, help: "Do not draw the progress bar (it is only drawn on a terminal).")
    var noProgress = false

    @Flag(name: .long, help: "Do not reassemble TCP streams or IP fragments (only messages whole in a segment).")
    var noReassembly = false

    @Flag(name: .long, help: "Do not match responses to queries (no latency, no unanswered count).")
    var noMatching = false

    @Flag(name: .long, help: "Also emit every query that got no answer, when it expires (transaction: unanswered).")
    var unanswered = false

    @Flag(name: .long, help: "One record per transaction: responses with their query's time and size, unanswered queries.")
    var join = false

    @Argument(help: ArgumentHelp("Capture files (pcap or pcapng); - for standard input.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one capture file, or - for standard input") }
        if summary && noSummary { throw ValidationError("--summary and --no-summary cannot be used together") }
    }

    func run() throws {
        let result = try ReadRunner.run(paths: files, configuration: resolvedConfiguration())
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

    /// Defaults < file < environment < these flags.
    func resolvedConfiguration(environment: [String: String] = ProcessEnvironment.current) throws -> SondeConfiguration {
        var configuration = try options.load(environment: environment)
        if let format {
            if configuration.outputs.isEmpty {
                configuration.outputs = [OutputConfiguration(kind: "stdout", format: format)]
            } else {
                for i in configuration.outputs.indices where configuration.outputs[i].kind == "stdout" {
                    configuration.outputs[i].format = format
                }
            }
        }
        if !port.isEmpty {
            var ports: [UInt16] = []
            for text in port.flatMap({ $0.split(separator: ",") }) {
                guard let p = UInt16(text.trimmingCharacters(in: " ")), p > 0 else {
                    throw ValidationError("\"\(text)\" is not a port (1-65535)")
                }
                ports.append(p)
            }
            configuration.ports = ports
        }
        if let identity { configuration.identity = identity }
        if summary { configuration.summary.mode = .only }
        if noSummary { configuration.summary.mode = .off }
        if let summaryFormat { configuration.summary.format = summaryFormat }
        if noProgress { configuration.progress = false }
        if noReassembly { configuration.reassembly = false }
        if noMatching { configuration.matching = false }
        if unanswered { configuration.unanswered = true }
        if join { configuration.join = true }
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
            abstract: "Report every error in a configuration file, with its place (file:line:column: key: problem).")

        @Argument(help: ArgumentHelp("The YAML file.", valueName: "file"))
        var file: String

        func run() throws {
            let text = try ConfigFile.read(file)
            var configuration = SondeConfiguration()
            var loader = ConfigurationLoader()
            loader.apply(yaml: text, source: file, to: &configuration)
            if loader.issues.isEmpty {
                print("\(file): OK")
                return
            }
            for issue in loader.issues { FileHandleOut.stderr("\(issue)\n") }
            FileHandleOut.stderr("\(file): \(loader.issues.count) error\(loader.issues.count == 1 ? "" : "s")\n")
            throw ExitCode(1)
        }
    }

    struct Reference: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every configuration key with its default.")

        func run() { print(ConfigurationReference.text, terminator: "") }
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension SummaryFormat: ExpressibleByArgument {}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
