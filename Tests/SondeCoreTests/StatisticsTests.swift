import Histogram
import SondeDNS
import SondePacket
import XCTest

@testable import SondeCore

/// The statistics' sketches against exact counts, and the engine's counters against the messages it was given.
final class StatisticsTests: XCTestCase {
    /// A reproducible stream of 64-bit values (SplitMix64).
    struct Seeded {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testHyperLogLogStaysWithinItsDocumentedError() {
        // Standard error 1.04/sqrt(16384) = 0.81%; three of them (99.7% of estimates) is the bound tested.
        for distinct in [10, 1_000, 30_000, 100_000, 1_000_000, 5_000_000] {
            var h = HyperLogLog()
            var r = Seeded(state: UInt64(distinct))
            for _ in 0..<distinct { h.add(hash: HyperLogLog.mix(r.next())) }
            let error = abs(Double(h.estimate) - Double(distinct)) / Double(distinct)
            XCTAssertLessThan(error, 0.0243, "\(distinct) distinct: estimate \(h.estimate)")
        }
    }

    func testHyperLogLogMergesAsTheUnion() {
        var a = HyperLogLog(), b = HyperLogLog(), both = HyperLogLog()
        var r = Seeded(state: 7)
        for i in 0..<200_000 {
            let v = HyperLogLog.mix(r.next())
            if i % 3 == 0 { a.add(hash: v) } else { b.add(hash: v) }
            if i % 5 == 0 { a.add(hash: v); b.add(hash: v) }
            both.add(hash: v)
        }
        a.merge(b)
        XCTAssertEqual(a.estimate, both.estimate)
    }

    /// Keys drawn from a Zipf-like distribution over `universe` keys.
    func zipfStream(count: Int, universe: Int, seed: UInt64) -> [UInt64] {
        var r = Seeded(state: seed)
        var weights: [Double] = []
        var sum = 0.0
        for k in 1...universe {
            sum += 1 / Double(k)
            weights.append(sum)
        }
        return (0..<count).map { _ in
            let u = Double(r.next() >> 11) / Double(1 << 53) * sum
            var lo = 0, hi = universe - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if weights[mid] < u { lo = mid + 1 } else { hi = mid }
            }
            return UInt64(lo)
        }
    }

    func add(_ key: UInt64, value: UInt64 = 1, to s: inout SpaceSaving) {
        s.add(hash: HyperLogLog.mix(key &+ 1), value: value) { b in
            b.storeBytes(of: key.bigEndian, as: UInt64.self)
            return 8
        }
    }

    func key(_ bytes: [UInt8]) -> UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }

    func testSpaceSavingIsExactWhileTheKeysFit() {
        var s = SpaceSaving(capacity: 64, keySize: 8)
        var exact: [UInt64: UInt64] = [:]
        for k in zipfStream(count: 20_000, universe: 64, seed: 1) {
            add(k, to: &s)
            exact[k, default: 0] += 1
        }
        let top = s.top(64)
        XCTAssertEqual(top.count, exact.count)
        for e in top {
            XCTAssertEqual(e.error, 0)
            XCTAssertEqual(e.value, exact[key(e.key)])
        }
        XCTAssertEqual(top.map(\.value), top.map(\.value).sorted(by: >))
    }

    func testSpaceSavingKeepsItsErrorBoundOverManyMoreKeysThanItHolds() {
        // 1,000,000 events over 200,000 keys into 1,024 counters: every reported count is at most its error above
        // the truth and never below it, every error is at most N / capacity, and every key counted more than
        // N / capacity times is in the table.
        let n = 1_000_000, capacity = 1024
        var s = SpaceSaving(capacity: capacity, keySize: 8)
        var exact: [UInt64: UInt64] = [:]
        for k in zipfStream(count: n, universe: 200_000, seed: 2) {
            add(k, to: &s)
            exact[k, default: 0] += 1
        }
        let bound = UInt64(n / capacity)
        let table = s.top(capacity)
        XCTAssertEqual(table.count, capacity)
        var held = Set<UInt64>()
        for e in table {
            let truth = exact[key(e.key)] ?? 0
            XCTAssertGreaterThanOrEqual(e.value, truth)
            XCTAssertLessThanOrEqual(e.value - truth, e.error)
            XCTAssertLessThanOrEqual(e.error, bound)
            held.insert(key(e.key))
        }
        for (k, c) in exact where c > bound { XCTAssertTrue(held.contains(k), "key \(k) counted \(c) times is missing") }
        // The ten heaviest are the true ten heaviest (their margins are far above the bound here).
        let trueTop = exact.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map(\.key)
        XCTAssertEqual(s.top(10).map { key($0.key) }, trueTop)
    }

    func testSpaceSavingMergeKeepsTheBound() {
        var a = SpaceSaving(capacity: 256, keySize: 8), b = SpaceSaving(capacity: 256, keySize: 8)
        var exact: [UInt64: UInt64] = [:]
        for (i, k) in zipfStream(count: 200_000, universe: 50_000, seed: 3).enumerated() {
            if i % 2 == 0 { add(k, to: &a) } else { add(k, to: &b) }
            exact[k, default: 0] += 1
        }
        a.merge(b)
        for e in a.top(256) {
            let truth = exact[key(e.key)] ?? 0
            XCTAssertGreaterThanOrEqual(e.value, truth)
            XCTAssertLessThanOrEqual(e.value - truth, e.error)
        }
        XCTAssertEqual(a.total, 200_000)
    }

    func testTheLazyHeapKeepsEveryInvariantAfterEachAddition() {
        // Few counters, many keys and weighted values (octets by client), so take-overs, additions to held keys
        // deep in the heap and stale roots all happen; after every addition: each unheld key's count is within
        // its filter counter, no filter counter exceeds the true smallest counter (which a stale root would break
        // at the next take-over), held counts are within their errors, and the table sums to at most N.
        var s = SpaceSaving(capacity: 16, keySize: 8)
        var exact: [UInt64: UInt64] = [:]
        var r = Seeded(state: 11)
        var n: UInt64 = 0
        for (i, k) in zipfStream(count: 20_000, universe: 300, seed: 4).enumerated() {
            let value = 1 + r.next() % 200
            add(k, value: value, to: &s)
            exact[k, default: 0] += value
            n += value
            guard i % 7 == 0 || i > 19_900 else { continue }
            let st = s.storage
            var held: [UInt64: Int] = [:]
            var smallest = UInt64.max, sum: UInt64 = 0
            for slot in 0..<st.used {
                held[st.hashes[slot]] = slot
                smallest = min(smallest, st.values[slot])
                sum += st.values[slot]
            }
            XCTAssertLessThanOrEqual(sum, n)
            for (k, truth) in exact {
                let h = HyperLogLog.mix(k &+ 1)
                if let slot = held[h] {
                    XCTAssertGreaterThanOrEqual(st.values[slot], truth)
                    XCTAssertLessThanOrEqual(st.values[slot] - truth, st.errors[slot])
                } else {
                    XCTAssertLessThanOrEqual(truth, st.filter[st.filterIndex(h)], "key \(k) after \(i) additions")
                }
            }
            if st.used == st.capacity {
                for f in 0..<st.filterCount { XCTAssertLessThanOrEqual(st.filter[f], smallest) }
                XCTAssertEqual(st.minimum(), smallest)
            }
        }
    }

    func testMaxModeKeepsTheLargestValues() {
        var s = SpaceSaving(capacity: 4, keySize: 8, mode: .max)
        for (k, v) in [(1, 5), (2, 50), (3, 7), (1, 9), (4, 1), (5, 100), (6, 2), (2, 3)] {
            s.add(hash: HyperLogLog.mix(UInt64(k)), value: UInt64(v)) { b in
                b.storeBytes(of: UInt64(k).bigEndian, as: UInt64.self)
                return 8
            }
        }
        XCTAssertEqual(s.top(3).map { key($0.key) }, [5, 2, 1])
        XCTAssertEqual(s.top(3).map(\.value), [100, 50, 9])
    }

    /// Events of `count` queries and responses with names from `names` and clients from `clients`.
    func syntheticBatch(_ batch: inout EventBatch, count: Int, names: Int, clients: Int, seed: UInt64) -> [String: UInt64] {
        var exact: [String: UInt64] = [:]
        var r = Seeded(state: seed)
        let keys = zipfStream(count: count, universe: names, seed: seed)
        for i in 0..<count {
            let name = "n\(keys[i]).example."
            let response = i % 2 == 1
            let message = TestMessages.query(name: name, id: UInt16(truncatingIfNeeded: i), response: response, rcode: response && i % 10 == 3 ? 3 : 0)
            let client = IPAddress(ipv4: 0x0A00_0000 | UInt32(truncatingIfNeeded: r.next() % UInt64(clients)))
            message.withUnsafeBytes { bytes in
                var e = DNSEvent(
                    timestamp: Int64(i) * 1000, input: .pcap, transport: .udp, source: response ? IPAddress(ipv4: 0x0A63_0001) : client,
                    destination: response ? client : IPAddress(ipv4: 0x0A63_0001), sourcePort: response ? 53 : 40000,
                    destinationPort: response ? 40000 : 53, layout: MessageLayout(decoding: bytes))
                if response { e.latency = Int64(1 + i % 2000) * 100_000 }
                batch.append(e, message: bytes)
            }
            exact[name, default: 0] += 1
        }
        return exact
    }

    func testTheEngineCountsExactlyAndItsTopNamesStayWithinTheirError() throws {
        var batch = EventBatch(identity: "synthetic")
        let exact = syntheticBatch(&batch, count: 100_000, names: 20_000, clients: 3_000, seed: 11)
        let store = StatsStore(capacity: 256, maxStreams: 4)
        // Two producers, as two threads would be.
        let a = store.makeShard(), b = store.makeShard()
        a.add(batch)
        b.add(batch)
        let s = store.snapshot()
        XCTAssertEqual(s.counters.messages, 200_000)
        XCTAssertEqual(s.counters.queries, 100_000)
        XCTAssertEqual(s.counters.responses, 100_000)
        XCTAssertEqual(s.counters.rcode[3], 20_000)
        XCTAssertEqual(s.counters.rcode[0], 80_000)
        XCTAssertEqual(s.counters.latency.reduce(0, +), 100_000)
        XCTAssertEqual(s.latency.totalCount, 100_000)
        // Clients: 3,000 drawn, nearly all seen; the estimate within 3 standard errors of the exact count.
        var seen = Set<UInt32>()
        batch.forEach { e, _ in seen.insert(UInt32(truncatingIfNeeded: (e.layout.isResponse ? e.destination : e.source).low)) }
        XCTAssertLessThan(abs(Double(s.clients.estimate) - Double(seen.count)) / Double(seen.count), 0.0243)
        XCTAssertLessThan(abs(Double(s.names.estimate) - Double(exact.count)) / Double(exact.count), 0.0243)
        let top = SummaryReport.topNames(s.topNames, 20)
        XCTAssertEqual(top.count, 20)
        for e in top {
            let truth = 2 * (exact[e.name] ?? 0)
            XCTAssertGreaterThanOrEqual(e.count, truth, e.name)
            XCTAssertLessThanOrEqual(e.count - truth, e.error, e.name)
        }
        XCTAssertEqual(top.first?.name, "n0.example.")
        // The stream table has the batch's identity.
        XCTAssertEqual(store.streams, ["synthetic"])
        XCTAssertEqual(store.snapshot(stream: "synthetic").counters.messages, 200_000)
        store.reset()
        XCTAssertEqual(store.snapshot().counters.messages, 0)
        XCTAssertEqual(store.snapshot(stream: "synthetic").counters.messages, 0)
        XCTAssertEqual(store.totals.messages, 200_000, "the counters Prometheus reads never go back")
        XCTAssertEqual(store.snapshot().topNames.count, 0)
        a.add(batch)
        XCTAssertEqual(store.snapshot().counters.messages, 100_000)
        XCTAssertEqual(store.snapshot().topNames.top(1).first?.value, exact["n0.example."])
    }

    func testAProducersOneStreamIsTheGlobalStatsUntilASecondAppears() {
        // One producer sees interface "if-a" only (its stream is then the global stats, counted once), then
        // "if-b": from there each stream is kept apart, and "if-a" keeps what it had.
        var a = EventBatch(identity: "capture"), b = EventBatch(identity: "capture")
        _ = syntheticBatch(&a, count: 1_000, names: 50, clients: 20, seed: 21)
        _ = syntheticBatch(&b, count: 400, names: 50, clients: 20, seed: 22)
        let ia = InterfaceNames.index(of: "if-a"), ib = InterfaceNames.index(of: "if-b")
        a.withMutableEvents { for i in $0.indices { $0[i].interface = ia } }
        b.withMutableEvents { for i in $0.indices { $0[i].interface = ib } }
        let store = StatsStore(capacity: 64, streamCapacity: 16)
        let shard = store.makeShard()
        shard.add(a)
        XCTAssertEqual(store.streams, ["if-a"])
        XCTAssertTrue(shard.streams.isEmpty, "one stream: nothing kept apart")
        XCTAssertEqual(store.snapshot(stream: "if-a").counters.messages, 1_000)
        XCTAssertEqual(store.totals(stream: "if-a").queries, 500)
        shard.add(b)
        shard.add(a)
        XCTAssertEqual(store.streams, ["if-a", "if-b"])
        XCTAssertEqual(store.snapshot(stream: "if-a").counters.messages, 2_000)
        XCTAssertEqual(store.snapshot(stream: "if-b").counters.messages, 400)
        XCTAssertEqual(store.snapshot().counters.messages, 2_400)
        XCTAssertEqual(store.snapshot(stream: "if-a").latency.totalCount, 1_000)
        // A stream's reset, while it is the only one, leaves the totals.
        let other = StatsStore()
        let o = other.makeShard()
        o.add(a)
        other.reset(stream: "if-a")
        XCTAssertEqual(other.snapshot(stream: "if-a").counters.messages, 0)
        XCTAssertEqual(other.snapshot().counters.messages, 1_000)
        o.add(a)
        XCTAssertEqual(other.snapshot(stream: "if-a").counters.messages, 1_000)
        XCTAssertEqual(other.snapshot().counters.messages, 2_000)
    }

    func testIntervalsRollIntoTheTotals() throws {
        var batch = EventBatch(identity: "x")
        let exact = syntheticBatch(&batch, count: 1_000, names: 100, clients: 20, seed: 23)
        let store = StatsStore(capacity: 128, interval: 1)
        let shard = store.makeShard()
        shard.add(batch)
        // Into the next second, so the next batch starts a new interval.
        let start = SondeThread.wallClockNanoseconds() / 1_000_000_000
        while SondeThread.wallClockNanoseconds() / 1_000_000_000 == start { usleep(20_000) }
        shard.add(batch)
        shard.add(batch)
        XCTAssertEqual(store.snapshot().counters.messages, 3_000)
        XCTAssertEqual(store.snapshot(window: .current).counters.messages, 2_000)
        XCTAssertEqual(store.snapshot(window: .last(1)).counters.messages, 1_000)
        XCTAssertEqual(store.snapshot().latency.totalCount, 1_500)
        XCTAssertEqual(store.snapshot().topNames.total, 3_000)
        XCTAssertEqual(store.snapshot().topNames.count, exact.count, "the names fit: held exactly")
        for e in SummaryReport.topNames(store.snapshot().topNames, 128) {
            XCTAssertEqual(e.count, 3 * (exact[e.name] ?? 0), e.name)
            XCTAssertEqual(e.error, 0)
        }
    }

    func testFoldingAWordFoldsEachLetterAndNothingElse() {
        var r = Seeded(state: 31)
        var words = (0..<20_000).map { _ in r.next() }
        // Every octet value in every position, around the letters' edges.
        for b in 0...255 { for shift in stride(from: 0, to: 64, by: 8) { words.append(UInt64(b) << UInt64(shift) | 0x4040_4040_4040_4040 & ~(0xFF << UInt64(shift))) } }
        for w in words {
            var want: UInt64 = 0
            for i in 0..<8 {
                let c = UInt8(truncatingIfNeeded: w >> UInt64(8 * i))
                want |= UInt64((c &- 0x41) < 26 ? c | 0x20 : c) << UInt64(8 * i)
            }
            XCTAssertEqual(StatsShard.foldWord(w), want, String(w, radix: 16))
        }
    }

    /// A stand-in for the Public Suffix List (which lives in SondeTransforms and is tested there): `co.uk` and
    /// single labels are public suffixes.
    struct TwoLevelSuffixes: SuffixLookup {
        func labels(of name: UnsafeBufferPointer<UInt8>) -> (suffix: Int, registered: Int?)? {
            let text = String(decoding: name, as: UTF8.self).lowercased()
            let labels = text.split(separator: ".").count
            let suffix = text.hasSuffix("co.uk.") ? 2 : 1
            return (suffix, labels > suffix ? suffix + 1 : nil)
        }
    }

    func testSuffixesAndRegisteredDomainsAreCountedAsFoldedNamesWithAndWithoutTheList() {
        let names = ["a.Example.COM.", "B.example.com.", "x.y.EXAMPLE.com.", "example.com.", "www.Shop.CO.uk.", "shop.co.uk.", "co.uk.", "com."]
        func run(_ suffixes: (any SuffixLookup)?) -> (tlds: [String: UInt64], registered: [String: UInt64]) {
            let store = StatsStore(capacity: 64, intervals: false, suffixes: suffixes)
            let shard = store.makeShard()
            // Twice over, so the suffix cache answers the second time.
            for round in 0..<2 {
                var batch = EventBatch(identity: "x")
                for (i, name) in names.enumerated() {
                    TestMessages.query(name: name, id: UInt16(round * 100 + i), response: false).withUnsafeBytes { bytes in
                        batch.append(
                            DNSEvent(
                                timestamp: 1, input: .pcap, transport: .udp, source: IPAddress(ipv4: 0x0A00_0001), destination: IPAddress(ipv4: 0x0A00_0002),
                                sourcePort: 40000, destinationPort: 53, layout: MessageLayout(decoding: bytes)), message: bytes)
                    }
                }
                shard.add(batch)
            }
            let snapshot = store.snapshot()
            func table(_ t: SpaceSaving) -> [String: UInt64] {
                var out: [String: UInt64] = [:]
                for e in SummaryReport.topNames(t, 64) {
                    XCTAssertEqual(e.error, 0)
                    out[e.name] = e.count
                }
                return out
            }
            return (table(snapshot.topTLDs), table(snapshot.topRegistered))
        }
        let plain = run(nil)
        XCTAssertEqual(plain.tlds, ["com.": 10, "uk.": 6])
        XCTAssertEqual(plain.registered, ["example.com.": 8, "com.": 2, "co.uk.": 6])
        let listed = run(TwoLevelSuffixes())
        XCTAssertEqual(listed.tlds, ["com.": 10, "co.uk.": 6])
        XCTAssertEqual(listed.registered, ["example.com.": 8, "shop.co.uk.": 4])
    }

    func testRareCodesAreExactUpToTheirCapacity() {
        var c = StatsCounters()
        for code in [1, 28, 257, 32768, 32769, 65280, 65280] { c.countQtype(UInt16(code)) }
        for i in 0..<20 { c.countQtype(UInt16(60000 + i)) }
        let table = Dictionary(uniqueKeysWithValues: c.qtypes.map { ($0.code.map(Int.init) ?? -1, $0.count) })
        XCTAssertEqual(table[65280], 2)
        XCTAssertEqual(table[32768], 1)
        XCTAssertEqual(table[1], 1)
        // 3 rare codes held (32768, 32769, 65280), 13 more fit, 7 share the last bucket.
        XCTAssertEqual(table[-1], 7)
        var d = StatsCounters()
        d.add(c)
        XCTAssertEqual(d.qtypes.map(\.count), c.qtypes.map(\.count))
    }
}

/// DNS messages built by hand for the statistics tests.
enum TestMessages {
    /// A query (or its response, with `rcode`) for `name` (presentation form, final dot), type A, class IN.
    static func query(name: String, id: UInt16, response: Bool, rcode: UInt8 = 0) -> [UInt8] {
        var m: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), response ? 0x81 : 0x01, response ? 0x80 | rcode : 0, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            m.append(UInt8(label.utf8.count))
            m.append(contentsOf: label.utf8)
        }
        m += [0, 0, 1, 0, 1]
        return m
    }
}

/// The statistics over the shared corpus against exact counts made here from the same events.
final class CorpusStatisticsTests: XCTestCase {
    func testTopNamesOverTheCorpusAreExactOrWithinTheirError() throws {
        guard let root = Corpus.root else { throw XCTSkip("../shared/corpus is not here (a user's clone)") }
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("pcap").path).filter { $0.hasSuffix(".pcap") }
        XCTAssertGreaterThan(files.count, 3)
        for file in files.sorted() {
            let (events, _) = try decodeFrames(root.appendingPathComponent("pcap/\(file)"))
            var batch = EventBatch(identity: file)
            var exact: [String: UInt64] = [:]
            var queries: UInt64 = 0, nx: [String: UInt64] = [:]
            for f in events {
                f.message.withUnsafeBytes { m in
                    batch.append(f.event, message: m)
                    let l = f.event.layout
                    if !l.isResponse { queries += 1 }
                    guard l.hasQuestion else { return }
                    var out = OutputBuffer(capacity: 1100)
                    DomainName.write(m, at: Int(l.questionOffset), into: &out)
                    let name = out.makeString().lowercased()
                    exact[name, default: 0] += 1
                    if l.isResponse && l.rcode == 3 { nx[name, default: 0] += 1 }
                }
            }
            // A table big enough holds every name exactly; one of 8 entries keeps the Space-Saving bound.
            for capacity in [1024, 8] {
                let store = StatsStore(capacity: capacity, maxStreams: 0, intervals: false)
                store.makeShard().add(batch)
                let s = store.snapshot()
                XCTAssertEqual(s.counters.queries, queries, file)
                let total = exact.values.reduce(0, +)
                XCTAssertEqual(s.topNames.total, total, "\(file): \(SummaryReport.topNames(s.topNames, 20).map { "\($0.name) \($0.count)" }) against \(exact.sorted { $0.value > $1.value }.prefix(20))")
                for e in SummaryReport.topNames(s.topNames, capacity) {
                    let truth = exact[e.name.lowercased()] ?? 0
                    if capacity == 1024 && exact.count <= 1024 {
                        XCTAssertEqual(e.count, truth, "\(file): \(e.name)")
                        XCTAssertEqual(e.error, 0)
                    }
                    XCTAssertGreaterThanOrEqual(e.count, truth, "\(file): \(e.name)")
                    XCTAssertLessThanOrEqual(e.count - truth, e.error, "\(file): \(e.name)")
                    XCTAssertLessThanOrEqual(e.error, total / UInt64(capacity), "\(file): \(e.name)")
                }
                let held = Set(SummaryReport.topNames(s.topNames, capacity).map { $0.name.lowercased() })
                for (name, count) in exact where count > total / UInt64(capacity) {
                    XCTAssertTrue(held.contains(name), "\(file): \(name) (\(count) of \(total)) is missing with \(capacity) entries")
                }
                if capacity == 1024 {
                    for e in SummaryReport.topNames(s.topNXDomain, 1024) { XCTAssertEqual(e.count, nx[e.name.lowercased()], file) }
                    XCTAssertEqual(Double(s.names.estimate), Double(exact.count), accuracy: max(2, Double(exact.count) * 0.0243), file)
                }
            }
        }
    }
}
