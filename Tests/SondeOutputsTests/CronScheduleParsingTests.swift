import XCTest

@testable import SondeOutputs

final class CronScheduleParsingTests: XCTestCase {
    private func bits(_ values: [Int]) -> UInt64 { values.reduce(0) { $0 | 1 << UInt64($1) } }

    func testStarListsRangesAndSteps() throws {
        let s = try CronSchedule("*/15 1-5/2 1,15,31 * 1-5")
        XCTAssertEqual(s.minutes, bits([0, 15, 30, 45]))
        XCTAssertEqual(s.hours, bits([1, 3, 5]))
        XCTAssertEqual(s.daysOfMonth, bits([1, 15, 31]))
        XCTAssertEqual(s.months, bits(Array(1...12)))
        XCTAssertEqual(s.daysOfWeek, bits([1, 2, 3, 4, 5]))
        XCTAssertTrue(s.eitherDay)
    }

    func testStartWithStepMeansToTheEnd() throws {
        XCTAssertEqual(try CronSchedule("5/20 * * * *").minutes, bits([5, 25, 45]))
        XCTAssertEqual(try CronSchedule("0 */7 * * *").hours, bits([0, 7, 14, 21]))
        XCTAssertEqual(try CronSchedule("0 0 * * */3").daysOfWeek, bits([0, 3, 6]))
    }

    func testNamesAreCaseInsensitiveAndWorkInRanges() throws {
        let s = try CronSchedule("0 0 * Jan,MAR-may/2,dec mon-FRI")
        XCTAssertEqual(s.months, bits([1, 3, 5, 12]))
        XCTAssertEqual(s.daysOfWeek, bits([1, 2, 3, 4, 5]))
        XCTAssertEqual(try CronSchedule("0 0 * * sat,sun").daysOfWeek, bits([0, 6]))
    }

    func testSundayIsZeroAndSeven() throws {
        XCTAssertEqual(try CronSchedule("0 0 * * 7").daysOfWeek, bits([0]))
        XCTAssertEqual(try CronSchedule("0 0 * * 0").daysOfWeek, bits([0]))
        XCTAssertEqual(try CronSchedule("0 0 * * 5-7").daysOfWeek, bits([0, 5, 6]))
        XCTAssertEqual(try CronSchedule("0 0 * * 0-7").daysOfWeek, bits(Array(0...6)))
    }

    func testDayRuleFollowsTheLeadingStar() throws {
        XCTAssertTrue(try CronSchedule("0 0 1 * 1").eitherDay)
        XCTAssertFalse(try CronSchedule("0 0 * * 1").eitherDay)
        XCTAssertFalse(try CronSchedule("0 0 1 * *").eitherDay)
        // crontab(5): a field starting with `*` is unrestricted even with a step.
        XCTAssertFalse(try CronSchedule("0 0 */2 * 1").eitherDay)
    }

    func testShorthands() throws {
        let expected = [
            "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
            "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
        ]
        for (short, long) in expected {
            let a = try CronSchedule(short)
            let b = try CronSchedule(long)
            XCTAssertEqual(
                [a.minutes, a.hours, a.daysOfMonth, a.months, a.daysOfWeek],
                [b.minutes, b.hours, b.daysOfMonth, b.months, b.daysOfWeek], short)
            XCTAssertEqual(a.eitherDay, b.eitherDay, short)
        }
        XCTAssertNoThrow(try CronSchedule("  @DAILY \n"))
    }

    func testWhitespace() throws {
        XCTAssertEqual(try CronSchedule(" 0\t12  * * * ").hours, bits([12]))
    }

    private func assertError(
        _ text: String, field: CronScheduleError.Field?, item: String, _ fragment: String, line: UInt = #line
    ) {
        XCTAssertThrowsError(try CronSchedule(text), line: line) { error in
            guard let error = error as? CronScheduleError else { return XCTFail("\(error)", line: line) }
            XCTAssertEqual(error.field, field, "\(error)", line: line)
            XCTAssertEqual(error.text, item, "\(error)", line: line)
            XCTAssertTrue(error.description.contains(fragment), "\(error)", line: line)
            if let field { XCTAssertTrue(error.description.contains("\(field.rawValue) field"), line: line) }
        }
    }

    func testErrorsNameTheFieldAndText() {
        assertError("60 * * * *", field: .minute, item: "60", "60 is outside 0-59")
        assertError("0 24 * * *", field: .hour, item: "24", "outside 0-23")
        assertError("0 0 0 * *", field: .dayOfMonth, item: "0", "outside 1-31")
        assertError("0 0 1,32 * *", field: .dayOfMonth, item: "32", "32 is outside 1-31")
        assertError("0 0 * 13 *", field: .month, item: "13", "outside 1-12")
        assertError("0 0 * * 8", field: .dayOfWeek, item: "8", "outside 0-7")
        assertError("0 0 * foo *", field: .month, item: "foo", "not a number or a name")
        assertError("x * * * *", field: .minute, item: "x", "\"x\" is not a number")
        assertError("*/0 * * * *", field: .minute, item: "*/0", "step \"0\" is not a positive number")
        assertError("*/ * * * *", field: .minute, item: "*/", "not a positive number")
        assertError("5-1 * * * *", field: .minute, item: "5-1", "runs backwards")
        assertError("1,,2 * * * *", field: .minute, item: "1,,2", "empty item")
        assertError("- * * * *", field: .minute, item: "-", "missing")
        assertError("-1 * * * *", field: .minute, item: "-1", "missing")
        assertError("* * * *", field: nil, item: "* * * *", "expected 5 fields")
        assertError("* * * * * *", field: nil, item: "* * * * * *", "found 6")
        assertError("", field: nil, item: "", "found 0")
        assertError("@reboot", field: nil, item: "@reboot", "unknown shorthand")
        assertError("1/2/3 * * * *", field: .minute, item: "1/2/3", "step \"2/3\"")
    }

    func testRangeMixingNumberAndNameIsFine() throws {
        // Mixed forms are accepted: a value is a number or a name wherever it appears.
        XCTAssertEqual(try CronSchedule("0 0 * 1-mar *").months, bits([1, 2, 3]))
    }
}
