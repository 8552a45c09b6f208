import Foundation
import SondeCore
import SondeDNS
import SondeInputs
import XCTest

/// Sonde's decode of the real dnstap streams in the shared corpus (Unbound, dnsdist, and the generator's sample)
/// must agree, message by message, with the golang `dnstap -r -j` reference decode beside each file.
final class DnstapCorpusTests: XCTestCase {
    func testUnbound() throws { try compare("unbound") }
    func testDnsdist() throws { try compare("dnsdist") }
    func testGeneratedSample() throws { try compare("gen-sample") }

    func compare(_ name: String) throws {
        guard let root = Corpus.root else { throw XCTSkip("../shared/corpus is not here (a user's clone): corpus test skipped") }
        let file = root.appendingPathComponent("dnstap/\(name).dnstap")
        let reference = try String(contentsOf: root.appendingPathComponent("dnstap/\(name).dnstap.json"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let ours = try Self.decode(file.path)
        XCTAssertEqual(ours.count, reference.count, "\(name): event count")
        var differences: [String] = []
        for (i, (e, r)) in zip(ours, reference).enumerated() {
            let m = r["message"] as! [String: Any]
            let type = m["type"] as! String
            var problems: [String] = []
            func check(_ field: String, _ a: Any?, _ b: Any?) {
                if "\(a ?? "nil")" != "\(b ?? "nil")" { problems.append("\(field): \(a ?? "nil") vs \(b ?? "nil")") }
            }
            check("dnstap_type", e["dnstap_type"], type)
            check("identity", e["identity"], r["identity"])
            check("version", e["version"], r["version"])
            check("protocol", e["protocol"], m["socket_protocol"])
            check("family", e["family"], m["socket_family"])
            check("query_zone", e["query_zone"], m["query_zone"])
            check("query_time", Self.nanos(e["query_time"]), Self.nanos(m["query_time"]))
            check("response_time", Self.nanos(e["response_time"]), Self.nanos(m["response_time"]))
            let isQuery = type.hasSuffix("_QUERY")
            // The event's source is the sender of this message.
            let (src, dst) = isQuery ? ("query", "response") : ("response", "query")
            check("src_ip", e["src_ip"], m["\(src)_address"] ?? (m["socket_family"] as? String == "INET6" ? "::" : "0.0.0.0"))
            check("dst_ip", e["dst_ip"], m["\(dst)_address"] ?? (m["socket_family"] as? String == "INET6" ? "::" : "0.0.0.0"))
            check("src_port", e["src_port"], m["\(src)_port"] ?? 0)
            check("dst_port", e["dst_port"], m["\(dst)_port"] ?? 0)
            if let text = m[isQuery ? "query_message" : "response_message"] as? String {
                if text.hasPrefix("parse failed") {
                    check("malformed", e["malformed"] as? Bool, true)
                } else {
                    let ref = Self.parseDig(text)
                    check("id", e["id"], ref.id)
                    check("rcode", e["rcode"], ref.rcode)
                    check("qname", (e["qname"] as? String)?.lowercased(), ref.qname?.lowercased())
                    check("qtype", e["qtype"], ref.qtype)
                    check("an_count", e["an_count"], ref.answers)
                }
            } else {
                check("size", e["size"], 0)
            }
            if !problems.isEmpty { differences.append("event \(i + 1) (\(type)): " + problems.joined(separator: "; ")) }
        }
        XCTAssert(differences.isEmpty, "\(name): \(differences.count) events differ:\n" + differences.prefix(20).joined(separator: "\n"))
    }

    /// Decodes a file with Sonde's own input and JSON writer, parsing each line back.
    static func decode(_ path: String) throws -> [[String: Any]] {
        let input = PcapFileInput(configuration: .init(paths: [path], identity: "test"))
        var formatter = BatchFormatter(format: .json)
        var out = OutputBuffer()
        try input.run { batch in formatter.write(batch, into: &out) }
        XCTAssert(input.failures.isEmpty, "\(input.failures)")
        return try out.makeString().split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    /// Nanoseconds since the epoch of an RFC 3339 time with up to 9 fractional digits, as text.
    static func nanos(_ value: Any?) -> String? {
        guard let s = value as? String else { return nil }
        let parts = s.dropLast().split(separator: ".")
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return String(parts[0]) + "." + fraction.padding(toLength: 9, withPad: "0", startingAt: 0)
    }

    /// The header and question of the golang tool's dig-style text.
    static func parseDig(_ text: String) -> (id: Int?, rcode: String?, qname: String?, qtype: String?, answers: Int?) {
        var id: Int?, rcode: String?, qname: String?, qtype: String?, answers: Int?
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
            if line.hasPrefix(";; opcode:") {
                for part in line.dropFirst(3).split(separator: ",") {
                    let kv = part.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                    if kv[0] == "status" { rcode = kv[1] }
                    if kv[0] == "id" { id = Int(kv[1]) }
                }
            }
            if line.hasPrefix(";; flags:"), let r = line.range(of: "ANSWER: ") {
                answers = Int(line[r.upperBound...].prefix { $0.isNumber })
            }
            if line == ";; QUESTION SECTION:", i + 1 < lines.count {
                let q = lines[i + 1].dropFirst().split(separator: "\t").map { $0.trimmingCharacters(in: .whitespaces) }
                qname = q.first
                qtype = q.last
            }
        }
        // The golang tool names extended rcode 16 BADSIG; it is BADVERS in an OPT record.
        if rcode == "BADSIG" { rcode = "BADVERS" }
        return (id, rcode, qname, qtype, answers)
    }
}
