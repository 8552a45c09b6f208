import XCTest

#if canImport(SondeTransforms)
import SondeTransforms
#else
import GeoIP
#endif

func openMaxMindTestDatabase(_ writer: MaxMindTestWriter, language: String = "en") throws -> MaxMindDatabase {
    try writer.build().withUnsafeBytes { try MaxMindDatabase(bytes: $0, language: language) }
}

func assertMaxMindError<T>(
    _ reason: MaxMindDBError.Reason, at offset: Int? = nil, _ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line
) {
    do {
        let value = try body()
        XCTFail("expected \(reason), got \(value)", file: file, line: line)
    } catch let error as MaxMindDBError {
        XCTAssertEqual(error.reason, reason, "\(error)", file: file, line: line)
        if let offset { XCTAssertEqual(error.offset, offset, "\(error)", file: file, line: line) }
    } catch {
        XCTFail("expected MaxMindDBError, got \(error)", file: file, line: line)
    }
}

/// The data-section decoder on hand-written bytes: every type, every size and pointer encoding, and the limits.
final class MaxMindDecoderTests: XCTestCase {
    /// A database whose single IPv4 network 0.0.0.0/1 (and ::/1 in IPv6) leads to `record`.
    func database(_ build: (inout MaxMindTestData) -> Int) throws -> (MaxMindDatabase, Int) {
        var writer = MaxMindTestWriter(ipVersion: 4)
        let offset = build(&writer.data)
        writer.insert(ipv4: 0, prefix: 1, offset: offset)
        return (try openMaxMindTestDatabase(writer), offset)
    }

    func testEveryTypeDecodes() throws {
        let (db, record) = try database { d in
            d.string("shared")
            let container = d.count
            d.container([0x44] + Array("held".utf8))  // a string field inside a data cache container
            let pointerOne = d.count
            d.pointer(0)
            let record = d.count
            d.map(22)
            d.string("string"); d.string("hello")
            d.string("empty"); d.string("")
            d.string("unicode"); d.string("Zürich 東京 🦊")
            d.string("double"); d.double(-2.5e-300)
            d.string("float"); d.float(1.5)
            d.string("bytes"); d.blob([0, 1, 0xFE, 0xFF])
            d.string("uint16"); d.unsigned(5, 65535)
            d.string("uint16_zero"); d.unsigned(5, 0)
            d.string("uint32"); d.unsigned(6, 4_294_967_295)
            d.string("int32"); d.int32(-123_456)
            d.string("int32_short"); d.header(8, 1); d.bytes.append(0xFF)  // zero-extended, as the reference readers do
            d.string("uint64"); d.unsigned(9, .max)
            d.string("uint128"); d.uint128(high: 1, low: 2)
            d.string("array"); d.array(3); d.boolean(true); d.boolean(false); d.endMarker()
            d.string("container"); d.container([1, 2, 3])
            d.string("map"); d.map(1); d.string("inner"); d.map(0)
            d.string("pointer_0"); d.pointer(0, sizeBits: 0)
            d.string("pointer_3"); d.pointer(0, sizeBits: 3)
            d.string("into_container"); d.pointer(container + 2)
            d.string("chain"); d.pointer(pointerOne)
            d.pointer(0); d.string("pointer key")
            d.string("end"); d.endMarker()
            return record
        }
        XCTAssertEqual(try db.lookup(ipv4: 0x0102_0304), MaxMindLookupResult(recordOffset: record, prefixLength: 1))
        XCTAssertEqual(try db.lookup(ipv4: 0x8000_0000), MaxMindLookupResult(recordOffset: nil, prefixLength: 1))
        let expected: [(String, MaxMindValue)] = [
            ("string", .string("hello")), ("empty", .string("")), ("unicode", .string("Zürich 東京 🦊")),
            ("double", .double(-2.5e-300)), ("float", .float(1.5)), ("bytes", .bytes([0, 1, 0xFE, 0xFF])),
            ("uint16", .uint16(65535)), ("uint16_zero", .uint16(0)), ("uint32", .uint32(4_294_967_295)),
            ("int32", .int32(-123_456)), ("int32_short", .int32(255)), ("uint64", .uint64(.max)),
            ("uint128", .uint128(high: 1, low: 2)), ("array", .array([.boolean(true), .boolean(false), .endMarker])),
            ("container", .dataCacheContainer(byteCount: 3)), ("map", .map([.init(key: "inner", value: .map([]))])),
            ("pointer_0", .string("shared")), ("pointer_3", .string("shared")), ("into_container", .string("held")),
            ("chain", .string("shared")), ("shared", .string("pointer key")), ("end", .endMarker),
        ]
        XCTAssertEqual(try db.decodeValue(atRecordOffset: record), .map(expected.map { .init(key: $0.0, value: $0.1) }))
    }

    /// Sizes 0, 28, 29, 284, 285, 65,820, 65,821 and 70,000 take the 0-, 1-, 2- and 3-byte size forms; pointers
    /// of all four sizes reach targets past 2,048 and 526,336 bytes.
    func testSizeAndPointerEncodings() throws {
        let lengths = [0, 28, 29, 284, 285, 65_820, 65_821, 70_000]
        var targets: [Int] = []
        let (db, record) = try database { d in
            for length in lengths {
                targets.append(d.count)
                d.string(String(repeating: "x", count: length))
            }
            d.blob([UInt8](repeating: 7, count: 530_000 - d.count))
            targets.append(d.count)
            d.string("far")
            let record = d.count
            d.array(lengths.count + 6)
            for target in targets.prefix(lengths.count) { d.pointer(target) }
            d.pointer(targets[4], sizeBits: 3)  // any value fits the 4-byte form
            d.pointer(targets[6], sizeBits: 1)  // 65,8xx: past 2,048
            d.pointer(targets[8], sizeBits: 2)  // past 526,336
            d.pointer(targets[8], sizeBits: 3)
            d.string(String(repeating: "y", count: 300))
            d.float(-0.15625)
            return record
        }
        var expected = lengths.map { MaxMindValue.string(String(repeating: "x", count: $0)) }
        expected += [expected[4], expected[6], .string("far"), .string("far"), .string(String(repeating: "y", count: 300)), .float(-0.15625)]
        XCTAssertEqual(try db.decodeValue(atRecordOffset: record), .array(expected))
    }

    func testFieldLimits() throws {
        func refuse(_ reason: MaxMindDBError.Reason, line: UInt = #line, _ build: (inout MaxMindTestData) -> Void) throws {
            let (db, record) = try database { d in
                d.string("padding")
                let record = d.count
                build(&d)
                return record
            }
            assertMaxMindError(reason, { try db.decodeValue(atRecordOffset: record) }, line: line)
        }
        try refuse(.invalidSize(type: .double, size: 4)) { d in d.header(3, 4); d.bytes += [0, 0, 0, 0] }
        try refuse(.invalidSize(type: .float, size: 8)) { d in d.header(15, 8); d.bytes += [UInt8](repeating: 0, count: 8) }
        try refuse(.invalidSize(type: .uint16, size: 3)) { d in d.header(5, 3); d.bytes += [1, 2, 3] }
        try refuse(.invalidSize(type: .uint32, size: 5)) { d in d.header(6, 5); d.bytes += [1, 2, 3, 4, 5] }
        try refuse(.invalidSize(type: .int32, size: 5)) { d in d.header(8, 5); d.bytes += [1, 2, 3, 4, 5] }
        try refuse(.invalidSize(type: .uint64, size: 9)) { d in d.header(9, 9); d.bytes += [UInt8](repeating: 1, count: 9) }
        try refuse(.invalidSize(type: .uint128, size: 17)) { d in d.header(10, 17); d.bytes += [UInt8](repeating: 1, count: 17) }
        try refuse(.invalidSize(type: .boolean, size: 2)) { d in d.header(14, 2) }
        try refuse(.invalidSize(type: .endMarker, size: 1)) { d in d.header(13, 1) }
        try refuse(.invalidExtendedType(0)) { d in d.bytes += [0x00, 0x00] }
        try refuse(.invalidExtendedType(9)) { d in d.bytes += [0x00, 0x09] }
        try refuse(.fieldPastEnd) { d in d.header(2, 100); d.bytes += Array("short".utf8) }
        try refuse(.fieldPastEnd) { d in d.bytes.append(0x5D) }  // a string whose size byte is missing
        try refuse(.fieldPastEnd) { d in d.bytes.append(0x00) }  // an extended type with no type byte
        try refuse(.fieldPastEnd) { d in d.bytes.append(0x38) }  // a 4-byte pointer with no bytes
        try refuse(.countPastEnd(count: 16_000_000)) { d in d.map(16_000_000) }
        try refuse(.countPastEnd(count: 1000)) { d in d.array(1000); d.boolean(true) }
        try refuse(.mapKeyNotString(found: .uint16)) { d in d.map(1); d.unsigned(5, 7); d.string("v") }
        try refuse(.pointerPastEnd(pointer: 100_000)) { d in d.pointer(100_000) }
        try refuse(.pointerChainTooLong) { d in d.pointer(d.count) }  // points at itself
        try refuse(.pointerChainTooLong) { d in
            // 5 pointers in a row, the last to "padding": one more than MaxMindLimits.maxPointerChain.
            let first = d.count
            for i in 1...4 { d.pointer(first + 2 * i) }
            d.pointer(0)
        }
        try refuse(.tooDeep) { d in for _ in 0...MaxMindLimits.maxDepth { d.array(1) }; d.boolean(true) }
        try refuse(.tooManyFields) { d in
            // Each level is an array of 16 pointers to the level below (34 bytes: an array is an extended type):
            // 16^5 values from 175 bytes.
            let first = d.count + 5
            d.pointer(first + 4 * 34, sizeBits: 3)
            for level in 0..<5 {
                d.array(16)
                for _ in 0..<16 { d.pointer(level == 0 ? 0 : first + (level - 1) * 34) }
            }
        }
        // A chain of 4 pointers is still followed.
        let (db, record) = try database { d in
            d.string("end of chain")
            let first = d.count
            for i in 1...3 { d.pointer(first + 2 * i) }
            d.pointer(0)
            return first
        }
        XCTAssertEqual(try db.decodeValue(atRecordOffset: record), .string("end of chain"))
        assertMaxMindError(.fieldPastEnd) { try db.decodeValue(atRecordOffset: -1) }
        assertMaxMindError(.fieldPastEnd) { try db.decodeValue(atRecordOffset: Int.max) }
        assertMaxMindError(.fieldPastEnd) { try db.geoIPRecord(atRecordOffset: 1 << 40) }
    }
}
