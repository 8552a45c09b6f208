import Foundation
import XCTest

@testable import SondeCompression

/// Files written by the command-line tools read back here, and files written here read back by the tools.
final class ToolInteropTests: XCTestCase {
    /// Each codec's tool, its Debian package, and the flags that compress to stdout.
    static let tools: [(codec: Codec, tool: String, package: String, compress: [String])] = [
        (.gzip, "gzip", "gzip", ["-c", "-n"]),
        (.zstd, "zstd", "zstd", ["-q", "-c"]),
        (.xz, "xz", "xz-utils", ["-c"]),
        (.lz4, "lz4", "lz4", ["-q", "-c"]),
        (.bzip2, "bzip2", "bzip2", ["-c"]),
    ]

    /// Reads a whole file through `DecompressingFileReader` with reads of `chunk` bytes.
    func readAll(_ path: String, chunk: Int) throws -> (Codec?, [UInt8]) {
        let reader = try DecompressingFileReader(path: path)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            XCTAssertLessThanOrEqual(count, chunk)
            if count == 0 { return (reader.codec, output) }
            output.append(contentsOf: buffer[..<count])
        }
    }

    func testFilesCompressedByTheToolsDecompress() throws {
        let directory = try temporaryDirectory(self)
        let data = sampleData(size: 1_500_000, seed: 3)
        let source = directory + "/data"
        try writeFile(source, data)
        for (codec, name, package, flags) in Self.tools {
            let tool = try requireTool(name, package: package)
            for level in ["-1", "-9"] {
                let compressed = directory + "/data.\(level).\(codec.fileExtension)"
                XCTAssertEqual(try runTool(tool, flags + [level, source], stdout: compressed), 0, "\(name) \(level)")
                let bytes = try readFile(compressed)
                XCTAssertEqual(Codec.detect(bytes), codec)
                XCTAssertTrue(try codec.decompress(bytes, maxOutputBytes: data.count) == data, "\(name) \(level)")
                for chunk in [1000, 1 << 20] {
                    let (found, back) = try readAll(compressed, chunk: chunk)
                    XCTAssertEqual(found, codec)
                    XCTAssertTrue(back == data, "\(name) \(level) chunk \(chunk)")
                }
            }
        }
    }

    func testConcatenatedMembersFromTheTools() throws {
        let directory = try temporaryDirectory(self)
        let parts = [sampleData(size: 30_000, seed: 11), Array("middle\n".utf8), sampleData(size: 5000, seed: 12)]
        for (codec, name, package, flags) in Self.tools {
            let tool = try requireTool(name, package: package)
            var joined: [UInt8] = []
            for (index, part) in parts.enumerated() {
                let source = directory + "/part\(index)"
                try writeFile(source, part)
                XCTAssertEqual(try runTool(tool, flags + [source], stdout: source + ".c"), 0)
                joined += try readFile(source + ".c")
            }
            let expected = parts.flatMap { $0 }
            XCTAssertTrue(try codec.decompress(joined, maxOutputBytes: 1 << 20) == expected, name)
            XCTAssertTrue(try pushPull(codec, joined, pushSize: 777, pullSize: 333) == expected, name)
            // And the tool itself agrees that this is one valid file.
            try writeFile(directory + "/joined", joined)
            XCTAssertEqual(try runTool(tool, ["-dc", directory + "/joined"], stdout: directory + "/joined.out"), 0, name)
            XCTAssertTrue(try readFile(directory + "/joined.out") == expected, name)
        }
    }

    func testFilesCompressedHereAreReadByTheTools() throws {
        let directory = try temporaryDirectory(self)
        let data = sampleData(size: 2_000_000, seed: 5)
        for (codec, name, package, _) in Self.tools where codec.canCompress {
            let tool = try requireTool(name, package: package)
            for level in [try codec.levelRange().lowerBound, codec.defaultLevel, 9] {
                let source = directory + "/dns.log"
                try writeFile(source, data)
                XCTAssertEqual(chmod(source, 0o640), 0)
                let destination = source + ".\(codec.fileExtension)"
                let summary = try FileCompressor.compressFile(source: source, destination: destination, codec: codec, level: level)
                XCTAssertEqual(summary.bytesRead, data.count)
                XCTAssertEqual(summary.bytesWritten, try readFile(destination).count)
                XCTAssertFalse(FileManager.default.fileExists(atPath: destination + ".tmp"))
                XCTAssertTrue(try readFile(source) == data, "the source is left for the caller to remove")
                let mode = try FileManager.default.attributesOfItem(atPath: destination)[.posixPermissions] as? Int
                XCTAssertEqual(mode, 0o640)
                XCTAssertEqual(try runTool(tool, ["-t", destination]), 0, "\(name) -t at level \(level)")
                XCTAssertEqual(try runTool(tool, ["-dc", destination], stdout: directory + "/out"), 0)
                XCTAssertTrue(try readFile(directory + "/out") == data, "\(name) level \(level)")
            }
        }
    }

    func testCompressFileErrorsNameThePathAndLeaveNoTemporaryFile() throws {
        let directory = try temporaryDirectory(self)
        XCTAssertThrowsError(
            try FileCompressor.compressFile(source: directory + "/missing", destination: directory + "/x.gz", codec: .gzip)
        ) { error in
            XCTAssertTrue("\(error)".contains("cannot open \(directory)/missing: No such file or directory"), "\(error)")
        }
        try writeFile(directory + "/log", [1, 2, 3])
        XCTAssertThrowsError(
            try FileCompressor.compressFile(source: directory + "/log", destination: directory + "/no/such/dir/x.gz", codec: .zstd)
        ) { error in
            XCTAssertTrue("\(error)".contains("cannot create \(directory)/no/such/dir/x.gz.tmp"), "\(error)")
        }
        XCTAssertThrowsError(try FileCompressor.compressFile(source: directory + "/log", destination: directory + "/x.xz", codec: .xz))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["log"])
    }

    func testEmptyFileCompressesToAValidEmptyFile() throws {
        let directory = try temporaryDirectory(self)
        try writeFile(directory + "/empty", [])
        for (codec, name, package, _) in Self.tools where codec.canCompress {
            let tool = try requireTool(name, package: package)
            let destination = directory + "/empty.\(codec.fileExtension)"
            try FileCompressor.compressFile(source: directory + "/empty", destination: destination, codec: codec)
            XCTAssertEqual(try runTool(tool, ["-dc", destination], stdout: directory + "/out"), 0)
            XCTAssertEqual(try readFile(directory + "/out"), [])
        }
    }

    func testPlainFilesPassThrough() throws {
        let directory = try temporaryDirectory(self)
        let pcap: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1] + sampleData(size: 300_000, seed: 9)
        try writeFile(directory + "/capture.pcap", pcap)
        let (codec, back) = try readAll(directory + "/capture.pcap", chunk: 3)
        XCTAssertNil(codec)
        XCTAssertEqual(back, pcap)
        try writeFile(directory + "/tiny", [0x1F])
        XCTAssertEqual(try readAll(directory + "/tiny", chunk: 10).1, [0x1F])
        try writeFile(directory + "/empty", [])
        XCTAssertEqual(try readAll(directory + "/empty", chunk: 10).1, [])
        XCTAssertThrowsError(try DecompressingFileReader(path: directory + "/absent")) { error in
            XCTAssertTrue("\(error)".contains("cannot open \(directory)/absent"), "\(error)")
        }
    }
}
