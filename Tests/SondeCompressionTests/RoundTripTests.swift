import XCTest

@testable import SondeCompression

final class RoundTripTests: XCTestCase {
    func testDetectRecognisesEachMagicNumber() {
        XCTAssertEqual(Codec.detect([0x1F, 0x8B, 0x08]), .gzip)
        XCTAssertEqual(Codec.detect([0x28, 0xB5, 0x2F, 0xFD, 0x04]), .zstd)
        XCTAssertEqual(Codec.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0x00]), .xz)
        XCTAssertEqual(Codec.detect([0x04, 0x22, 0x4D, 0x18, 0x64]), .lz4)
        XCTAssertEqual(Codec.detect(Array("BZh9".utf8)), .bzip2)
        // pcap and pcapng files, text, and prefixes too short for their magic.
        XCTAssertNil(Codec.detect([0xD4, 0xC3, 0xB2, 0xA1]))
        XCTAssertNil(Codec.detect([0x0A, 0x0D, 0x0D, 0x0A]))
        XCTAssertNil(Codec.detect(Array("{\"time\"".utf8)))
        XCTAssertNil(Codec.detect([0x1F]))
        XCTAssertNil(Codec.detect([0x28, 0xB5, 0x2F]))
        XCTAssertNil(Codec.detect([0xFD, 0x37, 0x7A, 0x58, 0x5A]))
        XCTAssertNil(Codec.detect([UInt8]()))
    }

    func testEveryCodecLoads() throws {
        for codec in Codec.allCases { try codec.checkAvailable() }
    }

    func testRoundTripsAtSeveralSizesAndLevels() throws {
        for codec in [Codec.gzip, .zstd] {
            let range = try codec.levelRange()
            for size in [0, 1, 100, 70_000, 1 << 20] {
                let data = sampleData(size: size, seed: UInt64(size))
                for level in [range.lowerBound, codec.defaultLevel, min(range.upperBound, 19)] where level >= 0 || codec == .zstd {
                    let compressed = try codec.compress(data, level: level)
                    XCTAssertEqual(Codec.detect(compressed), codec)
                    let back = try codec.decompress(compressed, maxOutputBytes: 2 << 20)
                    XCTAssertTrue(back == data, "\(codec) size \(size) level \(level)")
                }
            }
        }
    }

    func testTinyBuffersEverywhere() throws {
        let data = sampleData(size: 50_000, seed: 7)
        for codec in [Codec.gzip, .zstd] {
            for (inSize, outSize) in [(1, 1), (7, 3), (1000, 13), (65536, 65536)] {
                let compressed = try compressInPieces(codec, data, inputSize: inSize, outputSize: outSize)
                for (pushSize, pullSize) in [(1, 1), (3, 1000), (4096, 7), (100_000, 65536)] {
                    let back = try pushPull(codec, compressed, pushSize: pushSize, pullSize: pullSize)
                    XCTAssertTrue(back == data, "\(codec) \(inSize)/\(outSize) \(pushSize)/\(pullSize)")
                }
            }
        }
    }

    func testFlushMakesEverythingSoFarReadable() throws {
        for codec in [Codec.gzip, .zstd] {
            let compressor = try StreamCompressor(codec: codec)
            var output: [UInt8] = []
            let first = Array("first line\n".utf8)
            try compressor.compress(first, appendingTo: &output)
            try compressor.flush(appendingTo: &output)
            // The member is not finished, yet a reader gets the first line out of what was written.
            let decompressor = try StreamDecompressor(codec: codec)
            XCTAssertEqual(decompressor.push(output), output.count)
            var got: [UInt8] = []
            while try decompressor.pull(appendingTo: &got, maxBytes: 4) > 0 {}
            XCTAssertEqual(got, first, "\(codec)")
            XCTAssertFalse(decompressor.isFinished)
            // A second flush with nothing new adds at most a few bytes and changes nothing.
            try compressor.compress(Array("second\n".utf8), appendingTo: &output)
            try compressor.finish(appendingTo: &output)
            XCTAssertEqual(try codec.decompress(output, maxOutputBytes: 100), Array("first line\nsecond\n".utf8))
        }
    }

    func testMembersAfterFinishAreConcatenated() throws {
        for codec in [Codec.gzip, .zstd] {
            let compressor = try StreamCompressor(codec: codec)
            var output: [UInt8] = []
            try compressor.compress(Array("one\n".utf8), appendingTo: &output)
            try compressor.finish(appendingTo: &output)
            try compressor.finish(appendingTo: &output)  // a second finish writes nothing
            let firstMember = output.count
            try compressor.compress(Array("two\n".utf8), appendingTo: &output)
            try compressor.finish(appendingTo: &output)
            XCTAssertGreaterThan(output.count, firstMember)
            XCTAssertEqual(try codec.decompress(output, maxOutputBytes: 100), Array("one\ntwo\n".utf8))
            XCTAssertEqual(try pushPull(codec, output, pushSize: 1, pullSize: 1), Array("one\ntwo\n".utf8))
        }
    }

    func testEmptyInputGivesAValidEmptyMember() throws {
        for codec in [Codec.gzip, .zstd] {
            let compressed = try codec.compress([])
            XCTAssertFalse(compressed.isEmpty)
            XCTAssertEqual(try codec.decompress(compressed, maxOutputBytes: 0), [])
        }
    }

    func testLevelsAndReadOnlyCodecsAreRejected() throws {
        XCTAssertThrowsError(try StreamCompressor(codec: .gzip, level: 10)) { error in
            XCTAssertEqual((error as? CompressionError)?.reason, .levelOutOfRange(level: 10, range: 0...9))
            XCTAssertTrue("\(error)".contains("gzip: compression level 10 is outside 0...9"), "\(error)")
        }
        XCTAssertThrowsError(try StreamCompressor(codec: .zstd, level: 23))
        XCTAssertNoThrow(try StreamCompressor(codec: .zstd, level: -5))
        for codec in [Codec.xz, .lz4, .bzip2] {
            XCTAssertFalse(codec.canCompress)
            XCTAssertThrowsError(try StreamCompressor(codec: codec)) { error in
                XCTAssertEqual((error as? CompressionError)?.reason, .compressionUnsupported)
            }
        }
    }

    func testMissingLibraryMessageNamesTheDebianPackage() {
        for (codec, package) in [(Codec.gzip, "zlib1g"), (.zstd, "libzstd1"), (.xz, "liblzma5"), (.lz4, "liblz4-1"), (.bzip2, "libbz2-1.0")] {
            let (sonames, found) = codec.library
            XCTAssertEqual(found, package)
            let error = CompressionError(
                .libraryMissing(sonames: sonames, debianPackage: package, loaderMessage: "cannot open shared object file"),
                codec: codec)
            XCTAssertTrue(error.description.contains("`apt-get install \(package)`"), error.description)
            XCTAssertTrue(error.description.hasPrefix("\(codec): \(sonames[0])"), error.description)
        }
        XCTAssertEqual(Codec.zstd.library.sonames.first, "libzstd.so.1")
        XCTAssertEqual(Codec.bzip2.library.sonames.first, "libbz2.so.1.0")
    }

    func testStructLayoutsMatchC() {
        XCTAssertEqual(MemoryLayout<ZStream>.size, 112)
        XCTAssertEqual(MemoryLayout<ZStream>.offset(of: \ZStream.totalIn), 16)
        XCTAssertEqual(MemoryLayout<ZStream>.offset(of: \ZStream.message), 48)
        XCTAssertEqual(MemoryLayout<ZStream>.offset(of: \ZStream.dataType), 88)
        XCTAssertEqual(MemoryLayout<LzmaStream>.size, 136)
        XCTAssertEqual(MemoryLayout<LzmaStream>.offset(of: \LzmaStream.allocator), 48)
        XCTAssertEqual(MemoryLayout<LzmaStream>.offset(of: \LzmaStream.reservedEnum2), 132)
        XCTAssertEqual(MemoryLayout<Bzip2Stream>.size, 80)
        XCTAssertEqual(MemoryLayout<Bzip2Stream>.offset(of: \Bzip2Stream.nextOut), 24)
        XCTAssertEqual(MemoryLayout<Bzip2Stream>.offset(of: \Bzip2Stream.opaque), 72)
        XCTAssertEqual(MemoryLayout<ZstdInBuffer>.size, 24)
        XCTAssertEqual(MemoryLayout<ZstdOutBuffer>.size, 24)
    }
}
