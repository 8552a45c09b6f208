import SondePacket
import XCTest

final class DNSOverTCPFramerTests: XCTestCase {
    func walk(_ payload: [UInt8]) -> (messages: [DNSOverTCPFramer.Message], remaining: Int, partial: Int?, consumed: Int) {
        payload.withUnsafeBytes { bytes in
            var framer = DNSOverTCPFramer(bytes)
            var messages: [DNSOverTCPFramer.Message] = []
            while let message = framer.next() { messages.append(message) }
            return (messages, framer.remainingBytes, framer.partialMessageLength, framer.consumed)
        }
    }

    func testPipelinedMessagesAndPartialTail() {
        let first = [UInt8](repeating: 1, count: 30)
        let second = [UInt8](repeating: 2, count: 5)
        let payload = [0, 30] + first + [0, 5] + second + [0x01, 0x00, 9, 9, 9]
        let result = walk(payload)
        XCTAssertEqual(result.messages, [.init(offset: 2, length: 30), .init(offset: 34, length: 5)])
        XCTAssertEqual(result.consumed, 39)
        XCTAssertEqual(result.remaining, 5)
        XCTAssertEqual(result.partial, 256)
    }

    func testPrefixSplit() {
        let result = walk([0, 3, 7, 7, 7, 0])
        XCTAssertEqual(result.messages, [.init(offset: 2, length: 3)])
        XCTAssertEqual(result.remaining, 1)
        XCTAssertNil(result.partial)
    }

    func testEdges() {
        XCTAssertEqual(walk([]).messages, [])
        XCTAssertEqual(walk([]).remaining, 0)
        XCTAssertNil(walk([]).partial)
        // A zero length prefix is a frame of its own, and the walk advances past it.
        XCTAssertEqual(walk([0, 0, 0, 0]).messages, [.init(offset: 2, length: 0), .init(offset: 4, length: 0)])
        // Exactly one message.
        let exact = walk([0, 2, 1, 2])
        XCTAssertEqual(exact.messages, [.init(offset: 2, length: 2)])
        XCTAssertEqual(exact.remaining, 0)
        XCTAssertNil(exact.partial)
        // A length far beyond the payload.
        let huge = walk([0xff, 0xff, 1])
        XCTAssertEqual(huge.messages, [])
        XCTAssertEqual(huge.partial, 65535)
        XCTAssertEqual(huge.remaining, 3)
    }
}
