import Foundation
import XCTest

/// What the end-to-end pipeline tests share: reference decodes made by a plain `sonde read`, the files an output
/// leaves (rotated, compressed), the JSON summary's output counters, the Python references for Crypto-PAn and
/// GeoIP, a FIFO nobody reads, and a sender that streams dnstap until told to stop.
enum EndToEnd {
    /// A file of the shared corpus (`pcap/gen-sample.pcap`, `dnstap/unbound.dnstap`), or a skip on a user's clone.
    static func corpus(_ relative: String) throws -> String {
        guard let corpus = Integration.corpus else { throw XCTSkip("../shared/corpus is not here (a user's clone)") }
        return corpus.appendingPathComponent(relative).path
    }

    /// A generator of ../shared/tools (`gen_pcap.py`, `gen_dnstap.py`) run with `arguments`, writing `output`.
    static func generate(_ tool: String, _ arguments: [String], output: String) throws {
        guard let corpus = Integration.corpus else { throw XCTSkip("../shared/tools is not here (a user's clone)") }
        let script = corpus.deletingLastPathComponent().appendingPathComponent("tools/\(tool)").path
        let r = try Integration.run("/usr/bin/env", ["python3", script] + arguments + ["-o", output], timeout: 120)
        guard r.status == 0 else { throw TestError("\(tool) \(arguments) failed: \(r.stderr)") }
    }

    /// Runs the built `sonde` to completion and checks that it succeeded.
    @discardableResult
    static func sonde(_ arguments: [String], timeout: Double = 60, file: StaticString = #filePath, line: UInt = #line) throws -> Integration.Output {
        let r = try Integration.run(Integration.binary.path, arguments, timeout: timeout)
        XCTAssertEqual(r.status, 0, "sonde \(arguments.joined(separator: " ")): \(r.stderr)", file: file, line: line)
        return r
    }

    /// What a plain `sonde read -f FORMAT` makes of `files`: the events every output of a run must reproduce.
    static func plain(_ files: [String], format: String = "json", extra: [String] = []) throws -> [Substring] {
        try sonde(["read", "-f", format, "--no-summary"] + extra + files).stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map { $0 }
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// Replaces `path` atomically (a new file renamed over it), as an editor or a deployment tool does.
    static func replace(_ path: String, with text: String) throws {
        let temporary = path + ".new"
        try write(text, to: temporary)
        guard rename(temporary, path) == 0 else { throw TestError("rename \(temporary): \(String(cString: strerror(errno)))") }
    }

    static func size(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : -1
    }

    static func lines(_ path: String) -> [Substring] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
    }

    /// The last JSON line of `stderr`: the summary of `--summary-format json`.
    static func summary(_ stderr: String) -> [String: Any] {
        let last = stderr.split(separator: "\n").last { $0.hasPrefix("{") }
        return last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
    }

    /// The summary's `outputs`, by name: `events_in`, `written`, `filtered`, `dropped`, `failed`, `pending`.
    static func outputs(_ summary: [String: Any]) -> [String: [String: Int]] {
        var result: [String: [String: Int]] = [:]
        for o in summary["outputs"] as? [[String: Any]] ?? [] {
            guard let name = o["name"] as? String else { continue }
            result[name] = o.compactMapValues { $0 as? Int }
        }
        return result
    }

    /// Checks that every event offered to output `name` ended in exactly one counter, and returns its counters.
    @discardableResult
    static func balanced(_ summary: [String: Any], _ name: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Int] {
        let c = outputs(summary)[name] ?? [:]
        XCTAssertFalse(c.isEmpty, "no output \(name) in the summary: \(summary["outputs"] ?? "none")", file: file, line: line)
        let parts = ["written", "filtered", "dropped", "failed", "pending"].map { c[$0] ?? -1 }
        XCTAssertEqual(c["events_in"], parts.reduce(0, +), "\(name): in = written + filtered + dropped + failed + pending: \(c)", file: file, line: line)
        return c
    }

    /// `/metrics`'s `sonde_events_total` of a `sonde run` started with `--metrics-listen 127.0.0.1:0`.
    static func events(_ url: String) -> Int { Integration.metric("sonde_events_total", from: url) ?? -1 }
}

// MARK: Rotated files

extension EndToEnd {
    /// The rotated files of a file output at `path` (`path.20261207-153000`, `-1`, `-2`..., `.gz`), oldest first: by
    /// time, then by the number that tells apart two rotations within a second (none is the first).
    static func rotated(_ path: String, in directory: String? = nil) -> [String] {
        let url = URL(fileURLWithPath: path)
        let dir = directory ?? url.deletingLastPathComponent().path
        let prefix = url.lastPathComponent + "."
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let keyed: [(String, String, Int)] = names.compactMap { name in
            guard name.hasPrefix(prefix), !name.hasSuffix(".tmp") else { return nil }
            var rest = name.dropFirst(prefix.count)
            for ext in [".gz", ".zst"] where rest.hasSuffix(ext) { rest = rest.dropLast(ext.count) }
            let stamp = rest.prefix(15)
            guard stamp.count == 15, stamp.allSatisfy({ $0.isNumber || $0 == "-" }) else { return nil }
            let tail = rest.dropFirst(15)
            let number = tail.isEmpty ? 0 : tail.hasPrefix("-") ? Int(tail.dropFirst()) : nil
            guard let number else { return nil }
            return (dir + "/" + name, String(stamp), number)
        }
        return keyed.sorted { ($0.1, $0.2) < ($1.1, $1.2) }.map(\.0)
    }

    /// A file's contents, decompressed when it ends in `.gz`.
    static func contents(_ path: String) throws -> String {
        guard path.hasSuffix(".gz") else { return try String(contentsOfFile: path, encoding: .utf8) }
        let gzip = try Integration.tool("gzip", package: "gzip")
        let r = try Integration.run(gzip, ["-dc", path])
        guard r.status == 0 else { throw TestError("gzip -dc \(path): \(r.stderr)") }
        return r.stdout
    }
}

// MARK: Addresses, and the reference pseudonyms and locations

extension EndToEnd {
    /// An address's octets (4 or 16), or nil.
    static func octets(_ text: String) -> [UInt8]? {
        var v4 = in_addr(), v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: v4) { Array($0) } }
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: v6) { Array($0) } }
        return nil
    }

    /// Bits two octet strings share from the start.
    static func commonPrefix(_ a: [UInt8], _ b: [UInt8]) -> Int {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] { return i * 8 + (a[i] ^ b[i]).leadingZeroBitCount }
        return min(a.count, b.count) * 8
    }

    /// What yacryptopan and MaxMind's reader say about one address.
    struct Reference {
        var pseudonym: [UInt8]
        /// The `geo` member Sonde must write, or nil where the database has nothing.
        var geo: Geo?
    }

    struct Geo: Equatable {
        var continent: String?, country: String?, countryISO: String?, city: String?
        var latitude: Double?, longitude: Double?
    }

    /// Runs scripts/reference/pipeline_reference.py on `addresses` with the Crypto-PAn key `key` (64 hex digits);
    /// skips (fails in CI) when Python or a package is missing.
    static func reference(_ addresses: Set<String>, key: String) throws -> [String: Reference] {
        let dir = try Integration.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in").path, output = dir.appendingPathComponent("out").path
        let list = addresses.sorted()
        try write(list.joined(separator: "\n") + "\n", to: input)
        let script = Integration.repo.appendingPathComponent("scripts/reference/pipeline_reference.py").path
        let r = try Integration.run("/usr/bin/env", ["python3", script, key, input, output])
        switch r.status {
        case 0: break
        case 3, 127:
            let what = r.status == 3 ? r.stderr.trimmingCharacters(in: .whitespacesAndNewlines) : "python3 is missing: apt-get install python3"
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestError(what) }
            throw XCTSkip(what)
        default: throw TestError("pipeline_reference.py: \(r.stderr)")
        }
        func text(_ hex: Substring) -> String? {
            guard hex != "-" else { return nil }
            var bytes: [UInt8] = []
            var i = hex.startIndex
            while i < hex.endIndex {
                let j = hex.index(i, offsetBy: 2)
                bytes.append(UInt8(hex[i..<j], radix: 16)!)
                i = j
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var result: [String: Reference] = [:]
        for line in lines(output) {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 9, let pseudonym = octets(String(f[1])) else { throw TestError("pipeline_reference.py: \(line)") }
            var geo: Geo?
            if f[2] == "1" {
                let g = Geo(
                    continent: text(f[3]), country: text(f[4]), countryISO: text(f[5]), city: text(f[6]),
                    latitude: Double(f[7]), longitude: Double(f[8]))
                if g != Geo() { geo = g }
            }
            result[String(f[0])] = Reference(pseudonym: pseudonym, geo: geo)
        }
        XCTAssertEqual(result.count, addresses.count)
        return result
    }
}

// MARK: A capture from public addresses, for GeoIP

/// A small pcap of query/response pairs from public client addresses (IPv4 and IPv6), some of which GeoLite2 City
/// locates to a city, some to a country only, one not at all: the shared corpus has only loopback, documentation and
/// benchmark addresses, which no database locates.
enum PublicClients {
    static let clients = [
        "81.2.69.160", "89.160.20.128", "128.101.101.101", "8.8.8.8", "1.1.1.1", "41.0.0.1", "200.160.2.3",
        "203.0.113.5", "2001:67c:2e8:22::c100:68b", "2001:4860:4860::8888", "2a03:2880:f10c:83:face:b00c:0:25de",
    ]
    /// Question names: some on the tests' allow list, some not.
    static let names = ["www.geo.bind.test", "signed.test", "Example.ORG", "norzedrenix.eu", "mail.example.test", "deep.a.b.bind.test"]

    static func write(to path: String) throws {
        var out: [UInt8] = []
        out += le32(0xA1B2_C3D4) + le16(2) + le16(4) + le32(0) + le32(0) + le32(65535) + le32(1)
        var time = 1_700_000_000 * 1_000_000
        for (i, client) in clients.enumerated() {
            for (j, name) in names.enumerated() where (i + j) % 2 == 0 || j == 1 {
                let id = UInt16(i * 100 + j)
                let v6 = client.contains(":")
                let server = v6 ? "2001:db8::53" : "192.0.2.53"
                let port = UInt16(40000 + i * 10 + j)
                let question = encode(name) + be16(1) + be16(1)
                let query = be16(id) + be16(0x0100) + be16(1) + be16(0) + be16(0) + be16(0) + question
                let response = be16(id) + be16(0x8180) + be16(1) + be16(1) + be16(0) + be16(0) + question
                    + be16(0xC00C) + be16(1) + be16(1) + be32(300) + be16(4) + [192, 0, 2, UInt8(i + 1)]
                for (message, toServer) in [(query, true), (response, false)] {
                    let (src, dst) = toServer ? (client, server) : (server, client)
                    let (sport, dport) = toServer ? (port, UInt16(53)) : (UInt16(53), port)
                    let frame = ethernet(v6: v6) + ip(octets(src), octets(dst), udp(octets(src), octets(dst), sport, dport, message))
                    time += 700
                    out += le32(UInt32(time / 1_000_000)) + le32(UInt32(time % 1_000_000)) + le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame
                }
            }
        }
        try Data(out).write(to: URL(fileURLWithPath: path))
    }

    static func octets(_ s: String) -> [UInt8] { EndToEnd.octets(s)! }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { le16(UInt16(v & 0xffff)) + le16(UInt16(v >> 16)) }
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    static func be32(_ v: UInt32) -> [UInt8] { be16(UInt16(v >> 16)) + be16(UInt16(v & 0xffff)) }

    static func encode(_ name: String) -> [UInt8] {
        name.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    static func ethernet(v6: Bool) -> [UInt8] { [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2] + be16(v6 ? 0x86DD : 0x0800) }

    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i < bytes.count {
            sum += UInt32(bytes[i]) << 8 | (i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0)
            i += 2
        }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    static func udp(_ src: [UInt8], _ dst: [UInt8], _ sport: UInt16, _ dport: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var segment = be16(sport) + be16(dport) + be16(UInt16(8 + payload.count)) + be16(0) + payload
        let pseudo = src.count == 4
            ? src + dst + [0, 17] + be16(UInt16(segment.count))
            : src + dst + be32(UInt32(segment.count)) + [0, 0, 0, 17]
        let sum = checksum(pseudo + segment)
        segment[6] = UInt8((sum == 0 ? 0xffff : sum) >> 8)
        segment[7] = UInt8((sum == 0 ? 0xffff : sum) & 0xff)
        return segment
    }

    static func ip(_ src: [UInt8], _ dst: [UInt8], _ segment: [UInt8]) -> [UInt8] {
        if src.count == 16 { return be32(0x6000_0000) + be16(UInt16(segment.count)) + [17, 64] + src + dst + segment }
        var header = [0x45, 0] + be16(UInt16(20 + segment.count)) + be16(1) + be16(0x4000) + [64, 17] + be16(0) + src + dst
        let sum = checksum(header)
        header[10] = UInt8(sum >> 8)
        header[11] = UInt8(sum & 0xff)
        return header + segment
    }
}

// MARK: A FIFO nobody reads, and a sender that keeps sending

/// A FIFO that the test holds open for reading (so a writer's open succeeds) but does not read until told to: the
/// writer fills the pipe and then blocks, as it would on a consumer that hangs.
final class StuckFIFO {
    let path: String
    let fd: Int32

    init(_ path: String) throws {
        guard mkfifo(path, 0o644) == 0 else { throw TestError("mkfifo \(path): \(String(cString: strerror(errno)))") }
        self.path = path
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw TestError("open \(path): \(String(cString: strerror(errno)))") }
    }

    /// Whether a writer has filled the pipe (it holds at least `bytes`).
    func holds(atLeast bytes: Int) -> Bool {
        var n: Int32 = 0
        let r = withUnsafeMutablePointer(to: &n) { ioctl(fd, UInt(FIONREAD), $0) }
        return r == 0 && Int(n) >= bytes
    }

    /// Reads everything until the writer closes (or, with `untilEmpty`, until the pipe is empty), within `timeout`.
    func drain(timeout: Double = 45, untilEmpty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                out += buffer[0..<n]
            } else if n == 0 || untilEmpty {
                break
            } else if errno == EAGAIN {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&p, 1, 100)
            } else {
                break
            }
        }
        return out
    }

    deinit { close(fd) }
}

/// `fstrm_replay` sending one dnstap file over and over, one connection at a time, until `stop()`: a sender that
/// keeps Sonde busy for as long as a test needs, and says afterwards how many times it sent the file.
final class RepeatingSender {
    let background: Background
    let stopFile: String
    let countFile: String

    init(file: String, port: Int, in dir: URL) throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        stopFile = dir.appendingPathComponent("stop-sending").path
        countFile = dir.appendingPathComponent("sent").path
        // A short pause between connections keeps the files the outputs write to a few tens of megabytes.
        let script = """
            n=0
            while [ ! -e '\(stopFile)' ]; do
              '\(replay)' -t protobuf:dnstap.Dnstap -r '\(file)' -a 127.0.0.1 -p \(port) || exit 1
              n=$((n + 1)); echo $n > '\(countFile)'
              sleep 0.05
            done
            """
        background = try Background("/bin/sh", ["-c", script])
    }

    /// Times the file has been sent so far.
    var sent: Int { Int(((try? String(contentsOfFile: countFile, encoding: .utf8)) ?? "0").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }

    /// Stops after the connection under way; returns how many times the file was sent in all.
    func stop() throws -> Int {
        _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
        let status = background.stop(signal: 0, timeout: 30)
        guard status == 0 else { throw TestError("the sender failed: \(background.stderr)") }
        return sent
    }
}
