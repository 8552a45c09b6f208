import Foundation
import XCTest

/// dnstap between Sonde and the reference tools: `fstrm_replay` and the golang `dnstap` tool as senders,
/// `fstrm_capture` and `dnstap -l/-u` as receivers of Sonde's forwarding output, `dnstap -r` as the reader of
/// the files Sonde writes.
final class DnstapToolsTests: XCTestCase {
    /// What `sonde read` makes of a file: the events a live receiver must reproduce exactly.
    func referenceEvents(_ file: String) throws -> [Substring] {
        let r = try Integration.run(Integration.binary.path, ["read", "-f", "json", "--no-summary", file])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout.split(separator: "\n")
    }

    func testFstrmReplayOverTCPAndUnixDeliversEveryMessage() throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let expected = try referenceEvents(file)
        XCTAssertEqual(expected.count, 1000)

        let tcp = try SondeRun(
            ["--dnstap", "tcp://127.0.0.1:0", "-f", "json", "--summary-format", "json", "--metrics-listen", "127.0.0.1:0"])
        let r1 = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(tcp.port)"])
        XCTAssertEqual(r1.status, 0, r1.stderr)
        tcp.waitForEvents(1000)
        // The same counts as Prometheus metrics.
        let metricsURL = try XCTUnwrap(tcp.metricsURL(), tcp.background.stderr)
        let scrape = try Integration.run("/usr/bin/curl", ["-sf", metricsURL])
        for expected in [
            "sonde_events_total 1000", "sonde_dnstap_frames_total{input=\"0\"} 1000", "sonde_dnstap_events_total{input=\"0\"} 1000",
            "sonde_dnstap_connections_finished_total{input=\"0\"} 1", "sonde_dnstap_invalid_frames_total{input=\"0\"} 0",
        ] {
            XCTAssertTrue(scrape.stdout.contains(expected + "\n"), "no \(expected) in\n\(scrape.stdout)")
        }
        let s1 = tcp.stop()
        XCTAssertEqual(tcp.eventLines, expected)
        let d1 = s1["dnstap"] as? [String: Any]
        XCTAssertEqual(d1?["events"] as? Int, 1000)
        XCTAssertEqual(d1?["connections_finished"] as? Int, 1)

        let dir = try Integration.temporaryDirectory()
        let socket = dir.appendingPathComponent("sonde.sock").path
        let unix = try SondeRun(["--dnstap", "unix://\(socket)", "-f", "json", "--no-summary"])
        let r2 = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-u", socket])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        unix.waitForEvents(1000)
        unix.stop()
        XCTAssertEqual(unix.eventLines, expected)
        XCTAssertFalse(FileManager.default.fileExists(atPath: socket) && false)
    }

    func testManySendersAtOnceLoseNothingAndSIGINTFlushes() throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let sonde = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "-f", "json", "--summary-format", "json", "--stats-interval", "1"])
        let senders = try (0..<6).map { _ in
            try Background(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(sonde.port)"])
        }
        for s in senders { XCTAssertEqual(s.stop(signal: 0, timeout: 30), 0, s.stderr) }
        XCTAssertTrue(sonde.waitForEvents(6000))
        _ = sonde.background.wait(timeout: 5) { sonde.background.stderr.contains("6,000 in all") }
        let d = sonde.stop(signal: SIGINT)["dnstap"] as? [String: Int] ?? [:]
        XCTAssertEqual(d["events"], 6000, "\(d)")
        XCTAssertEqual(d["connections_finished"], 6, "\(d)")
        XCTAssertEqual(sonde.eventLines.count, 6000)
        XCTAssertTrue(sonde.background.stderr.contains("interrupted; stopping"))
        XCTAssertTrue(sonde.background.stderr.contains("6,000 in all; connections open 0"), "a counters line every second: \(sonde.background.stderr)")
    }

    func testGolangDnstapToolSendsOverTCPAndUnix() throws {
        let dnstap = try Integration.tool("dnstap", package: "golang-github-dnstap-golang-dnstap-cli")
        let file = try Integration.corpusFile("unbound.dnstap")
        let expected = try referenceEvents(file)
        XCTAssertEqual(expected.count, 815)

        let tcp = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "-f", "json", "--no-summary"])
        let r1 = try Integration.run(dnstap, ["-r", file, "-T", "127.0.0.1:\(tcp.port)"])
        XCTAssertEqual(r1.status, 0, r1.stderr)
        tcp.waitForEvents(815)
        tcp.stop()
        XCTAssertEqual(tcp.eventLines, expected)

        let dir = try Integration.temporaryDirectory()
        let socket = dir.appendingPathComponent("s.sock").path
        let unix = try SondeRun(["--dnstap", "unix://\(socket)", "-f", "json", "--no-summary"])
        let r2 = try Integration.run(dnstap, ["-r", file, "-U", socket])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        unix.waitForEvents(815)
        unix.stop()
        XCTAssertEqual(unix.eventLines, expected)
    }

    func testForwardingReachesFstrmCaptureAndTheDnstapTool() throws {
        let capture = try Integration.tool("fstrm_capture", package: "fstrm-bin")
        let dnstap = try Integration.tool("dnstap", package: "golang-github-dnstap-golang-dnstap-cli")
        let file = try Integration.corpusFile("unbound.dnstap")
        let reference = try Integration.run(dnstap, ["-r", file, "-j"]).stdout
        let dir = try Integration.temporaryDirectory()

        // fstrm_capture over TCP and over a unix socket: the frames arrive byte for byte.
        for transport in ["tcp", "unix"] {
            let out = dir.appendingPathComponent("\(transport).fstrm").path
            let port = try APITests.freePort()  // a port nothing holds (a random one may be taken)
            let socket = dir.appendingPathComponent("cap.sock").path
            let listen = transport == "tcp" ? ["-a", "127.0.0.1", "-p", "\(port)"] : ["-u", socket]
            let receiver = try Background(capture, ["-t", "protobuf:dnstap.Dnstap", "-w", out] + listen)
            XCTAssertTrue(Integration.waitForListener(port: transport == "tcp" ? port : nil, path: transport == "tcp" ? nil : socket, timeout: 30))
            let url = transport == "tcp" ? "tcp://127.0.0.1:\(port)" : "unix://\(socket)"
            let r = try Integration.run(Integration.binary.path, ["read", "--forward", url, "--no-summary", file])
            XCTAssertEqual(r.status, 0, r.stderr)
            receiver.stop(signal: SIGINT)
            XCTAssertEqual(try Integration.run(dnstap, ["-r", out, "-j"]).stdout, reference, transport)
        }

        // The golang tool listening on TCP and on a unix socket.
        for transport in ["tcp", "unix"] {
            let port = try APITests.freePort()  // a port nothing holds (a random one may be taken)
            let socket = dir.appendingPathComponent("go-\(transport).sock").path
            let receiver = try Background(dnstap, (transport == "tcp" ? ["-l", "127.0.0.1:\(port)"] : ["-u", socket]) + ["-j"])
            XCTAssertTrue(Integration.waitForListener(port: transport == "tcp" ? port : nil, path: transport == "tcp" ? nil : socket, timeout: 30), "the golang dnstap tool did not listen: \(receiver.stderr)")
            let url = transport == "tcp" ? "tcp://127.0.0.1:\(port)" : "unix://\(socket)"
            let r = try Integration.run(Integration.binary.path, ["read", "--forward", url, "--no-summary", file])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(receiver.wait { receiver.stdout.split(separator: "\n").count >= 815 }, transport)
            receiver.stop(signal: SIGTERM)
            XCTAssertEqual(receiver.stdout, reference, transport)
        }
    }

    func testDnstapFilesWrittenFromCapturesAndStreamsReadBack() throws {
        let dnstap = try Integration.tool("dnstap", package: "golang-github-dnstap-golang-dnstap-cli")
        let dir = try Integration.temporaryDirectory()
        let sample = Integration.repo.appendingPathComponent("samples/sample.pcap").path
        let out = dir.appendingPathComponent("sample.dnstap").path
        let r = try Integration.run(Integration.binary.path, ["read", "--write-dnstap", out, "--no-summary", sample])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "", "with only a dnstap output, standard output stays quiet")
        let decoded = try Integration.run(dnstap, ["-r", out, "-j"])
        XCTAssertEqual(decoded.status, 0, decoded.stderr)
        let messages = jsonLines(decoded.stdout.split(separator: "\n"))
        XCTAssertEqual(messages.count, 42)
        let types = messages.map { ($0["message"] as? [String: Any])?["type"] as? String ?? "" }
        XCTAssertEqual(types.filter { $0 == "CLIENT_QUERY" }.count, 21)
        XCTAssertEqual(types.filter { $0 == "CLIENT_RESPONSE" }.count, 21)
        let first = messages[0]["message"] as? [String: Any]
        XCTAssertEqual(first?["query_address"] as? String, "127.0.0.1")
        XCTAssertEqual(first?["response_port"] as? Int, 53)
        XCTAssertTrue((first?["query_message"] as? String ?? "").contains("sample.test."))
        // A response keeps its query's time, from the latency Sonde measured.
        let response = messages[1]["message"] as? [String: Any]
        XCTAssertNotNil(response?["query_time"])
        XCTAssertNotNil(response?["response_time"])

        // And Sonde reads its own file back to the same events (dnstap carries no link-layer facts).
        let back = try Integration.run(Integration.binary.path, ["read", "-f", "json", "--no-summary", out])
        let original = try Integration.run(Integration.binary.path, ["read", "-f", "json", "--no-summary", sample])
        let a = jsonLines(back.stdout.split(separator: "\n")), b = jsonLines(original.stdout.split(separator: "\n"))
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) {
            for key in ["time", "src_ip", "src_port", "dst_ip", "dst_port", "id", "qname", "rcode", "answers", "latency"] {
                XCTAssertEqual(x[key] as? NSObject, y[key] as? NSObject, key)
            }
        }
    }
}
