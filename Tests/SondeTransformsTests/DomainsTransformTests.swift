import Foundation
import Logging
import SondeCore
import SondeDNS
import SondePacket
import SondeTransforms
import XCTest

/// `kind: domains` through its settings: allow and skip lists from files and URLs, events without a question, and
/// lists reloaded while the stage keeps running.
final class DomainsTransformTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws { folder = try TransformFixtures.temporaryFolder(self) }

    func file(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The names of the sample's kept events (lowercased, with the final dot), from the run.
    func keptNames(_ run: StageRun, of all: [(event: DNSEvent, message: [UInt8])]) -> [String] {
        run.kept.map { WireName.question(all[$0].message) ?? "-" }
    }

    func testAllowOnlyKeepsTheListedNames() throws {
        let list = try file("allow.txt", "sample.test\n*.sample.test\n")
        let t = try makeTransform(DomainsTransform.self, [("allow", [list])])
        let batch = try TransformFixtures.sampleBatch()
        let all = contents(batch)
        for shared in [false, true] {
            let r = runStages(t, on: batch, shared: shared)
            let expected = all.indices.filter { WireName.question(all[$0].message).map { $0.hasSuffix("sample.test.") } ?? false }
            XCTAssertEqual(r.kept, expected)
            XCTAssertFalse(keptNames(r, of: all).contains("other.example."))
            // MiXeD.SaMpLe.TeSt is kept: names are matched lowercased.
            XCTAssertTrue(keptNames(r, of: all).contains("mixed.sample.test."))
            XCTAssertEqual(r.kept.count, 40)
        }
    }

    func testSkipOnlyLeavesOutTheListedNames() throws {
        let list = try file("skip.csv", "www.sample.test,fqdn\nnope,prefix\n.example,suffix\n")
        let t = try makeTransform(DomainsTransform.self, [("skip", .scalar(list))])
        let batch = try TransformFixtures.sampleBatch()
        let all = contents(batch)
        let r = runStages(t, on: batch, shared: true)
        let skipped = Set(all.indices).subtracting(r.kept).map { WireName.question(all[$0].message)! }
        XCTAssertEqual(Set(skipped), ["www.sample.test.", "nope.sample.test.", "other.example."])
        XCTAssertEqual(r.kept.count, 42 - 6)
    }

    func testAllowThenSkip() throws {
        let allow = try file("allow.txt", "*.sample.test\n")
        let skip = try file("skip.txt", "0.0.0.0 www.sample.test\n_sip,prefix\n")
        let t = try makeTransform(DomainsTransform.self, [("allow", [allow]), ("skip", [skip]), ("refresh", "10s")])
        let batch = try TransformFixtures.sampleBatch()
        let all = contents(batch)
        let names = Set(keptNames(runStages(t, on: batch), of: all))
        XCTAssertEqual(names, ["nope.sample.test.", "big.sample.test.", "mixed.sample.test."])
    }

    func testSeveralListsAreOneSet() throws {
        let a = try file("a.txt", "www.sample.test\n"), b = try file("b.txt", "other.example,fqdn\n")
        let t = try makeTransform(DomainsTransform.self, [("allow", [a, b])])
        let all = contents(try TransformFixtures.sampleBatch())
        XCTAssertEqual(Set(keptNames(runStages(t, on: try TransformFixtures.sampleBatch()), of: all)), ["www.sample.test.", "other.example."])
    }

    func testEventsWithoutAQuestion() throws {
        let list = try file("list.txt", "example.com\n")
        var batch = Craft.batch([
            Craft.message(name: nil), Craft.message(name: "example.com"), Craft.message(response: true, name: nil),
            Craft.message(name: "example.org"),
        ])
        // A dnstap event without a DNS message: no question either.
        let headerOnly = Craft.message(name: nil)
        var e = Craft.event(headerOnly)
        e.markers.insert(.noMessage)
        headerOnly.withUnsafeBytes { batch.append(e, message: $0) }
        let allow = try makeTransform(DomainsTransform.self, [("allow", [list])])
        XCTAssertEqual(runStages(allow, on: batch).kept, [1], "allow: events without a question are left out")
        let skip = try makeTransform(DomainsTransform.self, [("skip", [list])])
        XCTAssertEqual(runStages(skip, on: batch).kept, [0, 2, 3, 4], "skip: events without a question are kept")
    }

    func testSettingsProblemsAreReported() throws {
        var (t, issues) = tryTransform(DomainsTransform.self, [])
        XCTAssertNil(t)
        XCTAssertTrue(issues.joined().contains("needs `allow`, `skip` or both"), "\(issues)")

        (t, issues) = tryTransform(DomainsTransform.self, [("allow", [folder.appendingPathComponent("missing.txt").path])])
        XCTAssertNil(t)
        XCTAssertTrue(issues.joined().contains("transforms[0].allow"), "\(issues)")
        XCTAssertTrue(issues.joined().contains("missing.txt"), "\(issues)")

        let unreadable = try file("bad.txt", "a,nope\nb,nope\n")
        (t, issues) = tryTransform(DomainsTransform.self, [("skip", [unreadable])])
        XCTAssertNil(t)
        XCTAssertTrue(issues.joined().contains("no line could be read as a domain"), "\(issues)")

        (t, issues) = tryTransform(DomainsTransform.self, [("allow", ["https://lists.example/x.txt"])])
        XCTAssertNil(t)
        XCTAssertTrue(issues.joined().contains("URLs cannot be fetched here"), "\(issues)")

        let good = try file("good.txt", "example.com\n")
        (t, issues) = tryTransform(DomainsTransform.self, [("allow", [good]), ("refresh", "forever"), ("alow", [good])])
        XCTAssertTrue(issues.contains { $0.contains("refresh") && $0.contains("duration") }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].alow: unknown key") }, "\(issues)")
    }

    func testAnEmptyListIsAllowedButMatchesNothing() throws {
        let empty = try file("empty.txt", "# nothing yet\n")
        let t = try makeTransform(DomainsTransform.self, [("allow", [empty])])
        XCTAssertEqual(runStages(t, on: try TransformFixtures.sampleBatch()).kept, [])
    }

    func testBadLinesAreLoggedWithTheirPlaceAndSkipped() throws {
        let recorder = LogRecorder()
        let list = try file("mixed.txt", "sample.test\nwww.sample.test,glob\n")
        let t = try makeTransform(DomainsTransform.self, [("allow", [list])], context: .test(log: recorder.log))
        XCTAssertEqual(Set(keptNames(runStages(t, on: try TransformFixtures.sampleBatch()), of: contents(try TransformFixtures.sampleBatch()))), ["sample.test."])
        XCTAssertEqual(recorder.warnings, ["\(list):2: unknown logic \"glob\" (expected prefix, suffix or fqdn); line skipped"])
    }

    func testListsFromURLsGoThroughTheContextsFetcher() throws {
        let asked = LockedStrings()
        let context = ComponentContext.test(fetch: { url in
            asked.append(url)
            guard url == "https://lists.example/allow.csv" else { throw SondeError("404") }
            return Array("www.sample.test,fqdn\n".utf8)
        })
        let t = try makeTransform(DomainsTransform.self, [("allow", ["https://lists.example/allow.csv"])], context: context)
        XCTAssertEqual(asked.values, ["https://lists.example/allow.csv"])
        XCTAssertEqual(runStages(t, on: try TransformFixtures.sampleBatch()).kept.count, 2)
    }

    // MARK: Reloading

    func testAReloadedListIsUsedByTheRunningStage() throws {
        let recorder = LogRecorder()
        let hub = ReloadHub()
        let path = try file("allow.txt", "www.sample.test\n")
        let t = try makeTransform(DomainsTransform.self, [("allow", [path])], context: .test(log: recorder.log, reloads: hub))
        var stages = [t.makeStage()]
        let batch = try TransformFixtures.sampleBatch()
        let all = contents(batch)
        XCTAssertEqual(Set(keptNames(runStages(&stages, on: batch), of: all)), ["www.sample.test."])

        // A new list, read on SIGHUP: the same stage uses it from its next batch.
        try Data("other.example\nnope.sample.test\n".utf8).write(to: URL(fileURLWithPath: path))
        hub.reloadNow()
        XCTAssertEqual(Set(keptNames(runStages(&stages, on: batch), of: all)), ["other.example.", "nope.sample.test."])
        XCTAssertTrue(recorder.messages.contains { $0.level == .info && $0.text.contains("reloaded (SIGHUP)") }, "\(recorder.messages)")

        // A broken list keeps the one before, with a warning.
        try Data("other.example,nonsense\n".utf8).write(to: URL(fileURLWithPath: path))
        hub.reloadNow()
        XCTAssertEqual(Set(keptNames(runStages(&stages, on: batch), of: all)), ["other.example.", "nope.sample.test."])
        XCTAssertTrue(recorder.warnings.contains { $0.contains("cannot reload") && $0.contains("no line could be read") }, "\(recorder.warnings)")

        // So does a list that went away.
        try FileManager.default.removeItem(atPath: path)
        hub.reloadNow()
        XCTAssertEqual(Set(keptNames(runStages(&stages, on: batch), of: all)), ["other.example.", "nope.sample.test."])
        XCTAssertEqual(recorder.warnings.filter { $0.contains("cannot reload") }.count, 2)

        // And the next good one is taken again; a new stage sees it too.
        try Data("*.sample.test\n".utf8).write(to: URL(fileURLWithPath: path))
        hub.reloadNow()
        var fresh = [t.makeStage()]
        for s in [runStages(&stages, on: batch), runStages(&fresh, on: batch)] {
            XCTAssertEqual(Set(keptNames(s, of: all)), ["www.sample.test.", "nope.sample.test.", "big.sample.test.", "_sip._udp.sample.test.", "mixed.sample.test."])
        }
    }

    func testAReloadedSkipListAndAnAllowListAreIndependent() throws {
        let hub = ReloadHub()
        let allow = try file("allow.txt", "*.sample.test\nsample.test\n")
        let skip = try file("skip.txt", "www.sample.test\n")
        let t = try makeTransform(DomainsTransform.self, [("allow", [allow]), ("skip", [skip])], context: .test(reloads: hub))
        var stages = [t.makeStage()]
        let batch = try TransformFixtures.sampleBatch()
        XCTAssertEqual(runStages(&stages, on: batch).kept.count, 40 - 2)
        try Data("www.sample.test\nsample.test\n".utf8).write(to: URL(fileURLWithPath: skip))
        hub.reloadNow()
        let names = Set(keptNames(runStages(&stages, on: batch), of: contents(batch)))
        XCTAssertEqual(names, ["nope.sample.test.", "big.sample.test.", "_sip._udp.sample.test.", "mixed.sample.test."])
    }
}

/// Strings appended from any thread.
final class LockedStrings: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ s: String) { lock.withLock { list.append(s) } }
    var values: [String] { lock.withLock { list } }
}
