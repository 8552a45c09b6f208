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
        // Policy { match CLIENT_IP, value "A" }: an address match whose value is no address is written as text.
        let oddPolicyBytes: [UInt8] = [0x20, 2, 0x2a, 1, 0x41]
        let v4: [UInt8] = [192, 0, 2, 53], v6: [UInt8] = Array(repeating: 0, count: 15) + [1]
        try query.withUnsafeBytes { q in
            try zone.withUnsafeBytes { z in
                try policyBytes.withUnsafeBytes { p in
                  try oddPolicyBytes.withUnsafeBytes { oddPolicy in
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
                                if type == 10 { m.policy = oddPolicy }
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
        let fast = handWrittenJSON(batch)
        XCTAssertEqual(fast, genericJSON(batch))
        let events = try fast.split(separator: "\n").map {
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
        let oddPolicy = try XCTUnwrap(events[9]["policy"] as? [String: Any])
        XCTAssertEqual(oddPolicy["match"] as? String, "CLIENT_IP")
        XCTAssertEqual(oddPolicy["value"] as? String, "A", "a value that is no address stays text")
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

    /// Every member at its widest at once (IPv6 addresses of 39 characters, 5-digit ports and IDs, unknown opcode,
    /// rcode, types and classes, a 10-digit TTL and dnstap type, escapes in names, 10-digit latency seconds, times
    /// that differ from `time`): the hand-written writer still equals the generic one, and in debug builds (the
    /// tests) every cursor run is checked against the room it reserved.
    func testWidestValuesStayWithinTheWritersBounds() throws {
        // Header: ID 0xFFFF, every flag, opcode 15, rcode 15; one question, three answers, one additional (OPT).
        var dns: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0, 1, 0, 3, 0, 0, 0, 1]
        // A name of 63-octet labels full of octets that need escapes, quoted (up to 5 bytes each when quoted).
        for _ in 0..<3 { dns += [63] + [UInt8](repeating: 0x22, count: 20) + [UInt8](repeating: 0x5c, count: 20) + [UInt8](repeating: 0x00, count: 23) }
        dns += [61] + [UInt8](repeating: 0xfe, count: 61) + [0]
        dns += [0xff, 0xff, 0xff, 0xff]  // TYPE65535 CLASS65535
        // Answers: an unknown type and class with a 10-digit TTL; the widest IPv6 address; the widest dotted quad.
        dns += [0xc0, 12, 0xff, 0xfe, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0, 4, 1, 2, 3, 4]
        dns += [0xc0, 12, 0, 28, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 16] + [UInt8](repeating: 0xfe, count: 16)
        dns += [0xc0, 12, 0, 1, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 4, 255, 255, 255, 255]
        // OPT: UDP size 65535, extended rcode 0xff, version 255, DO.
        dns += [0, 0, 41, 0xff, 0xff, 0xff, 0xff, 0x80, 0x00, 0, 0]
        let address = [UInt8](repeating: 0xfe, count: 16)
        var frame: [UInt8] = []
        try dns.withUnsafeBytes { d in
            try address.withUnsafeBytes { a in
                var m = DnstapEncoder.Message(type: 0xffff_fffe)  // an unknown response type
                m.socketFamily = 2
                m.socketProtocol = 2
                m.queryAddress = a
                m.responseAddress = a
                m.queryPort = 65535
                m.responsePort = 65535
                m.queryTime = 1
                m.responseTime = 9_000_000_000_999_999_999
                m.responseMessage = d
                var out = OutputBuffer()
                let identity = [UInt8](repeating: 0x22, count: 300), version = [UInt8](repeating: 0x5c, count: 300)
                identity.withUnsafeBytes { i in
                    version.withUnsafeBytes { v in
                        DnstapEncoder.writeFrame(identity: i, version: v, extra: nil, messageSize: m.size, into: &out) { m.write(into: &$0) }
                    }
                }
                frame = Array(out.makeArray().dropFirst(4))
                _ = try XCTUnwrap(Optional(0))
            }
        }
        // The same frame with a header-only message (no question, unknown rcode: the other path of the flags).
        var headerOnly = frame
        let at = try XCTUnwrap((0..<headerOnly.count - 12).first { Array(headerOnly[$0..<$0 + 12]) == Array(dns[0..<12]) })
        headerOnly.replaceSubrange((at + 4)..<(at + 12), with: [UInt8](repeating: 0, count: 8))
        var batch = EventBatch(identity: "fallback")
        var processor = DnstapProcessor()
        frame.withUnsafeBytes { processor.process(frame: $0, receivedAt: 0, into: &batch) }
        headerOnly.withUnsafeBytes { processor.process(frame: $0, receivedAt: 0, into: &batch) }
        XCTAssertEqual(processor.counters.events, 2)
        let fast = handWrittenJSON(batch, capacity: 64)
        XCTAssertEqual(fast, genericJSON(batch))
        let lines = fast.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let event = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let bare = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertTrue(bare["qname"] is NSNull)
        XCTAssertEqual(bare["qd_count"] as? Int, 0)
        XCTAssertEqual(bare["opcode"] as? String, "OPCODE15")
        XCTAssertEqual(event["src_ip"] as? String, "fefe:fefe:fefe:fefe:fefe:fefe:fefe:fefe")
        XCTAssertEqual(event["dnstap_type"] as? String, "4294967294")
        XCTAssertEqual(event["opcode"] as? String, "OPCODE15")
        XCTAssertEqual(event["qtype"] as? String, "TYPE65535")
        XCTAssertEqual(event["latency"] as? Double, 9_000_000_000.999999998)
        let answers = try XCTUnwrap(event["answers"] as? [[String: Any]])
        XCTAssertEqual(answers.map { $0["type"] as? String }, ["TYPE65534", "AAAA", "A"])
        XCTAssertEqual(answers.map { $0["ttl"] as? Int }, [4_294_967_295, 4_294_967_295, 4_294_967_295])
        XCTAssertEqual(answers[1]["rdata"] as? String, "fefe:fefe:fefe:fefe:fefe:fefe:fefe:fefe")
        XCTAssertEqual(answers[2]["rdata"] as? String, "255.255.255.255")
        XCTAssertEqual(answers[0]["name"] as? String, event["qname"] as? String)
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
