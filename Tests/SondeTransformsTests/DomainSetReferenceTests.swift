import Foundation
import SondeTransforms
import XCTest

/// A million-entry list against a plain Set-based reference on 100,000 names, and the same few rules alone and
/// among the million.
final class DomainSetReferenceTests: XCTestCase {
    /// Octets as a set element, hashed in one call (element by element, a debug build spends seconds on it).
    struct Key: Hashable {
        let octets: ArraySlice<UInt8>
        init(_ octets: ArraySlice<UInt8>) { self.octets = octets }
        func hash(into hasher: inout Hasher) { octets.withUnsafeBytes { hasher.combine(bytes: $0) } }
        static func == (a: Key, b: Key) -> Bool {
            a.octets.count == b.octets.count
                && (a.octets.isEmpty || a.octets.withUnsafeBytes { x in b.octets.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } })
        }
    }

    /// The obvious matcher: one set per kind; the whole name, every prefix and suffix of a length some rule has, and
    /// every suffix after a dot tried.
    struct NaiveList {
        var exact = Set<Key>(), subdomain = Set<Key>(), prefix = Set<Key>(), suffix = Set<Key>()
        var prefixLengths = Set<Int>(), suffixLengths = Set<Int>()

        init(capacity: Int) {
            exact.reserveCapacity(capacity)
            subdomain.reserveCapacity(capacity / 2)
            prefix.reserveCapacity(capacity / 8)
            suffix.reserveCapacity(capacity / 8)
        }

        mutating func add(_ kind: DomainSet.Rule, _ text: ArraySlice<UInt8>) {
            switch kind {
            case .exact: exact.insert(Key(text))
            case .subdomain: subdomain.insert(Key(text))
            case .prefix:
                prefix.insert(Key(text))
                prefixLengths.insert(text.count)
            case .suffix:
                suffix.insert(Key(text))
                suffixLengths.insert(text.count)
            }
        }

        func matches(_ name: ArraySlice<UInt8>) -> Bool {
            if exact.contains(Key(name)) { return true }
            for n in prefixLengths where n <= name.count && prefix.contains(Key(name.prefix(n))) { return true }
            for n in suffixLengths where n <= name.count && suffix.contains(Key(name.suffix(n))) { return true }
            for i in name.indices.dropFirst() where name[i - 1] == UInt8(ascii: ".") && subdomain.contains(Key(name[i...])) { return true }
            return false
        }

        var count: Int { exact.count + subdomain.count + prefix.count + suffix.count }
    }

    /// Random names written back to back into one buffer, from a pool of random labels (a million small arrays, or
    /// a random draw per character, would cost a debug build more than the test itself).
    struct Names {
        static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789-".utf8)
        static let tlds = ["com", "net", "org", "io", "co.uk", "de", "example", "test"].map { Array($0.utf8) }
        var rng: MaxMindTestRandom
        var bytes: [UInt8] = []
        /// 65,536 labels of 3 to 10 characters, one after the other, and where each ends.
        let pool: [UInt8]
        let ends: [Int]

        init(seed: UInt64, capacity: Int) {
            rng = MaxMindTestRandom(seed: seed)
            var pool: [UInt8] = [], ends: [Int] = []
            for _ in 0..<65_536 {
                var x = rng.next()
                for _ in 0..<(3 + Int(x % 8)) {
                    x /= 37
                    if x < 37 { x = rng.next() }
                    pool.append(Self.alphabet[Int(x % 37)])
                }
                ends.append(pool.count)
            }
            self.pool = pool
            self.ends = ends
            bytes.reserveCapacity(capacity)
        }

        mutating func number(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }

        /// Appends a label of the pool (or its first `limit` octets).
        mutating func label(limit: Int = 63) {
            let i = number(0...65_535)
            let start = i == 0 ? 0 : ends[i - 1]
            bytes += pool[start..<min(ends[i], start + limit)]
        }

        /// Appends up to 6 random characters (a label's tail, or nothing).
        mutating func tail() {
            var x = rng.next()
            for _ in 0..<Int(x % 7) {
                x /= 37
                bytes.append(Self.alphabet[Int(x % 37)])
            }
        }

        /// Appends a lowercase name of two or three labels and one of `tlds`, with its final dot.
        mutating func name() {
            for _ in 0..<number(2...3) {
                label()
                bytes.append(UInt8(ascii: "."))
            }
            tld()
        }

        mutating func tld() {
            bytes += Self.tlds[number(0...7)]
            bytes.append(UInt8(ascii: "."))
        }

        /// Appends what `body` appends, and returns where it is.
        mutating func range(_ body: (inout Names) -> Void) -> Range<Int> {
            let start = bytes.count
            body(&self)
            return start..<bytes.count
        }
    }

    /// Underscores never appear in the random rules, so no other rule can match the names these are tried on.
    static let smallList = """
        www.small_test.
        mail.small_test.
        *.cdn.small_test.
        *.img.small_test.
        ad_,prefix
        track_,prefix
        px_x,prefix
        _sfx.small_test.,suffix
        _metrics.small_test,suffix
        e_.small_test,suffix
        """

    /// A million rules: the ten of ``smallList`` and random ones of every kind; the list file of the first 100,000
    /// in every form (plain, `*.`, CSV, hosts, mixed case, with and without final dots), read by the parser; the set
    /// of all of them and the reference. Made once, for both tests. (The parser reads a million lines in ten
    /// seconds of a debug build: the other 900,000 rules go to the set as they are.)
    final class Corpus: @unchecked Sendable {
        static let shared = Corpus()
        static let parsedLines = 100_000
        var names = Names(seed: 0x5eed_d0a1, capacity: 16_000_000)
        var rules: [(DomainSet.Rule, Range<Int>)] = []
        var text: [UInt8] = []
        var reference = NaiveList(capacity: 700_000)
        private(set) var parsed: DomainListParser.Parsed!
        private(set) var set: DomainSet!

        init() {
            rules.reserveCapacity(1_000_000)
            text.reserveCapacity(3_000_000)
            text += Array("# a list\n".utf8)
            for (kind, rule) in Array(smallList.utf8).withUnsafeBytes({ DomainListParser.parse($0) }).rules {
                let start = names.bytes.count
                names.bytes += rule
                rules.append((kind, start..<names.bytes.count))
            }
            for i in rules.count..<1_000_000 {
                let kind: DomainSet.Rule
                switch i % 40 {
                case 0..<24: kind = .exact
                case 24..<34: kind = .subdomain
                case 34..<37: kind = .prefix
                default: kind = .suffix
                }
                let r: Range<Int>
                switch kind {
                case .prefix: r = names.range { $0.label(); $0.label(); $0.tail() }  // 6 octets or more, no dots
                case .suffix: r = names.range { n in n.label(); n.bytes.append(UInt8(ascii: ".")); n.tld() }
                default: r = names.range { $0.name() }
                }
                rules.append((kind, r))
            }
            for (i, (kind, r)) in rules[..<Self.parsedLines].enumerated() {
                writeLine(kind, r, i)
                if i % 10_000 == 0 { text += Array("   # a comment\n\n".utf8) }
            }
            // Slices share the buffer: taken once it is complete, or every append would copy it.
            for (kind, r) in rules { reference.add(kind, names.bytes[r]) }
            parsed = text.withUnsafeBytes { DomainListParser.parse($0) }
            set = DomainSet(parsed.rules + rules[Self.parsedLines...].map { ($0.0, Array(names.bytes[$0.1])) })
        }

        /// The rule in one of the forms a list may hold it in, in mixed case, as the index picks.
        func writeLine(_ kind: DomainSet.Rule, _ r: Range<Int>, _ i: Int) {
            let form = i / 40
            switch kind {
            case .exact where form % 3 == 2: text += Array("0.0.0.0 ".utf8)
            case .subdomain: text += [UInt8(ascii: "*"), UInt8(ascii: ".")]
            default: break
            }
            let start = text.count
            // With or without the final dot (prefix rules are text: kept as they are).
            text += names.bytes[r.lowerBound..<(kind != .prefix && form % 2 == 0 ? r.upperBound - 1 : r.upperBound)]
            if form % 5 == 0 {
                for j in start..<text.count where text[j] >= 0x61 && text[j] <= 0x7a && j % 3 == 0 { text[j] -= 0x20 }
            }
            switch kind {
            case .exact where form % 3 == 1: text += Array(",fqdn".utf8)
            case .prefix: text += Array(",prefix".utf8)
            case .suffix: text += Array(",Suffix".utf8)
            default: break
            }
            text.append(UInt8(ascii: "\n"))
        }

        func ranges(_ kind: DomainSet.Rule) -> [Range<Int>] { rules.filter { $0.0 == kind }.map(\.1) }
    }

    func testAMillionEntryListAgreesWithASetBasedReference() throws {
        let corpus = Corpus.shared
        XCTAssertEqual(corpus.rules.count, 1_000_000)
        // Every line read back as the rule it was written from, whatever its form and case.
        XCTAssertEqual(corpus.parsed.badLines, 0)
        XCTAssertEqual(corpus.parsed.rules.count, Corpus.parsedLines)
        var misread: [String] = []
        for (p, r) in zip(corpus.parsed.rules, corpus.rules) where p.0 != r.0 || Key(p.1[...]) != Key(corpus.names.bytes[r.1]) {
            if misread.count < 10 { misread.append("\(p.0) \(String(decoding: p.1, as: UTF8.self))") }
        }
        XCTAssertEqual(misread, [])
        let set: DomainSet = corpus.set, reference = corpus.reference
        XCTAssertEqual(set.counts, [reference.exact.count, reference.subdomain.count, reference.prefix.count, reference.suffix.count])

        let exacts = corpus.ranges(.exact), domains = corpus.ranges(.subdomain)
        let prefixes = corpus.ranges(.prefix), suffixes = corpus.ranges(.suffix)
        let source = corpus.names.bytes
        var probes = Names(seed: 42, capacity: 3_000_000)
        var ranges: [Range<Int>] = []
        func pick(_ list: [Range<Int>], _ p: inout Names, dropLast: Bool = false) {
            let r = list[p.number(0...(list.count - 1))]
            p.bytes += source[r.lowerBound..<(dropLast ? r.upperBound - 1 : r.upperBound)]
        }
        for i in 0..<100_000 {
            ranges.append(probes.range { p in
                switch i % 10 {
                case 0, 1: pick(exacts, &p)  // members
                case 2: p.label(limit: 8); p.bytes.append(UInt8(ascii: ".")); pick(domains, &p)  // under a domain
                case 3: pick(domains, &p)  // an apex: only when listed itself
                case 4: p.label(limit: 3); p.bytes.append(UInt8(ascii: ".")); pick(exacts, &p)  // under an exact name
                case 5: pick(prefixes, &p); p.tail(); p.bytes.append(UInt8(ascii: ".")); p.tld()
                case 6: p.tail(); pick(suffixes, &p)
                case 7:  // near misses: one octet changed, dropped or added
                    let start = p.bytes.count
                    pick(exacts, &p)
                    let at = start + p.number(0...(p.bytes.count - start - 2))
                    let other = Names.alphabet[p.number(0...36)]
                    switch i % 3 {
                    case 0: p.bytes[at] = other
                    case 1: p.bytes.remove(at: at)
                    default: p.bytes.insert(other, at: at)
                    }
                case 8: pick(exacts, &p, dropLast: true)  // without the final dot
                default: p.name()  // random
                }
            })
        }
        var matched = 0
        var disagreements: [String] = []
        for r in ranges {
            let name = probes.bytes[r]
            let expected = reference.matches(name)
            let got = name.withUnsafeBufferPointer { set.matches($0) }
            if got != expected && disagreements.count < 10 { disagreements.append("\(String(decoding: name, as: UTF8.self)): \(got)") }
            if expected { matched += 1 }
        }
        XCTAssertEqual(disagreements, [])
        // Both verdicts are well represented, so agreement means something.
        XCTAssertGreaterThan(matched, 45_000)
        XCTAssertGreaterThan(100_000 - matched, 35_000)
    }

    /// The ten rules of ``smallList`` alone and among a million others give the same verdicts on the names they
    /// concern.
    func testVerdictsDoNotDependOnTheListsSize() {
        let smallSet = DomainSet(Array(Self.smallList.utf8).withUnsafeBytes { DomainListParser.parse($0) }.rules)
        XCTAssertEqual(smallSet.count, 10)
        let bigSet: DomainSet = Corpus.shared.set
        XCTAssertEqual(bigSet.count, Corpus.shared.reference.count)
        XCTAssertGreaterThan(bigSet.count, 990_000)
        let names = [
            "www.small_test.", "mail.small_test.", "ftp.small_test.", "small_test.", "cdn.small_test.", "a.cdn.small_test.",
            "a.b.img.small_test.", "img.small_test.", "ad_x.example.", "track_me.", "px_x.", "px_.", "x_sfx.small_test.",
            "_sfx.small_test.", "a._metrics.small_test.", "e_.small_test.", "the_.small_test.", "xsmall_test.", "_.small_test.",
        ]
        var matched = 0
        for n in names {
            let bytes = Array(n.utf8)
            let a = bytes.withUnsafeBufferPointer { smallSet.matches($0) }
            let b = bytes.withUnsafeBufferPointer { bigSet.matches($0) }
            XCTAssertEqual(a, b, n)
            if a { matched += 1 }
        }
        XCTAssertEqual(matched, 12)
    }
}
