import Foundation
import XCTest

/// The forwarding output when the receiver is away: frames wait in a bounded buffer and go out when it comes
/// back (the writer reconnects with back-off); beyond the buffer they are dropped, counted and reported.
final class DnstapForwardingTests: XCTestCase {
    func testFramesWaitForALateReceiverAndOverflowIsCountedAndReported() throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let capture = try Integration.tool("fstrm_capture", package: "fstrm-bin")
        let dnstap = try Integration.tool("dnstap", package: "golang-github-dnstap-golang-dnstap-cli")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let dir = try Integration.temporaryDirectory()
        // Below Linux's ephemeral ports (32768-60999), which any outgoing connection may hold.
        let downstream = 20000 + Int.random(in: 0..<12000)

        // A relay whose receiver is not there yet.
        let relay = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "--forward", "tcp://127.0.0.1:\(downstream)", "--dnstap-identity", "relay"])
        let r = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(relay.port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(
            relay.background.wait(timeout: 20) { relay.background.stderr.contains("cannot reach tcp://127.0.0.1:\(downstream)") },
            relay.background.stderr)
        // The receiver appears; the relay reconnects and sends what it held.
        let out = dir.appendingPathComponent("late.fstrm").path
        let receiver = try Background(capture, ["-t", "protobuf:dnstap.Dnstap", "-a", "127.0.0.1", "-p", "\(downstream)", "-w", out])
        XCTAssertTrue(receiver.wait(timeout: 40) { receiver.stderr.contains("opened output") || (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int ?? 0) ?? 0 > 100_000 })
        usleep(1_000_000)
        relay.stop()
        receiver.stop(signal: SIGINT)
        let decoded = try Integration.run(dnstap, ["-r", out, "-j"])
        let messages = jsonLines(decoded.stdout.split(separator: "\n"))
        XCTAssertEqual(messages.count, 1000, decoded.stderr)
        XCTAssertTrue(messages.allSatisfy { $0["identity"] as? String == "relay" })

        // A receiver that never comes, and a small buffer: the overflow is dropped, counted and reported.
        let config = dir.appendingPathComponent("small.yaml")
        try "outputs:\n  - kind: dnstap\n    forward: tcp://127.0.0.1:\(downstream + 1)\n    buffer_frames: 100\n"
            .write(to: config, atomically: true, encoding: .utf8)
        let lost = try Integration.run(Integration.binary.path, ["read", "--config", config.path, "--no-summary", file], timeout: 60)
        XCTAssertEqual(lost.status, 1)
        XCTAssertTrue(lost.stderr.contains("1000 dnstap frames dropped while tcp://127.0.0.1:\(downstream + 1) was unreachable"), lost.stderr)
    }

    func testUnixSocketIsCreatedWithTheConfiguredMode() throws {
        let dir = try Integration.temporaryDirectory()
        let socket = dir.appendingPathComponent("s.sock").path
        let config = dir.appendingPathComponent("in.yaml")
        try "inputs:\n  - kind: dnstap\n    listen: unix://\(socket)\n    unix_mode: \"0600\"\n".write(to: config, atomically: true, encoding: .utf8)
        let sonde = try SondeRun(["--config", config.path, "--no-summary"])
        let mode = (try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int) ?? -1
        XCTAssertEqual(mode, 0o600)
        sonde.stop()
    }
}
