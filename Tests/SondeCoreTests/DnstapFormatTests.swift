import Foundation
import SondeCore
import SondeDNS
import SondeDnstap
import SondeInputs
import XCTest
import Yams

/// Events from dnstap in every format: policy, extra bytes, zones, messages without DNS payload, odd identities.
final class DnstapFormatTests: XCTestCase {
    /// A batch of synthetic frames covering every optional dnstap field, plus the corpus files when present.
    func makeBatch() throws -> EventBatch {
        var frames: [[UInt8]] = []
        func add(_ m: DnstapEncoder.Message, identity: [UInt8]?, version: [UInt8]?, extra: [UInt8]? = nil) {
            var out = OutputBuffer()
            let id = identity ?? [], v = version ?? [], x = extra ?? []
            id.withUnsafeBytes { i in
                v.withUnsafeBytes { vv in
                    x.withUnsafeBytes { xx in
                        DnstapEncoder.writeFrame(
                            identity: identity == nil ? nil : i, version: version == nil ? nil : vv, extra: extra == nil ? nil : xx,
                            messageSize: m.size, into: &out) { m.write(into: &$0) }
                    }
                }
            }
            frames.append(Array(out.makeArray().dropFirst(4)))
        }
        let query: [UInt8] = [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x77, 0x77, 0x77, 0, 0, 1, 0, 1]
        let zone: [UInt8] = [7] + Array("example".utf8) + [0]
        let policyBytes: [UInt8] = {
            // Policy { type "RPZ", rule <zone>, action NXDOMAIN, match CLIENT_IP, value 192.0.2.1 }
            var p: [UInt8] = [0x0a, 3] + Array("RPZ".utf8)
            p += [0x12, UInt8(zone.count)] + zone
            p += [0x18, 1, 0x20, 2, 0x2a, 4, 192, 0, 2, 1]
            return p
        }()
        let v4: [UInt8] = [192, 0, 2, 53], v6: [UInt8] = Array(repeating: 0, count: 15) + [1]
        try query.withUnsafeBytes { q in
            try zone.withUnsafeBytes { z in
                try policyBytes.withUnsafeBytes { p in
                    try v4.withUnsafeBytes { a4 in
                        try v6.withUnsafeBytes { a6 in
                            for type in UInt32(1)...14 {
                                var m = DnstapEncoder.Message(type: type)
                                m.socketFamily = type % 2 == 0 ? 2 : 1
                                m.socketProtocol = (type % 7) + 1
                                m.queryAddress = type % 2 == 0 ? a6 : a4
                                m.responseAddress = type % 2 == 0 ? a6 : a4
                                m.queryPort = 5353
                                m.responsePort = 53
                                m.queryTime = 1_700_000_000_123_456_789
                                if type % 2 == 0 { m.responseTime = 1_700_000_000_223_456_789 }
                                if type != 6 { m.queryMessage = q; m.responseMessage = q }  // type 6: no DNS message
                                if type == 3 { m.queryZone = z }
                                if type == 4 { m.policy = p; m.httpProtocol = 2 }
                                if type == 9 { m.queryZone = UnsafeRawBufferPointer(rebasing: q[0..<3]) }  // not a name
                                add(m, identity: type == 5 ? nil : Array("srv \"1\"\\\u{1}".utf8) + [0xff],
                                    version: type == 7 ? nil : Array("v1 ü".utf8), extra: type == 8 ? [0, 1, 0x22, 0xc3] : nil)
                            }
                            _ = try XCTUnwrap(Optional(0))
                        }
                    }
                }
            }
        }
        var batch = EventBatch(identity: "fallback")
        var processor = DnstapProcessor()
        for f in frames {
            f.withUnsafeBytes { processor.process(frame: $0, receivedAt: 1_000_000_000, into: &batch) }
        }
        XCTAssertEqual(processor.counters.events, 14)
        XCTAssertEqual(processor.counters.withoutMessage, 1)
        return batch
    }

    func testJSONIsValidAndTheHandWrittenWriterMatchesTheGenericOne() throws {
        let batch = try makeBatch()
        var formatter = BatchFormatter(format: .json)
        var fast = OutputBuffer()
        formatter.write(batch, into: &fast)
        var generic = OutputBuffer()
        var context = FormatContext()
        var emitter = JSONEmitter()
        batch.identityEscaped.withUnsafeBytes { identity in
            batch.forEach { e, m in
                EventSerializer.write(e, message: m, identity: identity, context: &context, emitter: &emitter, into: &generic)
            }
        }
        XCTAssertEqual(fast.makeString(), generic.makeString())
        let events = try fast.makeString().split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0))
        }
        XCTAssertEqual(events.count, 14)
        XCTAssertEqual(events[0]["dnstap_type"] as? String, "AUTH_QUERY")
        XCTAssertEqual(events[0]["identity"] as? String, "srv \"1\"\\\u{1}\u{ff}", "invalid UTF-8 read as Latin-1")
        XCTAssertEqual(events[2]["query_zone"] as? String, "example.")
        let policy = try XCTUnwrap(events[3]["policy"] as? [String: Any])
        XCTAssertEqual(policy["type"] as? String, "RPZ")
        XCTAssertEqual(policy["rule"] as? String, "example.")
        XCTAssertEqual(policy["action"] as? String, "NXDOMAIN")
        XCTAssertEqual(policy["match"] as? String, "CLIENT_IP")
        XCTAssertEqual(policy["value"] as? String, "192.0.2.1")
        XCTAssertEqual(events[3]["http_protocol"] as? String, "HTTP2")
        XCTAssertEqual(events[3]["latency"] as? Double, 0.1)
        XCTAssertEqual(events[3]["src_ip"] as? String, "::1", "a response's source is the responder")
        XCTAssertEqual(events[4]["identity"] as? String, "fallback")
        XCTAssertEqual(events[5]["size"] as? Int, 0)
        XCTAssertEqual(events[5]["response"] as? Bool, true)
        XCTAssertNil(events[5]["qname"])
        XCTAssertNil(events[6]["version"])
        XCTAssertEqual(events[7]["extra"] as? String, "\u{0}\u{1}\"\u{c3}")
        XCTAssertEqual(events[8]["query_zone"] as? String, "\u{12}4\u{1}")
        XCTAssertEqual(events[13]["dnstap_type"] as? String, "UPDATE_RESPONSE")
        XCTAssertEqual(events[1]["protocol"] as? String, "DOT")
        XCTAssertEqual(events[5]["protocol"] as? String, "DOQ")
    }

    func testYAMLTextAndCSVStayWellFormed() throws {
        let batch = try makeBatch()
        func render(_ f: OutputFormat) -> String {
            var formatter = BatchFormatter(format: f)
            var out = OutputBuffer()
            formatter.writeHeader(into: &out)
            formatter.write(batch, into: &out)
            return out.makeString()
        }
        let docs = try Array(Yams.load_all(yaml: render(.yaml)))
        XCTAssertEqual(docs.count, 14)
        XCTAssertEqual((docs[3] as? [String: Any])?["dnstap_type"] as? String, "RESOLVER_RESPONSE")
        let text = render(.text).split(separator: "\n")
        XCTAssertEqual(text.count, 14)
        XCTAssertTrue(text[4].contains(" fallback CLIENT_QUERY NOERROR 192.0.2.53:5353 -> 192.0.2.53:53 DNSCryptTCP "), String(text[4]))
        XCTAssertTrue(text[5].contains(" CLIENT_RESPONSE - "), String(text[5]))
        let csv = render(.csv).split(separator: "\n")
        XCTAssertEqual(csv.count, 15)
        XCTAssertTrue(csv[0].hasSuffix(",dnstap_type"))
        XCTAssertTrue(csv[1].hasSuffix(",AUTH_QUERY"))
    }

    func testCorpusStreamsInEveryFormat() throws {
        guard let root = Corpus.root else { throw XCTSkip("../shared/corpus is not here (a user's clone): corpus test skipped") }
        for name in ["unbound", "dnsdist", "gen-sample"] {
            let input = PcapFileInput(configuration: .init(paths: [root.appendingPathComponent("dnstap/\(name).dnstap").path]))
            var yaml = BatchFormatter(format: .yaml), csv = BatchFormatter(format: .csv)
            var y = OutputBuffer(), c = OutputBuffer()
            try input.run { batch in
                yaml.write(batch, into: &y)
                csv.write(batch, into: &c)
            }
            let docs = try Array(Yams.load_all(yaml: y.makeString()))
            XCTAssertEqual(docs.count, Int(input.dnstapCounters.events), name)
            XCTAssertEqual(c.makeString().split(separator: "\n").count, Int(input.dnstapCounters.events), name)
        }
    }
}
