import Foundation
import XCTest

import SondeTransforms

/// Runs `scripts/reference/regex_search.py`: Python's `re.search` answers for byte patterns and inputs.
enum RegexPythonReference {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Case: Encodable {
        var pattern: String
        var ignorecase: Bool
        var inputs: [String]

        init(pattern: [UInt8], ignoreCase: Bool, inputs: [[UInt8]]) {
            self.pattern = Self.hex(pattern)
            self.ignorecase = ignoreCase
            self.inputs = inputs.map(Self.hex)
        }

        static func hex(_ bytes: [UInt8]) -> String {
            bytes.map { String(format: "%02x", $0) }.joined()
        }
    }

    struct Answer: Decodable {
        var results: [Bool]?
        var error: String?
        var pos: Int?
    }

    /// python3 on the PATH, or a skip (a failure when CI is "true") naming what to install.
    static func python() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("python3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        let message = "python3 is needed for the reference answers: apt-get install python3"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail(message)
            throw XCTSkip(message)
        }
        throw XCTSkip(message)
    }

    /// Python's answer for each case, in order.
    static func answers(_ cases: [Case]) throws -> [Answer] {
        struct Request: Encodable { var cases: [Case] }
        struct Response: Decodable { var answers: [Answer] }
        let process = Process()
        process.executableURL = try python()
        process.arguments = [repository.appendingPathComponent("scripts/reference/regex_search.py").path]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let request = try JSONEncoder().encode(Request(cases: cases))
        // Write on another thread: the answer may fill the output pipe before the request is all written.
        let writer = Thread {
            input.fileHandleForWriting.write(request)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "regex_search.py failed")
        return try JSONDecoder().decode(Response.self, from: data).answers
    }
}

/// A small deterministic generator (SplitMix64), so that a failing case can be replayed.
struct RegexTestRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension ByteRegex {
    /// The answer for a byte array (tests only).
    func matches(bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { matches($0) }
    }
}
