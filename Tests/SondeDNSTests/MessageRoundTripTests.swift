import SondeDNS
import XCTest

/// One record of every type whose RDATA holds names, plus opaque ones, with names repeated so that compression
/// has work to do.
func recordsOfEveryType() -> [DNSResourceRecord] {
    let zone = dnsName("example.com")
    func rr(_ owner: String, _ type: UInt16, _ rdata: [UInt8]) -> DNSResourceRecord {
        DNSResourceRecord(name: dnsName(owner), type: type, ttl: 3600, rdata: rdata)
    }
    let soaTimers = be32(2024_010101) + be32(7200) + be32(3600) + be32(1_209_600) + be32(300)
    let rrsigFixed = be16(RRType.a) + [13, 3] + be32(3600) + be32(1_700_000_000) + be32(1_690_000_000) + be16(12345)
    return [
        rr("www.example.com", RRType.a, [192, 0, 2, 1]),
        rr("www.example.com", RRType.aaaa, [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]),
        rr("example.com", RRType.ns, wire("ns1.example.com")),
        rr("example.com", RRType.md, wire("mail.example.com")),
        rr("example.com", RRType.mf, wire("mail.example.com")),
        rr("alias.example.com", RRType.cname, wire("www.example.com")),
        DNSResourceRecord(name: zone, type: RRType.soa, ttl: 300,
                          rdata: wire("ns1.example.com") + wire("hostmaster.example.com") + soaTimers),
        rr("example.com", RRType.mb, wire("mail.example.com")),
        rr("example.com", RRType.mg, wire("mail.example.com")),
        rr("example.com", RRType.mr, wire("mail.example.com")),
        rr("1.2.0.192.in-addr.arpa", RRType.ptr, wire("www.example.com")),
        rr("list.example.com", RRType.minfo, wire("owner.example.com") + wire("errors.example.com")),
        rr("example.com", RRType.mx, be16(10) + wire("mail.example.com")),
        rr("example.com", RRType.txt, characterString("v=spf1 -all")),
        rr("example.com", RRType.rp, wire("admin.example.com") + wire("info.example.com")),
        rr("example.com", RRType.afsdb, be16(1) + wire("afs.example.com")),
        rr("example.com", RRType.rt, be16(10) + wire("relay.example.com")),
        rr("example.com", RRType.kx, be16(10) + wire("kx.example.com")),
        rr("example.com", RRType.px, be16(10) + wire("map822.example.com") + wire("mapx400.example.com")),
        rr("_sip._tcp.example.com", RRType.srv, be16(0) + be16(5) + be16(5060) + wire("sip.example.com")),
        rr("example.com", RRType.naptr, be16(100) + be16(10) + characterString("u") + characterString("E2U+sip")
            + characterString("!^.*$!sip:info@example.com!") + wire(".")),
        rr("example.com", RRType.naptr, be16(100) + be16(20) + characterString("s") + characterString("SIP+D2U")
            + characterString("") + wire("_sip._udp.example.com")),
        rr("old.example.com", RRType.dname, wire("example.net")),
        rr("www.example.com", RRType.rrsig, rrsigFixed + wire("example.com") + Array(repeating: 0xAB, count: 64)),
        rr("www.example.com", RRType.sig, rrsigFixed + wire("example.com") + Array(repeating: 0xCD, count: 16)),
        rr("www.example.com", RRType.nsec, wire("zzz.example.com") + [0, 6, 0x40, 0, 0, 0, 0, 3]),
        rr("www.example.com", RRType.nxt, wire("zzz.example.com") + [0x40, 0x01]),
        rr("example.com", RRType.https, be16(1) + wire(".") + be16(1) + be16(3) + characterString("h2")),
        rr("Mixed.EXAMPLE.com", RRType.cname, wire("WWW.Example.COM")),
    ]
}

/// A response using every section, compression candidates and EDNS with options.
func fullMessage() -> DNSMessage {
    let records = recordsOfEveryType()
    let header = DNSHeader(id: 0xBEEF, isResponse: true, opcode: 0, isAuthoritative: true, recursionDesired: true,
                           recursionAvailable: true, authenticData: true, rcode: 0)
    let edns = EDNS(udpPayloadSize: 4096, extendedRcode: 0, version: 0, dnssecOK: true, z: 0x0123, options: [
        EDNSOption(code: 10, data: Array(0..<24)),  // COOKIE
        EDNSOption(code: 3),  // empty NSID
        EDNSOption(code: 8, data: [0, 1, 24, 0, 192, 0, 2]),  // Client Subnet
    ])
    return DNSMessage(
        header: header,
        questions: [DNSQuestion(name: dnsName("www.example.com"), type: RRType.a)],
        answers: Array(records[0..<12]), authority: Array(records[12..<20]), additional: Array(records[20...]),
        edns: edns
    )
}

final class MessageRoundTripTests: XCTestCase {
    func testEveryTypeRoundTripsCompressedAndNot() throws {
        let message = fullMessage()
        for compress in [true, false] {
            let bytes = message.encode(compress: compress)
            let decoded = try DNSMessage(decoding: bytes)
            XCTAssertEqual(decoded, message, "compress: \(compress)")
            XCTAssertEqual(decoded.encode(compress: compress), bytes, "encoding is stable")
        }
        XCTAssertEqual(try DNSMessage(decoding: message.encode(compress: true)),
                       try DNSMessage(decoding: message.encode(compress: false)))
    }

    func testCompressionShortensRepeatedNames() {
        let message = fullMessage()
        let compressed = message.encode(compress: true)
        let plain = message.encode(compress: false)
        XCTAssertLessThan(compressed.count, plain.count)
        XCTAssertLessThan(Double(compressed.count), Double(plain.count) * 0.8)
        // The question name then an answer owner pointing at it: C0 0C.
        let q = DNSMessage.query(id: 1, name: dnsName("www.example.com"), type: RRType.a, edns: nil)
        let r = DNSMessage.response(to: q, answers: [
            DNSResourceRecord(name: dnsName("www.example.com"), type: RRType.a, ttl: 60, rdata: [192, 0, 2, 1]),
        ])
        let bytes = r.encode()
        XCTAssertEqual(bytes.count, 12 + 17 + 4 + 2 + 10 + 4)
        XCTAssertEqual(Array(bytes[33..<35]), [0xC0, 0x0C])
    }

    func testOnlyRFC1035RDataNamesAreCompressed() throws {
        let owner = dnsName("example.com")
        let target = dnsName("sip.example.com")
        let message = DNSMessage(
            header: DNSHeader(isResponse: true),
            answers: [
                DNSResourceRecord(name: target, type: RRType.a, ttl: 1, rdata: [1, 2, 3, 4]),
                DNSResourceRecord(name: owner, type: RRType.srv, ttl: 1, rdata: be16(1) + be16(2) + be16(3) + target.wireBytes),
                DNSResourceRecord(name: owner, type: RRType.mx, ttl: 1, rdata: be16(1) + target.wireBytes),
            ]
        )
        let bytes = message.encode()
        // A: 17-byte owner + 10 + 4; SRV: owner pointer into the A owner (2) + 10 + 6 + the full 17-byte target.
        let srvLengthAt = 12 + 31 + 2 + 8
        let srvRDLength = Int(bytes[srvLengthAt]) << 8 | Int(bytes[srvLengthAt + 1])
        XCTAssertEqual(srvRDLength, 6 + 17)
        // MX: preference + a pointer.
        let mxStart = 12 + 31 + 2 + 10 + 23
        XCTAssertEqual(Int(bytes[mxStart + 2 + 9]), 2 + 2)
        XCTAssertEqual(try DNSMessage(decoding: bytes), message)
    }

    func testMessagesPastThe14BitPointerRangeRoundTrip() throws {
        // About 40 KB: names written after offset 0x3FFF can point back but are not pointed at.
        let records = (0..<1500).map { i in
            DNSResourceRecord(name: dnsName("host\(i).zone\(i % 7).example.com"), type: RRType.mx, ttl: 60,
                              rdata: be16(10) + wire("mail\(i % 3).zone\(i % 7).example.com"))
        }
        let message = DNSMessage(header: DNSHeader(isResponse: true), answers: records)
        let compressed = message.encode(compress: true)
        XCTAssertGreaterThan(compressed.count, 0x4000)
        XCTAssertLessThan(compressed.count, message.encode(compress: false).count)
        XCTAssertEqual(try DNSMessage(decoding: compressed), message)
        XCTAssertEqual(try DNSMessage(decoding: message.encode(compress: false)), message)
    }

    func testCaseIsKeptAndNotMergedByCompression() throws {
        let message = DNSMessage(
            questions: [DNSQuestion(name: dnsName("WWW.Example.COM"), type: RRType.a)],
            answers: [DNSResourceRecord(name: dnsName("www.example.com"), type: RRType.a, ttl: 5, rdata: [1, 1, 1, 1])]
        )
        let decoded = try DNSMessage(decoding: message.encode())
        XCTAssertEqual(decoded.questions[0].name.description, "WWW.Example.COM.")
        XCTAssertEqual(decoded.answers[0].name.description, "www.example.com.")
        XCTAssertTrue(decoded.questions[0].name.equalsIgnoringCase(decoded.answers[0].name))
    }

    func testDecompressesNamesInRData() throws {
        // Question example.com at 12; MX 10 mail.<ptr 12>; SOA <ptr 12> hostmaster.<ptr 12> + timers.
        var bytes = headerBytes(flags: 0x8180, qd: 1, an: 2)
        bytes += wire("example.com") + be16(RRType.mx) + be16(1)
        let mxRData = be16(10) + [4] + Array("mail".utf8) + [0xC0, 12]
        bytes += [0xC0, 12] + be16(RRType.mx) + be16(1) + be32(60) + be16(UInt16(mxRData.count)) + mxRData
        let soaRData = [0xC0, 12] + [10] + Array("hostmaster".utf8) + [0xC0, 12] + Array(repeating: 7, count: 20)
        bytes += [0xC0, 12] + be16(RRType.soa) + be16(1) + be32(60) + be16(UInt16(soaRData.count)) + soaRData
        let message = try XCTUnwrap(decodeOrFail(bytes))
        XCTAssertEqual(message.answers[0].rdata, be16(10) + wire("mail.example.com"))
        XCTAssertEqual(message.answers[1].rdata, wire("example.com") + wire("hostmaster.example.com")
            + Array(repeating: 7, count: 20))
        XCTAssertEqual(try DNSMessage(decoding: message.encode()), message)
        XCTAssertEqual(message.encode(), bytes, "the encoder compresses the same way")
    }

    func testEDNSFieldsAndExtendedRcode() throws {
        var message = DNSMessage.query(id: 7, name: dnsName("example.org"), type: RRType.aaaa)
        message = DNSMessage.response(to: message, rcode: 16)  // BADVERS
        XCTAssertEqual(message.header.rcode, 0)
        XCTAssertEqual(message.edns?.extendedRcode, 1)
        XCTAssertEqual(message.extendedRcode, 16)
        message.edns?.version = 3
        message.edns?.z = 0x7FFF
        message.edns?.options = [EDNSOption(code: 15, data: be16(18) + Array("blocked".utf8))]
        let decoded = try DNSMessage(decoding: message.encode())
        XCTAssertEqual(decoded, message)
        XCTAssertEqual(decoded.extendedRcode, 16)
        XCTAssertEqual(decoded.header.arCount, 1)
        let bytes = message.encode()
        // OPT: root owner, type 41, class 1232, TTL 01 03 7F FF.
        let opt = bytes.count - (4 + 2 + 7) - 11
        let expected: [UInt8] = [0, 0, 41, 0x04, 0xD0, 1, 3, 0x7F, 0xFF, 0, 13]
        XCTAssertEqual(Array(bytes[opt..<opt + 11]), expected)
    }

    func testSecondOPTStaysInAdditionalAndRoundTrips() throws {
        var bytes = headerBytes(qd: 0, ar: 3)
        bytes += [0] + be16(RRType.opt) + be16(512) + be32(0x0000_8000) + be16(4) + be16(12) + be16(0)
        bytes += wire("a.example") + be16(RRType.a) + be16(1) + be32(1) + be16(4) + [9, 9, 9, 9]
        bytes += [0] + be16(RRType.opt) + be16(1400) + be32(0) + be16(0)
        let message = try XCTUnwrap(decodeOrFail(bytes))
        XCTAssertEqual(message.edns, EDNS(udpPayloadSize: 512, dnssecOK: true, options: [EDNSOption(code: 12)]))
        XCTAssertEqual(message.additional.map(\.type), [RRType.a, RRType.opt])
        XCTAssertEqual(try DNSMessage(decoding: message.encode()), message)
    }

    func testHeaderFlagsRoundTrip() throws {
        for flags in stride(from: 0, through: 0xFFFF, by: 1) {
            var header = DNSHeader()
            header.flags = UInt16(flags)
            XCTAssertEqual(header.flags, UInt16(flags))
        }
        let header = DNSHeader(id: 0xABCD, isResponse: true, opcode: 5, isAuthoritative: true, isTruncated: true,
                               recursionDesired: true, recursionAvailable: true, z: true, authenticData: true,
                               checkingDisabled: true, rcode: 9, qdCount: 1, anCount: 2, nsCount: 3, arCount: 4)
        var out: [UInt8] = []
        header.write(into: &out)
        XCTAssertEqual(out, [0xAB, 0xCD, 0xAF, 0xF9, 0, 1, 0, 2, 0, 3, 0, 4])
        XCTAssertEqual(try out.withUnsafeBytes { try DNSHeader(wire: $0) }, header)
        XCTAssertThrowsError(try [UInt8](repeating: 0, count: 11).withUnsafeBytes { try DNSHeader(wire: $0) })
    }

    func testBuilders() throws {
        let query = DNSMessage.query(id: 42, name: dnsName("example.com"), type: RRType.mx)
        XCTAssertEqual(query.header.qdCount, 1)
        XCTAssertEqual(query.header.arCount, 1)
        XCTAssertTrue(query.header.recursionDesired)
        let response = DNSMessage.response(to: query, rcode: 3, authority: [
            DNSResourceRecord(name: dnsName("com"), type: RRType.soa, ttl: 900,
                              rdata: wire("a.gtld-servers.net") + wire("nstld.verisign-grs.com") + Array(repeating: 1, count: 20)),
        ])
        XCTAssertEqual(response.header.id, 42)
        XCTAssertTrue(response.header.isResponse)
        XCTAssertEqual(response.header.rcode, 3)
        XCTAssertEqual(response.questions, query.questions)
        XCTAssertEqual(response.header.nsCount, 1)
        XCTAssertEqual(try DNSMessage(decoding: response.encode()), response)
        XCTAssertEqual(try DNSMessage(decoding: query.encode()), query)
    }

    func testOpaqueRDataThatDoesNotFitItsLayoutIsWrittenAsIs() throws {
        // Hand-built MX RDATA with a byte too many: the encoder keeps it, the decoder rejects it.
        let message = DNSMessage(answers: [
            DNSResourceRecord(name: dnsName("x"), type: RRType.mx, ttl: 1, rdata: be16(1) + wire("m.x") + [0]),
        ])
        let error = decodingError(message.encode())
        XCTAssertEqual(error?.reason, .badRData)
        XCTAssertEqual(error?.section, .answer)
    }
}
