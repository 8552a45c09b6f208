import Foundation
import XCTest

/// The API, `/metrics` and the dashboard against real clients: a Prometheus server that scrapes Sonde (Debian's
/// `prometheus`), headless Chromium (Debian's `chromium`) rendering the dashboard, and schemathesis (PyPI) checking
/// the routes against the OpenAPI document. One `sonde run` with a known dnstap stream serves them all.
final class APITests: XCTestCase {
    static let key = "it-key-5d41402abc4b2a76"
    static let user = "prom", password = "it-pass-7b8b965ad4bca0e4"
    /// `gen-sample.dnstap` sent once: 1,000 messages.
    static let messages = 1000

    struct Served {
        let sonde: SondeRun
        let base: String
        let dir: URL
    }

    /// Starts Sonde with the API and sends the sample dnstap file through fstrm_replay; waits until the API counts it.
    func serve() throws -> Served {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let dir = try Integration.temporaryDirectory()
        let config = dir.appendingPathComponent("sonde.yaml")
        try "api:\n  listen: 127.0.0.1:0\n  api_key_file: \(dir.path)/key\n  user: \(Self.user)\n  password: \(Self.password)\n"
            .write(to: config, atomically: true, encoding: .utf8)
        try (Self.key + "\n").write(to: dir.appendingPathComponent("key"), atomically: true, encoding: .utf8)
        let sonde = try SondeRun(["--config", config.path, "--dnstap", "tcp://127.0.0.1:0", "--no-summary"])
        var base: String?
        _ = sonde.background.wait(timeout: 10) {
            base = sonde.background.stderr.split(separator: "\n").first { $0.contains("dashboard on http://") }
                .flatMap { $0.split(separator: " ").first { $0.hasPrefix("http://") } }.map { String($0.dropLast()) }
            return base != nil
        }
        guard let base else { throw TestError("the API did not start: \(sonde.background.stderr)") }
        let r = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(sonde.port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(sonde.background.wait(timeout: 20) { (try? counters(base))?["messages"] as? Int == Self.messages }, sonde.background.stderr)
        return Served(sonde: sonde, base: base, dir: dir)
    }

    func counters(_ base: String) throws -> [String: Any] {
        let r = try Integration.run("/usr/bin/curl", ["-sf", "-H", "X-API-Key: \(Self.key)", "\(base)/api/v1/counters"])
        guard r.status == 0 else { throw TestError("curl: \(r.status)") }
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    func testPrometheusScrapesSondeAndAQueryReturnsTheCounter() throws {
        let prometheus = try Integration.tool("prometheus", package: "prometheus")
        let s = try serve()
        let port = try Self.freePort()
        let config = s.dir.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: sonde
                basic_auth: {username: \(Self.user), password: \(Self.password)}
                static_configs:
                  - targets: ["\(s.base.dropFirst(7))"]
            """.write(to: config, atomically: true, encoding: .utf8)
        let server = try Background(
            prometheus,
            [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(s.dir.appendingPathComponent("tsdb").path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ])
        defer { server.stop() }
        var value: String?
        let found = server.wait(timeout: 60) {
            guard let r = try? Integration.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/api/v1/query?query=sonde_dns_messages_total%7Bjob%3D%22sonde%22%7D"]),
                r.status == 0, let o = try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                let result = (o["data"] as? [String: Any])?["result"] as? [[String: Any]], let v = result.first?["value"] as? [Any]
            else { return false }
            value = v.last as? String
            return value == "\(Self.messages)"
        }
        XCTAssertTrue(found, "Prometheus's query gave \(value ?? "nothing"): \(server.stderr.suffix(2000))")
        // The target is up: Prometheus authenticated (a 401 would mark it down).
        let up = try Integration.run("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/api/v1/query?query=up%7Bjob%3D%22sonde%22%7D"])
        XCTAssertTrue(up.stdout.contains("\"1\"]"), up.stdout)
        s.sonde.stop()
    }

    func testChromiumRendersTheDashboardWithTheAPIsNumbers() throws {
        let chromium = try Integration.tool("chromium", package: "chromium")
        let s = try serve()
        let api = try counters(s.base)
        let url = "\(s.base)/#key=\(Self.key)"
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=6000", "--window-size=1400,1000"]
        let dom = try Integration.run(chromium, common + ["--dump-dom", url], timeout: 120)
        XCTAssertEqual(dom.status, 0, dom.stderr)
        func text(_ id: String) -> String? {
            guard let r = dom.stdout.range(of: "id=\"\(id)\"") else { return nil }
            let rest = dom.stdout[r.upperBound...]
            guard let open = rest.firstIndex(of: ">"), let close = rest[open...].firstIndex(of: "<") else { return nil }
            return String(rest[rest.index(after: open)..<close])
        }
        // Below 10,000 the page writes numbers whole, grouped by thousands.
        func grouped(_ n: Int) -> String {
            let d = String(n)
            return d.count > 3 ? d.dropLast(3) + "," + d.suffix(3) : d
        }
        XCTAssertEqual(text("queries"), grouped(api["queries"] as! Int), "the page's query count is the API's")
        XCTAssertEqual(text("responses"), "\(grouped(api["responses"] as! Int)) responses")
        XCTAssertEqual(text("clients"), grouped(api["clients"] as! Int))
        XCTAssertTrue(text("status")?.hasPrefix("live") ?? false, "the page read the API: \(text("status") ?? "-")")
        let rcodes = api["rcode"] as! [String: Int]
        for (name, count) in rcodes {
            XCTAssertTrue(dom.stdout.contains("title=\"\(name)\">\(name)</td><td class=\"b\"><div class=\"bar\""), "rcode \(name) on the page")
            XCTAssertTrue(dom.stdout.contains("<td class=\"n\">\(grouped(count))</td>"), "rcode \(name): \(count)")
        }
        // The screenshot the suite leaves, for a person to look at.
        let shots = Integration.repo.appendingPathComponent(".build/test-artifacts")
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let png = shots.appendingPathComponent("dashboard.png").path
        try? FileManager.default.removeItem(atPath: png)
        let shot = try Integration.run(chromium, common + ["--screenshot=\(png)", url], timeout: 120)
        XCTAssertEqual(shot.status, 0, shot.stderr)
        XCTAssertGreaterThan((try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0, 20_000, "a screenshot at \(png)")
        print("dashboard screenshot: \(png)")
        s.sonde.stop()
    }

    func testSchemathesisFindsNoFailure() throws {
        let which = try Integration.run("/bin/sh", ["-c", "command -v schemathesis"])
        let st = which.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard which.status == 0, !st.isEmpty else { throw XCTSkip("schemathesis is not installed (pip install schemathesis; scripts/test.sh installs it)") }
        let s = try serve()
        // The event tail streams until its client goes when no `timeout` is given: schemathesis reads an event stream
        // until its request timeout, half a second here. A filter that does not parse is a 400, which the filter's
        // schema (any string) cannot say.
        let config = s.dir.appendingPathComponent("schemathesis.toml")
        try """
            [[operations]]
            include-path = "/api/v1/events"
            request-timeout = 0.5
            checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "404", "503"]

            """.write(to: config, atomically: true, encoding: .utf8)
        let r = try Integration.run(
            st,
            [
                "--config-file", config.path, "run", "\(s.base)/openapi.yaml", "--url", s.base, "-H", "X-API-Key: \(Self.key)",
                "--checks", "all", "--max-examples", "30", "--exclude-method", "DELETE",
            ], timeout: 600)
        XCTAssertEqual(r.status, 0, String(r.stdout.suffix(4000)) + String(r.stderr.suffix(2000)))
        // The reset too, once the rest is done (it would empty the counters under the other checks).
        let reset = try Integration.run(
            st, ["run", "\(s.base)/openapi.yaml", "--url", s.base, "-H", "X-API-Key: \(Self.key)", "--checks", "all", "--max-examples", "10", "--include-method", "DELETE"],
            timeout: 300)
        XCTAssertEqual(reset.status, 0, String(reset.stdout.suffix(4000)) + String(reset.stderr.suffix(2000)))
        s.sonde.stop()
    }

    /// The API over HTTPS with a certificate openssl made, and the event tail through it: curl trusting the CA gets
    /// the counters and the filtered events of a dnstap stream as server-sent events; plain HTTP gets nothing.
    func testEventTailOverTLS() throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let dir = try Integration.temporaryDirectory()
        try Integration.makeCertificates(in: dir)
        let p = dir.path
        let config = dir.appendingPathComponent("sonde.yaml")
        try "api:\n  listen: 127.0.0.1:0\n  api_key: \(Self.key)\n  tls_certificate: \(p)/server.pem\n  tls_key: \(p)/server.key\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let sonde = try SondeRun(["--config", config.path, "--dnstap", "tcp://127.0.0.1:0", "--no-summary", "-f", "json"])
        var base: String?
        _ = sonde.background.wait(timeout: 10) {
            base = sonde.background.stderr.split(separator: "\n").first { $0.contains("dashboard on https://") }
                .flatMap { $0.split(separator: " ").first { $0.hasPrefix("https://") } }.map { String($0.dropLast()) }
            return base != nil
        }
        let https = try XCTUnwrap(base, sonde.background.stderr)
        let curl = ["-s", "--cacert", "\(p)/ca.pem", "-H", "X-API-Key: \(Self.key)"]
        let counters = try Integration.run("/usr/bin/curl", curl + ["-f", "\(https)/api/v1/counters"])
        XCTAssertEqual(counters.status, 0, counters.stderr)
        XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(counters.stdout.utf8)) as? [String: Any], counters.stdout)
        let plain = try Integration.run("/usr/bin/curl", ["-s", "-H", "X-API-Key: \(Self.key)", https.replacingOccurrences(of: "https://", with: "http://") + "/api/v1/counters"])
        XCTAssertFalse(plain.status == 0 && plain.stdout.contains("messages"), "plain HTTP to the TLS listener: \(plain.stdout)")

        // A tail of 20 responses, open before the stream is sent.
        let tail = try Background("/usr/bin/curl", curl + ["-N", "\(https)/api/v1/events?filter=response&limit=20&timeout=30"])
        XCTAssertTrue(sonde.background.wait(timeout: 10) { (try? Integration.run("/usr/bin/curl", curl + ["\(https)/metrics"]))?.stdout.contains("sonde_tail_subscribers 1") == true })
        let r = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(sonde.port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(tail.wait(timeout: 30) { !tail.process.isRunning }, tail.stdout)
        let blocks = tail.stdout.components(separatedBy: "\n\n").filter { !$0.isEmpty && !$0.hasPrefix(":") }
        let events = blocks.filter { $0.hasPrefix("data: ") }.map { try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any] }
        XCTAssertEqual(events.count, 20, tail.stdout)
        // The same lines as the json output wrote.
        sonde.waitForEvents(Self.messages)
        let written = Set(sonde.eventLines.map(String.init))
        for b in blocks where b.hasPrefix("data: ") { XCTAssertTrue(written.contains(String(b.dropFirst(6))), b) }
        XCTAssertTrue(events.allSatisfy { $0?["response"] as? Bool == true }, tail.stdout)
        XCTAssertEqual(blocks.last, "event: end\ndata: {\"reason\":\"limit\",\"events\":20,\"dropped\":0}")
        sonde.stop()
    }

    func testSondeTopInTmuxShowsTheAPIsNumbersAndAnswersKeys() throws {
        let s = try serve()
        let api = try counters(s.base)
        let pane = try TmuxPane("sonde-top-\(getpid())", "SONDE_API_KEY=\(Self.key) \(Integration.binary.path) top \(s.base) --interval 0.3")
        defer { pane.close() }
        func screen() -> String { pane.screen() }
        func waitFor(_ text: String) -> Bool { pane.waitFor(NSRegularExpression.escapedPattern(for: text)) }
        let queries = SummaryText.grouped(api["queries"] as! Int)
        XCTAssertTrue(waitFor("queries \(queries)  responses"), screen())
        XCTAssertTrue(waitFor("top domains"), screen())
        let top = try Integration.run("/usr/bin/curl", ["-sf", "-H", "X-API-Key: \(Self.key)", "\(s.base)/api/v1/tables?n=1&table=domains"])
        let first = ((try JSONSerialization.jsonObject(with: Data(top.stdout.utf8)) as? [String: Any])?["tables"] as? [String: [[String: Any]]])?["domains"]?.first
        XCTAssertTrue(screen().contains(first?["key"] as? String ?? "?"), "the top domain on screen: \(screen())")
        pane.send("t")
        XCTAssertTrue(waitFor("top NXDOMAIN domains"), screen())
        pane.send("q")
        XCTAssertTrue(pane.waitForExit(), "q quits")
        // --once prints a screen without the terminal's escapes.
        let once = try Integration.run(Integration.binary.path, ["top", s.base, "--once"], environment: ["SONDE_API_KEY": Self.key])
        XCTAssertEqual(once.status, 0, once.stderr)
        XCTAssertTrue(once.stdout.contains("queries \(queries)"), once.stdout)
        XCTAssertFalse(once.stdout.contains("\u{1b}"))
        let denied = try Integration.run(Integration.binary.path, ["top", s.base, "--once"])
        XCTAssertNotEqual(denied.status, 0)
        XCTAssertTrue(denied.stderr.contains("401"), denied.stderr)
        s.sonde.stop()
    }

    func testSondeTopRunsItsOwnDnstapListener() throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let port = try Self.freePort()
        let pane = try TmuxPane("sonde-top-own-\(getpid())", "\(Integration.binary.path) top --dnstap tcp://127.0.0.1:\(port) --interval 0.3")
        defer { pane.close() }
        func screen() -> String { pane.screen() }
        func waitFor(_ pattern: String) -> Bool { pane.waitFor(pattern, seconds: 20) }
        XCTAssertTrue(waitFor("queries 0  responses"), "the view shows its own, empty, listener: \(screen())")
        // The child's listener is up once the view shows it; the sample goes there.
        var sent = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(port)"])
        for _ in 0..<20 where sent.status != 0 {
            usleep(250_000)
            sent = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(port)"])
        }
        XCTAssertEqual(sent.status, 0, sent.stderr)
        XCTAssertTrue(waitFor("queries [1-9][0-9,]*  responses"), screen())
        XCTAssertTrue(waitFor("top domains"), screen())
        pane.send("q")
        XCTAssertTrue(pane.waitForExit(), "q quits")
        // The child stopped with the view: the port is free again.
        let gone = Date().addingTimeInterval(10)
        var listening = true
        while Date() < gone && listening {
            listening = (try? Integration.run("/usr/bin/curl", ["-s", "--max-time", "1", "http://127.0.0.1:\(port)/"]))?.status != 7
            if listening { usleep(200_000) }
        }
        XCTAssertFalse(listening, "the child sonde run is still listening on \(port)")
    }

    func testStatsdPushReachesCollectdsStatsdPlugin() throws {
        let collectd = try Integration.tool("collectd", package: "collectd-core")
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let dir = try Integration.temporaryDirectory()
        let port = try Self.freePort()
        let conf = dir.appendingPathComponent("collectd.conf")
        try """
            Hostname "sonde-test"
            FQDNLookup false
            Interval 1
            BaseDir "\(dir.path)"
            PIDFile "\(dir.path)/collectd.pid"
            PluginDir "/usr/lib/collectd"
            TypesDB "/usr/share/collectd/types.db"
            LoadPlugin statsd
            LoadPlugin csv
            <Plugin statsd>
              Host "127.0.0.1"
              Port "\(port)"
              DeleteCounters false
            </Plugin>
            <Plugin csv>
              DataDir "\(dir.path)/csv"
              StoreRates false
            </Plugin>

            """.write(to: conf, atomically: true, encoding: .utf8)
        let server = try Background(collectd, ["-f", "-C", conf.path])
        defer { server.stop() }
        let config = dir.appendingPathComponent("sonde.yaml")
        try "statsd:\n  address: 127.0.0.1:\(port)\n  interval: 1\n  prefix: sonde\n".write(to: config, atomically: true, encoding: .utf8)
        let sonde = try SondeRun(["--config", config.path, "--dnstap", "tcp://127.0.0.1:0", "--no-summary"])
        XCTAssertTrue(sonde.background.wait(timeout: 10) { sonde.background.stderr.contains("pushed to statsd") }, sonde.background.stderr)
        let r = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(sonde.port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // collectd's statsd plugin sums the counter's pushes; its CSV writer records the sum every second.
        let csv = dir.appendingPathComponent("csv/sonde-test/statsd")
        func last(_ metric: String) -> Int? {
            guard let name = (try? FileManager.default.contentsOfDirectory(atPath: csv.path))?.first(where: { $0.hasPrefix(metric + "-") }),
                let text = try? String(contentsOf: csv.appendingPathComponent(name), encoding: .utf8),
                let line = text.split(separator: "\n").last, let v = line.split(separator: ",").last
            else { return nil }
            return Double(v).map { Int($0) }
        }
        let summary = try Integration.run(Integration.binary.path, ["read", file, "--summary", "--summary-format", "json"])
        let queries = (try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any])?["queries"] as? Int
        let got = server.wait(timeout: 30) { last("derive-sonde.queries") == queries && last("derive-sonde.messages") == Self.messages }
        XCTAssertTrue(got, "collectd has queries \(last("derive-sonde.queries") ?? -1), messages \(last("derive-sonde.messages") ?? -1): \(server.stderr.suffix(2000))")
        XCTAssertNotNil(last("gauge-sonde.clients"), "gauges too")
        sonde.stop()
    }

    /// Numbers as the summary and `sonde top` write them.
    enum SummaryText {
        static func grouped(_ n: Int) -> String {
            var s = String(n), out = ""
            while s.count > 3 {
                out = "," + s.suffix(3) + out
                s = String(s.dropLast(3))
            }
            return s + out
        }
    }

    func testWithoutCredentialsSondeRefusesToStartTheAPI() throws {
        let r = try Integration.run(Integration.binary.path, ["run", "--dnstap", "tcp://127.0.0.1:0", "--api", "127.0.0.1:0"], timeout: 30)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("the API needs credentials"), r.stderr)
        let weak = try Integration.run(
            Integration.binary.path, ["run", "--dnstap", "tcp://127.0.0.1:0", "--api", "127.0.0.1:0"], timeout: 30, environment: ["SONDE_API_KEY": "changeme"])
        XCTAssertNotEqual(weak.status, 0)
        XCTAssertTrue(weak.stderr.contains("well-known"), weak.stderr)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        a.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &a) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw TestError("no free port") }
        return Int(UInt16(bigEndian: a.sin_port))
    }
}

/// A detached tmux session of 120 × 40 running `command`, read with capture-pane.
struct TmuxPane {
    let tmux: String
    let session: String

    init(_ session: String, _ command: String) throws {
        tmux = try Integration.tool("tmux", package: "tmux")
        self.session = session
        let started = try Integration.run(tmux, ["new-session", "-d", "-s", session, "-x", "120", "-y", "40", command])
        guard started.status == 0 else { throw TestError("tmux new-session: \(started.stderr)") }
    }

    func screen() -> String { (try? Integration.run(tmux, ["capture-pane", "-p", "-t", session]))?.stdout ?? "" }

    /// Whether the screen matches the regular expression `pattern` within `seconds`.
    func waitFor(_ pattern: String, seconds: Double = 15) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if screen().range(of: pattern, options: .regularExpression) != nil { return true }
            usleep(100_000)
        }
        return false
    }

    func send(_ keys: String) { _ = try? Integration.run(tmux, ["send-keys", "-t", session, keys]) }

    /// Whether the session ended (its command exited) within `seconds`.
    func waitForExit(seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, (try? Integration.run(tmux, ["has-session", "-t", session]))?.status == 0 { usleep(100_000) }
        return (try? Integration.run(tmux, ["has-session", "-t", session]))?.status != 0
    }

    func close() { _ = try? Integration.run(tmux, ["kill-session", "-t", session]) }
}
