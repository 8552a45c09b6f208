public import SondeDNS

/// Writes RFC 3339 UTC timestamps with nanoseconds (`2026-11-21T23:34:47.123456789Z`).
///
/// The date and time of day change once a second while events arrive by the thousand, so the 20-byte prefix is
/// computed once per second and copied after that.
public struct TimestampWriter: Sendable {
    var cachedSecond: Int64 = .min
    var prefix: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 20 bytes used: "YYYY-MM-DDTHH:MM:SS."

    /// A writer with an empty cache.
    public init() {}

    /// Appends the timestamp for `nanoseconds` since the Unix epoch.
    public mutating func write(_ nanoseconds: Int64, into out: inout OutputBuffer) {
        var seconds = nanoseconds / 1_000_000_000
        var fraction = nanoseconds % 1_000_000_000
        if fraction < 0 {
            fraction &+= 1_000_000_000
            seconds &-= 1
        }
        if seconds != cachedSecond { fill(seconds) }
        out.reserve(30)
        withUnsafeBytes(of: &prefix) { out.uncheckedAppend($0.baseAddress!, count: 20) }
        out.appendDecimal(UInt64(fraction), width: 9)
        out.uncheckedAppend(UInt8(ascii: "Z"))
    }


    mutating func fill(_ seconds: Int64) {
        cachedSecond = seconds
        let c = CivilTime(secondsSinceEpoch: seconds)
        var out = OutputBuffer(capacity: 64)
        out.appendDecimal(UInt64(max(0, min(9999, c.year))), width: 4)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(UInt64(c.month), width: 2)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(UInt64(c.day), width: 2)
        out.append(UInt8(ascii: "T"))
        out.appendDecimal(UInt64(c.hour), width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(UInt64(c.minute), width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(UInt64(c.second), width: 2)
        out.append(UInt8(ascii: "."))
        out.withBytes { src in
            withUnsafeMutableBytes(of: &prefix) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: src.prefix(20))) }
        }
    }
}

/// A UTC calendar date and time of day, from seconds since the epoch (Howard Hinnant's days-to-civil algorithm).
public struct CivilTime: Sendable, Hashable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    /// Splits `secondsSinceEpoch` into calendar fields (proleptic Gregorian, UTC).
    public init(secondsSinceEpoch: Int64) {
        var days = secondsSinceEpoch / 86_400
        var rem = secondsSinceEpoch % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        hour = Int(rem / 3600)
        minute = Int(rem % 3600 / 60)
        second = Int(rem % 60)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = Int(doy - (153 * mp + 2) / 5 + 1)
        month = Int(mp < 10 ? mp + 3 : mp - 9)
        year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
    }
}
