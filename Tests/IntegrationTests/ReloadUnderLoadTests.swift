import Foundation
import XCTest

/// Reloads while events stream in: a domain list rewritten (renamed over, as deployment tools do) and SIGHUP, and a
/// file output renamed away (as logrotate does) and reopened on SIGHUP. Nothing may be lost, dropped or counted
/// twice across the swaps.
final class ReloadUnderLoadTests: XCTestCase {
    static let fields = "[qname, id]"

    /// A generated dnstap file (4,000 messages) and its events as the outputs below write them.
    func workload(_ dir: URL) throws -> (file: String, events: [Substring]) {
        let file = dir.appendingPathComponent("load.dnstap").path
        try EndToEnd.generate("gen_dnstap.py", ["2000", "--seed", "5"], output: file)
        let config = dir.appendingPathComponent("reference.yaml").path
        try EndToEnd.write("outputs:\n  - kind: stdout\n    format: json\n    fields: \(Self.fields)\n", to: config)
        let events = try EndToEnd.sonde(["read", "--config", config, "--no-summary", file]).stdout.split(separator: "\n")
        XCTAssertEqual(events.count, 4000)
        return (file, events)
    }

    /// How many times each line occurs.
    static func histogram<S: Sequence>(_ lines: S) -> [Substring: Int] where S.Element == Substring {
        var h: [Substring: Int] = [:]
        for l in lines { h[l, default: 0] += 1 }
        return h
    }

    /// The question name of a `{"qname":"…","id":…}` line.
    static func qname(_ line: Substring) -> Substring? {
        guard line.hasPrefix("{\"qname\":\""), let end = line.dropFirst(10).firstIndex(of: "\"") else { return nil }
        return line[line.index(line.startIndex, offsetBy: 10)..<end]
    }

    func testDomainListRewrittenAndSIGHUPUnderLoadLosesNothing() throws {
        let dir = try Integration.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (file, reference) = try workload(dir)
        // The four most frequent names: the first is on every version of the list, the others come and go.
        let byName = Self.histogram(reference.compactMap(Self.qname))
        let top = byName.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(4).map { String($0.key.dropLast()) }
        XCTAssertEqual(top.count, 4)
        let versions = [[0, 1], [0, 2], [0, 3], [0, 1, 2], [0], [0, 3, 1]].map { $0.map { top[$0] } }
        let list = dir.appendingPathComponent("watch.txt").path
        try EndToEnd.write(versions[0].joined(separator: "\n") + "\n", to: list)
        let config = dir.appendingPathComponent("sonde.yaml").path
        try EndToEnd.write("""
            outputs:
              - kind: file
                name: all
                path: \(dir.path)/all.jsonl
                format: json
                fields: \(Self.fields)
              - kind: file
                name: watch
                path: \(dir.path)/watch.jsonl
                format: json
                fields: \(Self.fields)
                transforms:
                  - kind: domains
                    allow: [\(list)]

            """, to: config)
        let sonde = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "--config", config, "--summary-format", "json", "--metrics-listen", "127.0.0.1:0"])
        let metrics = try XCTUnwrap(sonde.metricsURL(), sonde.background.stderr)
        let sender = try RepeatingSender(file: file, port: sonde.port, in: dir)
        func reloads() -> Int { sonde.background.stderr.split(separator: "\n").filter { $0.contains("allow list: reloaded") }.count }
        /// Waits until a few thousand more events have come in: every swap happens in the middle of the stream.
        func streamOn() {
            let from = EndToEnd.events(metrics)
            XCTAssertTrue(sonde.background.wait(timeout: 20) { EndToEnd.events(metrics) >= from + 8000 }, "the stream stalled at \(from)")
        }

        streamOn()
        for (step, version) in versions.enumerated().dropFirst() {
            let before = reloads()
            try EndToEnd.replace(list, with: version.joined(separator: "\n") + "\n")
            // Every other change is also signalled, as an operator would after editing the list.
            if step % 2 == 0 { kill(sonde.background.process.processIdentifier, SIGHUP) }
            XCTAssertTrue(sonde.background.wait(timeout: 10) { reloads() > before }, "step \(step): no reload\n\(sonde.background.stderr)")
            streamOn()
        }
        // A SIGHUP with nothing changed reloads the same list.
        let before = reloads()
        kill(sonde.background.process.processIdentifier, SIGHUP)
        XCTAssertTrue(sonde.background.wait(timeout: 10) { reloads() > before })
        streamOn()

        let rounds = try sender.stop()
        let total = rounds * reference.count
        XCTAssertTrue(sonde.background.wait(timeout: 20) { EndToEnd.events(metrics) == total }, "\(EndToEnd.events(metrics)) of \(total)")
        let summary = sonde.stop()
        XCTAssertTrue(sonde.background.stderr.contains("(SIGHUP)"), sonde.background.stderr)
        XCTAssertTrue(sonde.background.stderr.contains("(file changed)"), sonde.background.stderr)

        // The unfiltered output has every event sent.
        let all = EndToEnd.lines(dir.appendingPathComponent("all.jsonl").path)
        XCTAssertEqual(all.count, total)
        let expected = Self.histogram(reference)
        XCTAssertEqual(Self.histogram(all), expected.mapValues { $0 * rounds })
        let a = EndToEnd.balanced(summary, "all")
        XCTAssertEqual(a["events_in"], total)
        XCTAssertEqual(a["written"], total)

        // The filtered one: every event either written or filtered, none dropped or failed, and only names that were
        // on some version of the list; the name on every version was never missed during a swap.
        let w = EndToEnd.balanced(summary, "watch")
        XCTAssertEqual(w["events_in"], total)
        XCTAssertEqual(w["dropped"], 0)
        XCTAssertEqual(w["failed"], 0)
        XCTAssertEqual(w["pending"], 0)
        let watched = EndToEnd.lines(dir.appendingPathComponent("watch.jsonl").path)
        XCTAssertEqual(watched.count, w["written"])
        let names = Self.histogram(watched.compactMap(Self.qname))
        XCTAssertEqual(names.values.reduce(0, +), watched.count, "unreadable lines")
        XCTAssertEqual(Set(names.keys.map { String($0.dropLast()) }), Set(top))
        XCTAssertEqual(names[Substring(top[0] + ".")], byName[Substring(top[0] + ".")].map { $0 * rounds }, "the name on every list")
        for name in top.dropFirst() {
            let n = names[Substring(name + ".")] ?? 0, sent = (byName[Substring(name + ".")] ?? 0) * rounds
            XCTAssertTrue(n > 0 && n < sent, "\(name): \(n) of \(sent): kept while on the list only")
        }
        print("reloads under load: \(rounds) rounds, \(total) events, \(watched.count) watched")
    }

    func testSIGHUPReopensARenamedFileWithoutLosingEvents() throws {
        let dir = try Integration.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (file, reference) = try workload(dir)
        let path = dir.appendingPathComponent("dns.jsonl").path, moved = path + ".1"
        let config = dir.appendingPathComponent("sonde.yaml").path
        try EndToEnd.write("""
            outputs:
              - kind: file
                name: log
                path: \(path)
                format: json
                fields: \(Self.fields)

            """, to: config)
        let sonde = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "--config", config, "--summary-format", "json", "--metrics-listen", "127.0.0.1:0"])
        let metrics = try XCTUnwrap(sonde.metricsURL(), sonde.background.stderr)
        let sender = try RepeatingSender(file: file, port: sonde.port, in: dir)
        XCTAssertTrue(sonde.background.wait(timeout: 20) { EndToEnd.size(path) > 100_000 }, "nothing written")

        // logrotate's `create` mode: move the file away, then tell Sonde, which goes on writing to the moved file
        // until it reopens.
        guard rename(path, moved) == 0 else { throw TestError("rename: \(String(cString: strerror(errno)))") }
        let atRename = EndToEnd.events(metrics)
        XCTAssertTrue(sonde.background.wait(timeout: 20) { EndToEnd.events(metrics) >= atRename + 8000 })
        kill(sonde.background.process.processIdentifier, SIGHUP)
        XCTAssertTrue(sonde.background.wait(timeout: 10) { EndToEnd.size(path) > 100_000 }, "no new file: \(sonde.background.stderr)")
        let sizeOfMoved = EndToEnd.size(moved)
        XCTAssertTrue(sonde.background.wait(timeout: 20) { EndToEnd.size(path) > 1_000_000 }, "the new file stopped growing")

        let rounds = try sender.stop()
        let total = rounds * reference.count
        XCTAssertTrue(sonde.background.wait(timeout: 20) { EndToEnd.events(metrics) == total }, "\(EndToEnd.events(metrics)) of \(total)")
        let summary = sonde.stop()
        XCTAssertTrue(sonde.background.stderr.contains("SIGHUP: reopening outputs"), sonde.background.stderr)

        let old = EndToEnd.lines(moved), new = EndToEnd.lines(path)
        XCTAssertEqual(EndToEnd.size(moved), sizeOfMoved, "the moved file was written after the reopen")
        XCTAssertGreaterThan(old.count, 0)
        XCTAssertGreaterThan(new.count, 0)
        XCTAssertEqual(old.count + new.count, total)
        // Every event once, whole, in one of the two files.
        XCTAssertEqual(Self.histogram(old + new), Self.histogram(reference).mapValues { $0 * rounds })
        let c = EndToEnd.balanced(summary, "log")
        XCTAssertEqual(c["events_in"], total)
        XCTAssertEqual(c["written"], total)
        XCTAssertEqual(c["dropped"], 0)
        print("reopen under load: \(rounds) rounds, \(old.count) events before the reopen, \(new.count) after")
    }
}
