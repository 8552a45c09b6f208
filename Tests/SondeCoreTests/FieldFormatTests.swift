import Foundation
import SondeCore
import SondeDNS
import SondePacket
import XCTest

/// Field selection, flat JSON, CSV columns, templates, and what transforms add to the JSON event.
final class FieldFormatTests: XCTestCase {
    func output(_ settings: [(String, String)], global: [any TransformComponent] = []) throws -> [String] {
        var s = ComponentSettings(settings, path: "outputs[0]", source: "test")
        let o = try XCTUnwrap(MemoryOutput(settings: &s, context: ComponentContext(identity: "t", log: .quiet)))
        s.finish()
        XCTAssertEqual(s.issues.map(\.description), [])
        let p = try makePipeline(global: global, [(o, [], .block, 1000)])
        try p.start()
        var batch = try sampleBatch()
        p.makeProducer().consume(&batch)
        p.finish(deadline: SondeThread.now() + 10)
        return o.writer.lines
    }

    func json(_ line: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], line)
    }

    func testSelectedFieldsInTheirOrderAndNothingElse() throws {
        let lines = try output([("format", "json"), ("fields", "time,src_ip,qname,qtype,rcode,latency,flags.rd,answers")])
        XCTAssertEqual(lines.count, 42)
        let first = lines[1]
        XCTAssertTrue(first.hasPrefix("{\"time\":\"2026-11-21T23:45:30.191643000Z\",\"src_ip\":\"127.0.0.1\",\"qname\":\"sample.test.\""), first)
        let o = try json(first)
        XCTAssertEqual(Set(o.keys), ["time", "src_ip", "qname", "qtype", "rcode", "latency", "flags.rd", "answers"])
        XCTAssertTrue(o["latency"] is NSNull, "no matching here: latency is absent, as null")
        XCTAssertEqual((o["answers"] as? [[String: Any]])?.first?["rdata"] as? String, "192.0.2.10")
    }

    func testFlatJSONHasOnlyDottedScalarsAndAgreesWithTheNestedForm() throws {
        let flat = try output([("format", "json"), ("flat", "true")])
        let nested = handWrittenJSON(try sampleBatch()).split(separator: "\n").map(String.init)
        XCTAssertEqual(flat.count, nested.count)
        for (f, n) in zip(flat, nested) {
            let fo = try json(f), no = try json(n)
            for (k, v) in fo {
                XCTAssertFalse(v is [String: Any] || v is [Any], "\(k) is not flat")
                // Walk the dotted path in the nested form.
                var cur: Any? = no
                for part in k.split(separator: ".") {
                    if let i = Int(part), let a = cur as? [Any] { cur = a[i] } else { cur = (cur as? [String: Any])?[String(part)] }
                }
                XCTAssertEqual("\(cur ?? "missing")", "\(v)", k)
            }
            XCTAssertEqual(fo["flags.aa"] as? Bool, (no["flags"] as? [String: Bool])?["aa"])
        }
    }

    func testCSVWithChosenColumnsAndWithoutHeader() throws {
        var s = ComponentSettings([("format", "csv"), ("fields", "time,qname,rcode,answers"), ("header", "false")], path: "o", source: "t")
        let f = FormatSettings(settings: &s)
        XCTAssertEqual(f.headerBytes, [])
        var h = ComponentSettings([("format", "csv"), ("fields", "time,qname,rcode")], path: "o", source: "t")
        XCTAssertEqual(String(decoding: FormatSettings(settings: &h).headerBytes, as: UTF8.self), "time,qname,rcode\n")
        let lines = try output([("format", "csv"), ("fields", "time,qname,rcode,answers")])
        XCTAssertEqual(lines[1], #""2026-11-21T23:45:30.191643000Z","sample.test.","NOERROR","[{""name"":""sample.test."",""type"":""A"",""class"":""IN"",""ttl"":300,""rdata"":""192.0.2.10""}]""#)
    }

    func testTemplatesAndTextFields() throws {
        let lines = try output([("template", "{time} {src_ip}:{src_port} {qname} {qtype} {rcode} {latency} {{x}}")])
        XCTAssertEqual(lines[0], "2026-11-21T23:45:30.191068000Z 127.0.0.1:45120 sample.test. A NOERROR - {x}")
        XCTAssertEqual(lines[1], "2026-11-21T23:45:30.191643000Z 127.0.0.1:53 sample.test. A NOERROR - {x}")
        let text = try output([("text_fields", "identity,response,qname,client_ip,server_ip")])
        XCTAssertEqual(text[1], "t true sample.test. 127.0.0.1 127.0.0.1")
        XCTAssertThrowsError(try EventTemplate(parsing: "{time} {nope}"))
        XCTAssertThrowsError(try EventTemplate(parsing: "{time"))
    }

    func testFieldSettingsAreCheckedWithTheirPlace() {
        var s = ComponentSettings([("format", "yaml"), ("fields", "time,bogus"), ("flat", "true")], path: "outputs[2]", source: "t")
        _ = FormatSettings(settings: &s)
        let text = s.issues.map(\.description).joined(separator: "\n")
        XCTAssertTrue(text.contains("outputs[2].fields: unknown field \"bogus\""), text)
        XCTAssertTrue(text.contains("flat applies to format: json"), text)
    }

    func testEnrichmentIsWrittenByTheJSONAndYAMLWritersAlike() throws {
        let tags = TagSet([("site", "par1"), ("role", "res\"olver")])
        let enrich = Enricher(tags: tags)
        for format in ["json", "yaml"] {
            let lines = try output([("format", format)], global: [enrich]).joined(separator: "\n")
            XCTAssertTrue(lines.contains(format == "json" ? "\"tags\":{\"site\":\"par1\",\"role\":\"res\\\"olver\"}" : "\"site\": \"par1\""), lines)
            XCTAssertTrue(lines.contains(format == "json" ? "\"suspicious\":{\"score\":2,\"reasons\":[\"long_name\",\"high_entropy\"]}" : "- \"long_name\""), lines)
        }
        let json = try output([("format", "json")], global: [enrich])
        for line in json {
            let o = try self.json(line)
            XCTAssertEqual((o["tags"] as? [String: String])?["site"], "par1")
            if let q = o["qname"] as? String {
                XCTAssertEqual(q, q.lowercased(), "lowercased by the enrichment")
                XCTAssertEqual((o["qname_original"] as? String)?.lowercased(), q)
            }
        }
        XCTAssertTrue(json.contains { ($0.contains("\"qname_original\":\"MiXeD.SaMpLe.TeSt.\"")) })
    }

    /// Sets tags, a suspicion and lowercasing on every event.
    final class Enricher: TransformComponent, @unchecked Sendable {
        static let kind = "enrich"
        static let reference = ComponentReference("- kind: enrich")
        let tags: TagSet
        init(tags: TagSet) { self.tags = tags }
        init?(settings: inout ComponentSettings, context: ComponentContext) { return nil }
        func makeStage() -> any EventStage { Stage(tags: tags) }
        struct Stage: EventStage {
            let tags: TagSet
            mutating func apply(_ rows: inout EventRows) {
                for i in 0..<rows.count {
                    let e = rows.mutableEnrichment(i)
                    e.pointee.tags = Unmanaged.passUnretained(tags)
                    e.pointee.suspicionScore = 2
                    e.pointee.suspicionReasons = [.longName, .highEntropy]
                    e.pointee.qnameOptions = [.lowercase, .keepOriginal]
                }
            }
        }
    }
}
