@testable import SondePacket
import XCTest

final class DNSMessageBoundaryTests: XCTestCase {
    /// A framed header: length 40, ID 0x1234, the given flags and counts, then `tail`.
    func candidate(flags: (UInt8, UInt8) = (0x01, 0x00), counts: [UInt16] = [1, 0, 0, 0], firstNameByte: UInt8 = 3) -> [UInt8] {
        var bytes: [UInt8] = [0, 40, 0x12, 0x34, flags.0, flags.1]
        for count in counts { bytes += [UInt8(count >> 8), UInt8(count & 0xff)] }
        bytes.append(firstNameByte)
        return bytes + [UInt8](repeating: 0, count: 27)
    }

    func plausible(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { DNSMessageBoundary.isPlausible($0, at: 0) }
    }

    func testChecks() {
        XCTAssertTrue(plausible(candidate()))
        XCTAssertTrue(plausible(candidate(flags: (0x81, 0x80), counts: [1, 2, 0, 0])))  // 12 + 5 + 22 <= 40
        XCTAssertFalse(plausible(candidate(counts: [1, 3, 0, 0])))  // 12 + 5 + 33 > 40
        XCTAssertFalse(plausible(candidate(flags: (0x19, 0x00))))  // opcode 3
        XCTAssertFalse(plausible(candidate(flags: (0x79, 0x00))))  // opcode 15
        XCTAssertFalse(plausible(candidate(flags: (0x01, 0x40))))  // Z set
        XCTAssertFalse(plausible(candidate(counts: [2, 0, 0, 0])))
        XCTAssertFalse(plausible(candidate(counts: [0, 1, 0, 0])))  // a query without a question
        XCTAssertTrue(plausible(candidate(flags: (0x81, 0x00), counts: [0, 1, 0, 0])))  // AXFR continuation
        XCTAssertTrue(plausible(candidate(flags: (0x30, 0x00), counts: [0, 0, 0, 0])))  // DSO
        XCTAssertFalse(plausible(candidate(firstNameByte: 0xc0)))  // a pointer cannot start the message
        var short = candidate()
        short[1] = 11
        XCTAssertFalse(plausible(short))
    }

    func testTheFollowingMessageIsCheckedWhenVisible() {
        var bytes = candidate()  // 42 bytes framed
        bytes += candidate()
        bytes.withUnsafeBytes { XCTAssertTrue(DNSMessageBoundary.isAccepted($0, at: 0)) }
        bytes[42 + 4] = 0x79  // the next one has opcode 15
        bytes.withUnsafeBytes { XCTAssertFalse(DNSMessageBoundary.isAccepted($0, at: 0)) }
        // Not visible in full: accepted on its own merits.
        Array(bytes[..<(42 + 14)]).withUnsafeBytes { XCTAssertTrue(DNSMessageBoundary.isAccepted($0, at: 0)) }
    }
}
