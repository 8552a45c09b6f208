import SondeCore
import SondeDNS
import SondePacket
import SondeTransforms
import XCTest

/// `kind: sample`: every n-th event in turn, a random share, and whole transactions by flow.
final class SampleTransformTests: XCTestCase {
    /// `count` queries with distinct IDs, as one batch.
    func syntheticBatch(_ count: Int, seed: UInt64 = 1) -> EventBatch {
        var rng = MaxMindTestRandom(seed: seed)
        var batch = EventBatch(identity: "t", capacity: count)
        for i in 0..<count {
            let m = Craft.message(id: UInt16(truncatingIfNeeded: i), name: "host\(i % 97).example")
            let e = Craft.event(
                m, source: IPAddress(ipv4: UInt32.random(in: 0...UInt32.max, using: &rng)),
                sourcePort: UInt16.random(in: 1024...65535, using: &rng))
            m.withUnsafeBytes { batch.append(e, message: $0) }
        }
        return batch
    }

    /// Runs one stage over `batch` `rounds` times (as a selection over shared rows, so the batch is left as it is)
    /// and returns how many events each round kept.
    func keptPerRound(_ stage: inout any EventStage, _ batch: borrowing EventBatch, rounds: Int) -> [Int] {
        let identity = TestBytes("t")
        defer { identity.free() }
        let owned = EventRows(batch: batch, identity: identity.bytes, scratch: RowScratch())
        let scratch = RowScratch()
        var out: [Int] = []
        for _ in 0..<rounds {
            var rows = EventRows(sharing: owned, scratch: scratch)
            stage.apply(&rows)
            out.append(rows.count)
        }
        return out
    }

    func testOneInTenKeepsExactlyEveryTenthEventOfEachStage() throws {
        let t = try makeTransform(SampleTransform.self, [("rate", "1:10")])
        var stage = t.makeStage()
        // Batches of awkward sizes: the count runs on from one batch to the next.
        var kept: [Int] = []
        var seen = 0
        for size in [7, 13, 100, 1, 9, 250, 20] {
            let batch = syntheticBatch(size)
            var stages = [stage]
            let r = runStages(&stages, on: batch)
            stage = stages[0]
            kept += r.kept.map { $0 + seen }
            seen += size
        }
        XCTAssertEqual(seen, 400)
        XCTAssertEqual(kept, Array(stride(from: 0, to: 400, by: 10)))
        // Another stage of the same transform counts on its own.
        var other = t.makeStage()
        XCTAssertEqual(keptPerRound(&other, syntheticBatch(25), rounds: 4), [3, 2, 3, 2])
    }

    func testAOfBKeepsTheFirstAOfEveryB() throws {
        let t = try makeTransform(SampleTransform.self, [("rate", " 2:5 ")])
        var stages = [t.makeStage()]
        let r = runStages(&stages, on: syntheticBatch(20), shared: true)
        XCTAssertEqual(r.kept, [0, 1, 5, 6, 10, 11, 15, 16])
        let all = try makeTransform(SampleTransform.self, [("rate", "3:3")])
        XCTAssertEqual(runStages(all, on: syntheticBatch(10)).kept.count, 10)
    }

    func testOnePercentOfAMillion() throws {
        let batch = syntheticBatch(10_000)
        for rate in ["1%", "0.01"] {
            let t = try makeTransform(SampleTransform.self, [("rate", .scalar(rate))])
            var stage = t.makeStage()
            let kept = keptPerRound(&stage, batch, rounds: 100).reduce(0, +)
            // Binomial(1,000,000, 0.01): mean 10,000, standard deviation 99.5; six of them either side leaves a
            // failure once in 500 million runs.
            XCTAssertGreaterThan(kept, 10_000 - 597, rate)
            XCTAssertLessThan(kept, 10_000 + 597, rate)
        }
    }

    func testRandomSharesOfEveryLevel() throws {
        let batch = syntheticBatch(10_000)
        for (rate, p) in [("50%", 0.5), ("0.25", 0.25), ("100%", 1.0), ("1", 1.0), ("0.001", 0.001)] {
            let t = try makeTransform(SampleTransform.self, [("rate", .scalar(rate))])
            var stage = t.makeStage()
            let n = 100_000.0
            let kept = Double(keptPerRound(&stage, batch, rounds: 10).reduce(0, +))
            let sd = (n * p * (1 - p)).squareRoot()
            XCTAssertEqual(kept, n * p, accuracy: max(6 * sd, 0.5), rate)
        }
    }

    func testFlowKeepsAQueryAndItsResponseTogether() throws {
        let sample = try VariedSample.batch()
        let pairs = VariedSample.pairs(sample)
        var keptSomewhere = 0
        for rate in ["10%", "30%", "50%", "70%", "90%"] {
            let t = try makeTransform(SampleTransform.self, [("rate", .scalar(rate)), ("flow", "true")])
            // One stage sees everything; two more stages (other threads, other outputs) see half each.
            let whole = Set(runStages(t, on: sample).kept)
            let again = Set(runStages(t, on: sample, shared: true).kept)
            XCTAssertEqual(whole, again, "deterministic across stage instances")
            for (q, r) in pairs {
                XCTAssertEqual(whole.contains(q), whole.contains(r), "\(rate): pair \(q)/\(r) split")
            }
            keptSomewhere += whole.count
            // Another transform made from the same settings decides the same way.
            let twin = try makeTransform(SampleTransform.self, [("rate", .scalar(rate)), ("flow", "yes")])
            XCTAssertEqual(Set(runStages(twin, on: sample).kept), whole)
        }
        XCTAssertGreaterThan(keptSomewhere, 0)
        XCTAssertLessThan(keptSomewhere, 5 * 42)
    }

    /// Many synthetic transactions: queries through one stage, responses through another; the response's name in
    /// another case (0x20 randomisation) and its own direction.
    func testFlowOverManyTransactionsSeenBySeparateStages() throws {
        var rng = MaxMindTestRandom(seed: 99)
        var queries = EventBatch(identity: "t"), responses = EventBatch(identity: "t")
        let n = 20_000
        for i in 0..<n {
            let v6 = i % 3 == 0
            let client = v6 ? IPAddress(ipv6High: rng.next(), low: rng.next()) : IPAddress(ipv4: UInt32.random(in: 0...UInt32.max, using: &rng))
            let server = v6 ? IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 53) : IPAddress(ipv4: 0xc000_0235)
            let port = UInt16.random(in: 1024...65535, using: &rng), id = UInt16.random(in: 0...65535, using: &rng)
            let name = "h\(rng.next() % 1000).Example.COM"
            let transport: TransportProtocol = i % 5 == 0 ? .tcp : .udp
            let q = Craft.message(id: id, name: name)
            let r = Craft.message(id: id, response: true, name: name.lowercased(), answers: [Craft.txtRecord(octets: 3)])
            let qe = Craft.event(q, source: client, destination: server, sourcePort: port, destinationPort: 53, transport: transport)
            let re = Craft.event(r, source: server, destination: client, sourcePort: 53, destinationPort: port, transport: transport)
            q.withUnsafeBytes { queries.append(qe, message: $0) }
            r.withUnsafeBytes { responses.append(re, message: $0) }
        }
        let t = try makeTransform(SampleTransform.self, [("rate", "0.3"), ("flow", "true")])
        let keptQueries = runStages(t, on: queries).kept
        let keptResponses = runStages(t, on: responses, shared: true).kept
        XCTAssertEqual(keptQueries, keptResponses)
        // The flow hash spreads transactions evenly: Binomial(20,000, 0.3), standard deviation 64.8.
        XCTAssertEqual(Double(keptQueries.count), 6_000, accuracy: 6 * 64.8)
        // A different ID or client port is another transaction: about 30% of those are kept, independently.
        var shifted = EventBatch(identity: "t")
        queries.forEach { e, m in
            var x = copy e
            x.sourcePort &+= 1
            shifted.append(x, message: m)
        }
        let keptShifted = Set(runStages(t, on: shifted).kept)
        let both = Set(keptQueries).intersection(keptShifted).count
        XCTAssertEqual(Double(both), 20_000 * 0.09, accuracy: 6 * (20_000 * 0.09 * 0.91).squareRoot())
    }

    func testBadRatesAreReported() {
        for rate in ["0", "0:5", "5:1", "1:0", "abc", "101%", "-1%", "1.5", "", "1:2:3", "%"] {
            let (t, issues) = tryTransform(SampleTransform.self, [("rate", .scalar(rate))])
            XCTAssertNil(t, rate)
            XCTAssertTrue(issues.contains { $0.contains("transforms[0].rate") && $0.contains("is not a rate") }, "\(rate): \(issues)")
        }
        let (t, issues) = tryTransform(SampleTransform.self, [("flow", "true")])
        XCTAssertNil(t)
        XCTAssertTrue(issues.joined().contains("a sample needs `rate`"), "\(issues)")
        let (_, flowIssues) = tryTransform(SampleTransform.self, [("rate", "1:2"), ("flow", "sometimes")])
        XCTAssertTrue(flowIssues.joined().contains("must be true or false"), "\(flowIssues)")
    }

    /// Through a pipeline: sampling on one output leaves the others whole.
    func testPerOutputSampling() throws {
        let sample = try makeTransform(SampleTransform.self, [("rate", "1:3")])
        let writers = try runPipeline(outputs: [[sample], []], batch: try TransformFixtures.sampleBatch())
        XCTAssertEqual(writers[0].lines.count, 14)
        XCTAssertEqual(writers[1].lines.count, 42)
    }
}
