import Foundation
import Glibc
import XCTest

@testable import SondeOutputs

/// Compares `next(after:)` with a minute-by-minute search over a whole year, for random expressions whose
/// meaning the generator knows independently of the parser.
final class CronScheduleBruteForceTests: XCTestCase {
    struct Generated {
        var text: String
        var sets: [Set<Int>] {  // minute, hour, day of month, month, day of week (Sunday 0)
            didSet { masks = sets.map { $0.reduce(0) { $0 | 1 << UInt64($1) } } }
        }
        var eitherDay: Bool
        /// The sets as bit masks, for speed.
        private(set) var masks: [UInt64]

        init(text: String, sets: [Set<Int>], eitherDay: Bool) {
            self.text = text
            self.sets = sets
            self.eitherDay = eitherDay
            masks = sets.map { $0.reduce(0) { $0 | 1 << UInt64($1) } }
        }
    }

    static let ranges = [0...59, 0...23, 1...31, 1...12, 0...6]
    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    static func spell(_ value: Int, field: Int, single: Bool = false, using random: inout SplitMix64) -> String {
        if field == 3 && Bool.random(using: &random) { return monthNames[value - 1] }
        if field == 4 && Bool.random(using: &random) { return dayNames[value] }
        if field == 4 && value == 0 && single && Bool.random(using: &random) { return "7" }
        return String(value)
    }

    static func generateField(_ field: Int, using random: inout SplitMix64) -> (String, Set<Int>) {
        let range = ranges[field]
        func item() -> (String, Set<Int>) {
            let a = Int.random(in: range, using: &random)
            let b = Int.random(in: a...range.upperBound, using: &random)
            let step = Int.random(in: 1...max(1, (range.count) / 2), using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: return (spell(a, field: field, single: true, using: &random), [a])
            case 1: return ("\(spell(a, field: field, using: &random))-\(spell(b, field: field, using: &random))", Set(a...b))
            case 2: return ("\(spell(a, field: field, using: &random))-\(spell(b, field: field, using: &random))/\(step)", Set(stride(from: a, through: b, by: step)))
            case 3: return ("\(a)/\(step)", Set(stride(from: a, through: range.upperBound, by: step)))
            default: return ("\(a)", [a])
            }
        }
        switch Int.random(in: 0..<10, using: &random) {
        case 0, 1: return ("*", Set(range))
        case 2, 3:
            let step = Int.random(in: 1...range.count, using: &random)
            return ("*/\(step)", Set(stride(from: range.lowerBound, through: range.upperBound, by: step)))
        case 4, 5, 6: return item()
        default:
            var texts: [String] = []
            var values: Set<Int> = []
            for _ in 0..<Int.random(in: 2...4, using: &random) {
                let (t, v) = item()
                texts.append(t)
                values.formUnion(v)
            }
            return (texts.joined(separator: ","), values)
        }
    }

    static func generate(using random: inout SplitMix64) -> Generated {
        var texts: [String] = []
        var sets: [Set<Int>] = []
        for field in 0..<5 {
            let (text, values) = generateField(field, using: &random)
            texts.append(text)
            sets.append(values)
        }
        return Generated(text: texts.joined(separator: " "), sets: sets, eitherDay: !texts[2].hasPrefix("*") && !texts[4].hasPrefix("*"))
    }

    /// Wall-clock fields of a minute (minutes since 1970 on that clock), through the C library.
    struct Fields { var minute, hour, day, month, weekday: Int }
    static func fields(wallMinute: Int64) -> Fields {
        var time = time_t(wallMinute * 60)
        var broken = tm()
        gmtime_r(&time, &broken)
        return Fields(
            minute: Int(broken.tm_min), hour: Int(broken.tm_hour), day: Int(broken.tm_mday), month: Int(broken.tm_mon) + 1,
            weekday: Int(broken.tm_wday))
    }

    static func matches(_ g: Generated, _ f: Fields) -> Bool {
        func has(_ field: Int, _ value: Int) -> Bool { g.masks[field] >> UInt64(value) & 1 == 1 }
        let byDate = has(2, f.day)
        let byWeekday = has(4, f.weekday)
        let dayOK = g.eitherDay ? (byDate || byWeekday) : (byDate && byWeekday)
        return has(0, f.minute) && has(1, f.hour) && has(3, f.month) && dayOK
    }

    /// Checks `next` against the firings found by brute force in `start..<end`, from `start` and from random
    /// points in between.
    func check(_ schedule: CronSchedule, firings: [Int64], start: Int64, end: Int64, random: inout SplitMix64) {
        var t = start
        for expected in firings {
            guard let got = schedule.next(after: t) else { return XCTFail("\(schedule): nil after \(t), expected \(expected)") }
            guard got == expected else { return XCTFail("\(schedule): \(got) after \(t), expected \(expected)") }
            t = got
        }
        if let got = schedule.next(after: t) { XCTAssertGreaterThanOrEqual(got, end, "\(schedule): extra firing") }
        for _ in 0..<50 {
            let after = Int64.random(in: start..<end, using: &random)
            // The first firing strictly after `after`.
            var low = 0
            var high = firings.count
            while low < high {
                let mid = (low + high) / 2
                if firings[mid] <= after { low = mid + 1 } else { high = mid }
            }
            let got = schedule.next(after: after)
            if low < firings.count {
                XCTAssertEqual(got, firings[low], "\(schedule) after \(after)")
            } else if let got {
                XCTAssertGreaterThanOrEqual(got, end, "\(schedule) after \(after)")
            }
        }
    }

    func testUTCAgainstBruteForceOverALeapYear() throws {
        let start = utc(2024, 1, 1) - 60
        let end = utc(2025, 1, 1)
        let wallFields = (start / 60..<end / 60).map { Self.fields(wallMinute: $0) }
        var random = SplitMix64(seed: 2024)
        for _ in 0..<80 {
            let g = Self.generate(using: &random)
            let schedule = try CronSchedule(g.text)
            var firings: [Int64] = []
            for (i, f) in wallFields.enumerated() where i > 0 && Self.matches(g, f) { firings.append(start + Int64(i) * 60) }
            check(schedule, firings: firings, start: start, end: end, random: &random)
        }
    }

    func testLocalTimeAgainstBruteForceInParis() throws {
        try withTimeZone("Europe/Paris") {
            // 2024: clocks go forward on 31 March and back on 27 October.
            let start = utc(2024, 1, 1) - 3600
            let end = utc(2025, 1, 1)
            // The definition: fire at an instant when the wall clock first reaches a matching minute.
            var walls: [Int64] = []
            for instant in stride(from: start, to: end, by: 60) {
                walls.append((instant + CronSchedule.utcOffset(at: instant)!) / 60)
            }
            let firstWall = walls.min()!
            let wallFields = (firstWall...walls.max()!).map { Self.fields(wallMinute: $0) }
            var random = SplitMix64(seed: 33)
            for round in 0..<40 {
                // Some expressions aimed at the night of the change, the others random.
                var g = Self.generate(using: &random)
                if round % 3 == 0 {
                    let hours = [1, 2, 3].shuffled(using: &random).prefix(2)
                    g.text = ["*/7", "0", "30", "*", "15-45/10"].randomElement(using: &random)! + " " + hours.map(String.init).joined(separator: ",") + " * * *"
                    g.eitherDay = false
                    let parts = g.text.split(separator: " ")
                    let minuteSet: Set<Int> = switch parts[0] {
                    case "*/7": Set(stride(from: 0, through: 59, by: 7))
                    case "*": Set(0...59)
                    case "15-45/10": [15, 25, 35, 45]
                    default: [Int(parts[0])!]
                    }
                    g.sets = [minuteSet, Set(hours), Set(1...31), Set(1...12), Set(0...6)]
                }
                let schedule = try CronSchedule(g.text, clock: .local)
                var firings: [Int64] = []
                var maxWall = walls[0]
                for (i, wall) in walls.enumerated() where i > 0 {
                    if wall > maxWall {
                        if (maxWall + 1...wall).contains(where: { Self.matches(g, wallFields[Int($0 - firstWall)]) }) {
                            firings.append(start + Int64(i) * 60)
                        }
                        maxWall = wall
                    }
                }
                check(schedule, firings: firings, start: start, end: end, random: &random)
            }
        }
    }
}

/// Runs `body` with `TZ` set, then restores it.
func withTimeZone(_ zone: String, _ body: () throws -> Void) throws {
    guard FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/\(zone)") else {
        let message = "time zone data is missing: apt-get install -y tzdata"
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(message) }
        throw XCTSkip(message)
    }
    let old = getenv("TZ").map { String(cString: $0) }
    setenv("TZ", zone, 1)
    tzset()
    defer {
        if let old { setenv("TZ", old, 1) } else { unsetenv("TZ") }
        tzset()
    }
    try body()
}

struct SplitMix64: RandomNumberGenerator {
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
