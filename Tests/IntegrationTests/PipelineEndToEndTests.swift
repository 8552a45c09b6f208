import Foundation
import XCTest

/// The pipeline end to end, against the built binary: one configuration with three outputs — everything as JSON to
/// a file rotated by size, kept and compressed; the names of an allow list as text on standard output; pseudonymised
/// (Crypto-PAn) and located (GeoIP) events with a few fields to a second file — fed from files (`sonde read`), from
/// the command line's `--output` URLs, and from a live dnstap stream (`sonde run`). Every output is checked against
/// what a plain `sonde read -f json` makes of the same inputs, the pseudonyms and locations against yacryptopan and
/// MaxMind's own reader.
final class PipelineEndToEndTests: XCTestCase {
    static let maxSize = 256 * 1024
    static let keep = 3
    static let key = "5ce0a1f8e2c04d2b9f6a7e81d3b54c6a0b1c2d3e4f5061728394a5b6c7d8e9f0"
    static let privateFields = ["time", "client_ip", "server_ip", "src_ip", "dst_ip", "qname", "qtype", "rcode", "geo"]
    /// Plain names, names under a domain, a hosts-file line and a name in another case, with a comment.
    static let allowList = """
        # watched names
        signed.test
        *.bind.test
        norzedrenix.eu
        0.0.0.0 mail.example.test
        Example.ORG
        """

    /// Whether the allow list keeps `qname` (presentation form, final dot), as docs/transforms.md describes lists.
    static func allowed(_ qname: Any?) -> Bool {
        guard var name = (qname as? String)?.lowercased(), !name.isEmpty else { return false }
        if name.hasSuffix(".") { name.removeLast() }
        return ["signed.test", "norzedrenix.eu", "mail.example.test", "example.org"].contains(name) || name.hasSuffix(".bind.test")
    }

    /// The inputs: captures and dnstap files of the shared corpus, and a capture from public addresses (GeoIP).
    func inputs(_ dir: URL) throws -> (pcap: [String], dnstap: [String]) {
        let geo = dir.appendingPathComponent("public-clients.pcap").path
        try PublicClients.write(to: geo)
        return (
            try ["pcap/lo-mixed.pcap", "pcap/gen-sample.pcap", "pcap/edge-vlan.pcap", "pcap/edge-malformed.pcap"].map(EndToEnd.corpus) + [geo],
            try ["dnstap/unbound.dnstap", "dnstap/dnsdist.dnstap", "dnstap/gen-sample.dnstap"].map(EndToEnd.corpus)
        )
    }

    /// The GeoLite2 City database of the PyPI package maxminddb-geolite2.
    static func geoLiteDatabase() throws -> String {
        let r = try Integration.run("/usr/bin/env", ["python3", "-c", "from geolite2 import geolite2; print(geolite2.filename)"])
        let path = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard r.status == 0, FileManager.default.fileExists(atPath: path) else {
            let what = "the GeoLite2 City database is missing: pip install maxminddb-geolite2 (scripts/reference/install.sh)"
            if ProcessInfo.processInfo.environment["CI"] == "true" { throw TestError(what) }
            throw XCTSkip(what)
        }
        return path
    }

    /// The directory of one run: the list, the key, the configuration file, and the log `post_rotate` appends every
    /// rotated file's name to.
    struct Setup {
        var dir: URL
        var config: String
        var all: String { dir.appendingPathComponent("all.jsonl").path }
        var rotations: String { dir.appendingPathComponent("rotated.log").path }
        var privateFile: String { dir.appendingPathComponent("private.jsonl").path }
        /// `post_rotate` for the file output of everything.
        var postRotate: String { "echo %f >> \(rotations)" }
    }

    func setup() throws -> Setup {
        let dir = try Integration.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let database = try Self.geoLiteDatabase()
        let s = Setup(dir: dir, config: dir.appendingPathComponent("sonde.yaml").path)
        try EndToEnd.write(Self.allowList + "\n", to: dir.appendingPathComponent("watch.txt").path)
        try EndToEnd.write(Self.key + "\n", to: dir.appendingPathComponent("privacy.key").path)
        // GeoIP before privacy: the other way round would locate the pseudonyms.
        try EndToEnd.write("""
            outputs:
              - kind: file
                name: all
                path: \(s.all)
                format: json
                max_size: 256K
                keep: \(Self.keep)
                compress: gzip
                post_rotate: "\(s.postRotate)"
              - kind: stdout
                name: watch
                format: text
                transforms:
                  - kind: domains
                    allow: [\(dir.path)/watch.txt]
              - kind: file
                name: private
                path: \(s.privateFile)
                format: json
                fields: [\(Self.privateFields.joined(separator: ", "))]
                transforms:
                  - kind: geoip
                    database: \(database)
                  - kind: privacy
                    mode: cryptopan
                    key_file: \(dir.path)/privacy.key

            """, to: s.config)
        return s
    }

    // MARK: The checks every way of running shares

    /// The files a file output rotating at max_size must make of `events`: filled in turn, an event at a time, as
    /// long as the next one fits.
    static func pieces(_ events: [Substring], maxSize: Int) -> [String] {
        var pieces: [String] = [], current = "", size = 0
        for e in events {
            let n = e.utf8.count + 1
            if size + n > maxSize && size > 0 {
                pieces.append(current)
                current = ""
                size = 0
            }
            current += e + "\n"
            size += n
        }
        return pieces + [current]
    }

    /// The file output of everything rotated several times and kept the newest `keep` files, compressed: those and
    /// the current file (decompressed) hold exactly the last of the pieces `expected` makes at max_size, so no file
    /// passes it and no event is split, lost or doubled; post_rotate ran once for each rotation, on the compressed
    /// file.
    func checkRotatingFile(_ s: Setup, expected: [Substring], file: StaticString = #filePath, line: UInt = #line) throws {
        let pieces = Self.pieces(expected, maxSize: Self.maxSize)
        let rotations = pieces.count - 1
        XCTAssertGreaterThan(rotations, 2 * Self.keep, "the test rotates several times beyond keep", file: file, line: line)
        let kept = EndToEnd.rotated(s.all)
        XCTAssertEqual(kept.count, Self.keep, "rotated files kept: \(kept)", file: file, line: line)
        XCTAssertTrue(kept.allSatisfy { $0.hasSuffix(".gz") }, "kept files are compressed: \(kept)", file: file, line: line)
        let files = kept + [s.all]
        for (i, (f, piece)) in zip(files, pieces.suffix(files.count)).enumerated() {
            let text = try EndToEnd.contents(f)
            XCTAssertLessThanOrEqual(text.utf8.count, Self.maxSize, "\(f) passes max_size", file: file, line: line)
            if text != piece {
                let got = text.split(separator: "\n"), want = piece.split(separator: "\n")
                let at = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
                XCTFail(
                    "file \(i) of the newest \(files.count) (\(f)): \(got.count) events, expected \(want.count); first difference at \(at)",
                    file: file, line: line)
            }
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: s.dir.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], file: file, line: line)
        // post_rotate is not waited for: wait until each rotation's command has written its line.
        var logged: [Substring] = []
        XCTAssertTrue(
            Background.waitFor(timeout: 10) {
                logged = EndToEnd.lines(s.rotations)
                return logged.count >= rotations
            }, "post_rotate ran \(logged.count) times for \(rotations) rotations", file: file, line: line)
        XCTAssertEqual(logged.count, rotations, file: file, line: line)
        XCTAssertEqual(Set(logged).count, logged.count, "a name used twice: \(logged)", file: file, line: line)
        XCTAssertTrue(logged.allSatisfy { $0.hasSuffix(".gz") }, "post_rotate gets the compressed file: \(logged)", file: file, line: line)
        XCTAssertTrue(kept.allSatisfy { logged.contains(Substring($0)) }, "\(kept) not in \(logged)", file: file, line: line)
    }

    /// Standard output holds the text lines of exactly the events whose names are on the allow list.
    func checkWatch(_ stdout: String, plainJSON: [[String: Any]], plainText: [Substring], file: StaticString = #filePath, line: UInt = #line) -> Int {
        XCTAssertEqual(plainJSON.count, plainText.count, file: file, line: line)
        let expected = zip(plainJSON, plainText).filter { Self.allowed($0.0["qname"]) }.map(\.1)
        XCTAssertGreaterThan(expected.count, 50, file: file, line: line)
        XCTAssertLessThan(expected.count, plainJSON.count / 2, file: file, line: line)
        XCTAssertEqual(stdout.split(separator: "\n"), expected, "standard output: the allow-listed events", file: file, line: line)
        return expected.count
    }

    /// The private file: one line per event, exactly the selected fields in order, addresses replaced by
    /// yacryptopan's pseudonyms, `geo` of the original client address where GeoLite2 has data.
    func checkPrivate(_ s: Setup, plainJSON: [[String: Any]], file: StaticString = #filePath, line: UInt = #line) throws {
        let lines = EndToEnd.lines(s.privateFile)
        XCTAssertEqual(lines.count, plainJSON.count, "events in the private file", file: file, line: line)
        var originals = Set<String>()
        for e in plainJSON {
            for k in ["src_ip", "dst_ip"] { if let a = e[k] as? String { originals.insert(a) } }
        }
        let reference = try EndToEnd.reference(originals, key: Self.key)
        let pseudonymOf = reference.mapValues(\.pseudonym)
        var located = 0, cities = 0, checked = 0
        var written = Set<String>()
        for (i, (text, plain)) in zip(lines, plainJSON).enumerated() {
            guard let got = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                XCTFail("private line \(i) is not JSON: \(text)", file: file, line: line)
                continue
            }
            // Exactly the fields, in their order.
            XCTAssertEqual(Set(got.keys), Set(Self.privateFields), "line \(i): \(text)", file: file, line: line)
            let positions = Self.privateFields.map { text.range(of: "\"\($0)\":")?.lowerBound }
            XCTAssertTrue(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted(), "line \(i): field order: \(text)", file: file, line: line)
            for k in ["time", "qname", "qtype", "rcode"] {
                XCTAssertEqual(got[k] as? NSObject, (plain[k] ?? NSNull()) as? NSObject, "line \(i) \(k)", file: file, line: line)
            }
            let response = plain["response"] as? Bool ?? ((plain["dnstap_type"] as? String)?.hasSuffix("_RESPONSE") ?? false)
            let client = plain[response ? "dst_ip" : "src_ip"] as? String, server = plain[response ? "src_ip" : "dst_ip"] as? String
            for (k, original) in [("src_ip", plain["src_ip"] as? String), ("dst_ip", plain["dst_ip"] as? String), ("client_ip", client), ("server_ip", server)] {
                guard let original else {
                    XCTAssertTrue(got[k] is NSNull, "line \(i) \(k): \(text)", file: file, line: line)
                    continue
                }
                let value = got[k] as? String
                if let value { written.insert(value) }
                XCTAssertNotEqual(value, original, "line \(i) \(k): the original address", file: file, line: line)
                XCTAssertEqual(value.flatMap(EndToEnd.octets), pseudonymOf[original], "line \(i) \(k): \(original) -> \(value ?? "nil")", file: file, line: line)
                checked += 1
            }
            let expectedGeo = client.flatMap { reference[$0]?.geo }
            guard let expectedGeo else {
                XCTAssertTrue(got["geo"] is NSNull, "line \(i): no geo expected for \(client ?? "-"): \(text)", file: file, line: line)
                continue
            }
            located += 1
            let geo = got["geo"] as? [String: Any] ?? [:]
            XCTAssertEqual(geo["continent"] as? String, expectedGeo.continent, "line \(i) geo.continent", file: file, line: line)
            XCTAssertEqual(geo["country"] as? String, expectedGeo.country, "line \(i) geo.country", file: file, line: line)
            XCTAssertEqual(geo["country_iso"] as? String, expectedGeo.countryISO, "line \(i) geo.country_iso", file: file, line: line)
            XCTAssertEqual(geo["city"] as? String, expectedGeo.city, "line \(i) geo.city", file: file, line: line)
            if expectedGeo.city != nil { cities += 1 }
            for (k, v) in [("latitude", expectedGeo.latitude), ("longitude", expectedGeo.longitude)] {
                guard let v else {
                    XCTAssertNil(geo[k], "line \(i) geo.\(k)", file: file, line: line)
                    continue
                }
                XCTAssertEqual((geo[k] as? NSNumber)?.doubleValue ?? .nan, v, accuracy: 0.000051, "line \(i) geo.\(k)", file: file, line: line)
            }
        }
        XCTAssertGreaterThan(checked, plainJSON.count, file: file, line: line)
        XCTAssertGreaterThanOrEqual(located, 10, "events located", file: file, line: line)
        XCTAssertGreaterThanOrEqual(cities, 5, "events located to a city", file: file, line: line)
        // Crypto-PAn preserves prefixes: two addresses sharing k bits give pseudonyms sharing exactly k bits (checked
        // for neighbours in address order, which share the longest prefixes).
        let list = reference.keys.compactMap { a in EndToEnd.octets(a).map { (a, $0) } }
            .sorted { $0.1.count != $1.1.count ? $0.1.count < $1.1.count : $0.1.lexicographicallyPrecedes($1.1) }
        for ((a, x), (b, y)) in zip(list, list.dropFirst()) where x.count == y.count {
            XCTAssertEqual(
                EndToEnd.commonPrefix(pseudonymOf[a]!, pseudonymOf[b]!), EndToEnd.commonPrefix(x, y), "\(a) and \(b)",
                file: file, line: line)
        }
        // No original address is left in the file.
        XCTAssertEqual(originals.intersection(written), [], "original addresses in the private file", file: file, line: line)
    }

    /// Every output's counters: everything in, the right share written, nothing dropped or failed.
    func checkCounters(_ summary: [String: Any], events: Int, watched: Int, file: StaticString = #filePath, line: UInt = #line) {
        let all = EndToEnd.balanced(summary, "all", file: file, line: line)
        let watch = EndToEnd.balanced(summary, "watch", file: file, line: line)
        let priv = EndToEnd.balanced(summary, "private", file: file, line: line)
        for c in [all, watch, priv] {
            XCTAssertEqual(c["events_in"], events, "\(c)", file: file, line: line)
            XCTAssertEqual(c["dropped"], 0, "\(c)", file: file, line: line)
            XCTAssertEqual(c["failed"], 0, "\(c)", file: file, line: line)
        }
        XCTAssertEqual(all["written"], events, file: file, line: line)
        XCTAssertEqual(priv["written"], events, file: file, line: line)
        XCTAssertEqual(watch["written"], watched, file: file, line: line)
        XCTAssertEqual(watch["filtered"], events - watched, file: file, line: line)
    }

    // MARK: 1a: from a configuration file, reading files

    func testConfigurationWithThreeOutputsReadingCapturesAndDnstapFiles() throws {
        let s = try setup()
        let (pcap, dnstap) = try inputs(s.dir)
        let files = pcap + dnstap
        let plainJSON = try EndToEnd.plain(files)
        let plainText = try EndToEnd.plain(files, format: "text")
        let plainEvents = jsonLines(plainJSON)
        XCTAssertEqual(plainEvents.count, plainJSON.count)
        XCTAssertGreaterThan(plainJSON.map(\.utf8.count).reduce(0, +), 5 * Self.maxSize)

        let r = try EndToEnd.sonde(["read", "--config", s.config, "--summary-format", "json"] + files)
        try checkRotatingFile(s, expected: plainJSON)
        let watched = checkWatch(r.stdout, plainJSON: plainEvents, plainText: plainText)
        try checkPrivate(s, plainJSON: plainEvents)
        checkCounters(EndToEnd.summary(r.stderr), events: plainJSON.count, watched: watched)
    }

    // MARK: 1b: from the command line

    func testOutputURLsOnTheCommandLine() throws {
        let s = try setup()
        let (pcap, dnstap) = try inputs(s.dir)
        let files = pcap + dnstap
        let plainJSON = try EndToEnd.plain(files)
        let plainText = try EndToEnd.plain(files, format: "text")

        // A URL's query holds an output's scalar settings, so the rotating file can be given this way (post_rotate
        // percent-encoded), and standard output as text. An output's own `transforms` are a list of components,
        // which a URL cannot hold: the allow list on standard output and the private file (geoip, privacy) need the
        // configuration file (--output replaces its outputs), so standard output here gets every event.
        let postRotate = s.postRotate.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: " ", with: "%20")
            .replacingOccurrences(of: ">", with: "%3E")
        let fileURL = "file://\(s.all)?format=json&max-size=256K&keep=\(Self.keep)&compress=gzip&post-rotate=\(postRotate)"
        let r = try EndToEnd.sonde(["read", "--output", fileURL, "--output", "stdout:text", "--summary-format", "json"] + files)
        try checkRotatingFile(s, expected: plainJSON)
        XCTAssertEqual(r.stdout.split(separator: "\n"), plainText)
        let summary = EndToEnd.summary(r.stderr)
        for name in ["file-0", "stdout-1"] {
            let c = EndToEnd.balanced(summary, name)
            XCTAssertEqual(c["events_in"], plainJSON.count)
            XCTAssertEqual(c["written"], plainJSON.count)
        }

        // `sonde config check --output` accepts good URLs, and rejects bad ones saying what is wrong with which.
        let good = [
            fileURL, "stdout:text", "stdout:json", "stdout:csv?fields=time,qname,qtype",
            "file://\(s.dir.path)/x.csv?format=csv&rotate=every%2015m&compress=zstd&keep=10",
            "file://\(s.dir.path)/y.log?template=%7Btime%7D%20%7Bqname%7D&max_size=1M&policy=drop&queue-size=100",
            "dnstap+tcp://127.0.0.1:6000", "dnstap:///\(s.dir.path)/out.dnstap",
        ]
        for url in good {
            let c = try Integration.run(Integration.binary.path, ["config", "check", "--output", url])
            XCTAssertEqual(c.status, 0, "\(url): \(c.stdout)\(c.stderr)")
        }
        let all = try Integration.run(Integration.binary.path, ["config", "check"] + good.flatMap { ["--output", $0] })
        XCTAssertEqual(all.status, 0, all.stdout + all.stderr)

        let bad: [(String, [String])] = [
            ("file:///tmp/x.jsonl?max-size=1Q", ["max_size", "1Q"]),
            ("stdout:jsn", ["format", "unknown value \"jsn\"", "json"]),
            ("kafka://broker:9092", ["unknown scheme \"kafka\"", "file"]),
            ("file://", ["give the file's path"]),
            ("file:///tmp/x.jsonl?compress=rar", ["compress", "unknown value \"rar\"", "gzip"]),
            ("file:///tmp/x.jsonl?colour=red", ["colour", "unknown key"]),
            ("file:///tmp/x.jsonl?keep=-1", ["keep"]),
            ("file:///tmp/x.jsonl?rotate=fortnightly", ["rotate", "fortnightly"]),
            ("file:///tmp/x.jsonl?policy=maybe", ["policy", "maybe"]),
            ("file:///tmp/x.jsonl?queue-size=0", ["queue_size"]),
            ("dnstap+tcp://127.0.0.1:99999", ["99999"]),
            ("no-scheme-here", ["not a URL"]),
        ]
        var messages: [String] = []
        for (url, fragments) in bad {
            let c = try Integration.run(Integration.binary.path, ["config", "check", "--output", url])
            let text = c.stdout + c.stderr
            XCTAssertNotEqual(c.status, 0, "\(url) was accepted: \(text)")
            for f in fragments { XCTAssertTrue(text.contains(f), "\(url): no \"\(f)\" in: \(text)") }
            XCTAssertLessThanOrEqual(text.split(separator: "\n").count, 3, "\(url): one clear message: \(text)")
            messages.append(text)
        }
        // Given together with good ones, every bad URL is reported and the good ones are not.
        let mixed = try Integration.run(
            Integration.binary.path, ["config", "check"] + (good.prefix(2) + bad.map(\.0)).flatMap { ["--output", $0] })
        XCTAssertNotEqual(mixed.status, 0)
        for (url, fragments) in bad {
            XCTAssertTrue(fragments.allSatisfy { (mixed.stdout + mixed.stderr).contains($0) }, "\(url) in \(mixed.stdout)\(mixed.stderr)")
        }
        print("config check messages:\n" + messages.joined())
    }

    // MARK: 1c: a live dnstap stream

    func testConfigurationWithThreeOutputsOnALiveDnstapStream() throws {
        let replay = try Integration.tool("fstrm_replay", package: "fstrm-bin")
        let s = try setup()
        let (pcap, dnstap) = try inputs(s.dir)
        // The captures go over dnstap too: Sonde writes them as CLIENT_QUERY/CLIENT_RESPONSE frames, and the plain
        // read of that file is the reference.
        let converted = s.dir.appendingPathComponent("captures.dnstap").path
        try EndToEnd.sonde(["read", "--write-dnstap", converted, "--no-summary"] + pcap)
        let files = dnstap + [converted]
        let plainJSON = try EndToEnd.plain(files)
        let plainText = try EndToEnd.plain(files, format: "text")
        let plainEvents = jsonLines(plainJSON)
        let counts = try files.map { try EndToEnd.plain([$0]).count }

        let sonde = try SondeRun(["--dnstap", "tcp://127.0.0.1:0", "--config", s.config, "--summary-format", "json", "--metrics-listen", "127.0.0.1:0"])
        let metrics = try XCTUnwrap(sonde.metricsURL(), sonde.background.stderr)
        var sent = 0
        for (file, count) in zip(files, counts) {
            let r = try Integration.run(replay, ["-t", "protobuf:dnstap.Dnstap", "-r", file, "-a", "127.0.0.1", "-p", "\(sonde.port)"])
            XCTAssertEqual(r.status, 0, r.stderr)
            sent += count
            // One file's events all in before the next connection, so the outputs see them in the reference's order.
            XCTAssertTrue(sonde.background.wait(timeout: 20) { EndToEnd.events(metrics) == sent }, "\(EndToEnd.events(metrics)) of \(sent)")
        }
        let summary = sonde.stop()
        try checkRotatingFile(s, expected: plainJSON)
        let watched = checkWatch(sonde.background.stdout, plainJSON: plainEvents, plainText: plainText)
        try checkPrivate(s, plainJSON: plainEvents)
        checkCounters(summary, events: plainJSON.count, watched: watched)
    }
}

extension Background {
    /// Waits until `condition` holds (true) or `timeout` passes (false), without a process.
    static func waitFor(timeout: Double, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}
