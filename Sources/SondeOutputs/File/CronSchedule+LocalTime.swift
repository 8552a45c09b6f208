#if canImport(Glibc)
import Glibc
#endif

extension CronSchedule {
    /// The next firing on the local clock: the first instant after `seconds` at which the wall clock reaches a
    /// matching minute for the first time (see the type's documentation for the daylight-saving rules).
    ///
    /// Wall-clock minutes are found as for UTC, then each is mapped to an instant with the offsets that
    /// `localtime_r` reports. `mktime` is not used: which instant it picks for a skipped or repeated time with
    /// `tm_isdst = -1` is left to the implementation.
    func nextLocal(after seconds: Int64) -> Int64? {
        guard let offset = Self.utcOffset(at: seconds) else { return nil }
        var wall = Civil.floorDivide(seconds + offset, 60)
        // Each turn moves `wall` forward by at least a minute; only minutes of a repeated hour are passed over,
        // so this bound is never reached by a real time zone.
        for _ in 0..<100_000 {
            guard let candidate = nextWallMinute(after: wall) else { return nil }
            wall = candidate
            guard let instant = Self.firstInstant(reachingWall: candidate * 60) else { return nil }
            // A minute of a repeated hour whose first occurrence is already past: it has fired.
            if instant > seconds { return instant }
        }
        return nil
    }

    /// The first instant at which the local wall clock shows `wall` (seconds since 1970-01-01 00:00 on that
    /// clock) or later: the minute's first occurrence, or for a minute skipped by a forward change, the change.
    ///
    /// The offsets a day before and a day after bracket any single change near `wall`; a zone with two changes
    /// within two days is not handled exactly.
    static func firstInstant(reachingWall wall: Int64) -> Int64? {
        guard let before = utcOffset(at: wall - 86_400), let after = utcOffset(at: wall + 86_400) else { return nil }
        // With the earlier offset (the larger one, after a backward change) the instant comes first.
        let earlier = wall - max(before, after)
        if utcOffset(at: earlier) == max(before, after) { return earlier }
        let later = wall - min(before, after)
        if utcOffset(at: later) == min(before, after) { return later }
        // A skipped minute: the clock jumps from below `wall` (with `before`) to above it (with `after`).
        var low = wall - max(before, after)
        var high = wall - min(before, after)
        guard let lowOffset = utcOffset(at: low), low + lowOffset < wall,
            let highOffset = utcOffset(at: high), high + highOffset >= wall
        else { return nil }
        // Invariant: the wall clock is before `wall` at `low` and has reached it at `high`.
        while high - low > 1 {
            let middle = low + (high - low) / 2
            guard let offset = utcOffset(at: middle) else { return nil }
            if middle + offset >= wall { high = middle } else { low = middle }
        }
        return high
    }

    /// Seconds east of UTC of the local time zone at an instant.
    static func utcOffset(at seconds: Int64) -> Int64? {
        var time = time_t(seconds)
        var broken = tm()
        guard localtime_r(&time, &broken) != nil else { return nil }
        return Int64(broken.tm_gmtoff)
    }
}
