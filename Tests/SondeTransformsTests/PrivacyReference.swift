import Foundation
import XCTest

/// Runs scripts/reference/privacy_reference.py and reads its answers.
enum PrivacyReference {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = repository.appendingPathComponent("scripts/reference/privacy_reference.py")

    /// One address of the script's input or output: 4 or 16 octets as an integer pair.
    struct Line: Equatable, CustomStringConvertible {
        var version: Int
        var high: UInt64
        var low: UInt64

        static func ipv4(_ value: UInt32) -> Line { Line(version: 4, high: 0, low: UInt64(value)) }
        static func ipv6(_ high: UInt64, _ low: UInt64) -> Line { Line(version: 6, high: high, low: low) }

        var description: String {
            version == 4
                ? "4 " + hex(low, digits: 8)
                : "6 " + hex(high, digits: 16) + hex(low, digits: 16)
        }

        init(version: Int, high: UInt64, low: UInt64) {
            self.version = version
            self.high = high
            self.low = low
        }

        init?(parsing text: Substring) {
            let parts = text.split(separator: " ")
            guard parts.count == 2, let version = Int(parts[0]) else { return nil }
            let digits = parts[1]
            switch (version, digits.count) {
            case (4, 8):
                guard let value = UInt64(digits, radix: 16) else { return nil }
                self.init(version: 4, high: 0, low: value)
            case (6, 32):
                guard let high = UInt64(digits.prefix(16), radix: 16), let low = UInt64(digits.suffix(16), radix: 16)
                else { return nil }
                self.init(version: 6, high: high, low: low)
            default: return nil
            }
        }
    }

    /// The script's output for `inputs` (`mode` is "cryptopan" or "hmac"), or XCTSkip when Python or
    /// `pythonPackage` is missing (a failure when CI is "true").
    static func run(mode: String, key: [UInt8], inputs: [Line], pythonPackage: String?) throws -> [Line] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-privacy-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.txt")
        let output = directory.appendingPathComponent("out.txt")
        try inputs.map(\.description).joined(separator: "\n").appending("\n").write(
            to: input, atomically: false, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script.path, mode, key.map { hex(UInt64($0), digits: 2) }.joined(), input.path, output.path,
        ]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0: break
        case 127: try missing("python3 is not installed: apt-get install python3")
        case 3: try missing("\(pythonPackage ?? "a Python package") is missing: pip install \(pythonPackage ?? "")")
        default:
            throw ReferenceError(
                message: "privacy_reference.py \(mode) exited with \(process.terminationStatus): \(message)")
        }
        let text = try String(contentsOf: output, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let parsed = Line(parsing: line) else {
                throw ReferenceError(message: "privacy_reference.py \(mode): unreadable output line \(line)")
            }
            return parsed
        }
    }

    /// Skips the test, or fails it under CI, where every tool must be there.
    static func missing(_ what: String) throws -> Never {
        if ProcessInfo.processInfo.environment["CI"] == "true" { throw ReferenceError(message: what) }
        throw XCTSkip(what)
    }

    /// `value` as `digits` lowercase hex digits.
    static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// A reference that could not be computed.
    struct ReferenceError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// SplitMix64: a seeded generator, so a failing case can be reproduced (named apart from the target's other
/// test generators).
struct PrivacyRandom: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
