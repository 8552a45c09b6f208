import Glibc
import XCTest

@testable import SondeOutputs

/// Seconds since the epoch of a UTC time, through the C library (independent of the code under test).
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Int64 {
    var t = tm()
    t.tm_year = Int32(year - 1900)
    t.tm_mon = Int32(month - 1)
    t.tm_mday = Int32(day)
    t.tm_hour = Int32(hour)
    t.tm_min = Int32(minute)
    t.tm_sec = Int32(second)
    return Int64(timegm(&t))
}

final class CronScheduleNextTests: XCTestCase {
    private func next(_ expression: String, after: Int64) throws -> Int64? {
        try CronSchedule(expression).next(after: after)
    }

    func testEveryMinuteIsStrictlyAfter() throws {
        XCTAssertEqual(try next("* * * * *", after: utc(2024, 1, 1, 10, 0)), utc(2024, 1, 1, 10, 1))
        XCTAssertEqual(try next("* * * * *", after: utc(2024, 1, 1, 10, 0, 59)), utc(2024, 1, 1, 10, 1))
        XCTAssertEqual(try next("* * * * *", after: utc(2024, 1, 1, 10, 0, 59) - 60), utc(2024, 1, 1, 10, 0))
    }

    func testShorthands() throws {
        let t = utc(2024, 5, 17, 13, 42, 7)  // a Friday
        XCTAssertEqual(try next("@hourly", after: t), utc(2024, 5, 17, 14))
        XCTAssertEqual(try next("@daily", after: t), utc(2024, 5, 18))
        XCTAssertEqual(try next("@midnight", after: t), utc(2024, 5, 18))
        XCTAssertEqual(try next("@weekly", after: t), utc(2024, 5, 19))
        XCTAssertEqual(try next("@monthly", after: t), utc(2024, 6, 1))
        XCTAssertEqual(try next("@yearly", after: t), utc(2025, 1, 1))
        XCTAssertEqual(try next("@annually", after: utc(2024, 12, 31, 23, 59)), utc(2025, 1, 1))
    }

    func testStepsListsAndRanges() throws {
        XCTAssertEqual(try next("*/15 * * * *", after: utc(2024, 1, 1, 10, 46)), utc(2024, 1, 1, 11, 0))
        XCTAssertEqual(try next("5,35 9-17 * * *", after: utc(2024, 1, 1, 17, 35)), utc(2024, 1, 2, 9, 5))
        XCTAssertEqual(try next("0 1-5/2 * * *", after: utc(2024, 1, 1, 3, 0)), utc(2024, 1, 1, 5, 0))
        XCTAssertEqual(try next("0 1-5/2 * * *", after: utc(2024, 1, 1, 5, 0)), utc(2024, 1, 2, 1, 0))
        XCTAssertEqual(try next("0 0 * * mon-fri", after: utc(2024, 5, 17, 1)), utc(2024, 5, 20))  // Fri -> Mon
        XCTAssertEqual(try next("0 0 * * 7", after: utc(2024, 5, 17)), utc(2024, 5, 19))
        XCTAssertEqual(try next("0 12 * feb *", after: utc(2024, 3, 1)), utc(2025, 2, 1, 12))
    }

    func testMonthEnds() throws {
        // The 31st only exists in seven months.
        XCTAssertEqual(try next("0 0 31 * *", after: utc(2024, 1, 31)), utc(2024, 3, 31))
        XCTAssertEqual(try next("0 0 31 * *", after: utc(2024, 5, 31)), utc(2024, 7, 31))
        XCTAssertEqual(try next("0 0 31 * *", after: utc(2024, 8, 31)), utc(2024, 10, 31))
        XCTAssertEqual(try next("0 0 30 * *", after: utc(2024, 1, 30)), utc(2024, 3, 30))
        XCTAssertEqual(try next("59 23 31 12 *", after: utc(2024, 12, 31, 23, 58)), utc(2024, 12, 31, 23, 59))
        XCTAssertEqual(try next("59 23 31 12 *", after: utc(2024, 12, 31, 23, 59)), utc(2025, 12, 31, 23, 59))
    }

    func testLeapYears() throws {
        XCTAssertEqual(try next("0 0 29 2 *", after: utc(2024, 2, 29)), utc(2028, 2, 29))
        XCTAssertEqual(try next("0 0 29 2 *", after: utc(2023, 1, 1)), utc(2024, 2, 29))
        // 2100 is not a leap year; 2000 was.
        XCTAssertEqual(try next("0 0 29 2 *", after: utc(2096, 3, 1)), utc(2104, 2, 29))
        XCTAssertEqual(try next("0 0 29 2 *", after: utc(1997, 1, 1)), utc(2000, 2, 29))
        XCTAssertEqual(try next("0 0 28 2 *", after: utc(2100, 2, 28)), utc(2101, 2, 28))
        // Day of month AND Monday (`*/28`, days 1 and 29, starts with `*`): 1 February 2027 is a Monday; after
        // it, the next 1 or 29 February on a Monday is 1 February 2038.
        XCTAssertEqual(try next("0 0 */28 2 mon", after: utc(2024, 3, 1)), utc(2027, 2, 1))
        XCTAssertEqual(try next("0 0 */28 2 mon", after: utc(2027, 2, 1)), utc(2038, 2, 1))
    }

    func testNeverMatching() throws {
        XCTAssertNil(try next("0 0 30 2 *", after: utc(2024, 1, 1)))
        XCTAssertNil(try next("0 0 31 4,6,9,11 *", after: utc(2024, 1, 1)))
        // With a weekday the OR rule makes it match again: any Sunday in February.
        XCTAssertEqual(try next("0 0 30 2 sun", after: utc(2024, 5, 17)), utc(2025, 2, 2))
    }

    func testDayOfMonthOrDayOfWeek() throws {
        // crontab(5)'s example: 04:30 on the 1st and 15th, and every Friday.
        let s = try CronSchedule("30 4 1,15 * 5")
        var t = utc(2024, 5, 1)
        var fired: [Int64] = []
        for _ in 0..<6 {
            t = s.next(after: t)!
            fired.append(t)
        }
        XCTAssertEqual(
            fired,
            [utc(2024, 5, 1, 4, 30), utc(2024, 5, 3, 4, 30), utc(2024, 5, 10, 4, 30), utc(2024, 5, 15, 4, 30),
             utc(2024, 5, 17, 4, 30), utc(2024, 5, 24, 4, 30)])
        // A leading star makes it AND: every other day of month that is also a Monday.
        XCTAssertEqual(try next("0 0 */2 * mon", after: utc(2024, 5, 1)), utc(2024, 5, 13))
    }

    func testBeforeTheEpochAndLimits() throws {
        XCTAssertEqual(try next("0 0 1 1 *", after: utc(1969, 6, 1)), utc(1970, 1, 1))
        XCTAssertEqual(try next("* * * * *", after: -1), 0)
        XCTAssertEqual(try next("* * * * *", after: -61), -60)
        XCTAssertNil(try next("* * * * *", after: Int64.max))
        XCTAssertNil(try next("* * * * *", after: Int64.min))
    }

    func testCivilCalendarAgreesWithTheCLibrary() {
        var day: Int64 = -800_000
        while day < 3_000_000 {
            var time = time_t(day * 86_400)
            var broken = tm()
            gmtime_r(&time, &broken)
            let (y, m, d) = Civil.date(days: day)
            XCTAssertEqual([y, Int64(m), Int64(d)], [Int64(broken.tm_year) + 1900, Int64(broken.tm_mon) + 1, Int64(broken.tm_mday)])
            XCTAssertEqual(Civil.days(year: y, month: m, day: d), day)
            day += 997
        }
    }
}
