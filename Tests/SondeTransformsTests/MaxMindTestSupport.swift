import Foundation
import XCTest

#if canImport(SondeTransforms)
import SondeTransforms
#else
import GeoIP
#endif

/// A small deterministic generator (SplitMix64), so that a failing random case can be replayed.
struct MaxMindTestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Runs scripts/reference/maxminddb_reference.py, which needs Python and MaxMind's reader.
enum MaxMindReference {
    static let packages = "pip install maxminddb maxminddb-geolite2 mmdb-writer"

    /// The script, found by walking up from this file to the folder holding scripts/reference/.
    static func script() throws -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("scripts/reference/maxminddb_reference.py")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw XCTSkip("scripts/reference/maxminddb_reference.py not found above \(#filePath)")
    }

    /// Skips (fails in CI) when python3 or the packages are missing.
    static func requirePython() throws {
        let (status, output) = run(["python3", "-c", "import maxminddb, mmdb_writer, geolite2"])
        guard status != 0 else { return }
        let message = "python3 with maxminddb, maxminddb-geolite2 and mmdb-writer is needed (\(packages)): \(output)"
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            throw NSError(domain: "MaxMindReference", code: 1, userInfo: [NSLocalizedDescriptionKey: "CI: " + message])
        }
        throw XCTSkip(message)
    }

    /// Runs the script with `arguments`; throws with its output when it fails.
    static func runScript(_ arguments: [String]) throws {
        try requirePython()
        let (status, output) = run(["python3", try script().path] + arguments)
        guard status == 0 else { throw NSError(domain: "maxminddb_reference.py", code: Int(status), userInfo: [NSLocalizedDescriptionKey: output]) }
    }

    static func run(_ command: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The small databases and their reference lookups, written once per test run into a temporary folder.
    static func smallDatabases() throws -> URL {
        if let folder = smallFolder.value { return folder }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-mmdb-\(UUID().uuidString)")
        try runScript(["small", folder.path])
        smallFolder.value = folder
        return folder
    }

    private final class Box: @unchecked Sendable { var value: URL? }
    private static let smallFolder = Box()
}

/// One line of the reference's output (see the script's docstring).
struct MaxMindReferenceLine {
    var family: Int
    var ipv4: UInt32
    var ipv6: (high: UInt64, low: UInt64)
    var found: Character
    var prefix: Int
    /// continent.code, country.iso_code, latitude, longitude, asn, aso, then 3 names per language.
    var fields: [Substring]
    var value: Substring
    var text: Substring

    init(_ line: Substring) {
        let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
        text = line
        family = Int(columns[0])!
        let address = columns[1]
        ipv4 = family == 4 ? UInt32(address, radix: 16)! : 0
        ipv6 = family == 6 ? (UInt64(address.prefix(16), radix: 16)!, UInt64(address.suffix(16), radix: 16)!) : (0, 0)
        found = columns[2].first!
        prefix = Int(columns[3])!
        fields = Array(columns[4..<(columns.count - 1)])
        value = columns[columns.count - 1]
    }

    static func lines(of file: URL) throws -> (header: [Substring], lines: [MaxMindReferenceLine]) {
        let text = try String(contentsOf: file, encoding: .utf8)
        var header: [Substring] = []
        var lines: [MaxMindReferenceLine] = []
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") { header = line.split(separator: "\t", omittingEmptySubsequences: false) } else {
                lines.append(MaxMindReferenceLine(line))
            }
        }
        return (header, lines)
    }
}

/// Text forms the reference uses.
enum MaxMindCanonical {
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex(_ value: Double?) -> String {
        guard let value else { return "-" }
        let bits = String(value.bitPattern, radix: 16)
        return String(repeating: "0", count: 16 - bits.count) + bits
    }

    static func decimal(high: UInt64, low: UInt64) -> String {
        if high == 0 { return String(low) }
        var (h, l) = (high, low)
        var digits: [Character] = []
        while h != 0 || l != 0 {
            // Divide the 128-bit value by 10, one 64-bit half at a time.
            let (qh, rh) = h.quotientAndRemainder(dividingBy: 10)
            let (ql, rl) = (10 as UInt64).dividingFullWidth((rh, l))
            digits.append(Character(String(rl)))
            (h, l) = (qh, ql)
        }
        return String(digits.reversed())
    }

    /// The canonical form of a decoded value, as the reference script writes Python's.
    static func render(_ value: MaxMindValue) -> String {
        switch value {
        case .string(let text): return "s" + hex(text.utf8)
        case .bytes(let bytes): return "b" + hex(bytes)
        case .double(let d): return "d" + hex(d)
        case .float(let f): return "d" + hex(Double(f))
        case .uint16(let v): return String(v)
        case .uint32(let v): return String(v)
        case .uint64(let v): return String(v)
        case .int32(let v): return String(v)
        case .uint128(let high, let low): return decimal(high: high, low: low)
        case .boolean(let b): return b ? "true" : "false"
        case .array(let values): return "[" + values.map(render).joined(separator: ",") + "]"
        case .map(let entries):
            var last: [String: MaxMindValue] = [:]
            for entry in entries { last[entry.key] = entry.value }
            let keys = last.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            return "{" + keys.map { "s" + hex($0.utf8) + ":" + render(last[$0]!) }.joined(separator: ",") + "}"
        case .dataCacheContainer(let count): return "container(\(count))"
        case .endMarker: return "end"
        }
    }
}

extension MaxMindDatabase {
    /// A string field as the reference writes it: hex of its UTF-8 bytes, or "-".
    func referenceText(_ ref: StringRef) -> String {
        ref.isPresent ? MaxMindCanonical.hex(bytes(of: ref)) : "-"
    }
}
