import Foundation
import SondeCore
import SondeDNS
import SondeDnstap
import SondePacket
import SondeTransforms
import XCTest

/// Every field and operator of docs/transforms.md on the sample's events, checked against expectations computed
/// here from the decoded events; precedence, lists, quoting, and errors with their positions.
final class FilterExpressionTests: XCTestCase {
    /// What a filter can see of one event, computed without the filter's code.
    struct Facts {
        let e: DNSEvent
        let m: [UInt8]
        let identity: String
        var l: MessageLayout { e.layout }
        var response: Bool { e.markers.contains(.noMessage) ? !e.dnstap.isQuery : l.isResponse }
        var client: IPAddress { response ? e.destination : e.source }
        var server: IPAddress { response ? e.source : e.destination }
        var clientPort: Int { Int(response ? e.destinationPort : e.sourcePort) }
        var serverPort: Int { Int(response ? e.sourcePort : e.destinationPort) }
        var qname: String? { e.markers.contains(.noMessage) ? nil : WireName.question(m) }
        var qtype: Int? { qname == nil ? nil : Int(m[questionEnd - 4]) << 8 | Int(m[questionEnd - 3]) }
        /// Where the first question's type and class end.
        var questionEnd: Int {
            var p = 12
            while m[p] != 0 { p += Int(m[p]) + 1 }
            return p + 5
        }
        var qclass: Int? { qname == nil ? nil : Int(m[questionEnd - 2]) << 8 | Int(m[questionEnd - 1]) }
        var qnameOctets: Int? { qname.map { $0 == "." ? 0 : $0.utf8.count - 1 } }
        var labels: Int? { qname.map { $0 == "." ? 0 : $0.split(separator: ".").count } }
        var headerFlags: Int { Int(m[2]) << 8 | Int(m[3]) }
        var id: Int { Int(m[0]) << 8 | Int(m[1]) }
        var rcode: Int { Int(l.rcode) }
        var latency: Double? { e.latency >= 0 ? Double(e.latency) / 1e9 : nil }
        func flag(_ bit: Int) -> Bool { !e.markers.contains(.noMessage) && headerFlags & bit != 0 }
    }

    static func inNetwork(_ a: IPAddress, _ cidr: String) -> Bool {
        let parts = cidr.split(separator: "/")
        let base = IPAddress(String(parts[0]))
        guard base.family == a.family else { return false }
        let bits = parts.count == 2 ? Int(parts[1])! : (a.family == .v4 ? 32 : 128)
        if a.family == .v4 {
            let mask: UInt32 = bits == 0 ? 0 : ~0 << UInt32(32 - bits)
            return UInt32(truncatingIfNeeded: a.low) & mask == UInt32(truncatingIfNeeded: base.low) & mask
        }
        let x = UInt128(a.high) << 64 | UInt128(a.low), y = UInt128(base.high) << 64 | UInt128(base.low)
        let mask: UInt128 = bits == 0 ? 0 : ~0 << UInt128(128 - bits)
        return x & mask == y & mask
    }

    func facts(_ batch: borrowing EventBatch) -> [Facts] {
        let identity = batch.identity
        return contents(batch).map { Facts(e: $0.event, m: $0.message, identity: identity) }
    }

    /// Evaluates `expression` on every event of `batch` and compares with `expected`; `discriminating` cases must
    /// keep some events and leave out others.
    func check(
        _ expression: String, _ batch: borrowing EventBatch, discriminating: Bool = true,
        file: StaticString = #filePath, line: UInt = #line, _ expected: (Facts) -> Bool
    ) {
        let x: FilterExpression
        do { x = try FilterExpression(parsing: expression) } catch {
            XCTFail("\(expression): \(error)", file: file, line: line)
            return
        }
        let all = facts(batch)
        var got: [Bool] = []
        let identity = TestBytes(batch.identity)
        defer { identity.free() }
        batch.forEachInPlace { e, m in got.append(x.matches(e, m, identity: identity.bytes)) }
        let want = all.map(expected)
        for i in all.indices where got[i] != want[i] {
            XCTFail("\(expression): event \(i) (\(all[i].qname ?? "-")): got \(got[i]), expected \(want[i])", file: file, line: line)
        }
        if discriminating {
            XCTAssertTrue(want.contains(true) && want.contains(false), "\(expression) does not tell the events apart", file: file, line: line)
        }
    }

    // MARK: Fields

    func testCodeFields() throws {
        let b = try VariedSample.batch()
        check("rcode = NXDOMAIN", b) { $0.rcode == 3 }
        check("rcode = nxdomain", b) { $0.rcode == 3 }
        check("rcode != NOERROR", b) { $0.rcode != 0 }
        check("rcode = NXDOMAIN, REFUSED, BADVERS", b) { [3, 5, 16].contains($0.rcode) }
        check("rcode = 16", b) { $0.rcode == 16 }
        check("rcode = BADSIG", b) { $0.rcode == 16 }
        check("rcode in (NXDOMAIN, 5)", b) { [3, 5].contains($0.rcode) }
        check("rcode not in (NOERROR, 3)", b) { ![0, 3].contains($0.rcode) }
        check("rcode = RCODE3", b) { $0.rcode == 3 }
        check("qtype = AAAA", b) { $0.qtype == 28 }
        check("qtype = TYPE65", b) { $0.qtype == 65 }
        check("qtype = https", b) { $0.qtype == 65 }
        check("qtype != A", b) { $0.qtype != 1 }
        check("qtype in (MX, TXT, 16, CAA)", b) { [15, 16, 257].contains($0.qtype ?? -1) }
        check("qtype not in A, AAAA", b) { ![1, 28].contains($0.qtype ?? -1) }
        check("qclass = IN", b, discriminating: false) { $0.qclass == 1 }
        check("qclass != IN", b, discriminating: false) { $0.qclass != 1 }
        check("qclass = CH, 3", b, discriminating: false) { $0.qclass == 3 }
        check("opcode = QUERY", b, discriminating: false) { $0.l.opcode == 0 }
        check("opcode = 0", b, discriminating: false) { $0.l.opcode == 0 }
        check("opcode = NOTIFY, UPDATE", b, discriminating: false) { [4, 5].contains($0.l.opcode) }
    }

    func testTransportFamilyInputAndTransaction() throws {
        let b = try VariedSample.batch()
        check("protocol = UDP", b) { $0.e.transport == .udp }
        check("protocol = tcp", b) { $0.e.transport == .tcp }
        check("protocol != DOT", b) { $0.e.transport != .dot }
        check("protocol = DNSCryptUDP, DOQ, doh", b) { [.dnscryptUDP, .doq, .doh].contains($0.e.transport) }
        check("protocol = DNSCryptTCP", b) { $0.e.transport == .dnscryptTCP }
        check("family = INET", b) { $0.e.source.family == .v4 }
        check("family = 4", b) { $0.e.source.family == .v4 }
        check("family = INET6", b) { $0.e.source.family == .v6 }
        check("family != 6", b) { $0.e.source.family == .v4 }
        check("input = pcap", b) { $0.e.input == .pcap }
        check("input != live", b) { $0.e.input != .live }
        check("input = dnstap, live", b) { $0.e.input != .pcap }
        check("transaction = answered", b) { $0.e.transaction == .answered }
        check("transaction = none", b) { $0.e.transaction == .none }
        check("transaction != unanswered", b) { $0.e.transaction != .unanswered }
        check("transaction = unmatched, answered", b) { [.unmatched, .answered].contains($0.e.transaction) }
    }

    func testAddresses() throws {
        let b = try VariedSample.batch()
        let nets = ["10.0.0.0/8", "198.51.100.0/24", "2001:db8::/32", "fd00::/8", "192.0.2.53", "2001:db8:ffff::53"]
        check("client = 10.0.0.0/8", b) { Self.inNetwork($0.client, nets[0]) }
        check("client = 10.0.0.0/8, 2001:db8::/32", b) { Self.inNetwork($0.client, nets[0]) || Self.inNetwork($0.client, nets[2]) }
        check("client != 198.51.100.0/24, fd00::/8", b) { !Self.inNetwork($0.client, nets[1]) && !Self.inNetwork($0.client, nets[3]) }
        check("client = 10.0.4.1", b) { $0.client == IPAddress("10.0.4.1") }
        check("server = 192.0.2.53", b) { $0.server == IPAddress("192.0.2.53") }
        check("server = 2001:db8:ffff::53", b) { $0.server == IPAddress("2001:db8:ffff::53") }
        check("src = 192.0.2.0/24", b) { Self.inNetwork($0.e.source, "192.0.2.0/24") }
        check("dst != 192.0.2.0/24", b) { !Self.inNetwork($0.e.destination, "192.0.2.0/24") }
        check("dst = 2001:db8::/32", b) { Self.inNetwork($0.e.destination, nets[2]) }
        check("src = 0.0.0.0/0", b) { $0.e.source.family == .v4 }
        check("src = ::/0", b) { $0.e.source.family == .v6 }
    }

    func testIdentityOfTheInput() throws {
        let b = try VariedSample.batch(identity: "resolver-1")
        check("identity = resolver-1", b, discriminating: false) { $0.identity == "resolver-1" }
        check("identity != resolver-1", b, discriminating: false) { $0.identity != "resolver-1" }
        check("identity = a, resolver-1", b, discriminating: false) { _ in true }
        check("identity ~ 'resolver-[0-9]$'", b, discriminating: false) { _ in true }
        check("identity !~ '^resolver'", b, discriminating: false) { _ in false }
    }

    func testNames() throws {
        let b = try VariedSample.batch()
        check("qname = sample.test", b) { $0.qname == "sample.test." }
        check("qname = sample.test.", b) { $0.qname == "sample.test." }
        check("qname = SAMPLE.Test", b) { $0.qname == "sample.test." }
        check("qname = *.sample.test", b) { $0.qname?.hasSuffix(".sample.test.") ?? false }
        check("qname = mixed.sample.test", b) { $0.qname == "mixed.sample.test." }
        check("qname != sample.test", b) { $0.qname != "sample.test." }
        check("qname = other.example, www.sample.test", b) { ["other.example.", "www.sample.test."].contains($0.qname) }
        check("qname in (other.example, *.sample.test)", b) { $0.qname == "other.example." || ($0.qname?.hasSuffix(".sample.test.") ?? false) }
        check("qname ~ '^www\\.'", b) { $0.qname?.hasPrefix("www.") ?? false }
        check("qname ~ 'sample\\.test\\.$'", b) { $0.qname?.hasSuffix("sample.test.") ?? false }
        check("qname !~ sample", b) { !($0.qname?.contains("sample") ?? false) }
        check("qname ~ '^mixed\\.'", b) { $0.qname?.hasPrefix("mixed.") ?? false }
        check("qname ~ 'MiXeD'", b, discriminating: false) { _ in false }
        check("qname ~ '(?i)MIXED'", b) { $0.qname?.contains("mixed") ?? false }
        // A quoted expression holds what would otherwise end a value: commas, spaces, parentheses.
        check("qname ~ \"^(www|_sip)\\.\"", b) { ($0.qname?.hasPrefix("www.") ?? false) || ($0.qname?.hasPrefix("_sip.") ?? false) }
        check("qname ~ '^[a-z]{3,4}\\.sample'", b) { $0.qname.map { $0.range(of: "^[a-z]{3,4}\\.sample", options: .regularExpression) != nil } ?? false }
        check("qname ~ '^[^ ]+ ?[.]test[.]$'", b) { $0.qname?.hasSuffix(".test.") ?? false }
        check("qname ~ '\\d'", b, discriminating: false) { _ in false }
    }

    func testNumbers() throws {
        let b = try VariedSample.batch()
        let firstID = facts(b)[0].id
        check("latency > 20ms", b) { ($0.latency ?? -1) > 0.020 }
        check("latency <= 0.05", b) { $0.latency.map { $0 <= 0.05 } ?? false }
        check("latency < 100ms", b) { $0.latency.map { $0 < 0.1 } ?? false }
        check("latency >= 1s", b, discriminating: false) { ($0.latency ?? -1) >= 1 }
        check("latency = 14ms", b) { $0.latency.map { abs($0 - 0.014) < 1e-9 } ?? false }
        check("latency != 14ms", b) { $0.latency.map { abs($0 - 0.014) > 1e-9 } ?? false }
        check("latency >= 0", b) { $0.latency != nil }
        check("qname_length > 15", b) { ($0.qnameOctets ?? -1) > 15 }
        check("qname_length = 11", b) { $0.qnameOctets == 11 }
        check("labels >= 4", b) { ($0.labels ?? -1) >= 4 }
        check("labels = 2", b) { $0.labels == 2 }
        check("labels != 2", b) { $0.labels.map { $0 != 2 } ?? false }
        check("size > 512", b) { $0.m.count > 512 }
        check("size <= 100", b) { $0.m.count <= 100 }
        check("id = \(firstID)", b) { $0.id == firstID }
        check("id != \(firstID)", b) { $0.id != firstID }
        check("src_port = 53", b) { $0.e.sourcePort == 53 }
        check("dst_port = 53", b) { $0.e.destinationPort == 53 }
        check("client_port > 1024", b, discriminating: false) { $0.clientPort > 1024 }
        check("client_port < 40000", b) { $0.clientPort < 40000 }
        check("server_port = 53", b, discriminating: false) { $0.serverPort == 53 }
        check("server_port != 53", b, discriminating: false) { $0.serverPort != 53 }
        check("suspicious = 0", b, discriminating: false) { _ in true }
        check("suspicious >= 1", b, discriminating: false) { _ in false }
    }

    func testBooleanFields() throws {
        let b = try VariedSample.batch()
        check("response", b) { $0.response }
        check("query", b) { !$0.response }
        check("malformed", b, discriminating: false) { $0.l.isMalformed }
        check("aa", b) { $0.flag(0x0400) }
        check("tc", b) { $0.flag(0x0200) }
        check("rd", b, discriminating: false) { $0.flag(0x0100) }
        check("ra", b, discriminating: false) { $0.flag(0x0080) }
        check("ad", b) { $0.flag(0x0020) }
        check("cd", b, discriminating: false) { $0.flag(0x0010) }
        check("not rd", b, discriminating: false) { !$0.flag(0x0100) }
        // Every flag on and off, crafted: each test sees its own bit only.
        let flags: [(String, UInt16)] = [("aa", 0x0400), ("tc", 0x0200), ("rd", 0x0100), ("ra", 0x0080), ("ad", 0x0020), ("cd", 0x0010)]
        let crafted = Craft.batch((0..<64).map { bits in
            let f = flags.enumerated().reduce(UInt16(0)) { $0 | (bits >> $1.offset & 1 == 1 ? $1.element.1 : 0) }
            return Craft.message(id: UInt16(bits), response: bits % 3 == 0, flags: f, name: "flags.example")
        })
        for (name, bit) in flags {
            check(name, crafted) { $0.flag(Int(bit)) }
            check("not \(name) and response", crafted) { !$0.flag(Int(bit)) && $0.response }
        }
        check("aa and tc and rd and ra and ad and cd", crafted) { $0.headerFlags & 0x07b0 == 0x07b0 }
    }

    /// A malformed message, crafted: only `malformed` and what the header still says.
    func testMalformedMessages() throws {
        var truncated = Craft.message(response: true, name: "www.example.com", answers: [Craft.txtRecord(octets: 20)])
        truncated.removeLast(10)
        let b = Craft.batch([truncated, Craft.message(name: "www.example.com")])
        check("malformed", b) { $0.l.isMalformed }
        check("malformed and qname = www.example.com", b) { $0.l.isMalformed }
        check("not malformed and query", b) { !$0.l.isMalformed }
    }

    /// The score an earlier `suspicious` transform gave, from the event's enrichment.
    func testSuspicionScoreComesFromTheEnrichment() throws {
        let x = try FilterExpression(parsing: "suspicious >= 2")
        let m = Craft.message(name: "example.com")
        var e = Craft.event(m)
        var en = EventEnrichment()
        let identity: [UInt8] = []
        for (score, expected) in [(0, false), (1, false), (2, true), (5, true)] {
            en.suspicionScore = UInt8(score)
            let got = m.withUnsafeBytes { mb in identity.withUnsafeBytes { id in x.matches(&e, mb, identity: id, enrichment: &en) } }
            XCTAssertEqual(got, expected, "score \(score)")
        }
        let noEnrichment = m.withUnsafeBytes { mb in identity.withUnsafeBytes { id in x.matches(&e, mb, identity: id) } }
        XCTAssertFalse(noEnrichment)
    }

    // MARK: Structure

    func testPrecedenceNotBindsTighterThanAndTighterThanOr() throws {
        let b = try VariedSample.batch()
        func nx(_ f: Facts) -> Bool { f.rcode == 3 }
        func v6(_ f: Facts) -> Bool { f.e.source.family == .v6 }
        func tcp(_ f: Facts) -> Bool { f.e.transport == .tcp }
        check("rcode = NXDOMAIN or family = 6 and response", b) { nx($0) || (v6($0) && $0.response) }
        check("(rcode = NXDOMAIN or family = 6) and response", b) { (nx($0) || v6($0)) && $0.response }
        check("response and family = 6 or rcode = NXDOMAIN", b) { ($0.response && v6($0)) || nx($0) }
        check("not response and family = 6", b) { !$0.response && v6($0) }
        check("not (response and family = 6)", b) { !($0.response && v6($0)) }
        check("not response or family = 6", b) { !$0.response || v6($0) }
        check("not not response", b) { $0.response }
        check("NOT response AND Family = 6 OR protocol = TCP", b) { (!$0.response && v6($0)) || tcp($0) }
        check("((response)) and ((family = 6 or (protocol = tcp)))", b) { $0.response && (v6($0) || tcp($0)) }
        check("response and not (qname = *.sample.test or qname = sample.test)", b) {
            $0.response && !($0.qname?.hasSuffix("sample.test.") ?? false)
        }
        check("qtype = A or qtype = AAAA and rcode = NOERROR or rcode = NXDOMAIN", b) {
            $0.qtype == 1 || ($0.qtype == 28 && $0.rcode == 0) || $0.rcode == 3
        }
    }

    func testListsInParenthesesAndAfterIn() throws {
        let b = try VariedSample.batch()
        check("qtype = (A, AAAA)", b) { [1, 28].contains($0.qtype ?? -1) }
        check("qtype in (A, AAAA) and rcode = NOERROR", b) { [1, 28].contains($0.qtype ?? -1) && $0.rcode == 0 }
        check("qtype not in (A,AAAA)", b) { ![1, 28].contains($0.qtype ?? -1) }
        check("client in 10.0.0.0/8, fd00::/8", b) { Self.inNetwork($0.client, "10.0.0.0/8") || Self.inNetwork($0.client, "fd00::/8") }
        check("client not in (10.0.0.0/8)", b) { !Self.inNetwork($0.client, "10.0.0.0/8") }
        check("qname IN (www.sample.test, 'other.example')", b) { ["www.sample.test.", "other.example."].contains($0.qname) }
    }

    func testQuotesInsideQuotes() throws {
        let b = Craft.batch([Craft.message(name: "it's.example"), Craft.message(name: "say\"hi\".example"), Craft.message(name: "plain.example")])
        check("qname ~ 'it\\'s'", b) { $0.qname == "it's.example." }
        check("qname ~ \"say\\\"hi\"", b) { $0.qname == "say\"hi\".example." }
        check("qname = \"it's.example\"", b) { $0.qname == "it's.example." }
    }

    // MARK: dnstap events

    /// The sample as dnstap frames: client and authoritative types, three identities and none, one frame without a
    /// DNS message.
    func dnstapBatch(into batch: inout EventBatch) throws -> (types: [UInt32], identities: [String?]) {
        let sample = contents(try VariedSample.batch())
        var processor = DnstapProcessor()
        var types: [UInt32] = [], identities: [String?] = []
        for (i, (e, m)) in sample.enumerated() {
            let response = e.layout.isResponse
            let type: UInt32 = (i / 2) % 2 == 0 ? (response ? 6 : 5) : (response ? 2 : 1)
            let identity: String? = [nil, "ns1", "ns2", "resolver-2"][(i / 2) % 4]
            types.append(type)
            identities.append(identity)
            let client = response ? e.destination : e.source, server = response ? e.source : e.destination
            var ca = [UInt8](repeating: 0, count: client.family == .v4 ? 4 : 16)
            var sa = [UInt8](repeating: 0, count: server.family == .v4 ? 4 : 16)
            _ = ca.withUnsafeMutableBufferPointer { client.writeNetworkBytes(to: $0.baseAddress!) }
            _ = sa.withUnsafeMutableBufferPointer { server.writeNetworkBytes(to: $0.baseAddress!) }
            var out = OutputBuffer()
            m.withUnsafeBytes { mb in
                ca.withUnsafeBytes { c in
                    sa.withUnsafeBytes { s in
                        var d = DnstapEncoder.Message(type: type)
                        d.socketFamily = client.family == .v4 ? 1 : 2
                        d.socketProtocol = 1
                        d.queryAddress = c
                        d.responseAddress = s
                        d.queryPort = UInt32(response ? e.destinationPort : e.sourcePort)
                        d.responsePort = UInt32(response ? e.sourcePort : e.destinationPort)
                        d.queryTime = e.timestamp
                        if response {
                            d.responseTime = e.timestamp + 5_000_000
                            d.responseMessage = mb
                        } else {
                            d.queryMessage = mb
                        }
                        let id = identity.map { Array($0.utf8) } ?? []
                        id.withUnsafeBytes { idb in
                            DnstapEncoder.writeFrame(identity: identity == nil ? nil : idb, version: nil, message: d, into: &out)
                        }
                    }
                }
            }
            let frame = Array(out.makeArray().dropFirst(4))
            frame.withUnsafeBytes { processor.process(frame: $0, receivedAt: 1, into: &batch) }
        }
        // A CLIENT_RESPONSE without its DNS message.
        var out = OutputBuffer()
        let id = Array("ns1".utf8)
        id.withUnsafeBytes { DnstapEncoder.writeFrame(identity: $0, version: nil, message: DnstapEncoder.Message(type: 6), into: &out) }
        Array(out.makeArray().dropFirst(4)).withUnsafeBytes { processor.process(frame: $0, receivedAt: 1, into: &batch) }
        types.append(6)
        identities.append("ns1")
        XCTAssertEqual(processor.counters.events, 43)
        return (types, identities)
    }

    func testDnstapTypesAndIdentities() throws {
        var b = EventBatch(identity: "fallback")
        let (types, identities) = try dnstapBatch(into: &b)
        let all = facts(b)
        XCTAssertEqual(all.count, 43)
        func type(_ f: Facts) -> UInt32 { types[all.firstIndex { $0.e.messageOffset == f.e.messageOffset && $0.e.recordOffset == f.e.recordOffset }!] }
        func identity(_ f: Facts) -> String {
            identities[all.firstIndex { $0.e.recordOffset == f.e.recordOffset }!] ?? "fallback"
        }
        check("input = dnstap", b, discriminating: false) { _ in true }
        check("dnstap_type = CLIENT_QUERY", b) { type($0) == 5 }
        check("dnstap_type = auth_response, CLIENT_RESPONSE", b) { [2, 6].contains(type($0)) }
        check("dnstap_type != CLIENT_QUERY", b) { type($0) != 5 }
        check("dnstap_type = 1", b) { type($0) == 1 }
        check("identity = ns1", b) { identity($0) == "ns1" }
        check("identity = fallback", b) { identity($0) == "fallback" }
        check("identity != ns1, ns2", b) { !["ns1", "ns2"].contains(identity($0)) }
        check("identity ~ '^ns[0-9]+$'", b) { identity($0).hasPrefix("ns") }
        check("identity !~ '^ns'", b) { !identity($0).hasPrefix("ns") }
        check("response", b) { $0.response }
        check("latency = 5ms", b) { $0.response && !$0.e.markers.contains(.noMessage) }
        check("qname = sample.test or rcode = NOERROR", b) { $0.qname == "sample.test." || (!$0.e.markers.contains(.noMessage) && $0.rcode == 0) }
        check("client = 10.0.0.0/8", b) { Self.inNetwork($0.client, "10.0.0.0/8") }
        // The frame without a message: a response by its type, with nothing else to compare.
        let last = all.count - 1
        XCTAssertTrue(all[last].e.markers.contains(.noMessage))
        let x = try FilterExpression(parsing: "response and dnstap_type = CLIENT_RESPONSE and identity = ns1 and not rd")
        let y = try FilterExpression(parsing: "qname = *.test or qtype = A or rcode = NOERROR or qname_length >= 0 or id = 0 or aa")
        var verdicts: [(Bool, Bool)] = []
        let id = TestBytes("fallback")
        defer { id.free() }
        b.forEachInPlace { e, m in verdicts.append((x.matches(e, m, identity: id.bytes), y.matches(e, m, identity: id.bytes))) }
        XCTAssertTrue(verdicts[last].0)
        XCTAssertFalse(verdicts[last].1)
    }

    // MARK: Errors

    func testErrorsSayWhatAndWhere() {
        let cases: [(String, String)] = [
            ("rcode = NXDOMIAN", "rcode: unknown value \"NXDOMIAN\" (at character 7)"),
            ("rcode", "rcode needs a comparison (rcode = ...) (at character 1)"),
            ("  bogus = 1", "unknown field \"bogus\" (known: "),
            ("qname ~ 'abc", "the quote is not closed (at character 9)"),
            ("(rcode = NXDOMAIN", "expected \")\" (at character 18)"),
            ("rcode = NXDOMAIN)", "unexpected \")\" (at character 17)"),
            ("rcode =", "expected a value, not end (at character 8)"),
            ("latency > fast", "latency: \"fast\" is not a duration (100ms, 0.5s) (at character 9)"),
            ("size > 1, 2", "size is compared with one number (at character 6)"),
            ("client = 10.0.0.0/33", "client: \"10.0.0.0/33\": the prefix must be 0-32 (at character 8)"),
            ("client = nowhere", "client: \"nowhere\" is not a network"),
            ("qname ~ '(a'", "(at character 7)"),
            ("qname ~ '(a)\\1'", "(at character 7)"),
            ("qname ~ 'a(?=b)'", "(at character 7)"),
            ("qname < 5", "qname is compared with = or != (a list of values) (at character 7)"),
            ("rcode = NXDOMAIN and", "expected a field (rcode, qtype, "),
            ("rcode ~ NXDOMAIN", "rcode is compared with = or != (a list of values) (at character 7)"),
            ("id > 1x", "id: \"1x\" is not a number (at character 4)"),
            ("latency > 100ms 5", "unexpected \"5\" (at character 17)"),
            ("qtype = TYPE70000", "qtype: unknown value \"TYPE70000\" (at character 7)"),
            ("rcode = (NXDOMAIN, REFUSED", "expected \")\" after the values (at character 27)"),
            ("not", "(at character 4)"),
            ("qname ~ a, b", "~ takes one regular expression (quote it) (at character 7)"),
            ("response = 0", "response stands alone: write \"response\" or \"not response\" (at character 10)"),
            ("rd != 1", "rd stands alone: write \"rd\" or \"not rd\" (at character 4)"),
            ("protocol = QUIC", "protocol: unknown value \"QUIC\" (at character 10)"),
            ("family = INET5", "family: unknown value \"INET5\" (at character 8)"),
            ("transaction = lost", "transaction: unknown value \"lost\" (at character 13)"),
            ("dnstap_type = CLIENT", "dnstap_type: unknown value \"CLIENT\" (at character 13)"),
        ]
        for (text, expected) in cases {
            do {
                _ = try FilterExpression(parsing: text)
                XCTFail("\(text): accepted")
            } catch {
                XCTAssertTrue(error.description.hasPrefix("filter \"\(text)\": "), error.description)
                XCTAssertTrue(error.description.contains(expected), "\(text): \(error.description)")
            }
        }
        // The documentation's example, word for word.
        XCTAssertEqual(errorText("rcode = NXDOMIAN"), "filter \"rcode = NXDOMIAN\": rcode: unknown value \"NXDOMIAN\" (at character 7)")
        // Where a field is unknown, it is named with its position.
        XCTAssertTrue(errorText("rcode = 3 and  bogus").hasSuffix("(at character 16)"), errorText("rcode = 3 and  bogus"))
    }

    func errorText(_ expression: String) -> String {
        do {
            _ = try FilterExpression(parsing: expression)
            return "accepted"
        } catch {
            return error.description
        }
    }
}
