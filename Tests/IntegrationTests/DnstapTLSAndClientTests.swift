import Foundation
import XCTest

/// TLS (with and without client certificates) between two Sondes, and client mode against a sender that listens.
final class DnstapTLSAndClientTests: XCTestCase {
    func makeCertificates(in dir: URL) throws { try Integration.makeCertificates(in: dir) }

    func forward(_ file: String, to url: String, dir: URL, clientCertificate: Bool) throws -> Integration.Output {
        var yaml = "outputs:\n  - kind: dnstap\n    forward: \(url)\n    tls_ca: \(dir.path)/ca.pem\n"
        if clientCertificate { yaml += "    tls_certificate: \(dir.path)/client.pem\n    tls_key: \(dir.path)/client.key\n" }
        let config = dir.appendingPathComponent("forward-\(clientCertificate).yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        return try Integration.run(Integration.binary.path, ["read", "--config", config.path, "--no-summary", file])
    }

    func testTLSWithServerAndClientCertificates() throws {
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let dir = try Integration.temporaryDirectory()
        try makeCertificates(in: dir)
        let p = dir.path

        // Server certificate only.
        let server = try SondeRun(["--dnstap", "tls://127.0.0.1:0", "--tls-cert", "\(p)/server.pem", "--tls-key", "\(p)/server.key",
                                   "-f", "json", "--no-summary"])
        XCTAssertTrue(server.address.hasPrefix("tcp://127.0.0.1:"))
        let r = try forward(file, to: "tls://127.0.0.1:\(server.port)", dir: dir, clientCertificate: false)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(server.waitForEvents(1000))
        server.stop()
        XCTAssertEqual(server.eventLines.count, 1000)

        // Client certificates required: a sender with one gets in, a sender without one does not.
        let strict = try SondeRun(["--dnstap", "tls://127.0.0.1:0", "--tls-cert", "\(p)/server.pem", "--tls-key", "\(p)/server.key",
                                   "--tls-ca", "\(p)/ca.pem", "-f", "json", "--summary-format", "json"])
        let good = try forward(file, to: "tls://127.0.0.1:\(strict.port)", dir: dir, clientCertificate: true)
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertTrue(strict.waitForEvents(1000))
        let bad = try forward(file, to: "tls://127.0.0.1:\(strict.port)", dir: dir, clientCertificate: false)
        XCTAssertNotEqual(bad.status, 0, "frames without a session are reported as dropped")
        XCTAssertTrue(bad.stderr.contains("dropped"), bad.stderr)
        let summary = strict.stop()
        XCTAssertEqual(strict.eventLines.count, 1000)
        XCTAssertEqual((summary["dnstap"] as? [String: Int])?["events"], 1000)
    }

    func testClientModeDialsAListeningSenderAndRetries() throws {
        let python = try Integration.tool("python3", package: "python3")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let script = Integration.repo.appendingPathComponent("scripts/dnstap-listening-sender.py").path
        // Below Linux's ephemeral ports (32768-60999), which any outgoing connection may hold.
        let port = 20000 + Int.random(in: 0..<12000)
        // Sonde first: nothing listens yet, so it retries with back-off until the sender appears.
        let sonde = try SondeRun(["--dnstap-connect", "tcp://127.0.0.1:\(port)", "-f", "json", "--summary-format", "json"])
        XCTAssertTrue(sonde.background.wait(timeout: 20) { sonde.background.stderr.contains("retrying") }, sonde.background.stderr)
        let sender = try Background(python, [script, "tcp:127.0.0.1:\(port)", file, "--sessions", "2"])
        XCTAssertTrue(sonde.waitForEvents(2000, timeout: 30), sonde.background.stderr + sender.stderr)
        XCTAssertEqual(sender.stop(signal: 0, timeout: 10), 0, sender.stderr)
        let d = sonde.stop()["dnstap"] as? [String: Int] ?? [:]
        XCTAssertEqual(d["events"], 2000, "\(d)")
        XCTAssertEqual(d["connections_finished"], 2, "\(d)")
        XCTAssertTrue(sonde.background.stderr.contains("retrying"), sonde.background.stderr)
    }
}
