import Foundation
import SondeTransforms
import XCTest

/// Files and tools the Public Suffix List tests use, and what to install when one is missing.
enum PublicSuffixFixtures {
    /// The repository: this file is in `Tests/<target>/`.
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// A missing tool fails the test in CI and skips it elsewhere, naming what to install.
    static func missing(_ what: String, install: String) -> any Error {
        if inCI { return TestFailure("\(what) is missing (\(install)); CI must have it") }
        return XCTSkip("\(what) is missing: \(install)")
    }

    /// Debian's list (package `publicsuffix`).
    static func debianListPath() throws -> String {
        let path = PublicSuffixList.debianPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw missing(path, install: "apt-get install publicsuffix")
        }
        return path
    }

    static func debianList(_ sections: PublicSuffixList.Sections = .all) throws -> PublicSuffixList {
        try PublicSuffixList.load(contentsOfFile: debianListPath(), sections: sections)
    }

    /// The list's own test cases, committed beside the tests.
    static func testPSL() throws -> String {
        try String(contentsOf: repo.appendingPathComponent("Tests/\(targetFolder)/Resources/test_psl.txt"), encoding: .utf8)
    }

    /// The folder holding this file (the test target's name).
    static let targetFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().lastPathComponent

    /// The shared corpus: `shared/corpus` beside the repository or beside one of its parents.
    static func corpus() throws -> URL {
        var dir = repo
        while dir.path != "/" {
            let candidate = dir.deletingLastPathComponent().appendingPathComponent("shared/corpus")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        if inCI { throw TestFailure("shared/corpus is not beside the repository; CI must have it") }
        throw XCTSkip("shared/corpus is not here (a user's clone): corpus test skipped")
    }

    /// Runs `scripts/reference/publicsuffix_reference.py` with `arguments`, `input` on its standard input, and
    /// returns its standard output's lines.
    static func reference(_ arguments: [String], input: [UInt8]) throws -> [[UInt8]] {
        let script = repo.appendingPathComponent("scripts/reference/publicsuffix_reference.py").path
        let inputFile = FileManager.default.temporaryDirectory.appendingPathComponent("psl-\(UUID().uuidString).txt")
        try Data(input).write(to: inputFile)
        defer { try? FileManager.default.removeItem(at: inputFile) }
        let process = Process()
        // `env` runs the python3 first on PATH: the one `pip install` installed into.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw missing("python3", install: "apt-get install python3") }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 3 { throw missing("publicsuffixlist", install: "pip install publicsuffixlist") }
        if process.terminationStatus == 127 { throw missing("python3", install: "apt-get install python3") }
        guard process.terminationStatus == 0 else {
            throw TestFailure("reference script failed (\(process.terminationStatus)): \(String(decoding: errors, as: UTF8.self))")
        }
        var lines = [UInt8](output).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        if lines.last == [] { lines.removeLast() }
        return lines
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension PublicSuffixList {
    /// The public suffix and registrable domain as text, `-` for none, as the reference script prints them.
    func answer(_ name: [UInt8]) -> [UInt8] {
        name.withUnsafeBytes { raw -> [UInt8] in
            guard let m = match(raw) else { return Array("-\t-".utf8) }
            let end = m.end
            var out = Array(name[m.suffixStart..<end])
            out.append(UInt8(ascii: "\t"))
            if let r = m.registrableStart { out += name[r..<end] } else { out.append(UInt8(ascii: "-")) }
            return out
        }
    }

    /// The registrable domain of a string name, for readable assertions.
    func registrable(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let m = match(name), let r = m.registrableStart else { return nil }
        return String(decoding: bytes[r..<m.end], as: UTF8.self)
    }

    func suffix(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        guard let m = match(name) else { return nil }
        return String(decoding: bytes[m.suffixStart..<m.end], as: UTF8.self)
    }
}

/// SplitMix64: a seeded generator, so every run makes the same names.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
