extension OutputBuffer {
    /// Appends a count of seconds since 1970-01-01 00:00:00 UTC as `YYYYMMDDHHmmSS` (RFC 4034 §3.2), the form
    /// `dig` uses for RRSIG inception and expiration.
    ///
    /// The 32-bit value is read as an absolute time (1970 to 2106); RFC 4034's serial-number arithmetic around
    /// "now" would make the text depend on when it is printed.
    public mutating func appendDNSTimestamp(_ seconds: UInt32) {
        let s = Int(seconds)
        let days = s / 86_400
        let secondOfDay = s % 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        reserve(14)
        appendDecimal(UInt64(year), width: 4)
        appendTwoDigits(month)
        appendTwoDigits(day)
        appendTwoDigits(secondOfDay / 3600)
        appendTwoDigits((secondOfDay / 60) % 60)
        appendTwoDigits(secondOfDay % 60)
    }

    /// Appends 0...99 as two digits.
    @inline(__always)
    mutating func appendTwoDigits(_ v: Int) {
        reserve(2)
        uncheckedAppend(0x30 &+ UInt8(truncatingIfNeeded: v / 10))
        uncheckedAppend(0x30 &+ UInt8(truncatingIfNeeded: v % 10))
    }
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (negative counts are days before it).
///
/// Howard Hinnant's `civil_from_days`: shifting the year to start on 1 March puts the leap day last, so months
/// follow a fixed 153-days-per-5-months pattern and the 400-year era is the only irregular cycle.
public func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days &+ 719_468  // days from 0000-03-01 to 1970-01-01
    let era = (z >= 0 ? z : z &- 146_096) / 146_097  // floor division, so dates before 0000-03-01 work too
    let dayOfEra = z &- era &* 146_097
    let yearOfEra = (dayOfEra &- dayOfEra / 1460 &+ dayOfEra / 36_524 &- dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra &- (365 &* yearOfEra &+ yearOfEra / 4 &- yearOfEra / 100)
    let mp = (5 &* dayOfYear &+ 2) / 153
    let day = dayOfYear &- (153 &* mp &+ 2) / 5 &+ 1
    let month = mp < 10 ? mp &+ 3 : mp &- 9
    let year = yearOfEra &+ era &* 400 &+ (month <= 2 ? 1 : 0)
    return (year, month, day)
}
