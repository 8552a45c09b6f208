import Foundation
import SondeTransforms
import XCTest

/// Compares every answer with the PyPI package `publicsuffixlist` over the same list file, through
/// `scripts/reference/publicsuffix_reference.py`.
final class PublicSuffixReferenceTests: XCTestCase {
    /// Every query name in the shared corpus's reference decodes: tshark's JSON for the captures, and the
    /// question sections of the golang `dnstap` tool's JSON for the dnstap files.
    static func corpusNames() throws -> [[UInt8]] {
        let corpus = try PublicSuffixFixtures.corpus()
        var names = Set<[UInt8]>()
        let files = try FileManager.default.subpathsOfDirectory(atPath: corpus.path).sorted()
        for file in files where file.hasSuffix(".tshark.json") {
            let data = try Data(contentsOf: corpus.appendingPathComponent(file))
            guard let frames = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
                throw TestFailure("\(file): not a tshark JSON array")
            }
            for frame in frames {
                for name in frame["dns.qry.name"] as? [String] ?? [] { names.insert(Array(name.utf8)) }
            }
        }
        for file in files where file.hasSuffix(".dnstap.json") {
            let text = try String(contentsOf: corpus.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                let message = object?["message"] as? [String: Any] ?? [:]
                for key in ["query_message", "response_message"] {
                    guard let dig = message[key] as? String,
                        let question = dig.components(separatedBy: ";; QUESTION SECTION:\n").dropFirst().first
                    else { continue }
                    for entry in question.split(separator: "\n") {
                        guard entry.hasPrefix(";") else { break }
                        names.insert(Array(entry.dropFirst().prefix { $0 != "\t" }.utf8))
                    }
                }
            }
        }
        // The caller lowercases; a newline would split the script's input.
        return names.map(lowercased).filter { !$0.contains(0x0A) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    static func lowercased(_ name: [UInt8]) -> [UInt8] {
        name.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }
    }

    /// 20,000 names around the list's rules: under normal rules, on and under wildcards, on and around
    /// exceptions, on rule parents that are no rules, under IDN rules (`xn--`), under unknown TLDs, and awkward
    /// ones (escapes, empty labels, odd bytes, long labels, many labels).
    static func generatedNames(rules: [PublicSuffixRule], count: Int = 20_000) -> [[UInt8]] {
        var rng = SeededGenerator(state: 0x5EED)
        let normal = rules.filter { $0.kind == .normal }.map(\.name)
        let wildcards = rules.filter { $0.kind == .wildcard }.map(\.name)
        let exceptions = rules.filter { $0.kind == .exception }.map(\.name)
        let idn = rules.map(\.name).filter { String(decoding: $0, as: UTF8.self).contains("xn--") }
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let odd: [UInt8] = [0x20, 0x00, 0x7F, 0x80, 0xC3, 0xBC, 0xFF, UInt8(ascii: "*"), UInt8(ascii: "!")]
        func label(_ rng: inout SeededGenerator) -> [UInt8] {
            (0..<Int.random(in: 1...12, using: &rng)).map { _ in letters.randomElement(using: &rng)! }
        }
        func prefixed(_ base: [UInt8], _ n: Int, _ rng: inout SeededGenerator) -> [UInt8] {
            var name = base
            for _ in 0..<n { name = label(&rng) + [UInt8(ascii: ".")] + name }
            return name
        }
        func parent(_ name: [UInt8]) -> [UInt8]? {
            name.firstIndex(of: UInt8(ascii: ".")).map { Array(name[($0 + 1)...]) }
        }
        var names: [[UInt8]] = []
        while names.count < count {
            let depth = Int.random(in: 0...3, using: &rng)
            switch names.count % 12 {
            case 0, 1: names.append(prefixed(normal.randomElement(using: &rng)!, depth, &rng))
            case 2, 3: names.append(prefixed(wildcards.randomElement(using: &rng)!, depth, &rng))
            case 4:
                let e = exceptions.randomElement(using: &rng)!
                names.append(prefixed(e, depth, &rng))
                // A sibling of the exception, under the same wildcard.
                if let p = parent(e) { names.append(prefixed(p, depth + 1, &rng)) }
            case 5: names.append(prefixed(idn.randomElement(using: &rng)!, depth, &rng))
            case 6:
                // The parent of a rule, often no rule itself (`amazonaws.com`).
                let r = (normal + wildcards).randomElement(using: &rng)!
                names.append(prefixed(parent(r) ?? r, depth, &rng))
            case 7: names.append(prefixed(label(&rng), depth, &rng))
            case 8:
                // Escapes: an escaped dot inside a label, an escaped backslash before a dot, a trailing dot.
                let r = normal.randomElement(using: &rng)!
                let forms: [[UInt8]] = [
                    Array(#"a\.b."#.utf8) + r, Array(#"a\\."#.utf8) + r, r + [UInt8(ascii: ".")],
                    Array("x.".utf8) + r.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: "\\") : $0 },
                    Array(#"\."#.utf8) + r,
                ]
                names.append(forms.randomElement(using: &rng)!)
            case 9:
                // Empty labels, in every position.
                let r = prefixed(normal.randomElement(using: &rng)!, depth, &rng)
                let forms: [[UInt8]] = [[UInt8(ascii: ".")] + r, r + Array("..".utf8), Array("a..".utf8) + r, []]
                names.append(forms.randomElement(using: &rng)!)
            case 10:
                // Odd bytes and over-long labels.
                var l = label(&rng)
                l[Int.random(in: 0..<l.count, using: &rng)] = odd.randomElement(using: &rng)!
                let long = [UInt8](repeating: UInt8(ascii: "x"), count: Int.random(in: 60...200, using: &rng))
                let r = (normal + wildcards).randomElement(using: &rng)!
                names.append([l + [UInt8(ascii: ".")] + r, long + [UInt8(ascii: ".")] + r, r + [UInt8(ascii: ".")] + l]
                    .randomElement(using: &rng)!)
            default:
                // Many labels, up to the 127 a DNS name can hold.
                names.append(prefixed(normal.randomElement(using: &rng)!, Int.random(in: 4...120, using: &rng), &rng))
            }
        }
        return Array(names.prefix(count))
    }

    /// Checks every name and returns the reference answers.
    @discardableResult
    func compare(
        _ names: [[UInt8]], sections: PublicSuffixList.Sections, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [[UInt8]] {
        let path = try PublicSuffixFixtures.debianListPath()
        let list = try PublicSuffixList.load(contentsOfFile: path, sections: sections)
        var input: [UInt8] = []
        for name in names { input += name + [0x0A] }
        let arguments = ["lookup", "--list", path] + (sections == .icannOnly ? ["--icann-only"] : [])
        let answers = try PublicSuffixFixtures.reference(arguments, input: input)
        XCTAssertEqual(answers.count, names.count, file: file, line: line)
        var agreed = 0
        var shown = 0
        for (name, expected) in zip(names, answers) {
            let mine = list.answer(name)
            if mine == expected {
                agreed += 1
            } else if shown < 20 {
                shown += 1
                XCTFail("\(String(decoding: name, as: UTF8.self)): \(String(decoding: mine, as: UTF8.self)) but publicsuffixlist says \(String(decoding: expected, as: UTF8.self))", file: file, line: line)
            }
        }
        XCTAssertEqual(agreed, names.count, file: file, line: line)
        print("\(names.count) names, \(sections): \(agreed) agree with publicsuffixlist")
        return answers
    }

    func testCorpusQueryNames() throws {
        let names = try Self.corpusNames()
        XCTAssertGreaterThan(names.count, 300)
        for sections in [PublicSuffixList.Sections.all, .icannOnly] { try compare(names, sections: sections) }
    }

    func testGeneratedNames() throws {
        let path = try PublicSuffixFixtures.debianListPath()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let rules = try bytes.withUnsafeBytes { raw in try PublicSuffixRule.parse(raw, source: path) }
        let names = Self.generatedNames(rules: rules)
        XCTAssertEqual(names.count, 20_000)
        let answers = try compare(names, sections: .all)
        try compare(names, sections: .icannOnly)
        // The names exercise every outcome: not a name, a public suffix, a registrable domain under suffixes of
        // one to five labels.
        let fields = answers.map { $0.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false) }
        let invalid = fields.count { $0[0] == [UInt8(ascii: "-")] }
        let publicOnly = fields.count { $0[0] != [UInt8(ascii: "-")] && $0[1] == [UInt8(ascii: "-")] }
        let depths = Set(fields.map { $0[0].count { $0 == UInt8(ascii: ".") } + 1 })
        print("generated names: \(invalid) not names, \(publicOnly) public suffixes, suffix depths \(depths.sorted())")
        XCTAssertGreaterThan(invalid, 500)
        XCTAssertGreaterThan(publicOnly, 2_000)
        XCTAssertGreaterThan(names.count - invalid - publicOnly, 10_000)
        XCTAssertTrue(depths.isSuperset(of: 1...5))
    }
}
