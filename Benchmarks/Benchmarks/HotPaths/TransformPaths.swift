import Benchmark
import SondeCore
import SondeDNS
import SondePacket
import SondeTransforms

/// Names shaped like the shared generator's (`../shared/tools/workload.py`): syllables, a TLD, and www., api. or
/// e123.a.cdn- forms; none of them is on the lists below, so every lookup walks every label boundary, the worst case.
struct NameWorkload {
    static let syllables = ["ka", "lo", "mi", "ne", "ra", "to", "shi", "ban", "cor", "del", "fin", "gal", "hub", "ix", "jet",
                            "kin", "lux", "mod", "nor", "pix", "qua", "ren", "sol", "tek", "uni", "vis", "web", "xen", "yo", "zed"]
    static let tlds = ["com", "net", "org", "de", "uk", "io", "fr", "nl", "jp", "br", "ru", "info", "co", "eu", "test"]

    /// 50,000 names, lowercase presentation form with the final dot, one after another in `bytes`.
    var bytes: [UInt8] = []
    var ranges: [Range<Int>] = []

    init(count: Int = 50_000) {
        var random = SplitMix(seed: 1)
        for _ in 0..<count {
            var word = ""
            for _ in 0..<(2 + random.next(3)) { word += Self.syllables[random.next(Self.syllables.count)] }
            let tld = Self.tlds[random.next(Self.tlds.count)]
            let name: String
            switch random.next(10) {
            case 0...3: name = "\(word).\(tld)."
            case 4...6: name = "www.\(word).\(tld)."
            case 7...8: name = "api.\(word).\(tld)."
            default: name = "e\(random.next(9999)).a.cdn-\(word).\(tld)."
            }
            let start = bytes.count
            bytes += Array(name.utf8)
            ranges.append(start..<bytes.count)
        }
    }

    /// Rules that match none of the names (their second-level labels have digits): half exact, half `*.`.
    static func rules(_ count: Int) -> [(DomainSet.Rule, [UInt8])] {
        var random = SplitMix(seed: 7)
        return (0..<count).map { i in
            let text = "blk\(i)\(syllables[random.next(syllables.count)]).\(tlds[random.next(tlds.count)])."
            return (i % 2 == 0 ? .exact : .subdomain, Array(text.utf8))
        }
    }
}

/// A small deterministic generator, so every run probes the same names.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

let names = NameWorkload()
let smallSet = DomainSet(NameWorkload.rules(10))
let largeSet = DomainSet(NameWorkload.rules(1_000_000))

/// Matches every name of the workload once.
func matchAll(_ set: DomainSet) -> Int {
    var hits = 0
    names.bytes.withUnsafeBufferPointer { all in
        for r in names.ranges where set.matches(UnsafeBufferPointer(rebasing: all[r])) { hits += 1 }
    }
    return hits
}

func transformBenchmarks() {
    // 50,000 distinct names per iteration: against 1,000,000 entries the table (2^21 slots) is far larger than
    // the cache, so this is the cold case; the 10-entry table always stays in L1.
    Benchmark("DomainSet.matches, 10 entries, 50,000 names (none on the list)", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(matchAll(smallSet)) }
    }
    Benchmark("DomainSet.matches, 1,000,000 entries, 50,000 names (none on the list)", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(matchAll(largeSet)) }
    }

    Benchmark("ByteRegex.matches, 50,000 names, '(^|\\.)[a-z0-9-]{30,}\\.' (no match)", configuration: .init(scalingFactor: .one)) { benchmark in
        let regex = try! ByteRegex(#"(^|\.)[a-z0-9-]{30,}\."#)
        for _ in benchmark.scaledIterations {
            var hits = 0
            names.bytes.withUnsafeBytes { all in
                for r in names.ranges where regex.matches(UnsafeRawBufferPointer(rebasing: all[r])) { hits += 1 }
            }
            blackHole(hits)
        }
    }
    Benchmark("ByteRegex.matches, 50,000 names, '^(www|api|cdn|mail)\\.'", configuration: .init(scalingFactor: .one)) { benchmark in
        let regex = try! ByteRegex(#"^(www|api|cdn|mail)\."#)
        for _ in benchmark.scaledIterations {
            var hits = 0
            names.bytes.withUnsafeBytes { all in
                for r in names.ranges where regex.matches(UnsafeRawBufferPointer(rebasing: all[r])) { hits += 1 }
            }
            blackHole(hits)
        }
    }

    Benchmark("FilterExpression.matches, 4 tests, 34 sample messages", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let filter = try! FilterExpression(
            parsing: "rcode = NOERROR, NXDOMAIN, SERVFAIL, REFUSED and not client = 10.0.0.0/8, 172.16.0.0/12 and qname_length < 250 and labels < 20")
        var events: [DNSEvent] = []
        for m in workload.messages {
            m.withUnsafeBytes { bytes in
                events.append(DNSEvent(
                    timestamp: 0, input: .pcap, transport: .udp, source: IPAddress(ipv4: 0xC612_0001),
                    destination: IPAddress(ipv4: 0xC612_0035), sourcePort: 40000, destinationPort: 53,
                    layout: MessageLayout(decoding: bytes)))
            }
        }
        let identity: [UInt8] = Array("bench".utf8)
        for _ in benchmark.scaledIterations {
            var kept = 0
            identity.withUnsafeBytes { id in
                events.withUnsafeBufferPointer { all in
                    for i in all.indices {
                        workload.messages[i].withUnsafeBytes { message in
                            if filter.matches(all.baseAddress! + i, message, identity: id) { kept += 1 }
                        }
                    }
                }
            }
            blackHole(kept)
        }
    }
}
