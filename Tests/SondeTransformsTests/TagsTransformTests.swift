import Foundation
import SondeCore
import SondeTransforms
import XCTest

/// `kind: tags`: static fields on every event; an output's tags over the global ones.
final class TagsTransformTests: XCTestCase {
    func tags(_ pairs: [(String, String)]) throws -> TagsTransform {
        try makeTransform(TagsTransform.self, [("tags", .mapping(pairs))])
    }

    func fields(_ e: EventEnrichment?) -> [String] {
        (e?.tags?.takeUnretainedValue().fields ?? []).map { "\($0.key)=\($0.value)" }
    }

    func testEveryEventGetsTheTags() throws {
        let t = try tags([("site", "par1"), ("role", "resolver")])
        for shared in [false, true] {
            let r = runStages(t, on: try TransformFixtures.sampleBatch(), shared: shared)
            XCTAssertEqual(r.kept.count, 42)
            for e in r.enrichments { XCTAssertEqual(fields(e), ["site=par1", "role=resolver"]) }
        }
    }

    func testAnOutputsTagsAreMergedOverTheGlobalOnes() throws {
        let global = try tags([("site", "par1"), ("role", "resolver"), ("env", "prod")])
        let output = try tags([("role", "edge"), ("rack", "r7")])
        var stages = [global.makeStage(), output.makeStage()]
        let r = runStages(&stages, on: try TransformFixtures.sampleBatch(), shared: true)
        for e in r.enrichments { XCTAssertEqual(fields(e), ["site=par1", "env=prod", "role=edge", "rack=r7"]) }
        // The same tags twice change nothing.
        var twice = [global.makeStage(), global.makeStage()]
        for e in runStages(&twice, on: try TransformFixtures.sampleBatch()).enrichments {
            XCTAssertEqual(fields(e), ["site=par1", "role=resolver", "env=prod"])
        }
    }

    func testTheJSONOutputShowsThemPerOutput() throws {
        let global = try tags([("site", "par1"), ("role", "resolver")])
        let edge = try tags([("role", "edge"), ("note", "say \"hi\"\\\n")])
        let writers = try runPipeline(global: [global], outputs: [[], [edge], []], batch: try TransformFixtures.sampleBatch())
        for (i, expected) in [["site": "par1", "role": "resolver"], ["site": "par1", "role": "edge", "note": "say \"hi\"\\\n"], ["site": "par1", "role": "resolver"]].enumerated() {
            let objects = try writers[i].objects()
            XCTAssertEqual(objects.count, 42)
            for o in objects { XCTAssertEqual(o["tags"] as? [String: String], expected, "output \(i)") }
        }
        // Written in order: the global fields first, the output's after them.
        XCTAssertTrue(writers[1].lines[0].contains(#""tags":{"site":"par1","role":"edge","note":"say \"hi\"\\\n"}"#), writers[1].lines[0])
        XCTAssertTrue(writers[0].lines[0].contains(#""tags":{"site":"par1","role":"resolver"}"#), writers[0].lines[0])
    }

    func testOnlyAnOutputsTags() throws {
        let edge = try tags([("role", "edge")])
        let writers = try runPipeline(outputs: [[], [edge]], batch: try TransformFixtures.sampleBatch())
        XCTAssertFalse(writers[0].text.contains("\"tags\""))
        for o in try writers[1].objects() { XCTAssertEqual(o["tags"] as? [String: String], ["role": "edge"]) }
    }

    func testSettingsProblems() {
        for entries: [(String, Setting)] in [[], [("tags", "site")], [("tags", .mapping([]))], [("tags", ["a", "b"])]] {
            let (t, issues) = tryTransform(TagsTransform.self, entries)
            XCTAssertNil(t, "\(entries)")
            XCTAssertFalse(issues.isEmpty, "\(entries)")
        }
        let (_, issues) = tryTransform(TagsTransform.self, [("tags", .mapping([("site", "par1")])), ("tag", "x")])
        XCTAssertTrue(issues.joined().contains("transforms[0].tag: unknown key"), "\(issues)")
    }
}
