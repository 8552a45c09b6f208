import Foundation
import SondeCore
import XCTest

@testable import SondeOutputs

/// The statistics line's file (`stats.log_file`): each line written at once, rotated by the file output's writer
/// before the file would pass its size, the newest `keep` rotated files kept.
final class RotatingLineFileTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-lines-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testEachLineIsThereAsSoonAsItIsWritten() throws {
        let path = dir.appendingPathComponent("stats.log").path
        let file = try RotatingLineFile(path: path, maxSize: nil, keep: 0, log: .quiet)
        try file.write("first")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first\n")
        try file.write("second")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first\nsecond\n")
        try file.close()
        // Appends to what is there.
        let again = try RotatingLineFile(path: path, maxSize: nil, keep: 0, log: .quiet)
        try again.write("third")
        try again.close()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first\nsecond\nthird\n")
    }

    func testRotatesBeforeTheSizeAndKeepsTheNewest() throws {
        let path = dir.appendingPathComponent("stats.log").path
        let file = try RotatingLineFile(path: path, maxSize: 4096, keep: 3, log: .quiet)
        // 1,000-byte lines: four to a file, so 30 lines make eight files, of which the current one and three
        // rotated ones remain.
        let lines = (0..<30).map { i in String(format: "%04d ", i) + String(repeating: "x", count: 994) }
        for l in lines { try file.write(l) }
        try file.close()
        let rotated = RotatedFiles.list(path)
        XCTAssertEqual(rotated.count, 3, "\(rotated)")
        var seen: [String] = []
        for f in rotated + [path] {
            let text = try String(contentsOfFile: f, encoding: .utf8)
            XCTAssertLessThanOrEqual(text.utf8.count, 4096, f)
            seen += text.split(separator: "\n").map(String.init)
        }
        // No line split or lost among what is kept: the last 14 (3 full files of 4, and the 2 since).
        XCTAssertEqual(seen, Array(lines.suffix(14)))
    }

    func testAnUnwritableDirectoryIsAnErrorAtOnce() {
        XCTAssertThrowsError(try RotatingLineFile(path: "/nonexistent-dir-\(UUID().uuidString)/stats.log", maxSize: nil, keep: 0, log: .quiet)) {
            XCTAssertTrue("\($0)".contains("cannot write in"), "\($0)")
        }
    }
}
