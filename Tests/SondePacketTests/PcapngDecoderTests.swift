import SondePacket
import XCTest

final class PcapngDecoderTests: XCTestCase {
    let frame = Wire.ethernet(type: 0x0800, Wire.ipv4(protocol: 17, Wire.udp(Wire.dnsQuery)))
    let raw = Wire.ipv4(protocol: 17, Wire.udp(source: 53, destination: 1111, Wire.dnsQuery))
    let hundred = (0..<100).map { UInt8($0) }

    /// Two sections in opposite byte orders, three interfaces with three clocks, every packet block
    /// type, and blocks to skip (one larger than any chunk the random feeds use).
    func sampleFile() -> (bytes: [UInt8], expected: [RecordSnapshot]) {
        var little = PcapngWriter(bigEndian: false)
        little.sectionHeader()
        little.interface(linkType: 1, snapLength: 64)  // microseconds by default
        little.interface(linkType: 101, snapLength: 0, tsresol: 9, tsoffset: 10)
        little.opaque(type: 0x0000_0bad, length: 100)  // custom block
        little.opaque(type: 4, length: 16)  // name resolution
        little.enhancedPacket(interface: 0, ticks: 1_700_000_000_123_456, data: frame, originalLength: 1500, withOptions: true)
        little.enhancedPacket(interface: 1, ticks: 1_700_000_000_123_456_789, data: raw)
        little.interface(linkType: 228, tsresol: 0x80 | 10)  // 2^-10 s
        little.enhancedPacket(interface: 2, ticks: 5 * 1024 + 512, data: raw)
        little.opaque(type: 5, length: 100_000)  // interface statistics, oversized
        little.simplePacket(data: hundred)  // cut to the 64-byte snap length of interface 0
        little.simplePacket(data: Array(hundred[0..<10]))  // padded to 12 in the block
        little.obsoletePacket(interface: 1, ticks: 42, data: raw)
        little.enhancedPacket(interface: 0, ticks: 0, data: [])

        var big = PcapngWriter(bigEndian: true)
        big.sectionHeader()
        big.interface(linkType: 113, tsresol: 3)
        big.enhancedPacket(interface: 0, ticks: 1_700_000_000_123, data: frame)

        let expected = [
            RecordSnapshot(data: frame, capturedLength: frame.count, originalLength: 1500, timestampNanoseconds: 1_700_000_000_123_456_000, linkType: 1, interfaceID: 0),
            RecordSnapshot(data: raw, capturedLength: raw.count, originalLength: raw.count, timestampNanoseconds: 1_700_000_010_123_456_789, linkType: 101, interfaceID: 1),
            RecordSnapshot(data: raw, capturedLength: raw.count, originalLength: raw.count, timestampNanoseconds: 5_500_000_000, linkType: 228, interfaceID: 2),
            RecordSnapshot(data: Array(hundred[0..<64]), capturedLength: 64, originalLength: 100, timestampNanoseconds: 0, linkType: 1, interfaceID: 0),
            RecordSnapshot(data: Array(hundred[0..<10]), capturedLength: 10, originalLength: 10, timestampNanoseconds: 0, linkType: 1, interfaceID: 0),
            RecordSnapshot(data: raw, capturedLength: raw.count, originalLength: raw.count, timestampNanoseconds: 10_000_000_042, linkType: 101, interfaceID: 1),
            RecordSnapshot(data: [], capturedLength: 0, originalLength: 0, timestampNanoseconds: 0, linkType: 1, interfaceID: 0),
            RecordSnapshot(data: frame, capturedLength: frame.count, originalLength: frame.count, timestampNanoseconds: 1_700_000_000_123_000_000, linkType: 113, interfaceID: 0),
        ]
        return (little.bytes + big.bytes, expected)
    }

    func testSectionsInterfacesAndBlocksInAnyChunking() throws {
        let (file, expected) = sampleFile()
        let chunkings: [Feeder.Chunking] = [.whole, .byteByByte, .random(seed: 11, maximum: 5), .random(seed: 12, maximum: 300), .random(seed: 13, maximum: 4096)]
        for chunking in chunkings {
            let result = try Feeder.decode(file, chunking: chunking)
            XCTAssertEqual(result.records, expected, "\(chunking)")
            XCTAssertEqual(result.decoder.format, .pcapng)
            XCTAssertEqual(result.decoder.sectionCount, 2)
            XCTAssertTrue(result.decoder.isBigEndian)
            XCTAssertEqual(result.decoder.interfaces.count, 1)
            XCTAssertEqual(result.decoder.linkType, 113)
            XCTAssertEqual(result.decoder.fileOffset, file.count)
        }
        // The interfaces of the first section.
        var decoder = CaptureFileDecoder()
        var offset = 0
        while decoder.interfaces.count < 2 {
            guard case .skip(let consumed) = try file[offset...].withUnsafeBytes({ try decoder.next($0) }) else {
                return XCTFail("expected headers first")
            }
            offset += consumed
        }
        XCTAssertEqual(decoder.interfaces[0], CaptureInterface(linkType: 1, snapLength: 64))
        XCTAssertEqual(
            decoder.interfaces[1],
            CaptureInterface(linkType: 101, snapLength: 0, timestampResolution: .nanoseconds, timestampOffsetSeconds: 10)
        )
        XCTAssertEqual(decoder.snapLength, 64)
    }

    func testDamagedOptionsKeepTheInterface() throws {
        var writer = PcapngWriter()
        writer.sectionHeader()
        writer.block(1) { body in
            body.u16(1)
            body.u16(0)
            body.u32(0)
            body.u16(9)
            body.u16(200)  // runs past the block
            body.u32(0)
        }
        writer.enhancedPacket(interface: 0, ticks: 7, data: [1, 2, 3])
        let result = try Feeder.decode(writer.bytes, chunking: .whole)
        XCTAssertEqual(result.records.map(\.timestampNanoseconds), [7000])
    }

    func expectError(_ file: [UInt8], _ expected: CaptureFileError, line: UInt = #line) {
        for chunking: Feeder.Chunking in [.whole, .byteByByte] {
            XCTAssertThrowsError(try Feeder.decode(file, chunking: chunking), line: line) { error in
                XCTAssertEqual(error as? CaptureFileError, expected, line: line)
            }
        }
    }

    /// A section with one Ethernet interface; returns the bytes and the offset where the next block goes.
    func section(bigEndian: Bool = false) -> PcapngWriter {
        var writer = PcapngWriter(bigEndian: bigEndian)
        writer.sectionHeader()
        writer.interface()
        return writer
    }

    func testWrongBytes() {
        var writer = section()
        let at = writer.bytes.count

        var bom = writer.bytes
        bom[8] = 0x00
        expectError(bom, CaptureFileError(.byteOrderMagicInvalid(0x003c_2b1a), at: 0))

        var shb = PcapngWriter()
        shb.sectionHeader()
        var version = shb.bytes
        version[12] = 2
        expectError(version, CaptureFileError(.unsupportedVersion(major: 2, minor: 0), at: 0))

        for badLength: UInt32 in [0, 8, 33, 0xffff_fffd] {
            var bytes = writer.bytes
            bytes += [6, 0, 0, 0] + withUnsafeBytes(of: badLength.littleEndian, Array.init) + [UInt8](repeating: 0, count: 40)
            expectError(bytes, CaptureFileError(.blockLengthInvalid(badLength), at: at))
        }

        // 16 MiB + 4: refused from its header, without waiting for the bytes.
        let huge = UInt32(CaptureLimits.maxPcapngBlockLength + 4)
        var hugeBlock = writer.bytes
        hugeBlock += [6, 0, 0, 0] + withUnsafeBytes(of: huge.littleEndian, Array.init)
        expectError(hugeBlock, CaptureFileError(.blockTooLarge(length: Int(huge), limit: CaptureLimits.maxPcapngBlockLength), at: at))

        var mismatch = writer
        mismatch.enhancedPacket(interface: 0, ticks: 1, data: [1, 2, 3, 4])
        var mismatched = mismatch.bytes
        mismatched[mismatched.count - 4] = 0x99
        expectError(mismatched, CaptureFileError(.blockLengthMismatch(leading: 36, trailing: 0x99), at: at))

        var tooShort = writer
        tooShort.block(6) { body in body.raw([UInt8](repeating: 0, count: 16)) }
        expectError(tooShort.bytes, CaptureFileError(.blockTooShort(type: 6, length: 28), at: at))

        var overlong = writer
        overlong.block(6) { body in
            body.u32(0)
            body.u32(0)
            body.u32(0)
            body.u32(9)  // 9 bytes captured in a block with room for 4
            body.u32(9)
            body.u32(0)
        }
        expectError(overlong.bytes, CaptureFileError(.capturedLengthExceedsBlock(capturedLength: 9, room: 4), at: at))

        writer.enhancedPacket(interface: 5, ticks: 1, data: [1])
        expectError(writer.bytes, CaptureFileError(.unknownInterface(5), at: at))
    }

    func testSkippedBlockWithDamagedTrailerFailsTheSameInAnyChunking() throws {
        var writer = section()
        let at = writer.bytes.count
        writer.opaque(type: 5, length: 5000)
        writer.enhancedPacket(interface: 0, ticks: 1, data: [1])
        XCTAssertEqual(try Feeder.decode(writer.bytes, chunking: .random(seed: 7, maximum: 700)).records.count, 1)
        var damaged = writer.bytes
        damaged[at + 5008 + 1] = 0x77  // second byte of the trailing length (0x1394 little-endian)
        let expected = CaptureFileError(.blockLengthMismatch(leading: 5012, trailing: 0x7794), at: at)
        expectError(damaged, expected)
        for seed: UInt64 in 40..<60 {
            XCTAssertThrowsError(try Feeder.decode(damaged, chunking: .random(seed: seed, maximum: 3000))) { error in
                XCTAssertEqual(error as? CaptureFileError, expected)
            }
        }
    }

    func testPacketsBeforeAnyInterface() {
        var writer = PcapngWriter()
        writer.sectionHeader()
        let at = writer.bytes.count
        var epb = writer
        epb.enhancedPacket(interface: 0, ticks: 1, data: [1])
        expectError(epb.bytes, CaptureFileError(.unknownInterface(0), at: at))
        writer.simplePacket(data: [1])
        expectError(writer.bytes, CaptureFileError(.unknownInterface(0), at: at))
    }

    func testInterfacesBelongToTheirSection() {
        var first = PcapngWriter()
        first.sectionHeader()
        first.interface()
        first.interface()
        var second = section(bigEndian: true)
        let at = first.bytes.count + second.bytes.count
        second.enhancedPacket(interface: 1, ticks: 1, data: [1])
        expectError(first.bytes + second.bytes, CaptureFileError(.unknownInterface(1), at: at))
    }

    func testInterfaceLimit() {
        var writer = PcapngWriter()
        writer.sectionHeader()
        for _ in 0..<CaptureLimits.maxPcapngInterfaces {
            writer.block(1) { body in body.raw([0, 1, 0, 0, 0, 0, 0, 0]) }
        }
        let at = writer.bytes.count
        writer.block(1) { body in body.raw([0, 1, 0, 0, 0, 0, 0, 0]) }
        XCTAssertThrowsError(try Feeder.decode(writer.bytes, chunking: .whole)) { error in
            XCTAssertEqual(error as? CaptureFileError, CaptureFileError(.tooManyInterfaces(limit: CaptureLimits.maxPcapngInterfaces), at: at))
        }
    }

    func testFileEndingInsideABlock() {
        let (file, _) = sampleFile()
        for cut in [4, 11, 30, file.count - 2, file.count - 40] {
            XCTAssertThrowsError(try Feeder.decode(Array(file[0..<cut]), chunking: .random(seed: 5, maximum: 50))) { error in
                guard let error = error as? CaptureFileError, case .truncatedFile = error.reason else { return XCTFail("\(error)") }
            }
        }
        // Inside the large skipped block too.
        let statistics = file.count / 2
        XCTAssertThrowsError(try Feeder.decode(Array(file[0..<statistics]), chunking: .random(seed: 6, maximum: 999)))
    }
}

final class TimestampTests: XCTestCase {
    func nanoseconds(_ resolution: UInt8, _ ticks: UInt64, offset: Int64 = 0) -> Int64 {
        CaptureInterface(linkType: 1, snapLength: 0, timestampResolution: TimestampResolution(rawValue: resolution), timestampOffsetSeconds: offset)
            .timestampNanoseconds(ticks: ticks)
    }

    func testDecimalResolutions() {
        XCTAssertEqual(nanoseconds(6, 1), 1000)
        XCTAssertEqual(nanoseconds(9, 123), 123)
        XCTAssertEqual(nanoseconds(0, 2), 2_000_000_000)
        XCTAssertEqual(nanoseconds(12, 1_000_000), 1000)  // picoseconds
        XCTAssertEqual(nanoseconds(28, UInt64.max), 1)  // 10^-28 s: 1.8e19 ticks is 1.8 ns
        XCTAssertEqual(nanoseconds(29, UInt64.max), 0)
        XCTAssertEqual(nanoseconds(127, UInt64.max), 0)
    }

    func testBinaryResolutions() {
        XCTAssertEqual(nanoseconds(0x80, 3), 3_000_000_000)
        XCTAssertEqual(nanoseconds(0x80 | 30, 1 << 30), 1_000_000_000)
        XCTAssertEqual(nanoseconds(0x80 | 1, 1), 500_000_000)
        XCTAssertEqual(nanoseconds(0x80 | 64, UInt64.max), 999_999_999)
        XCTAssertEqual(nanoseconds(0x80 | 96, UInt64.max), 0)
        XCTAssertEqual(nanoseconds(0x80 | 127, UInt64.max), 0)
    }

    func testSaturationAndOffsets() {
        XCTAssertEqual(nanoseconds(0, UInt64.max), Int64.max)
        XCTAssertEqual(nanoseconds(0x80, UInt64.max), Int64.max)
        XCTAssertEqual(nanoseconds(9, UInt64.max), Int64.max)
        XCTAssertEqual(nanoseconds(6, 5_000_000, offset: -10), -5_000_000_000)
        XCTAssertEqual(nanoseconds(6, 1, offset: Int64.max), Int64.max)
        XCTAssertEqual(nanoseconds(6, 0, offset: Int64.min), Int64.min)
        XCTAssertEqual(nanoseconds(9, UInt64.max, offset: 5), Int64.max)
    }
}
