import Foundation
import SondeCore
import SondeDNS
import SondePacket
@testable import SondeTransforms
import XCTest

/// `kind: suspicious`: each reason from a crafted event, none from ordinary names, the entropy against a direct
/// computation, thresholds from settings, and the JSON member.
final class SuspiciousTransformTests: XCTestCase {
    /// The reasons and score given to each message.
    func verdicts(_ messages: [[UInt8]], _ settings: [(String, Setting)] = []) throws -> [(SuspicionReasons, Int)] {
        let t = try makeTransform(SuspiciousTransform.self, settings)
        let r = runStages(t, on: Craft.batch(messages), shared: true)
        XCTAssertEqual(r.kept, Array(messages.indices), "suspicion never leaves events out")
        return r.enrichments.map { ($0?.suspicionReasons ?? [], Int($0?.suspicionScore ?? 0)) }
    }

    func reasons(_ message: [UInt8], _ settings: [(String, Setting)] = []) throws -> SuspicionReasons {
        let v = try verdicts([message], settings)[0]
        XCTAssertEqual(v.1, v.0.rawValue.nonzeroBitCount, "the score is the number of reasons")
        return v.0
    }

    func testOrdinaryNamesAreNotSuspicious() throws {
        for name in ["www.example.com", "mail.google.com", "_sip._udp.sample.test", "my-host_1.example.co.uk", "a.b.c.d.e.f.g.h.i.j",
                     "averyverylongplainlabel.example", "Upper.CASE.Example"] {
            XCTAssertEqual(try reasons(Craft.message(name: name)), [], name)
        }
        // The sample: ordinary traffic from real software.
        let t = try makeTransform(SuspiciousTransform.self, [])
        let r = runStages(t, on: try TransformFixtures.sampleBatch())
        XCTAssertEqual(r.enrichments.filter { ($0?.suspicionScore ?? 0) > 0 }.count, 0)
    }

    func testLongName() throws {
        // 100 octets without the final dot is the limit; 101 is over it.
        let label = String(repeating: "a", count: 30)
        let at100 = [label, label, label, "abcdefg"].joined(separator: ".")
        XCTAssertEqual(at100.utf8.count, 100)
        XCTAssertEqual(try reasons(Craft.message(name: at100)), [])
        XCTAssertEqual(try reasons(Craft.message(name: at100 + "x")), [.longName])
        XCTAssertEqual(try reasons(Craft.message(name: "www.example.com"), [("max_qname_length", "10")]), [.longName])
    }

    func testManyLabels() throws {
        let ten = (1...10).map { "l\($0)" }.joined(separator: ".")
        XCTAssertEqual(try reasons(Craft.message(name: ten)), [])
        XCTAssertEqual(try reasons(Craft.message(name: "x." + ten)), [.manyLabels])
        XCTAssertEqual(try reasons(Craft.message(name: "a.b.c"), [("max_labels", "2")]), [.manyLabels])
    }

    func testLongLabel() throws {
        // Letters repeated: long, but with no entropy to speak of.
        XCTAssertEqual(try reasons(Craft.message(name: String(repeating: "ab", count: 20) + ".example")), [])
        XCTAssertEqual(try reasons(Craft.message(name: String(repeating: "ab", count: 20) + "a.example")), [.longLabel])
        XCTAssertEqual(try reasons(Craft.message(name: "abcdef.example"), [("max_label_length", "5")]), [.longLabel])
    }

    func testUnusualCharacters() throws {
        for name in ["foo*bar.example", "sp ace.example", "ex!ample.com", "under\u{7f}.example", "quo\"te.example", "é.example"] {
            XCTAssertEqual(try reasons(Craft.message(name: name)), [.unusualCharacters], name)
        }
        // An octet outside ASCII, as sent (not UTF-8 text).
        let wire: [UInt8] = [4, 0x61, 0xff, 0x62, 0x00, 3] + Array("com".utf8) + [0]
        XCTAssertEqual(try reasons(Craft.message(name: nil, wireName: wire)), [.unusualCharacters])
    }

    func testUncommonTypes() throws {
        for (type, uncommon) in [(1, false), (28, false), (65, false), (255, true), (10, true), (252, true), (99, true), (16, false)] {
            let r = try reasons(Craft.message(name: "example.com", qtype: UInt16(type)))
            XCTAssertEqual(r, uncommon ? [.uncommonType] : [], "qtype \(type)")
        }
        XCTAssertEqual(try reasons(Craft.message(name: "example.com", qtype: 28), [("common_qtypes", ["A", "mx"])]), [.uncommonType])
        XCTAssertEqual(try reasons(Craft.message(name: "example.com", qtype: 15), [("common_qtypes", "A, MX")]), [])
        let (_, issues) = tryTransform(SuspiciousTransform.self, [("common_qtypes", ["A", "NOPE"])])
        XCTAssertTrue(issues.joined().contains("unknown type \"NOPE\""), "\(issues)")
    }

    func testOversizedMessages() throws {
        let name = "example.com"
        // A TXT record whose text makes the whole message exactly 1232 octets (the default limit), then more.
        let exact = try XCTUnwrap((1000...1232).lazy.map { Craft.message(response: true, name: name, answers: [Craft.txtRecord(octets: $0)]) }.first { $0.count == 1232 })
        XCTAssertEqual(try reasons(exact), [])
        let over = Craft.message(response: true, name: name, answers: [Craft.txtRecord(octets: 1300)])
        XCTAssertGreaterThan(over.count, 1232)
        XCTAssertEqual(try reasons(over), [.oversized])
        XCTAssertEqual(try reasons(Craft.message(name: name), [("max_size", "20")]), [.oversized])
    }

    func testMalformedMessages() throws {
        var truncated = Craft.message(response: true, name: "example.com", answers: [Craft.txtRecord(octets: 20)])
        truncated.removeLast(5)
        XCTAssertEqual(try reasons(truncated), [.malformed])
        // Not even a question: only malformed.
        XCTAssertEqual(try reasons([0x12, 0x34, 0x01]), [.malformed])
        // A name whose pointer points at itself.
        let loop = Craft.message(name: nil, wireName: [0xc0, 12])
        XCTAssertEqual(try reasons(loop), [.malformed])
    }

    func testHighEntropyLabels() throws {
        // 14 distinct characters: log2(14) = 3.81 bits, over 3.6.
        XCTAssertEqual(try reasons(Craft.message(name: "x7k2q9v4m1z8w3.example")), [.highEntropy])
        // 11 distinct characters: log2(11) = 3.46 would pass anyway, and the label is below the 12 minimum.
        XCTAssertEqual(try reasons(Craft.message(name: "x7k2q9v4m1z.example")), [])
        // Long but repetitive.
        XCTAssertEqual(try reasons(Craft.message(name: "abababababababab.example")), [])
        // The minimum length and the threshold are settings.
        XCTAssertEqual(try reasons(Craft.message(name: "abcdef.example"), [("entropy", "2.5"), ("entropy_min_length", "6")]), [.highEntropy])
        XCTAssertEqual(try reasons(Craft.message(name: "abcdef.example"), [("entropy", "2.6"), ("entropy_min_length", "6")]), [])
    }

    func testSeveralReasonsAddUp() throws {
        let random = "q8z1x7c4v9b2n5m6"  // 16 distinct: 4 bits
        let name = ([random] + (1...12).map { "l\($0)" }).joined(separator: ".") + ".e*ample"
        let r = try verdicts([Craft.message(name: name, qtype: 255)])[0]
        XCTAssertEqual(r.0, [.highEntropy, .manyLabels, .unusualCharacters, .uncommonType])
        XCTAssertEqual(r.1, 4)
    }

    /// The transform's entropy is Shannon's, in bits per character, as computed here from the counts.
    func testEntropyAgreesWithADirectComputation() {
        var rng = MaxMindTestRandom(seed: 3)
        let alphabets = [Array("ab".utf8), Array("abcdefghijklmnopqrstuvwxyz".utf8), Array("abcdefghijklmnopqrstuvwxyz0123456789-_".utf8), (0...255).map { UInt8($0) }]
        for i in 0..<2_000 {
            let alphabet = alphabets[i % alphabets.count]
            let label = (0..<Int.random(in: 1...63, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            var counts: [UInt8: Int] = [:]
            for b in label { counts[b, default: 0] += 1 }
            let expected = counts.values.reduce(0.0) { sum, c in
                let p = Double(c) / Double(label.count)
                return sum - p * log2(p)
            }
            let got = label.withUnsafeBufferPointer { SuspiciousTransform.Stage.entropy($0) }
            XCTAssertEqual(got, expected, accuracy: 1e-12, "\(label)")
        }
        XCTAssertEqual(Array("aaaa".utf8).withUnsafeBufferPointer { SuspiciousTransform.Stage.entropy($0) }, 0)
        XCTAssertEqual(Array("abcd".utf8).withUnsafeBufferPointer { SuspiciousTransform.Stage.entropy($0) }, 2, accuracy: 1e-12)
        XCTAssertEqual(Array("aabb".utf8).withUnsafeBufferPointer { SuspiciousTransform.Stage.entropy($0) }, 1, accuracy: 1e-12)
    }

    func testSettingsOutOfRangeAreReported() {
        for (key, value) in [("max_qname_length", "0"), ("max_labels", "200"), ("max_label_length", "64"), ("max_size", "5"),
                             ("entropy", "9"), ("entropy_min_length", "1"), ("entropy", "high")] {
            let (_, issues) = tryTransform(SuspiciousTransform.self, [(key, .scalar(value))])
            XCTAssertTrue(issues.contains { $0.contains("transforms[0].\(key)") }, "\(key)=\(value): \(issues)")
        }
    }

    /// The JSON member, and a filter after the transform that keeps only the suspicious.
    func testJSONAndAFilterOnTheScore() throws {
        let suspicious = try makeTransform(SuspiciousTransform.self, [("max_qname_length", "12"), ("max_labels", "2")])
        let filter = try makeTransform(FilterTransform.self, [("where", "suspicious >= 2")])
        let writers = try runPipeline(global: [suspicious], outputs: [[], [filter]], batch: try TransformFixtures.sampleBatch())
        let all = try writers[0].objects()
        XCTAssertEqual(all.count, 42)
        var expectedKept = 0
        for o in all {
            let name = (o["qname"] as? String) ?? ""
            let labels = name.split(separator: ".").count, long = name.utf8.count - 1 > 12
            var reasons: [String] = []
            if long { reasons.append("long_name") }
            if labels > 2 { reasons.append("many_labels") }
            let member = o["suspicious"] as? [String: Any]
            if reasons.isEmpty {
                XCTAssertNil(member, name)
            } else {
                XCTAssertEqual(member?["score"] as? Int, reasons.count, name)
                XCTAssertEqual(member?["reasons"] as? [String], reasons, name)
            }
            if reasons.count >= 2 { expectedKept += 1 }
        }
        XCTAssertGreaterThan(expectedKept, 0)
        XCTAssertEqual(writers[1].lines.count, expectedKept)
        XCTAssertTrue(writers[1].text.contains("\"suspicious\":{\"score\":2,\"reasons\":[\"long_name\",\"many_labels\"]}"), writers[1].text)
    }
}
