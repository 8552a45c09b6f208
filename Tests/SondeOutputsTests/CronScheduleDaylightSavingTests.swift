import XCTest

@testable import SondeOutputs

/// Europe/Paris in 2024: CET (+1) to CEST (+2) at 01:00 UTC on 31 March (02:00 local jumps to 03:00), and back
/// at 01:00 UTC on 27 October (03:00 local falls back to 02:00).
final class CronScheduleDaylightSavingTests: XCTestCase {
    private func firings(_ expression: String, from: Int64, count: Int) throws -> [Int64] {
        let schedule = try CronSchedule(expression, clock: .local)
        var t = from
        var result: [Int64] = []
        for _ in 0..<count {
            guard let next = schedule.next(after: t) else { break }
            result.append(next)
            t = next
        }
        return result
    }

    func testOrdinaryDaysUseTheLocalOffset() throws {
        try withTimeZone("Europe/Paris") {
            XCTAssertEqual(try firings("0 0 * * *", from: utc(2024, 1, 10), count: 1), [utc(2024, 1, 10, 23)])
            XCTAssertEqual(try firings("0 0 * * *", from: utc(2024, 7, 10), count: 1), [utc(2024, 7, 10, 22)])
            XCTAssertEqual(try firings("@monthly", from: utc(2024, 5, 17), count: 1), [utc(2024, 5, 31, 22)])
        }
    }

    func testSkippedMinutesFireAtTheChange() throws {
        try withTimeZone("Europe/Paris") {
            // 02:30 does not exist on 31 March: it fires when the clock jumps, 03:00 CEST = 01:00 UTC.
            XCTAssertEqual(
                try firings("30 2 * * *", from: utc(2024, 3, 30, 12), count: 2), [utc(2024, 3, 31, 1), utc(2024, 4, 1, 0, 30)])
            // Every quarter hour: 01:45 CET, then the four skipped quarters fire once together at the change, then
            // 03:15 CEST.
            XCTAssertEqual(
                try firings("*/15 * * * *", from: utc(2024, 3, 31, 0, 30), count: 4),
                [utc(2024, 3, 31, 0, 45), utc(2024, 3, 31, 1, 0), utc(2024, 3, 31, 1, 15), utc(2024, 3, 31, 1, 30)])
            XCTAssertEqual(
                try firings("0 * * * *", from: utc(2024, 3, 30, 23, 30), count: 3),
                [utc(2024, 3, 31, 0), utc(2024, 3, 31, 1), utc(2024, 3, 31, 2)])
            // Nothing in the skipped hour: no firing at the change.
            XCTAssertEqual(try firings("0 3 * * *", from: utc(2024, 3, 30, 12), count: 1), [utc(2024, 3, 31, 1)])
            XCTAssertEqual(try firings("59 1 * * *", from: utc(2024, 3, 30, 12), count: 1), [utc(2024, 3, 31, 0, 59)])
        }
    }

    func testRepeatedMinutesFireOnce() throws {
        try withTimeZone("Europe/Paris") {
            // 02:30 happens at 00:30 UTC (CEST) and 01:30 UTC (CET): only the first fires.
            XCTAssertEqual(
                try firings("30 2 * * *", from: utc(2024, 10, 26, 12), count: 2), [utc(2024, 10, 27, 0, 30), utc(2024, 10, 28, 1, 30)])
            // Hourly: 02:00 CEST, then 03:00 CET two hours later.
            XCTAssertEqual(
                try firings("0 * * * *", from: utc(2024, 10, 26, 23, 30), count: 3),
                [utc(2024, 10, 27, 0), utc(2024, 10, 27, 2), utc(2024, 10, 27, 3)])
            // Starting during the second 02:xx: those minutes already fired in the first one.
            XCTAssertEqual(try firings("*/15 * * * *", from: utc(2024, 10, 27, 1, 10), count: 1), [utc(2024, 10, 27, 2)])
            // Starting during the first 02:xx, the next quarter is still in the first pass.
            XCTAssertEqual(
                try firings("*/15 * * * *", from: utc(2024, 10, 27, 0, 40), count: 3),
                [utc(2024, 10, 27, 0, 45), utc(2024, 10, 27, 2), utc(2024, 10, 27, 2, 15)])
        }
    }

    func testUTCClockIgnoresTheTimeZone() throws {
        try withTimeZone("Europe/Paris") {
            XCTAssertEqual(try CronSchedule("30 2 * * *").next(after: utc(2024, 3, 30, 12)), utc(2024, 3, 31, 2, 30))
        }
    }

    func testOtherZones() throws {
        // New York: 2024-03-10 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
        try withTimeZone("America/New_York") {
            XCTAssertEqual(try firings("30 2 * * *", from: utc(2024, 3, 9, 12), count: 1), [utc(2024, 3, 10, 7)])
            XCTAssertEqual(try firings("0 0 * * *", from: utc(2024, 3, 9, 12), count: 1), [utc(2024, 3, 10, 5)])
        }
        // Lord Howe moves by half an hour: 2024-04-07 02:00 +11 falls back to 01:30 +10:30 at 15:00 UTC.
        try withTimeZone("Australia/Lord_Howe") {
            XCTAssertEqual(
                try firings("*/20 * * * *", from: utc(2024, 4, 6, 14, 30), count: 3),
                [utc(2024, 4, 6, 14, 40), utc(2024, 4, 6, 15, 30), utc(2024, 4, 6, 15, 50)])
        }
    }
}
