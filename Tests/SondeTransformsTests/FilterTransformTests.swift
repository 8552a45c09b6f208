import Foundation
import SondeCore
import SondeDNS
import SondeTransforms
import XCTest

/// `kind: filter` through its settings: `where`, the dnstap-receiver shortcuts `qname_regex` and `identity_regex`,
/// all of them together, and `drop: true`.
final class FilterTransformTests: XCTestCase {
    func names(_ run: StageRun, _ all: [(event: DNSEvent, message: [UInt8])]) -> [String] {
        run.kept.map { WireName.question(all[$0].message) ?? "-" }
    }

    func kept(_ settings: [(String, Setting)], identity: String = "resolver-1") throws -> (StageRun, StageRun, [(event: DNSEvent, message: [UInt8])]) {
        let t = try makeTransform(FilterTransform.self, settings)
        let batch = try VariedSample.batch(identity: identity)
        let owned = runStages(t, on: batch), shared = runStages(t, on: batch, shared: true)
        XCTAssertEqual(owned.kept, shared.kept, "the global stage and an output's stage agree")
        return (owned, shared, contents(batch))
    }

    func testWhere() throws {
        let (r, _, all) = try kept([("where", "qname = *.sample.test and response")])
        XCTAssertEqual(r.kept, all.indices.filter { all[$0].event.layout.isResponse && WireName.question(all[$0].message)!.hasSuffix(".sample.test.") })
    }

    func testQnameRegexMatchesTheLowercasedNameWithItsFinalDot() throws {
        let (r, _, all) = try kept([("qname_regex", "^(www|mixed)\\.sample\\.test\\.$")])
        XCTAssertEqual(Set(names(r, all)), ["www.sample.test.", "mixed.sample.test."])
        XCTAssertEqual(r.kept.count, 4)
        // Unanchored, it is a search.
        let (s, _, all2) = try kept([("qname_regex", "ample")])
        XCTAssertEqual(s.kept.count, all2.count)
    }

    func testIdentityRegex() throws {
        let (r, _, all) = try kept([("identity_regex", "^resolver-[0-9]+$")])
        XCTAssertEqual(r.kept.count, all.count)
        let (s, _, _) = try kept([("identity_regex", "^ns[0-9]+$")])
        XCTAssertEqual(s.kept, [])
        let (u, _, _) = try kept([("identity_regex", "^ns[0-9]+$")], identity: "ns42")
        XCTAssertEqual(u.kept.count, all.count)
    }

    func testEveryConditionMustHold() throws {
        let (r, _, all) = try kept([("where", "query"), ("qname_regex", "^(www|nope)\\."), ("identity_regex", "resolver")])
        XCTAssertEqual(r.kept, all.indices.filter {
            !all[$0].event.layout.isResponse && ["www.sample.test.", "nope.sample.test."].contains(WireName.question(all[$0].message)!)
        })
        let (s, _, _) = try kept([("where", "query"), ("qname_regex", "^www\\."), ("identity_regex", "^nobody$")])
        XCTAssertEqual(s.kept, [])
    }

    func testDropTurnsTheFilterAround() throws {
        let batch = try VariedSample.batch()
        let all = contents(batch)
        for settings: [(String, Setting)] in [
            [("where", "rcode = NXDOMAIN or qtype = AAAA")], [("qname_regex", "^www\\.")], [("identity_regex", "^resolver")],
            [("where", "response"), ("qname_regex", "sample")],
        ] {
            let keep = runStages(try makeTransform(FilterTransform.self, settings), on: batch).kept
            let drop = runStages(try makeTransform(FilterTransform.self, settings + [("drop", "true")]), on: batch, shared: true).kept
            XCTAssertEqual(Set(keep).union(drop), Set(all.indices), "\(settings)")
            XCTAssertTrue(Set(keep).isDisjoint(with: drop), "\(settings)")
        }
    }

    func testEventsWithoutAQuestionNeverMatchAQnameRegex() throws {
        let batch = Craft.batch([Craft.message(name: nil), Craft.message(name: "a.example")])
        XCTAssertEqual(runStages(try makeTransform(FilterTransform.self, [("qname_regex", ".*")]), on: batch).kept, [1])
        XCTAssertEqual(runStages(try makeTransform(FilterTransform.self, [("qname_regex", ".*"), ("drop", "yes")]), on: batch).kept, [0])
    }

    func testSettingsProblemsAreReportedWithTheirPlace() {
        var (t, issues) = tryTransform(FilterTransform.self, [("drop", "true")])
        XCTAssertNil(t)
        XCTAssertTrue(issues.joined().contains("a filter needs `where`, `qname_regex` or `identity_regex`"), "\(issues)")
        (t, issues) = tryTransform(FilterTransform.self, [("where", "rcode = NXDOMIAN")])
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].where: filter \"rcode = NXDOMIAN\": rcode: unknown value \"NXDOMIAN\" (at character 7)") }, "\(issues)")
        (t, issues) = tryTransform(FilterTransform.self, [("qname_regex", "a(?<=b)")])
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].qname_regex") && $0.contains("at position") }, "\(issues)")
        (t, issues) = tryTransform(FilterTransform.self, [("identity_regex", "(")])
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].identity_regex") }, "\(issues)")
        (t, issues) = tryTransform(FilterTransform.self, [("where", "response"), ("drop", "perhaps"), ("qname-regex", "x")])
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].drop") }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].qname-regex: unknown key") }, "\(issues)")
    }

    /// In a pipeline: a filter on one output is counted there and hides nothing from the others.
    func testAnOutputsFilterIsItsOwn() throws {
        let f = try makeTransform(FilterTransform.self, [("where", "qtype = A and query")])
        let writers = try runPipeline(outputs: [[f], []], batch: try TransformFixtures.sampleBatch())
        let kept = try writers[0].objects()
        XCTAssertTrue(kept.allSatisfy { $0["qtype"] as? String == "A" && $0["response"] as? Bool == false }, "\(kept)")
        XCTAssertGreaterThan(kept.count, 3)
        XCTAssertEqual(writers[1].lines.count, 42)
    }
}
