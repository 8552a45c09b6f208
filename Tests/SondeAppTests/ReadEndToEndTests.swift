import Foundation
import XCTest
import Yams

/// Runs the built `sonde` binary as a user would: files, standard input, formats, summary, exit status.
final class ReadEndToEndTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let sample = repo.appendingPathComponent("samples/sample.pcap").path

    /// The `sonde` binary next to the test bundle.
    var binary: URL {
        var dir = Bundle(for: Self.self).bundleURL
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("sonde").path) {
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        return dir.appendingPathComponent("sonde")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func sonde(_ arguments: [String], stdin: URL? = nil, environment: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SONDE_") }
        env.merge(environment) { $1 }
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let stdin { p.standardInput = try FileHandle(forReadingFrom: stdin) }
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func testTextIsOneLinePerMessageWithASummaryOnStandardError() throws {
        let r = try sonde(["read", "--identity", "t", Self.sample])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 42)
        XCTAssertTrue(lines[0].hasSuffix(" t query NOERROR 127.0.0.1:45120 -> 127.0.0.1:53 UDP 52b sample.test. A -"), String(lines[0]))
        XCTAssertTrue(r.stderr.contains("messages:  42 (queries 21, responses 21"), r.stderr)
        XCTAssertTrue(r.stderr.contains("top qnames:"))
    }

    /// A capture whose TCP streams lost a third of their segments in a run each way (Tests/SondeCoreTests/Resources/
    /// TCPGaps): `sonde read` emits every message captured whole, those after the holes included, and counts the holes.
    func testACaptureWithHolesGivesEveryWholeMessageAndCountsTheHoles() throws {
        let capture = Self.repo.appendingPathComponent("Tests/SondeCoreTests/Resources/TCPGaps/gap-large-both.pcap").path
        let r = try sonde(["read", "-f", "json", "--summary-format", "json", capture])
        XCTAssertEqual(r.status, 0, r.stderr)
        let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: capture + ".expected.json"))) as? [String: Any])
        let whole = try XCTUnwrap(expected["messages"] as? [[String: Any]]).filter { $0["whole"] as? Bool == true }
        let events = r.stdout.split(separator: "\n")
        XCTAssertEqual(events.count, whole.count)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data((r.stderr.split(separator: "\n").last { $0.hasPrefix("{") } ?? "").utf8)) as? [String: Any])
        XCTAssertEqual(summary["tcp_holes"] as? Int, 2)
        XCTAssertGreaterThan(summary["tcp_hole_bytes"] as? Int ?? 0, 10_000)
    }

    func testReplaySpeedKeepsTheCapturedPace() throws {
        // The sample spans 1.016 s: at 4× it takes a quarter of that, with the same events.
        let start = Date()
        let paced = try sonde(["read", "--replay-speed", "4", "--no-summary", Self.sample])
        let took = Date().timeIntervalSince(start)
        XCTAssertEqual(paced.status, 0, paced.stderr)
        XCTAssertGreaterThan(took, 0.24)
        XCTAssertEqual(paced.stdout, try sonde(["read", "--no-summary", Self.sample]).stdout)
        XCTAssertNotEqual(try sonde(["read", "--replay-speed", "0", Self.sample]).status, 0)
    }

    func testJSONLinesAreValidAndCarryTheDocumentedKeys() throws {
        let r = try sonde(["read", "--format", "json", "--no-summary", Self.sample])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "")
        let objects = try r.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.count, 42)
        let keys = [
            "time", "identity", "input", "family", "protocol", "src_ip", "src_port", "dst_ip", "dst_port", "id",
            "response", "opcode", "rcode", "flags", "qname", "qtype", "qclass", "size", "qd_count", "an_count",
            "ns_count", "ar_count", "answers", "authority", "additional", "malformed",
        ]
        for o in objects { for k in keys { XCTAssertNotNil(o[k], "missing \(k)") } }
        let txt = try XCTUnwrap(objects.first { ($0["qtype"] as? String) == "TXT" && ($0["response"] as? Bool) == true })
        let answers = try XCTUnwrap(txt["answers"] as? [[String: Any]])
        XCTAssertEqual(
            Set(answers.compactMap { $0["rdata"] as? String }),
            ["\"v=spf1 -all\"", "\"a \\\"quoted\\\" string\" \"and\\\\backslash\""])
        let ecs = try XCTUnwrap(objects.first { ($0["qtype"] as? String) == "NS" && ($0["response"] as? Bool) == false })
        let options = try XCTUnwrap((ecs["edns"] as? [String: Any])?["options"] as? [[String: Any]])
        XCTAssertTrue(options.contains { ($0["name"] as? String) == "ECS" && ($0["value"] as? String) == "198.51.100.0/24/0" }, "\(options)")
        let badvers = objects.filter { ($0["rcode"] as? String) == "BADVERS" }
        XCTAssertEqual(badvers.count, 1)
        XCTAssertTrue(objects.contains { ($0["protocol"] as? String) == "TCP" })
        XCTAssertTrue(objects.contains { ($0["family"] as? String) == "INET6" && ($0["src_ip"] as? String) == "::1" })
    }

    func testYAMLDocumentsParse() throws {
        let r = try sonde(["read", "--format", "yaml", "--no-summary", Self.sample])
        XCTAssertEqual(r.status, 0)
        let docs = try Array(Yams.load_all(yaml: r.stdout))
        XCTAssertEqual(docs.count, 42)
        let first = try XCTUnwrap(docs.first as? [String: Any])
        XCTAssertEqual(first["qname"] as? String, "sample.test.")
        XCTAssertEqual((first["flags"] as? [String: Any])?["rd"] as? Bool, true)
        let withAnswers = docs.compactMap { $0 as? [String: Any] }.first { (($0["answers"] as? [Any])?.count ?? 0) > 1 }
        let answer = try XCTUnwrap((withAnswers?["answers"] as? [[String: Any]])?.first)
        XCTAssertNotNil(answer["rdata"] as? String)
    }

    func testCSVHasAHeaderAndOneRowPerMessage() throws {
        let r = try sonde(["read", "--format", "csv", "--no-summary", Self.sample])
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, 43)
        let columns = lines[0].split(separator: ",").count
        XCTAssertEqual(columns, 31)
        for line in lines.dropFirst() { XCTAssertEqual(csvFields(String(line)).count, columns, String(line)) }
    }

    func testStandardInputAndSummaryOnly() throws {
        let r = try sonde(["read", "--summary", "--summary-format", "json", "-"], stdin: URL(fileURLWithPath: Self.sample))
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["dns_messages"] as? Int, 42)
        XCTAssertEqual(summary["queries"] as? Int, 21)
        XCTAssertEqual((summary["transport"] as? [String: Int])?["tcp"], 8)
        XCTAssertEqual((summary["top_qnames"] as? [[String: Any]])?.first?["name"] as? String, "sample.test.")
    }

    func testAMissingOrBrokenFileIsReportedAndTheOthersAreRead() throws {
        let junk = FileManager.default.temporaryDirectory.appendingPathComponent("junk-\(UUID().uuidString).pcap")
        try Data("this is not a capture file".utf8).write(to: junk)
        defer { try? FileManager.default.removeItem(at: junk) }
        let r = try sonde(["read", "--no-summary", "/nonexistent.pcap", junk.path, Self.sample])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("cannot open /nonexistent.pcap"), r.stderr)
        XCTAssertTrue(r.stderr.contains(junk.path), r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 42)
    }

    func testJoinGivesOneRecordPerTransaction() throws {
        let r = try sonde(["read", "--join", "--format", "json", "--no-summary", Self.sample])
        XCTAssertEqual(r.status, 0, r.stderr)
        let objects = try r.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(objects.count, 21)
        XCTAssertTrue(objects.allSatisfy { ($0["transaction"] as? String) == "answered" && $0["query_time"] is String })
        XCTAssertTrue(objects.allSatisfy { ($0["latency"] as? Double ?? -1) >= 0 })
    }

    func testVersionAndConfigCheck() throws {
        XCTAssertEqual(try sonde(["--version"]).stdout, "0.1.0\n")
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).yaml")
        try "ports: [53]\nformat: json\n".write(to: bad, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: bad) }
        let r = try sonde(["config", "check", bad.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\(bad.path):2:1: format: unknown key"), r.stderr)
        let env = try sonde(["read", Self.sample], environment: ["SONDE_FORMAT": "xml"])
        XCTAssertNotEqual(env.status, 0)
        XCTAssertTrue(env.stderr.contains("SONDE_FORMAT"), env.stderr)
    }

    func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { current.append("\""); chars = chars.dropFirst() } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }
}
