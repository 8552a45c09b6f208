import Foundation
import Glibc
import SondeCompression
import SondeCore
import XCTest

@testable import SondeOutputs

/// The names of rotated files and which of them `keep` deletes, when a small `max_size` rotates many times a second.
final class RotatedFilesTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-rotated-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testOrderIsTheTimeThenTheNumberWithinTheSecond() {
        XCTAssertEqual(RotatedFiles.order("20261207-153000").map { "\($0.stamp) \($0.number)" }, "20261207-153000 0")
        XCTAssertEqual(RotatedFiles.order("20261207-153000.gz").map { "\($0.stamp) \($0.number)" }, "20261207-153000 0")
        XCTAssertEqual(RotatedFiles.order("20261207-153000-10.zst").map { "\($0.stamp) \($0.number)" }, "20261207-153000 10")
        XCTAssertNil(RotatedFiles.order("1"))
        XCTAssertNil(RotatedFiles.order("20261207-153000-x"))
    }

    func testListSortsByNumberNotByName() throws {
        let path = dir.appendingPathComponent("dns.jsonl").path
        // In name order `-1.gz` comes before `.gz` and `-10` before `-2`.
        let names = [
            "dns.jsonl.20261207-152959-3.gz", "dns.jsonl.20261207-153000.gz", "dns.jsonl.20261207-153000-1.gz",
            "dns.jsonl.20261207-153000-2", "dns.jsonl.20261207-153000-9.gz", "dns.jsonl.20261207-153000-10.gz",
            "dns.jsonl.20261207-153001",
        ]
        for n in names.shuffled() + ["dns.jsonl", "dns.jsonl.20261207-153002.gz.tmp", "dns.jsonlx.20261207-153000"] {
            _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(n).path, contents: Data())
        }
        XCTAssertEqual(RotatedFiles.list(path).map { URL(fileURLWithPath: $0).lastPathComponent }, names)
    }

    /// Rotations faster than the compressor, keeping 2: no rotated file is deleted while it waits to be compressed,
    /// so each is compressed and given to post_rotate once, and the newest two are kept.
    func testFilesWaitingForTheCompressorAreNotPruned() throws {
        let path = dir.appendingPathComponent("dns.jsonl").path
        let log = dir.appendingPathComponent("rotated.log").path
        var settings = FileOutput.Settings(path: path, format: FormatSettings(format: .json))
        settings.maxSize = 4096
        settings.keep = 2
        settings.compress = .gzip
        settings.postRotate = "echo %f >> \(log)"
        let writer = FileWriter(settings: settings, header: [], log: .quiet)
        let events = (0..<40).map { i in "event \(i) " + String(repeating: "x", count: 3000) + "\n" }
        try write(events, to: writer)
        try writer.close()
        let kept = RotatedFiles.list(path)
        XCTAssertEqual(kept.map { $0.hasSuffix(".gz") }, [true, true], "\(kept)")
        // post_rotate is not waited for.
        let deadline = Date().addingTimeInterval(10)
        var logged: [Substring] = []
        while Date() < deadline {
            logged = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
            if logged.count >= 39 { break }
            usleep(20_000)
        }
        XCTAssertEqual(logged.count, 39)
        XCTAssertEqual(logged.filter { !$0.hasSuffix(".gz") }, [], "post_rotate given files that were never compressed")
        XCTAssertEqual(Set(logged).count, 39)
    }

    func write(_ events: [String], to writer: FileWriter) throws {
        for e in events {
            var bytes = Array(e.utf8)
            var ends = [Int32(bytes.count)]
            try bytes.withUnsafeMutableBytes { b in
                try ends.withUnsafeMutableBufferPointer { ends in
                    try writer.write(EncodedChunk(bytes: UnsafeRawBufferPointer(b), events: 1, ends: UnsafeBufferPointer(ends)))
                }
            }
        }
    }

    /// Forty rotations in a few milliseconds, keeping 3: the files kept are the newest three, whatever the names a
    /// second gives them (an older one deleted must not leave its name for a new one, which would then sort first).
    func testManyRotationsWithinASecondKeepTheNewest() throws {
        let path = dir.appendingPathComponent("dns.jsonl").path
        var settings = FileOutput.Settings(path: path, format: FormatSettings(format: .json))
        settings.maxSize = 4096
        settings.keep = 3
        let writer = FileWriter(settings: settings, header: [], log: .quiet)
        let events = (0..<40).map { i in "event \(i) " + String(repeating: "x", count: 3000) + "\n" }
        try write(events, to: writer)
        try writer.close()
        let kept = RotatedFiles.list(path)
        XCTAssertEqual(kept.count, 3, "\(kept)")
        let contents = try (kept + [path]).map { try String(contentsOfFile: $0, encoding: .utf8) }
        XCTAssertEqual(contents, Array(events.suffix(4)))
    }
}
