import Foundation
import SondeDNS
import SondeDnstap
import SondeFrameStreams
import XCTest

/// Peers that break the protocol, stall or flood: Sonde closes or ignores each one, counts it, and keeps serving
/// the real senders beside them without losing a message.
final class DnstapHostilePeersTests: XCTestCase {
    let ready = FrameStreamControl(.ready, contentTypes: [Array("protobuf:other".utf8), FrameStreamControl.dnstapContentType]).encoded()
    let start = FrameStreamControl(.start, contentTypes: [FrameStreamControl.dnstapContentType]).encoded()
    let stop = FrameStreamControl(.stop).encoded()

    /// One valid dnstap data frame (a CLIENT_QUERY for `hostile.test.`).
    func frame(id: UInt16 = 1) -> [UInt8] {
        var query: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
        query += [7] + Array("hostile".utf8) + [4] + Array("test".utf8) + [0, 0, 1, 0, 1]
        var out = OutputBuffer()
        query.withUnsafeBytes { q in
            var m = DnstapEncoder.Message(type: 5)
            m.socketFamily = 1
            m.socketProtocol = 1
            m.queryTime = 1_700_000_000_000_000_000
            m.queryMessage = q
            Array("peer".utf8).withUnsafeBytes { DnstapEncoder.writeFrame(identity: $0, version: nil, message: m, into: &out) }
        }
        return out.makeArray()
    }

    /// Handshake as a careful sender: READY, wait for ACCEPT, START.
    func handshake(_ c: RawClient) {
        c.send(ready)
        let accept = c.receive()
        XCTAssertGreaterThanOrEqual(accept.count, 12)
        if accept.count >= 12 { XCTAssertEqual(Array(accept[8..<12]), [0, 0, 0, 1], "ACCEPT") }
        c.send(start)
    }

    func testBrokenPeersAreCountedAndClosedWhileARealSenderLosesNothing() throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let sonde = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "-f", "json", "--summary-format", "json", "--idle-timeout", "2"])

        // Garbage (an HTTP request reads as a 1 GB data frame before any handshake): closed at once.
        let garbage = try RawClient(port: sonde.port)
        garbage.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        XCTAssertTrue(garbage.closedByPeer(), "garbage peer closed")

        // A READY without the dnstap content type: refused.
        let wrongType = try RawClient(port: sonde.port)
        wrongType.send(FrameStreamControl(.ready, contentTypes: [Array("protobuf:other".utf8)]).encoded())
        XCTAssertTrue(wrongType.closedByPeer(), "wrong content type closed")

        // A huge frame length after the handshake: skipped and counted; the frame after it still arrives.
        let huge = try RawClient(port: sonde.port)
        handshake(huge)
        huge.send([0x00, 0x20, 0x00, 0x00] + [UInt8](repeating: 0xAB, count: 0x200000))
        huge.send(frame(id: 7) + stop)
        let finish = huge.receive()
        XCTAssertEqual(finish.count, 12, "FINISH after STOP")

        // A peer that stops in the middle of a frame: the whole frames before it count, the connection is lost.
        var cut: RawClient? = try RawClient(port: sonde.port)
        handshake(cut!)
        let f = frame(id: 8)
        cut!.send(f + Array(f.prefix(10)))
        usleep(200_000)
        cut = nil

        // Peers that never finish (or never start) the handshake: closed after the idle timeout.
        let silent = try RawClient(port: sonde.port)
        let halfway = try RawClient(port: sonde.port)
        halfway.send(ready)

        // A control frame longer than the protocol allows: a protocol error.
        let longControl = try RawClient(port: sonde.port)
        longControl.send([0, 0, 0, 0, 0, 0, 0x10, 0] + [UInt8](repeating: 0, count: 16))
        XCTAssertTrue(longControl.closedByPeer())

        // Meanwhile a real sender delivers all its messages.
        let r = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(sonde.port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(silent.closedByPeer(), "silent peer closed after the idle timeout")
        XCTAssertTrue(halfway.closedByPeer(), "half-handshake peer closed after the idle timeout")
        XCTAssertTrue(sonde.waitForEvents(1002))
        let summary = sonde.stop()
        let d = summary["dnstap"] as? [String: Int] ?? [:]
        XCTAssertEqual(d["events"], 1002, "\(d)")  // 1,000 from fstrm_replay, id 7 and id 8
        XCTAssertEqual(d["oversized_frames"], 1, "\(d)")
        XCTAssertEqual(d["protocol_errors"], 3, "garbage, wrong content type, long control: \(d)")
        XCTAssertEqual(d["idle_timeouts"], 2, "\(d)")
        XCTAssertGreaterThanOrEqual(d["connections_lost"] ?? 0, 1, "\(d)")
        XCTAssertEqual(d["connections_finished"], 2, "\(d)")
        let ids = jsonLines(sonde.eventLines).filter { $0["identity"] as? String == "peer" }.compactMap { $0["id"] as? Int }
        XCTAssertEqual(ids.sorted(), [7, 8])
    }

    func testThousandsOfIdleConnectionsDoNotStopARealSender() throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let file = try Integration.corpusFile("gen-sample.dnstap")
        let sonde = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "-f", "json", "--summary-format", "json"])
        var idle: [RawClient] = []
        for _ in 0..<3000 { idle.append(try RawClient(port: sonde.port)) }
        for c in idle.prefix(1000) { c.send(ready) }
        let r = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(sonde.port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(sonde.waitForEvents(1000))
        idle.removeAll()
        usleep(300_000)
        let d = sonde.stop()["dnstap"] as? [String: Int] ?? [:]
        XCTAssertEqual(d["events"], 1000, "\(d)")
        XCTAssertEqual(d["connections_accepted"], 3001, "\(d)")
        XCTAssertEqual(sonde.eventLines.count, 1000)

        // At the connection limit, the oldest connections that never started a session make room.
        let limited = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "-f", "json", "--summary-format", "json", "--max-connections", "100"])
        for _ in 0..<500 { idle.append(try RawClient(port: limited.port)) }
        let r2 = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(limited.port)"])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        XCTAssertTrue(limited.waitForEvents(1000))
        let d2 = limited.stop()["dnstap"] as? [String: Int] ?? [:]
        XCTAssertEqual(d2["events"], 1000, "\(d2)")
        XCTAssertEqual(d2["connections_evicted"], 401, "\(d2)")
        XCTAssertEqual(d2["connections_refused"], 0, "\(d2)")
    }

    func testConnectionLimitAndAllowListRefuseAndCount() throws {
        let limited = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "--max-connections", "2", "--summary-format", "json", "--no-summary"])
        // Two working sessions fill the limit: a third connection is refused (an idle one would have been evicted).
        let a = try RawClient(port: limited.port), b = try RawClient(port: limited.port)
        handshake(a)
        handshake(b)
        // START has no reply, so a frame after it, once it is an event, shows that Sonde has read START (a session
        // that has not started would be evicted rather than the third connection refused).
        a.send(frame(id: 1))
        b.send(frame(id: 2))
        XCTAssertTrue(limited.waitForEvents(2), limited.background.stderr)
        let c = try RawClient(port: limited.port)
        XCTAssertTrue(c.closedByPeer(), "third connection refused")
        _ = (a, b)
        limited.stop()

        let allow = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "--allow", "192.0.2.0/24", "--summary-format", "json"])
        let stranger = try RawClient(port: allow.port)
        XCTAssertTrue(stranger.closedByPeer(), "address outside the allow-list refused")
        let d = allow.stop()["dnstap"] as? [String: Int] ?? [:]
        XCTAssertEqual(d["connections_refused"], 1, "\(d)")
        XCTAssertEqual(d["connections_accepted"], 0, "\(d)")
        XCTAssertTrue(allow.background.stderr.contains("not in the allow-list"))
    }
}
