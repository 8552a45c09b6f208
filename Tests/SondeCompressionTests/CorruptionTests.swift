import Foundation
import XCTest

@testable import SondeCompression

/// Truncated, corrupt and hostile inputs give errors, never crashes or unbounded output.
final class CorruptionTests: XCTestCase {
    /// One compressed sample per codec: the tool's output where the tool is installed, Sonde's for gzip/zstd.
    func samples() throws -> [(Codec, [UInt8], [UInt8])] {
        let directory = try temporaryDirectory(self)
        let data = sampleData(size: 120_000, seed: 21)
        try writeFile(directory + "/data", data)
        var result: [(Codec, [UInt8], [UInt8])] = []
        for (codec, name, package, flags) in ToolInteropTests.tools {
            if codec.canCompress { result.append((codec, try codec.compress(data), data)) }
            let tool = try requireTool(name, package: package)
            XCTAssertEqual(try runTool(tool, flags + [directory + "/data"], stdout: directory + "/c"), 0)
            result.append((codec, try readFile(directory + "/c"), data))
        }
        return result
    }

    func testTruncatedInputsThrow() throws {
        for (codec, compressed, _) in try samples() {
            var cuts = Array(0..<min(80, compressed.count))
            cuts += stride(from: 80, to: compressed.count, by: max(1, compressed.count / 60))
            cuts += (max(0, compressed.count - 40)..<compressed.count)
            for cut in Set(cuts) {
                let truncated = Array(compressed[..<cut])
                XCTAssertThrowsError(try codec.decompress(truncated, maxOutputBytes: 1 << 20), "\(codec) cut at \(cut)") { error in
                    guard let error = error as? CompressionError else { return XCTFail("\(error)") }
                    XCTAssertEqual(error.codec, codec)
                    XCTAssertNotNil(error.offset)
                }
                if cut % 7 == 0 {
                    XCTAssertThrowsError(try pushPull(codec, truncated, pushSize: 4096, pullSize: 1000), "\(codec) cut at \(cut)")
                }
            }
        }
    }

    func testTruncationErrorSaysTruncated() throws {
        for (codec, compressed, _) in try samples() {
            let truncated = Array(compressed[..<(compressed.count / 2)])
            XCTAssertThrowsError(try codec.decompress(truncated, maxOutputBytes: 1 << 20)) { error in
                let error = error as! CompressionError
                if codec != .xz {
                    XCTAssertEqual(error.reason, .truncated, "\(error)")
                }
                XCTAssertTrue(error.description.hasPrefix("\(codec): "), error.description)
            }
        }
    }

    func testFlippedBytesThrowOrChangeNothing() throws {
        for (codec, compressed, original) in try samples() {
            var positions = Array(0..<min(40, compressed.count))
            positions += stride(from: 40, to: compressed.count, by: max(1, compressed.count / 150))
            positions += (max(0, compressed.count - 24)..<compressed.count)
            for position in Set(positions) {
                for mask: UInt8 in [0x01, 0x55, 0xFF] {
                    var corrupt = compressed
                    corrupt[position] ^= mask
                    // Checksums (gzip CRC-32, zstd and LZ4 content checksums, bzip2 block CRCs, xz CRC-64) catch
                    // damage to the data; damage to ignored header fields (a gzip timestamp) changes nothing.
                    if let output = try? codec.decompress(corrupt, maxOutputBytes: 1 << 20) {
                        XCTAssertTrue(output == original, "\(codec) byte \(position) ^ \(mask) decoded to different data")
                    }
                }
            }
        }
    }

    func testRandomBytesAfterTheMagicNumberThrow() throws {
        var random = SplitMix64(seed: 99)
        for (codec, magic) in Codec.magicNumbers {
            for length in [0, 1, 5, 20, 100, 5000] {
                for _ in 0..<20 {
                    let junk = magic + (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
                    XCTAssertThrowsError(try codec.decompress(junk, maxOutputBytes: 1 << 20), "\(codec) \(length)")
                    XCTAssertThrowsError(try pushPull(codec, junk, pushSize: 7, pullSize: 5), "\(codec) \(length)")
                }
            }
        }
    }

    func testWrongFormatIsReported() throws {
        let gzip = try Codec.gzip.compress(Array("hello".utf8))
        for codec in Codec.allCases where codec != .gzip {
            XCTAssertThrowsError(try codec.decompress(gzip, maxOutputBytes: 100), "\(codec)")
        }
        XCTAssertThrowsError(try Codec.gzip.decompress(Array("plain text".utf8), maxOutputBytes: 100)) { error in
            XCTAssertTrue("\(error)".contains("no gzip magic number"), "\(error)")
        }
    }

    func testTrailingGarbageIsAnError() throws {
        for (codec, compressed, original) in try samples() {
            let withJunk = compressed + Array("garbage after the end".utf8)
            XCTAssertThrowsError(try codec.decompress(withJunk, maxOutputBytes: 1 << 20), "\(codec)") { error in
                if codec == .gzip || codec == .bzip2 {
                    XCTAssertEqual((error as? CompressionError)?.reason, .trailingData, "\(error)")
                    XCTAssertEqual((error as? CompressionError)?.offset, compressed.count, "\(error)")
                }
            }
            // All the real data comes out before the error.
            let decompressor = try StreamDecompressor(codec: codec)
            var output: [UInt8] = []
            var offset = 0
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
            defer { buffer.deallocate() }
            do {
                while true {
                    let (consumed, produced) = try withJunk.withUnsafeBytes {
                        try decompressor.decompress(UnsafeRawBufferPointer(rebasing: $0[offset...]), into: buffer, endOfInput: true)
                    }
                    offset += consumed
                    output += UnsafeRawBufferPointer(rebasing: buffer[..<produced])
                }
            } catch {
                XCTAssertTrue(output == original, "\(codec): \(output.count) bytes out, \(original.count) expected")
                // Every later call repeats the error.
                XCTAssertThrowsError(try decompressor.decompress(UnsafeRawBufferPointer(start: nil, count: 0), into: buffer, endOfInput: true))
            }
        }
    }

    func testDecompressionBombIsBoundedPerCall() throws {
        let zeros = [UInt8](repeating: 0, count: 64 << 20)
        for codec in [Codec.gzip, .zstd] {
            let bomb = try codec.compress(zeros, level: 1)
            XCTAssertLessThan(bomb.count, zeros.count / 200)
            XCTAssertThrowsError(try codec.decompress(bomb, maxOutputBytes: 1 << 20)) { error in
                XCTAssertEqual((error as? CompressionError)?.reason, .outputLimitExceeded(limit: 1 << 20))
            }
            let decompressor = try StreamDecompressor(codec: codec)
            XCTAssertEqual(bomb.withUnsafeBytes { decompressor.push(UnsafeRawBufferPointer(rebasing: $0.prefix(65536))) }, min(65536, bomb.count))
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
            defer { buffer.deallocate() }
            var total = 0
            for _ in 0..<1000 {
                let produced = try decompressor.pull(into: buffer)
                XCTAssertLessThanOrEqual(produced, 4096)
                total += produced
            }
            XCTAssertEqual(total, 1000 * 4096)
        }
    }

    func testMemoryLimitRefusesHugeWindows() throws {
        let directory = try temporaryDirectory(self)
        try writeFile(directory + "/data", sampleData(size: 10_000, seed: 4))
        let zstd = try requireTool("zstd", package: "zstd")
        // From stdin the size is unknown, so the frame keeps the 1 GiB window it asks for.
        XCTAssertEqual(try runTool(zstd, ["-q", "-c", "--long=30"], stdin: directory + "/data", stdout: directory + "/big.zst"), 0)
        let bigWindow = try readFile(directory + "/big.zst")
        XCTAssertThrowsError(try Codec.zstd.decompress(bigWindow, maxOutputBytes: 1 << 20)) { error in
            XCTAssertEqual((error as? CompressionError)?.reason, .memoryLimitExceeded(limit: 128 << 20), "\(error)")
        }
        XCTAssertEqual(
            try Codec.zstd.decompress(bigWindow, maxOutputBytes: 1 << 20, memoryLimit: 1 << 30), try readFile(directory + "/data"))
        let xz = try requireTool("xz", package: "xz-utils")
        XCTAssertEqual(try runTool(xz, ["-9", "-c"], stdin: directory + "/data", stdout: directory + "/big.xz"), 0)
        let bigDictionary = try readFile(directory + "/big.xz")
        XCTAssertThrowsError(try Codec.xz.decompress(bigDictionary, maxOutputBytes: 1 << 20, memoryLimit: 16 << 20)) { error in
            XCTAssertEqual((error as? CompressionError)?.reason, .memoryLimitExceeded(limit: 16 << 20), "\(error)")
        }
        XCTAssertNoThrow(try Codec.xz.decompress(bigDictionary, maxOutputBytes: 1 << 20))
    }
}
