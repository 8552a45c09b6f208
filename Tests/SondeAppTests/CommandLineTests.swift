import ArgumentParser
import Foundation
import SondeApp
import SondeCore
import XCTest

@testable import sonde
@testable import SondeApp

/// The command line: help and version pinned, flags over environment over file, config check.
final class CommandLineTests: XCTestCase {
    func testHelpIsCompleteAndPinned() {
        let root = Sonde.helpMessage(columns: 100)
        XCTAssertTrue(root.contains("USAGE: sonde <subcommand>"))
        XCTAssertTrue(root.contains("read"))
        XCTAssertTrue(root.contains("config"))
        XCTAssertTrue(root.contains("--version"))
        let read = Read.helpMessage(columns: 100)
        for option in [
            "--config <file>", "-f, --format <format>", "-p, --port <ports>", "--identity <name>", "--summary",
            "--no-summary", "--summary-format <format>", "--no-progress", "--replay-speed <factor>", "<file>",
        ] {
            XCTAssertTrue(read.contains(option), "sonde read --help lacks \(option)")
        }
        XCTAssertTrue(read.contains("(values: text, json, yaml, csv, template)"))
        XCTAssertTrue(read.contains("--write-dnstap <file>") && read.contains("--forward <url>"))
        for option in ["--output <url>", "--log-level <level>", "--log-format <format>"] {
            XCTAssertTrue(read.contains(option), "sonde read --help lacks \(option)")
        }
        XCTAssertTrue(root.contains("run"))
        let run = Run.helpMessage(columns: 100)
        for option in [
            "--dnstap <url>", "--dnstap-connect <url>", "-f, --format <format>", "--tls-cert <file>", "--tls-key <file>",
            "--tls-ca <file>", "--allow <cidr>", "--max-connections <n>", "--max-frame-size <octets>",
            "--idle-timeout <seconds>", "--stats-interval <seconds>", "--stats-file <path>", "--write-dnstap <file>", "--forward <url>", "--dnstap-identity <name>",
            "-i, --interface <name>", "-p, --port <ports>", "--filter <expression>", "--no-promiscuous", "--fanout <n>",
            "--sample <a:b>", "--dedup <ms>", "--ring-block-size <octets>", "--ring-blocks <n>", "--ring-timeout <ms>",
            "--metrics-listen <host:port>", "--output <url>", "--log-level <level>", "--log-format <format>",
        ] {
            XCTAssertTrue(run.contains(option), "sonde run --help lacks \(option)")
        }
        XCTAssertTrue(Config.Check.helpMessage(columns: 100).contains("<file>"))
        XCTAssertEqual(Sonde.configuration.version, SondeVersion.string)
    }

    func testRunFlagsBuildTheDnstapInputsAndOutputs() throws {
        let c = try Run.parse([
            "--dnstap", "tcp://127.0.0.1:6000", "--dnstap", "unix:///run/s.sock", "--dnstap-connect", "tls://[::1]:6443",
            "--allow", "10.0.0.0/8", "--max-connections", "7", "--idle-timeout", "9", "--max-frame-size", "4096",
            "--forward", "tcp://collector:6000", "--dnstap-identity", "edge", "-f", "json",
        ]).resolvedConfiguration(environment: [:])
        XCTAssertEqual(c.inputs.map(\.endpoint), [
            .tcp(host: "127.0.0.1", port: 6000), .unix(path: "/run/s.sock"), .tls(host: "::1", port: 6443),
        ])
        XCTAssertEqual(c.inputs.map(\.mode), [.listen, .listen, .connect])
        XCTAssertEqual(c.inputs[0].allow, ["10.0.0.0/8"])
        XCTAssertEqual(c.inputs[0].maxConnections, 7)
        XCTAssertEqual(c.inputs[0].idleTimeout, 9)
        XCTAssertEqual(c.inputs[0].maxFrameSize, 4096)
        XCTAssertEqual(c.outputs.map { $0["kind"]?.scalar }, ["stdout", "dnstap"])
        XCTAssertEqual(c.outputs[0]["format"]?.scalar, "json")
        XCTAssertEqual(c.outputs[1]["forward"]?.scalar, "tcp://collector:6000")
        XCTAssertEqual(c.outputs[1]["identity"]?.scalar, "edge")
        XCTAssertThrowsError(try Run.parse(["--dnstap", "udp://x:1"]).resolvedConfiguration(environment: [:]))
        XCTAssertThrowsError(try Run.parse(["--dnstap", "tcp://x:1", "--max-frame-size", "10"]).validate())
    }

    func testRunFlagsBuildTheCaptures() throws {
        let c = try Run.parse([
            "-i", "eth0", "--interface", "eth1", "--port", "53,5353", "--filter", "udp port 53", "--no-promiscuous",
            "--fanout", "2", "--sample", "1:10", "--dedup", "50", "--ring-block-size", "65536", "--ring-blocks", "8",
            "--ring-timeout", "20",
        ]).resolvedConfiguration(environment: [:])
        XCTAssertEqual(c.captures.map(\.interface), ["eth0", "eth1"])
        XCTAssertEqual(c.ports, [53, 5353])
        XCTAssertTrue(c.inputs.isEmpty)
        let e = c.captures[1]
        XCTAssertEqual(e.filter, "udp port 53")
        XCTAssertFalse(e.promiscuous)
        XCTAssertEqual(e.fanout, 2)
        XCTAssertEqual(e.sample, .init(keep: 1, of: 10))
        XCTAssertEqual(e.dedupWindow, 50)
        XCTAssertEqual([e.blockSize, e.blockCount, e.blockTimeout], [65536, 8, 20])
        let d = try Run.parse(["-i", "lo"]).resolvedConfiguration(environment: [:])
        XCTAssertEqual(d.captures, [CaptureConfiguration(interface: "lo")])
        XCTAssertEqual(
            CaptureConfiguration.defaultFilter(ports: d.ports), "(port 53) or (ip[6:2] & 0x1fff != 0) or (ip6[6] == 44)")
        for bad in [["--sample", "3:2"], ["--sample", "x"], ["--ring-block-size", "5000"], ["--fanout", "0"], ["--dedup", "-1"]] {
            XCTAssertThrowsError(try Run.parse(["-i", "lo"] + bad), "\(bad)")
        }
        XCTAssertThrowsError(try Run.parse([]))
    }

    /// The README's configuration block is `sonde config reference` without its three header lines.
    /// docs/configuration.md holds the reference `sonde config reference` prints (scripts/docs.sh writes it).
    func testTheDocsCarryTheConfigurationReference() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let page = try String(contentsOf: repo.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let start = try XCTUnwrap(page.range(of: "```yaml\n"))
        let end = try XCTUnwrap(page.range(of: "```", range: start.upperBound..<page.endIndex))
        XCTAssertEqual(String(page[start.upperBound..<end.lowerBound]), ReferenceText.full, "run scripts/docs.sh")
    }

    /// Every key a component reads is in its reference, and its reference names no key it does not read: each is
    /// given every key of its reference and one more, and says which keys it knows when it reports that one.
    func testEveryComponentDocumentsExactlyTheKeysItReads() throws {
        let components: [(String, ComponentReference, (inout ComponentSettings) -> Void)] =
            Registry.outputs.map { t in (t.kind, t.reference, { s in _ = t.init(settings: &s, context: AppLog.checkContext) }) }
            + Registry.transforms.map { t in (t.kind, t.reference, { s in _ = t.init(settings: &s, context: AppLog.checkContext) }) }
        for (kind, reference, make) in components {
            var documented: [String] = []
            for line in reference.yaml.split(separator: "\n").dropFirst() where line.hasPrefix("  ") && !line.hasPrefix("   ") {
                let key = line.dropFirst(2).prefix { $0 != ":" }
                if !key.isEmpty && !key.hasPrefix("#") { documented.append(String(key)) }
            }
            var s = ComponentSettings(
                [("kind", kind)] + documented.map { ($0, "x") } + [("not_a_key", "x")], path: kind, source: "test")
            make(&s)
            s.finish()
            let unknown = try XCTUnwrap(s.issues.first { $0.path == "\(kind).not_a_key" }, "\(kind): \(s.issues)")
            let known = unknown.message.split(separator: "(expected ")[1].dropLast().split(separator: ", ").map(String.init)
            XCTAssertEqual(Set(known), Set(documented), "\(kind): read but not documented, or documented but not read")
        }
    }

    func testCaptureInputsInTheFile() throws {
        var configuration = SondeConfiguration()
        var loader = ConfigurationLoader()
        loader.apply(
            yaml: """
                inputs:
                  - kind: capture
                    interface: eth0
                    filter: udp port 53
                    promiscuous: false
                    fanout: 4
                    sample: "1:2"
                    dedup_window: 20
                  - kind: capture
                    interface: eth1
                    block_size: 1000
                    colour: red
                  - kind: capture
                    sample: "0:1"
                """, source: "c.yaml", to: &configuration)
        XCTAssertEqual(
            loader.issues.map(\.description),
            [
                "c.yaml:11:17: inputs[1].block_size: must be a whole number between 4096 and 1073741824, not 1000",
                "c.yaml:12:5: inputs[1].colour: unknown key (expected kind, interface, filter, promiscuous, fanout, block_size, block_count, block_timeout, sample, dedup_window)",
                "c.yaml:14:13: inputs[2].sample: sampling must be a:b with 1 <= a <= b <= 1000000 (keep a of every b packets), not \"0:1\"",
                "c.yaml:13:5: inputs[2]: a capture needs `interface`",
            ])
        XCTAssertEqual(configuration.captures.count, 2)
        var expected = CaptureConfiguration(interface: "eth0")
        expected.filter = "udp port 53"
        expected.promiscuous = false
        expected.fanout = 4
        expected.sample = .init(keep: 1, of: 2)
        expected.dedupWindow = 20
        XCTAssertEqual(configuration.captures[0], expected)
    }

    func testFlagsBeatEnvironmentWhichBeatsTheFile() throws {
        let file = try temporaryFile(
            """
            identity: from-file
            ports: [5353]
            outputs:
              - kind: stdout
                format: yaml
            summary:
              format: json
            """)
        // File only.
        var c = try Read.parse(["--config", file, "x.pcap"]).resolvedConfiguration(environment: [:])
        XCTAssertEqual(c.identity, "from-file")
        XCTAssertEqual(c.ports, [5353])
        XCTAssertEqual(c.outputs, [.mapping([("kind", "stdout"), ("format", "yaml")])])
        XCTAssertEqual(c.summary.format, .json)
        // Environment over file.
        let env = ["SONDE_IDENTITY": "from-env", "SONDE_FORMAT": "csv", "SONDE_PORTS": "53,5300"]
        c = try Read.parse(["--config", file, "x.pcap"]).resolvedConfiguration(environment: env)
        XCTAssertEqual(c.identity, "from-env")
        XCTAssertEqual(c.ports, [53, 5300])
        XCTAssertEqual(c.outputs.first?["format"]?.scalar, "csv")
        // Flags over both.
        c = try Read.parse(["--config", file, "--identity", "flag", "-f", "json", "-p", "54", "x.pcap"])
            .resolvedConfiguration(environment: env)
        XCTAssertEqual(c.identity, "flag")
        XCTAssertEqual(c.ports, [54])
        XCTAssertEqual(c.outputs.first?["format"]?.scalar, "json")
        // SONDE_CONFIG names the file when --config does not.
        c = try Read.parse(["x.pcap"]).resolvedConfiguration(environment: ["SONDE_CONFIG": file])
        XCTAssertEqual(c.identity, "from-file")
        // Defaults.
        c = try Read.parse(["x.pcap"]).resolvedConfiguration(environment: [:])
        XCTAssertEqual(c.ports, [53])
        XCTAssertEqual(c.summary.mode, .stderr)
        XCTAssertTrue(c.outputs.isEmpty)
    }

    func testEveryConfigurationErrorIsReportedWithItsPlace() throws {
        var configuration = SondeConfiguration()
        var loader = ConfigurationLoader()
        loader.apply(
            yaml: """
                identity: x
                ports: [53, 99999]
                outputs:
                  - kind: stdout
                    format: jsn
                  - kind: kafka
                colour: blue
                summary:
                  top: -1
                  mode: sometimes
                """, source: "bad.yaml", to: &configuration)
        // The loader reports the top level; each output reads its own keys when the pipeline is checked.
        let issues = loader.issues + PipelineBuilder.check(configuration, context: ComponentContext(identity: "t", log: .quiet))
        let text = issues.sorted { ($0.line ?? 0) < ($1.line ?? 0) }.map(\.description)
        XCTAssertEqual(
            text,
            [
                "bad.yaml:2:13: ports: \"99999\" is not a port (1-65535)",
                "bad.yaml:5:13: outputs[0].format: unknown value \"jsn\" (expected text, json, yaml, csv, template)",
                "bad.yaml:6:11: outputs[1].kind: unknown output kind \"kafka\" (expected stdout, dnstap, file)",
                "bad.yaml:7:1: colour: unknown key (expected identity, ports, progress, stats_interval, metrics_listen, api, stats, statsd, log_level, log_format, reassembly, matching, unanswered, join, summary, inputs, transforms, outputs)",
                "bad.yaml:9:8: summary.top: must be a whole number between 0 and 1000, not -1",
                "bad.yaml:10:9: summary.mode: unknown value \"sometimes\" (expected stderr, only, off)",
            ])
    }

    /// The statistics file's and the API's TLS keys: read into the configuration, and every wrong value said with
    /// its place.
    func testStatsFileAndAPITLSKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-keys-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["cert.pem", "key.pem"] { try "-".write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        var good = SondeConfiguration()
        var loader = ConfigurationLoader()
        loader.apply(
            yaml: """
                stats:
                  log_file: /var/log/sonde/stats.log
                  log_max_size: 10M
                  log_keep: 7
                  log_window: interval
                api:
                  tls_certificate: \(dir.path)/cert.pem
                  tls_key: \(dir.path)/key.pem
                """, source: "good.yaml", to: &good)
        XCTAssertEqual(loader.issues, [])
        XCTAssertEqual(good.stats.logFile, "/var/log/sonde/stats.log")
        XCTAssertEqual(good.stats.logMaxSize, 10 << 20)
        XCTAssertEqual(good.stats.logKeep, 7)
        XCTAssertEqual(good.stats.logWindow, .interval)
        XCTAssertEqual(good.api.tls.certificate, "\(dir.path)/cert.pem")
        XCTAssertEqual(good.api.tls.key, "\(dir.path)/key.pem")

        var bad = SondeConfiguration()
        loader = ConfigurationLoader()
        loader.apply(
            yaml: """
                stats:
                  log_file: ""
                  log_max_size: 1K
                  log_keep: -1
                  log_window: hourly
                api:
                  tls_certificate: \(dir.path)/missing.pem
                  tls_verify: false
                """, source: "bad.yaml", to: &bad)
        XCTAssertEqual(
            loader.issues.map(\.description),
            [
                "bad.yaml:2:13: stats.log_file: must be a file's path",
                "bad.yaml:3:17: stats.log_max_size: must be a size between 4096 and 1099511627776 octets (512K, 100M, 2G), not 1K",
                "bad.yaml:4:13: stats.log_keep: must be a whole number between 0 and 100000, not -1",
                "bad.yaml:5:15: stats.log_window: unknown value \"hourly\" (expected cumulative, interval)",
                "bad.yaml:7:20: api.tls_certificate: cannot read \(dir.path)/missing.pem: \(try Self.readError(dir.path + "/missing.pem"))",
                "bad.yaml:8:3: api.tls_verify: unknown key (expected listen, api_key, api_key_file, user, password, password_file, demo, tls_certificate, tls_key, tls_ca)",
                "bad.yaml:7:3: api: HTTPS needs both tls_certificate and tls_key",
            ])
        let run = try Run.parse(["--dnstap", "tcp://127.0.0.1:0", "--stats-file", "/tmp/stats.log"])
        XCTAssertEqual(try run.resolvedConfiguration(environment: [:]).stats.logFile, "/tmp/stats.log")
    }

    static func readError(_ path: String) throws -> String {
        do { _ = try FileBytes.read(path) } catch { return "\(error)" }
        return ""
    }

    func testBrokenYAMLAndUnknownVariablesAreErrors() throws {
        var configuration = SondeConfiguration()
        var loader = ConfigurationLoader()
        loader.apply(yaml: "ports: [53\n", source: "broken.yaml", to: &configuration)
        XCTAssertEqual(loader.issues.count, 1)
        XCTAssertTrue(loader.issues[0].message.hasPrefix("not valid YAML"))
        var envLoader = ConfigurationLoader()
        envLoader.apply(environment: ["SONDE_FROMAT": "json", "HOME": "/root"], to: &configuration)
        XCTAssertEqual(envLoader.issues.count, 1)
        XCTAssertEqual(envLoader.issues[0].path, "SONDE_FROMAT")
        XCTAssertThrowsError(try Read.parse(["-p", "0", "x.pcap"]).resolvedConfiguration(environment: [:]))
        XCTAssertThrowsError(try Read.parse(["x.pcap"]).resolvedConfiguration(environment: ["SONDE_FORMAT": "xml"]))
    }

    func temporaryFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }
}
