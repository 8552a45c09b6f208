/// Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), without the C library, so
/// that UTC schedules need no time-zone lookups.
///
/// Years are shifted to start on 1 March, which puts the leap day last; then a 400-year era has a fixed
/// 146,097 days, a shifted year 365 days plus leap days, and the day of the shifted year maps to month and day
/// with the linear formula (153 × month + 2) / 5 (the month lengths from March, 31 30 31 30 31 31 30 31 30 31
/// 31 28/29, repeat in a 5-month pattern of 153 days).
enum Civil {
    /// Days from 1970-01-01 to 0000-03-01.
    private static let epochShift: Int64 = 719_468
    private static let daysPerEra: Int64 = 146_097

    /// The day number of a date.
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400
        let monthFromMarch = Int64((month + 9) % 12)
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * daysPerEra + dayOfEra - epochShift
    }

    /// The date of a day number.
    static func date(days: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = days + epochShift
        let era = floorDivide(shifted, daysPerEra)
        let dayOfEra = shifted - era * daysPerEra
        // Leap days lost at 4, 100 and 400 years (1460, 36524 and 146096 days into the era) are undone.
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthFromMarch + 2) / 5 + 1)
        let month = Int(monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Division rounding toward negative infinity, for instants before 1970.
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// The remainder matching ``floorDivide(_:_:)``: in `0..<divisor` for a positive divisor.
    static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 { value - floorDivide(value, divisor) * divisor }

    static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysInMonth(year: Int64, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
