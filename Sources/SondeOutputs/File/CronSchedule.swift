#if canImport(Glibc)
import Glibc
#endif

/// When to rotate a file, in the 5-field cron syntax: `minute hour day-of-month month day-of-week`.
///
/// Each field takes `*`, numbers, lists (`1,15`), ranges (`1-5`), steps (`*/15`, `1-30/2`, and `5/15`, which
/// means `5-59/15`), and in the month and day-of-week fields the English three-letter names (`jan`, `mon-fri`).
/// Day of week 0 and 7 are both Sunday. As in Vixie cron and cronie, when both day fields are restricted (neither
/// starts with `*`) a day matches if either matches, and otherwise both must. `@hourly`, `@daily`, `@midnight`,
/// `@weekly`, `@monthly`, `@yearly` and `@annually` stand for their usual expansions.
///
/// Times are minutes of a wall clock, in UTC or in the local time zone (`TZ`, read by the C library). With the
/// local clock, daylight-saving changes are handled so that each matching wall-clock minute fires exactly once:
/// - a minute skipped by a forward change (02:30 on a spring night in Paris) fires at the change itself (the
///   instant the clock jumps to 03:00), and several skipped minutes fire there once together;
/// - a minute that occurs twice after a backward change fires at its first occurrence only, so `*/15` pauses
///   during the repeated hour and `0 * * * *` gives one two-hour interval on that night.
///
/// In other words `next(after:)` is the first instant after the given one at which the wall clock reaches a
/// matching minute for the first time.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The clock the fields are read on.
    public enum Clock: Sendable, Hashable {
        /// Coordinated Universal Time.
        case utc
        /// The process's local time zone (the `TZ` environment variable, else `/etc/localtime`).
        case local
    }

    /// The text parsed.
    public let expression: String
    /// The clock the fields are read on.
    public let clock: Clock

    // One bit per allowed value: minutes 0-59, hours 0-23, days 1-31, months 1-12, weekdays 0-6 (Sunday 0).
    let minutes: UInt64
    let hours: UInt64
    let daysOfMonth: UInt64
    let months: UInt64
    let daysOfWeek: UInt64
    /// Neither day field starts with `*`: a day matching either field matches.
    let eitherDay: Bool

    /// Parses `expression`; the error names the field and the text at fault.
    public init(_ expression: String, clock: Clock = .utc) throws(CronScheduleError) {
        let fields = try Self.parse(expression)
        self.expression = expression
        self.clock = clock
        minutes = fields.minutes
        hours = fields.hours
        daysOfMonth = fields.daysOfMonth
        months = fields.months
        daysOfWeek = fields.daysOfWeek
        eitherDay = fields.eitherDay
        // localtime_r is not required to read TZ again; tzset makes a changed TZ count from here on.
        if clock == .local { tzset() }
    }

    /// The expression and its clock.
    public var description: String { clock == .utc ? "\(expression) (UTC)" : "\(expression) (local time)" }

    /// The earliest instant strictly after `seconds` (since the Unix epoch) at which the schedule fires, or nil
    /// when it never does (`0 0 30 2 *`) or `seconds` is outside years 1 to 9999.
    public func next(after seconds: Int64) -> Int64? {
        guard seconds >= Self.earliest && seconds <= Self.latest else { return nil }
        switch clock {
        case .utc:
            return nextWallMinute(after: Civil.floorDivide(seconds, 60)).map { $0 * 60 }
        case .local:
            return nextLocal(after: seconds)
        }
    }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let earliest: Int64 = -62_135_596_800
    static let latest: Int64 = 253_402_300_799

    /// Whether the wall-clock minute given matches every field (with the day rule).
    func matches(year: Int64, month: Int, day: Int, hour: Int, minute: Int) -> Bool {
        months.has(month) && dayMatches(year: year, month: month, day: day) && hours.has(hour) && minutes.has(minute)
    }

    func dayMatches(year: Int64, month: Int, day: Int) -> Bool {
        // 1970-01-01 was a Thursday (weekday 4).
        let weekday = Int(Civil.floorModulo(Civil.days(year: year, month: month, day: day) + 4, 7))
        let byDate = daysOfMonth.has(day)
        let byWeekday = daysOfWeek.has(weekday)
        return eitherDay ? (byDate || byWeekday) : (byDate && byWeekday)
    }

    /// The first matching wall-clock minute after `minute` (minutes since 1970-01-01 00:00 on that clock).
    ///
    /// The Gregorian calendar repeats every 400 years, weekdays included, so a schedule with no match in the
    /// next 401 years never matches.
    func nextWallMinute(after minute: Int64) -> Int64? {
        let start = minute + 1
        var (year, month, day) = Civil.date(days: Civil.floorDivide(start, 1440))
        let minuteOfDay = Int(Civil.floorModulo(start, 1440))
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        let lastYear = year + 401
        while year <= lastYear {
            if !months.has(month) {
                if let next = months.next(from: month + 1, through: 12) {
                    month = next
                } else {
                    year += 1
                    month = months.next(from: 1, through: 12)!
                }
                (day, hour, minute) = (1, 0, 0)
                continue
            }
            if day > Civil.daysInMonth(year: year, month: month) {
                (month, day, hour, minute) = (month + 1, 1, 0, 0)
                if month > 12 { (year, month) = (year + 1, 1) }
                continue
            }
            guard dayMatches(year: year, month: month, day: day), let nextHour = hours.next(from: hour, through: 23) else {
                (day, hour, minute) = (day + 1, 0, 0)
                continue
            }
            if nextHour != hour { (hour, minute) = (nextHour, 0) }
            guard let nextMinute = minutes.next(from: minute, through: 59) else {
                (hour, minute) = (hour + 1, 0)
                if hour > 23 { (day, hour) = (day + 1, 0) }
                continue
            }
            return Civil.days(year: year, month: month, day: day) * 1440 + Int64(hour * 60 + nextMinute)
        }
        return nil
    }
}

// A field is a bit set: bit v is set when value v is allowed.
extension UInt64 {
    /// Whether bit `value` is set.
    @inline(__always)
    fileprivate func has(_ value: Int) -> Bool { value >= 0 && value < 64 && (self >> UInt64(value)) & 1 == 1 }

    /// The lowest set bit in `from...through`, or nil.
    fileprivate func next(from: Int, through: Int) -> Int? {
        guard from <= through, from < 64 else { return nil }
        let from = Swift.max(from, 0)
        let rest = self >> UInt64(from)
        guard rest != 0 else { return nil }
        let found = from + rest.trailingZeroBitCount
        return found <= through ? found : nil
    }
}
