import Foundation
import XCTest

/// One output stuck — a file output onto a FIFO that the test holds open but does not read — under `policy: drop`
/// with a small queue: the other outputs still get every event, and the stuck one counts what it could not take,
/// `in = written + filtered + dropped + failed + pending` exactly, with drops. For `sonde read` of a generated
/// capture, and for `sonde run` fed a generated dnstap stream.
final class OutputIsolationTests: XCTestCase {
    /// Three outputs: every event as JSON to a file, every event as text to standard output, and the stuck one.
    func configuration(_ dir: URL, fifo: String) throws -> String {
        let path = dir.appendingPathComponent("sonde.yaml").path
        try EndToEnd.write("""
            outputs:
              - kind: file
                name: all
                path: \(dir.path)/all.jsonl
                format: json
              - kind: file
                name: stuck
                path: \(fifo)
                format: json
                policy: drop
                queue_size: 1000
                buffer_size: 4K
              - kind: stdout
                name: text
                format: text

            """, to: path)
        return path
    }

    /// The events a drained FIFO held: whole JSON lines, each one of the reference's, in the reference's order; the
    /// number of them. With `tornTail`, the last line may be the start of an event (a writer abandoned mid-write).
    func checkSubsequence(
        _ bytes: [UInt8], of reference: [Substring], tornTail: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) -> Int {
        var text = String(decoding: bytes, as: UTF8.self)
        if let end = text.lastIndex(of: "\n"), text.index(after: end) != text.endIndex {
            let tail = text[text.index(after: end)...]
            XCTAssertTrue(tornTail, "the FIFO ends inside an event: \(tail.prefix(100))", file: file, line: line)
            XCTAssertTrue(reference.contains { $0.hasPrefix(tail) }, "the FIFO's last bytes start no event: \(tail.prefix(100))", file: file, line: line)
            text = String(text[...end])
        }
        let lines = text.split(separator: "\n")
        var i = reference.startIndex
        for (n, l) in lines.enumerated() {
            while i < reference.endIndex && reference[i] != l { i += 1 }
            guard i < reference.endIndex else {
                XCTFail("FIFO line \(n) is not the next of the reference's events: \(l.prefix(200))", file: file, line: line)
                return lines.count
            }
            i += 1
        }
        return lines.count
    }

    func testStuckOutputDropsAloneWhileReadingAFile() throws {
        let dir = try Integration.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pcap = dir.appendingPathComponent("load.pcap").path
        try EndToEnd.generate("gen_pcap.py", ["20000", "--seed", "3"], output: pcap)
        let plainJSON = try EndToEnd.plain([pcap])
        let plainText = try EndToEnd.plain([pcap], format: "text")
        let bytes = plainJSON.map { $0.utf8.count + 1 }.reduce(0, +)
        XCTAssertEqual(plainJSON.count, 40_000)

        let fifo = try StuckFIFO(dir.appendingPathComponent("stuck.fifo").path)
        let config = try configuration(dir, fifo: fifo.path)
        let sonde = try Background(Integration.binary.path, ["read", "--config", config, "--summary-format", "json", pcap])
        // The other outputs get everything while the stuck one holds a full pipe.
        let all = dir.appendingPathComponent("all.jsonl").path
        XCTAssertTrue(sonde.wait(timeout: 30) { EndToEnd.size(all) == bytes }, "all.jsonl: \(EndToEnd.size(all)) of \(bytes) bytes\n\(sonde.stderr)")
        XCTAssertTrue(Background.waitFor(timeout: 10) { fifo.holds(atLeast: 4096) }, "the stuck output never wrote")
        // Only now does the FIFO's reader wake up, so that the run ends without waiting for the 30 s after which a
        // stuck writer is abandoned (RunRunner and ReadRunner: `pipeline.finish(deadline: now + 30)`).
        let drained = fifo.drain()
        XCTAssertEqual(sonde.stop(signal: 0, timeout: 30), 0, sonde.stderr)
        let summary = EndToEnd.summary(sonde.stderr)

        XCTAssertEqual(EndToEnd.lines(all), plainJSON)
        XCTAssertEqual(sonde.stdout.split(separator: "\n"), plainText)
        for name in ["all", "text"] {
            let c = EndToEnd.balanced(summary, name)
            XCTAssertEqual(c["written"], plainJSON.count, "\(name): \(c)")
        }
        let stuck = EndToEnd.balanced(summary, "stuck")
        XCTAssertEqual(stuck["events_in"], plainJSON.count)
        XCTAssertGreaterThan(stuck["dropped"] ?? 0, 0, "\(stuck)")
        XCTAssertEqual(stuck["failed"], 0)
        XCTAssertEqual(stuck["pending"], 0)
        XCTAssertEqual(stuck["filtered"], 0)
        // What it counted as written is what reached its reader: whole events, in order.
        XCTAssertEqual(checkSubsequence(drained, of: plainJSON), stuck["written"], "\(stuck)")
    }

    func testStuckOutputDropsAloneOnADnstapStreamAndTheRunStillEnds() throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let dir = try Integration.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let stream = dir.appendingPathComponent("load.dnstap").path
        try EndToEnd.generate("gen_dnstap.py", ["20000", "--seed", "3"], output: stream)
        let plainJSON = try EndToEnd.plain([stream])
        let plainText = try EndToEnd.plain([stream], format: "text")
        let bytes = plainJSON.map { $0.utf8.count + 1 }.reduce(0, +)
        XCTAssertEqual(plainJSON.count, 40_000)

        let fifo = try StuckFIFO(dir.appendingPathComponent("stuck.fifo").path)
        let config = try configuration(dir, fifo: fifo.path)
        let sonde = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "--config", config, "--summary-format", "json"])
        let r = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", stream, "-a", "127.0.0.1", "-p", "\(sonde.port)"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let all = dir.appendingPathComponent("all.jsonl").path
        XCTAssertTrue(sonde.background.wait(timeout: 30) { EndToEnd.size(all) == bytes }, "all.jsonl: \(EndToEnd.size(all)) of \(bytes) bytes")
        XCTAssertTrue(sonde.background.wait(timeout: 10) { sonde.eventLines.count == plainText.count })
        XCTAssertTrue(Background.waitFor(timeout: 10) { fifo.holds(atLeast: 4096) }, "the stuck output never wrote")

        // The reader never wakes up: at SIGTERM the stuck writer gets 30 s to finish, is abandoned, and what it held
        // is counted as dropped. The run ends all the same.
        let start = Date()
        XCTAssertEqual(sonde.background.stop(signal: SIGTERM, timeout: 50), 0, sonde.background.stderr)
        let stopping = Date().timeIntervalSince(start)
        XCTAssertTrue(sonde.background.stderr.contains("output stuck: still writing when the run ended"), sonde.background.stderr)
        // Only the stuck one: the outputs after it in the list are not cut short by the time it took.
        for name in ["all", "text"] {
            XCTAssertFalse(sonde.background.stderr.contains("output \(name): still writing"), sonde.background.stderr)
        }
        XCTAssertLessThan(stopping, 40)
        let summary = EndToEnd.summary(sonde.background.stderr)
        let drained = fifo.drain(untilEmpty: true)

        XCTAssertEqual(EndToEnd.lines(all), plainJSON)
        XCTAssertEqual(sonde.eventLines, plainText)
        for name in ["all", "text"] {
            let c = EndToEnd.balanced(summary, name)
            XCTAssertEqual(c["written"], plainJSON.count, "\(name): \(c)")
        }
        let stuck = EndToEnd.balanced(summary, "stuck")
        XCTAssertEqual(stuck["events_in"], plainJSON.count)
        XCTAssertGreaterThan(stuck["dropped"] ?? 0, 0, "\(stuck)")
        XCTAssertEqual(stuck["failed"], 0)
        XCTAssertEqual(stuck["pending"], 0)
        // Written means handed to the kernel: the pipe holds those events, then part of the chunk the writer was
        // writing when it was abandoned, which is counted as dropped with the rest of what it held (its queue at most):
        // whole events, and the start of one.
        let delivered = checkSubsequence(drained, of: plainJSON, tornTail: true)
        XCTAssertGreaterThanOrEqual(delivered, stuck["written"] ?? .max, "\(stuck)")
        XCTAssertLessThanOrEqual(delivered, (stuck["written"] ?? 0) + 1000, "\(stuck)")
        print("stopping with a stuck output took \(String(format: "%.1f", stopping)) s")
    }
}
