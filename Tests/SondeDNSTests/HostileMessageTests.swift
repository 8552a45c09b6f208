import SondeDNS
import XCTest

final class HostileMessageTests: XCTestCase {
    func testPointerToItselfIsALoop() {
        let error = decodingError(headerBytes(qd: 1) + [0xC0, 12] + be16(1) + be16(1))
        XCTAssertEqual(error, DNSDecodingError(.pointerLoop, section: .question, offset: 12))
    }

    func testTwoPointerLoopIsRejected() {
        // 12 -> 14 (forward), 14 -> 12: whichever way it is reached, it must fail.
        let bytes = headerBytes(qd: 1) + [0xC0, 14, 0xC0, 12] + be16(1) + be16(1)
        XCTAssertNotNil(decodingError(bytes))
        // The same two pointers as an answer owner name.
        var loop = headerBytes(an: 1)
        loop += [0xC0, 14, 0xC0, 12] + be16(1) + be16(1) + be32(0) + be16(0)
        XCTAssertNotNil(decodingError(loop))
    }

    func testForwardPointerIsRejected() {
        let bytes = headerBytes(qd: 1) + [0xC0, 20] + be16(1) + be16(1) + wire("example")
        XCTAssertEqual(decodingError(bytes), DNSDecodingError(.forwardPointer, section: .question, offset: 12))
    }

    func testPointerPastTheEnd() {
        let bytes = headerBytes(qd: 1) + [0xC0, 0xFF] + be16(1) + be16(1)
        XCTAssertEqual(decodingError(bytes)?.reason, .pointerOutOfRange)
    }

    func testLongPointerChainStops() throws {
        // A root label at 0 and 200 pointers, each to the one before: longer than any real name needs.
        var bytes: [UInt8] = [0]
        for i in 0..<200 {
            let target = i == 0 ? 0 : 2 * i - 1
            bytes += [0xC0 | UInt8(target >> 8), UInt8(target & 0xFF)]
        }
        let last = bytes.count - 2
        try bytes.withUnsafeBytes { raw in
            XCTAssertThrowsError(try DNSName(wire: raw, at: last)) { error in
                XCTAssertEqual(error as? DNSDecodingError.Reason, .pointerLoop)
            }
            XCTAssertNoThrow(try DNSName(wire: raw, at: 1))
        }
    }

    func testNameLongerThan255ThroughPointers() throws {
        // Labels of 63 chained by pointers to reach more than 255 octets.
        let label: [UInt8] = [63] + Array(repeating: 0x61, count: 63)
        var bytes = headerBytes(qd: 1)
        let base = bytes.count
        bytes += wire(".")  // 12: root
        bytes += label + [0xC0, UInt8(base)]  // 13
        bytes += label + [0xC0, UInt8(base + 1)]  // 79
        bytes += label + [0xC0, UInt8(base + 1 + 66)]  // 145
        bytes += label + [0xC0, UInt8(base + 1 + 132)]  // 211: 4 labels of 63 + root = 257
        // The question must start at 12 for the count; test the name directly.
        try bytes.withUnsafeBytes { raw in
            XCTAssertThrowsError(try DNSName(wire: raw, at: base + 1 + 198)) { error in
                XCTAssertEqual(error as? DNSDecodingError.Reason, .nameTooLong)
            }
            XCTAssertNoThrow(try DNSName(wire: raw, at: base + 1 + 132))
        }
    }

    func testHugeCountsInA12ByteMessageFailAtOnce() {
        let start = ContinuousClock.now
        for section in 0..<4 {
            var counts: [UInt16] = [0, 0, 0, 0]
            counts[section] = 0xFFFF
            let bytes = headerBytes(qd: counts[0], an: counts[1], ns: counts[2], ar: counts[3])
            let error = decodingError(bytes)
            XCTAssertEqual(error?.reason, .countMismatch)
            XCTAssertEqual(error?.offset, 12)
            XCTAssertEqual(error?.section, [.question, .answer, .authority, .additional][section])
        }
        let all = headerBytes(qd: 0xFFFF, an: 0xFFFF, ns: 0xFFFF, ar: 0xFFFF)
        for _ in 0..<10_000 { XCTAssertEqual(decodingError(all)?.reason, .countMismatch) }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
    }

    func testShortAndTruncatedMessages() {
        XCTAssertEqual(decodingError([]), DNSDecodingError(.shortHeader, section: .header, offset: 0))
        XCTAssertEqual(decodingError(Array(repeating: 0, count: 11))?.reason, .shortHeader)
        XCTAssertEqual(decodingError(headerBytes(qd: 1) + wire("a") + [0, 1])?.reason, .truncatedQuestion)
        XCTAssertEqual(decodingError(headerBytes(qd: 1) + [3, 0x61])?.reason, .truncatedName)
        let record = wire("a") + be16(1) + be16(1) + be32(0) + be16(4) + [1, 2, 3]
        XCTAssertEqual(decodingError(headerBytes(an: 1) + record),
                       DNSDecodingError(.truncatedRecord, section: .answer, offset: 12 + 3 + 8))
        XCTAssertEqual(decodingError(headerBytes(ns: 1) + wire("a") + be16(1))?.reason, .truncatedRecord)
        XCTAssertEqual(decodingError(headerBytes(an: 2) + record + [4])?.section, .answer)
    }

    func testInconsistentRDataIsBadRData() {
        func answer(_ type: UInt16, _ rdata: [UInt8]) -> DNSDecodingError? {
            decodingError(headerBytes(an: 1) + wire("x") + be16(type) + be16(1) + be32(0)
                + be16(UInt16(rdata.count)) + rdata)
        }
        // A name running past RDLENGTH (the following bytes would complete it).
        let cut = headerBytes(an: 1) + wire("x") + be16(RRType.ns) + be16(1) + be32(0) + be16(3) + wire("ns.x")
        XCTAssertEqual(decodingError(cut), DNSDecodingError(.badRData, section: .answer, offset: 12 + 3 + 10))
        XCTAssertEqual(answer(RRType.cname, wire("a.x") + [0])?.reason, .badRData)  // leftover
        XCTAssertEqual(answer(RRType.ns, [])?.reason, .badRData)
        XCTAssertEqual(answer(RRType.mx, [0])?.reason, .badRData)
        XCTAssertEqual(answer(RRType.soa, wire("a") + wire("b") + Array(repeating: 0, count: 19))?.reason, .badRData)
        XCTAssertEqual(answer(RRType.soa, wire("a") + wire("b") + Array(repeating: 0, count: 21))?.reason, .badRData)
        XCTAssertEqual(answer(RRType.srv, be16(1) + be16(1) + be16(1))?.reason, .badRData)
        XCTAssertEqual(answer(RRType.naptr, be16(1) + be16(1) + [1, 0x61, 5, 0x61])?.reason, .badRData)
        XCTAssertEqual(answer(RRType.rrsig, Array(repeating: 0, count: 17))?.reason, .badRData)
        XCTAssertNil(answer(RRType.rrsig, Array(repeating: 0, count: 19)))  // root signer, empty signature
        XCTAssertEqual(answer(RRType.minfo, wire("a"))?.reason, .badRData)
        XCTAssertNil(answer(RRType.txt, [0xC0]))  // opaque types are not looked at
        // A loop inside RDATA keeps its own reason.
        let loop = headerBytes(an: 1) + wire("x") + be16(RRType.ptr) + be16(1) + be32(0) + be16(2) + [0xC0, 25]
        XCTAssertEqual(decodingError(loop)?.reason, .pointerLoop)
    }

    func testMalformedOPT() {
        func additional(_ record: [UInt8]) -> DNSDecodingError? { decodingError(headerBytes(ar: 1) + record) }
        let nonRoot = wire("x") + be16(RRType.opt) + be16(512) + be32(0) + be16(0)
        XCTAssertEqual(additional(nonRoot), DNSDecodingError(.badRData, section: .additional, offset: 12))
        let shortOption = [0] + be16(RRType.opt) + be16(512) + be32(0) + be16(3) + [0, 10, 0]
        XCTAssertEqual(additional(shortOption)?.reason, .badRData)
        let longOption = [0] + be16(RRType.opt) + be16(512) + be32(0) + be16(5) + [0, 10, 0, 2, 1]
        XCTAssertEqual(additional(longOption)?.reason, .badRData)
        // An OPT in the answer section is only a record.
        let inAnswer = headerBytes(an: 1) + nonRoot
        XCTAssertEqual(decodeOrFail(inAnswer)?.answers.first?.type, RRType.opt)
    }
}
