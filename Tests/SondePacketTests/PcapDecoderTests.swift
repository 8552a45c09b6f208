import SondePacket
import XCTest

final class PcapDecoderTests: XCTestCase {
    let packets = [
        TestPacket(seconds: 1_700_000_000, fraction: 123_456, data: Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 17, Wire.udp(Wire.dnsQuery))), originalLength: 72),
        TestPacket(seconds: 1_700_000_001, fraction: 999_999, data: [], originalLength: 0),
        TestPacket(seconds: 4_294_967_295, fraction: 1, data: [UInt8](repeating: 0xab, count: 1000), originalLength: 1500),
    ]

    let chunkings: [Feeder.Chunking] = [.whole, .byteByByte, .random(seed: 1, maximum: 7), .random(seed: 2, maximum: 100), .random(seed: 3, maximum: 2000)]

    func testEveryVariant() throws {
        for bigEndian in [false, true] {
            for (nanosecond, modified) in [(false, false), (true, false), (false, true)] {
                let file = PcapWriter.file(packets, bigEndian: bigEndian, nanosecond: nanosecond, modified: modified, linkType: 113, snapLength: 1234)
                let scale: Int64 = nanosecond ? 1 : 1000
                let expected = packets.map {
                    RecordSnapshot(
                        data: $0.data,
                        capturedLength: $0.data.count,
                        originalLength: $0.originalLength,
                        timestampNanoseconds: Int64($0.seconds) * 1_000_000_000 + Int64($0.fraction) * scale,
                        linkType: 113,
                        interfaceID: 0
                    )
                }
                for chunking in chunkings {
                    let result = try Feeder.decode(file, chunking: chunking)
                    XCTAssertEqual(result.records, expected, "bigEndian \(bigEndian) nano \(nanosecond) modified \(modified) \(chunking)")
                    XCTAssertEqual(result.decoder.format, nanosecond ? .pcapNanosecond : modified ? .pcapModified : .pcap)
                    XCTAssertEqual(result.decoder.isBigEndian, bigEndian)
                    XCTAssertEqual(result.decoder.linkType, 113)
                    XCTAssertEqual(result.decoder.snapLength, 1234)
                    XCTAssertEqual(result.decoder.fileOffset, file.count)
                }
            }
        }
    }

    func testHeaderOnlyFile() throws {
        let result = try Feeder.decode(PcapWriter.file([]), chunking: .byteByByte)
        XCTAssertEqual(result.records, [])
        XCTAssertEqual(result.decoder.linkType, 1)
    }

    func testLinkTypeUpperBitsAreFCSInformation() throws {
        let result = try Feeder.decode(PcapWriter.file(packets, linkType: 0x1400_0001), chunking: .whole)
        XCTAssertEqual(result.decoder.linkType, 1)
        XCTAssertEqual(result.records.first?.linkType, 1)
    }

    func testUnknownMagic() {
        XCTAssertThrowsError(try Feeder.decode(Array("GET / HTTP/1.1\r\n\r\n".utf8), chunking: .whole)) { error in
            XCTAssertEqual(error as? CaptureFileError, CaptureFileError(.unknownMagic(0x4745_5420), at: 0))
        }
    }

    func testUnsupportedVersion() {
        var file = PcapWriter.file(packets)
        file[4] = 3
        XCTAssertThrowsError(try Feeder.decode(file, chunking: .whole)) { error in
            XCTAssertEqual(error as? CaptureFileError, CaptureFileError(.unsupportedVersion(major: 3, minor: 4), at: 0))
        }
    }

    func testAbsurdCapturedLengthIsAnErrorWithItsOffset() {
        var file = PcapWriter.file(packets)
        // The second record header starts after the file header and the first record.
        let second = 24 + 16 + packets[0].data.count
        file.replaceSubrange((second + 8)..<(second + 12), with: [0x00, 0x00, 0x00, 0x7f])  // 2 GiB, little-endian
        for chunking in chunkings {
            XCTAssertThrowsError(try Feeder.decode(file, chunking: chunking)) { error in
                XCTAssertEqual(
                    error as? CaptureFileError,
                    CaptureFileError(.recordTooLarge(length: 0x7f00_0000, limit: CaptureLimits.maxPcapRecordLength), at: second)
                )
            }
        }
        // Just past the limit is refused; at the limit is a valid record.
        let limit = CaptureLimits.maxPcapRecordLength
        let big = TestPacket(seconds: 0, fraction: 0, data: [UInt8](repeating: 0, count: limit), originalLength: limit)
        XCTAssertEqual(try Feeder.decode(PcapWriter.file([big]), chunking: .random(seed: 9, maximum: 65536)).records.count, 1)
    }

    func testFileEndingInsideARecord() {
        let file = PcapWriter.file(packets)
        for cut in [file.count - 1, file.count - 1000, 24 + 3, 10] {
            XCTAssertThrowsError(try Feeder.decode(Array(file[0..<cut]), chunking: .random(seed: 4, maximum: 64))) { error in
                guard let error = error as? CaptureFileError, case .truncatedFile(let needed, let available) = error.reason else {
                    return XCTFail("\(error)")
                }
                XCTAssertGreaterThan(needed, available)
                XCTAssertEqual(error.offset + available, cut)
            }
        }
        XCTAssertThrowsError(try Feeder.decode([], chunking: .whole)) { error in
            XCTAssertEqual(error as? CaptureFileError, CaptureFileError(.truncatedFile(needed: 4, available: 0), at: 0))
        }
    }

    func testErrorDescriptionSaysWhere() {
        let error = CaptureFileError(.recordTooLarge(length: 9_999_999, limit: 262_144), at: 4242)
        XCTAssertTrue(error.description.contains("4242"))
        XCTAssertTrue(error.description.contains("9999999"))
    }
}
