import Foundation
import XCTest

/// Real DNS servers from Debian send dnstap to a running `sonde run` while `dig` queries them
/// (`scripts/emitters/`): every query must come out as a query event and a response event with the right type,
/// addresses, qname, qtype, transport and rcode.
final class RealEmittersTests: XCTestCase {
    func testUnboundOverUnixSocket() throws { try check("unbound", tcp: false, types: ("CLIENT_QUERY", ["CLIENT_RESPONSE"])) }
    func testUnboundOverTCP() throws { try check("unbound", tcp: true, types: ("CLIENT_QUERY", ["CLIENT_RESPONSE"])) }
    func testUnboundOverTLS() throws { try check("unbound", tcp: true, tls: true, types: ("CLIENT_QUERY", ["CLIENT_RESPONSE"])) }
    // BIND logs a response to an RD=1 query as CLIENT_RESPONSE even when authoritative.
    func testBINDOverUnixSocket() throws { try check("bind", tcp: false, types: ("AUTH_QUERY", ["CLIENT_RESPONSE", "AUTH_RESPONSE"])) }
    func testKnotDNSOverUnixSocket() throws { try check("knot", tcp: false, types: ("AUTH_QUERY", ["AUTH_RESPONSE"])) }
    func testKnotResolverOverUnixSocket() throws { try check("kresd", tcp: false, types: ("CLIENT_QUERY", ["CLIENT_RESPONSE"])) }
    func testDnsdistOverUnixSocket() throws { try check("dnsdist", tcp: false, types: ("CLIENT_QUERY", ["CLIENT_RESPONSE"])) }
    func testDnsdistOverTCP() throws { try check("dnsdist", tcp: true, types: ("CLIENT_QUERY", ["CLIENT_RESPONSE"])) }

    static let scripts = Integration.repo.appendingPathComponent("scripts/emitters")

    func check(_ server: String, tcp: Bool, tls: Bool = false, types: (query: String, responses: [String])) throws {
        let daemon = ["unbound": "unbound", "bind": "named", "knot": "knotd", "kresd": "kresd", "dnsdist": "dnsdist"][server]!
        let package = ["unbound": "unbound", "bind": "bind9", "knot": "knot-module-dnstap", "kresd": "knot-resolver", "dnsdist": "dnsdist"][server]!
        _ = try Integration.tool(daemon, package: package)
        _ = try Integration.tool("dig", package: "bind9-dnsutils")
        let bash = "/bin/bash"
        let dir = try Integration.temporaryDirectory()
        let socket = dir.appendingPathComponent("sonde.sock").path
        var environment: [String: String] = [:]
        var listen = ["--dnstap", tcp ? "tcp://127.0.0.1:0" : "unix://\(socket)"]
        if tls {
            try Integration.makeCertificates(in: dir)
            listen = ["--dnstap", "tls://127.0.0.1:0", "--tls-cert", dir.path + "/server.pem", "--tls-key", dir.path + "/server.key"]
            environment["DNSTAP_TLS_CA"] = dir.path + "/ca.pem"
        }
        let sonde = try SondeRun(listen + ["-f", "json", "--summary-format", "json"])
        let target = tls ? "tls:127.0.0.1:\(sonde.port)" : tcp ? "tcp:127.0.0.1:\(sonde.port)" : "unix:\(socket)"
        let work = dir.appendingPathComponent("server").path
        let started = try Integration.run(
            bash, [Self.scripts.appendingPathComponent("start.sh").path, server, work, target], timeout: 60, environment: environment)
        defer { _ = try? Integration.run(bash, [Self.scripts.appendingPathComponent("stop.sh").path, work], timeout: 60) }
        XCTAssertEqual(started.status, 0, started.stderr)
        let dnsLine = started.stdout.split(separator: "\n").first { $0.hasPrefix("DNS ") }
        let parts = try XCTUnwrap(dnsLine, started.stdout + started.stderr).split(separator: " ")
        let ip = String(parts[1]), port = Int(parts[2])!
        let sent = dir.appendingPathComponent("queries.txt").path
        let q = try Integration.run(bash, [Self.scripts.appendingPathComponent("queries.sh").path, ip, "\(port)", sent], timeout: 120)
        XCTAssertEqual(q.status, 0, q.stderr)
        let queries = try String(contentsOfFile: sent, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(queries.count, 20)
        func events() -> [[String: Any]] {
            jsonLines(sonde.eventLines).filter { ($0["qname"] as? String) != "_sonde-probe.example.test." }
        }
        // Every query was answered by the server (queries.sh checks the QR flag), so it has logged each one and
        // its response; they reach Sonde 1-2 s later. Wait for them before stopping the server: Unbound drops
        // what it still holds on SIGTERM and dnsdist does not flush at all (stop.sh's pause before SIGTERM is
        // only a guess at their delivery delay). Events that never come fail the count below.
        let delivered = sonde.background.wait(timeout: 30) { events().count >= 2 * queries.count }
        let stopped = try Integration.run(bash, [Self.scripts.appendingPathComponent("stop.sh").path, work], timeout: 60)
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        let summary = sonde.stop()
        let all = events()
        let log = (try? String(contentsOfFile: "\(work)/\(server).log", encoding: .utf8)) ?? ""
        XCTAssertEqual(
            all.count, 2 * queries.count,
            "\(server): \(summary["dnstap"] ?? ""); all delivered before stop.sh: \(delivered); queries.sh: \(q.stderr)\nserver log:\n\(log)")
        var unmatched = all
        for qq in queries {
            let (qname, qtype, transport, rcode) = (qq[0], qq[1], qq[2].uppercased(), qq[3])
            func take(_ response: Bool) -> [String: Any]? {
                guard let i = unmatched.firstIndex(where: {
                    $0["qname"] as? String == qname && $0["qtype"] as? String == qtype && $0["protocol"] as? String == transport
                        && $0["response"] as? Bool == response
                }) else { return nil }
                return unmatched.remove(at: i)
            }
            guard let query = take(false) else {
                XCTFail("\(server): no query event for \(qq)")
                continue
            }
            XCTAssertEqual(query["dnstap_type"] as? String, types.query, "\(server) \(qq)")
            XCTAssertEqual(query["identity"] as? String, server)
            XCTAssertEqual(query["input"] as? String, "dnstap")
            XCTAssertEqual(query["src_ip"] as? String, "127.0.0.1", "\(server) \(qq): dig's address")
            XCTAssertEqual(query["dst_port"] as? Int, port, "\(server) \(qq): the server's port")
            guard let response = take(true) else {
                XCTFail("\(server): no response event for \(qq)")
                continue
            }
            XCTAssertTrue(types.responses.contains(response["dnstap_type"] as? String ?? ""), "\(server) \(qq): \(response["dnstap_type"] ?? "")")
            XCTAssertEqual(response["rcode"] as? String, rcode, "\(server) \(qq)")
            XCTAssertEqual(response["src_ip"] as? String, ip, "\(server) \(qq): the server's address")
            XCTAssertEqual(response["src_port"] as? Int, port)
            XCTAssertEqual(response["dst_port"] as? Int, query["src_port"] as? Int, "\(server) \(qq): back to dig's port")
        }
        XCTAssertTrue(unmatched.isEmpty, "\(server): events that match no query: \(unmatched)")
        let d = summary["dnstap"] as? [String: Int] ?? [:]
        XCTAssertEqual(d["protocol_errors"], 0, "\(d)")
        XCTAssertEqual(d["invalid_frames"], 0, "\(d)")
    }
}

/// Load from dnsperf: every query the server answered comes out as a query event and a response event.
final class RealEmittersLoadTests: XCTestCase {
    func testDnsperfLoadThroughUnboundAndDnsdistLosesNothing() throws {
        _ = try Integration.tool("unbound", package: "unbound")
        let dnsperf = try Integration.tool("dnsperf", package: "dnsperf")
        let curl = try Integration.tool("curl", package: "curl")
        for server in ["unbound", "dnsdist"] {
            let dir = try Integration.temporaryDirectory()
            let sonde = try SondeRun(
                ["--dnstap", "tcp://127.0.0.1:0", "--summary", "--summary-format", "json", "--metrics-listen", "127.0.0.1:0"])
            let metrics = try XCTUnwrap(sonde.metricsURL(), sonde.background.stderr)
            let work = dir.appendingPathComponent("server").path
            let scripts = RealEmittersTests.scripts
            let started = try Integration.run("/bin/bash", [scripts.appendingPathComponent("start.sh").path, server, work, "tcp:127.0.0.1:\(sonde.port)"], timeout: 60)
            XCTAssertEqual(started.status, 0, started.stderr)
            let parts = started.stdout.split(separator: "\n").first { $0.hasPrefix("DNS ") }?.split(separator: " ") ?? []
            guard parts.count == 3 else { XCTFail(started.stdout + started.stderr); continue }
            let names = ["www.example.test A", "mail.example.test AAAA", "example.test MX", "txt.example.test TXT", "nx.example.test A"]
            let data = dir.appendingPathComponent("queries.txt")
            try (names.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
            // 5 seconds at up to 2,000 queries per second.
            let perf = try Integration.run(dnsperf, ["-s", String(parts[1]), "-p", String(parts[2]), "-d", data.path, "-l", "5", "-Q", "2000", "-c", "4"], timeout: 60)
            XCTAssertEqual(perf.status, 0, perf.stderr)
            let completed = perf.stdout.split(separator: "\n").first { $0.contains("Queries completed:") }
                .flatMap { Int($0.split(separator: ":")[1].split(separator: "(")[0].trimmingCharacters(in: .whitespaces)) } ?? -1
            XCTAssertGreaterThan(completed, 5_000, perf.stdout)
            // Wait until Sonde has every message the server logged (each completed query and the readiness probe,
            // a query and a response each) before stopping the server: on SIGTERM Unbound drops what it still
            // queues and dnsdist does not flush, and under load their queues can take longer than stop.sh's pause.
            let expected = 2 * (completed + 1)
            var events = 0
            let delivered = sonde.background.wait(timeout: 60) {
                events = Integration.metric("sonde_events_total", from: metrics, curl: curl) ?? 0
                return events >= expected
            }
            let stopped = try Integration.run("/bin/bash", [scripts.appendingPathComponent("stop.sh").path, work], timeout: 60)
            XCTAssertEqual(stopped.status, 0, stopped.stderr)
            XCTAssertTrue(delivered, "\(server): \(events) events of \(expected) before stop.sh")
            let status = sonde.background.stop()
            XCTAssertEqual(status, 0)
            let summary = (try? JSONSerialization.jsonObject(with: Data(sonde.background.stdout.utf8)) as? [String: Any]) ?? [:]
            let types = summary["dnstap_types"] as? [String: Int] ?? [:]
            // Each readiness probe start.sh sent adds a query and a response (one probe, unless one was answered
            // after dig had given up on it); the names dnsperf asked come once in every completed query and answer.
            let counted = Dictionary(
                ((summary["top_qnames"] as? [[String: Any]]) ?? []).compactMap { e in (e["name"] as? String).map { ($0, e["count"] as? Int ?? 0) } },
                uniquingKeysWith: +)
            let probes = counted["_sonde-probe.example.test."] ?? 0
            XCTAssertTrue(probes >= 2 && probes % 2 == 0, "\(server): \(probes) probe messages")
            let asked = counted.filter { $0.key != "_sonde-probe.example.test." }.values.reduce(0, +)
            let report = "\(server): \(types), \(counted), dnsperf: \(perf.stdout.split(separator: "\n").filter { $0.contains("Queries") })"
            XCTAssertEqual(asked, 2 * completed, report)
            XCTAssertEqual(types["CLIENT_QUERY"], completed + probes / 2, report)
            XCTAssertEqual(types["CLIENT_RESPONSE"], completed + probes / 2, report)
        }
    }
}
