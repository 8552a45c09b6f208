import XCTest

#if canImport(SondeTransforms)
import SondeTransforms
#else
import GeoIP
#endif

/// `fuzzMaxMindDB`, the libFuzzer target's body, over many seeded mutations of small valid databases: none may
/// crash (run the suite with `-sanitize=address` to catch out-of-bounds reads too).
final class MaxMindFuzzTests: XCTestCase {
    func testMutatedDatabasesNeverCrash() throws {
        var seeds: [[UInt8]] = []
        for (ipVersion, recordSize) in [(6, 24), (6, 28), (4, 32), (4, 24)] {
            seeds.append(GeoIPRecordTests.cityDatabase(ipVersion: ipVersion, recordSize: recordSize, wide: false).0.build())
        }
        for seed in seeds {
            XCTAssertGreaterThan(seed.withUnsafeBytes { fuzzMaxMindDB($0) }, 0, "a seed finds nothing")
        }
        var random = MaxMindTestRandom(seed: 0x6D6D_6462)
        var opened = 0
        var found = 0
        let rounds = 40_000
        for round in 0..<rounds {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + Int(random.next() % 4)) { Self.mutate(&bytes, &random) }
            let hits = bytes.withUnsafeBytes { fuzzMaxMindDB($0) }
            if (try? bytes.withUnsafeBytes { try MaxMindDatabase(bytes: $0) }) != nil { opened += 1 }
            found += hits
        }
        print("fuzz: \(rounds) mutants, \(opened) opened, \(found) records found")
        // The mutations must reach past the metadata checks, and into records, often enough to mean something.
        XCTAssertGreaterThan(opened, rounds / 4)
        XCTAssertGreaterThan(found, rounds)
    }

    static let interesting: [UInt64] = [0, 1, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x3F, 0x7F, 0x80, 0xFF, 0xE0, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF]

    static func mutate(_ bytes: inout [UInt8], _ random: inout MaxMindTestRandom) {
        guard !bytes.isEmpty else { return }
        func position() -> Int {
            // Half the time near the end, where the metadata and the data section are.
            let span = random.next() & 1 == 0 ? min(bytes.count, 400) : bytes.count
            return bytes.count - 1 - Int(random.next() % UInt64(span))
        }
        switch random.next() % 8 {
        case 0:
            let at = position()
            bytes[at] ^= 1 << UInt8(random.next() % 8)
        case 1:
            bytes[position()] = UInt8(truncatingIfNeeded: random.next())
        case 2:
            bytes[position()] = UInt8(truncatingIfNeeded: interesting[Int(random.next() % UInt64(interesting.count))])
        case 3:
            let value = interesting[Int(random.next() % UInt64(interesting.count))]
            let width = [2, 3, 4][Int(random.next() % 3)]
            let at = position()
            for i in 0..<width where at + i < bytes.count { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(width - 1 - i))) }
        case 4:
            bytes.removeLast(Int(random.next() % UInt64(min(bytes.count, 64))) + 1)
        case 5:
            let at = position()
            bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 16)))
        case 6:
            let at = position()
            bytes.insert(contentsOf: (0..<(1 + random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
        default:
            let from = position()
            let to = position()
            let count = min(1 + Int(random.next() % 32), bytes.count - from, bytes.count - to)
            let chunk = Array(bytes[from..<(from + count)])
            bytes.replaceSubrange(to..<(to + count), with: chunk)
        }
    }
}
