public import SondeDNS

/// Writes RFC 3339 UTC timestamps with nanoseconds (`2026-11-21T23:34:47.123456789Z`).
///
/// The date and time of day change once a second while events arrive by the thousand, so the 20-byte prefix is
/// computed once per second and copied after that.
public struct TimestampWriter: Sendable {
    var cachedSecond: Int64 = .min
    var prefix: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 20 bytes used: "YYYY-MM-DDTHH:MM:SS."

    /// The length of every timestamp written: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`.
    public static let length = 30

    /// A writer with an empty cache.
    public init() {}

    /// Appends the timestamp for `nanoseconds` since the Unix epoch.
    public mutating func write(_ nanoseconds: Int64, into out: inout OutputBuffer) {
        var c = out.cursor(reserving: Self.length)
        write(nanoseconds, to: &c)
        out.commit(c)
    }

    /// Writes the timestamp for `nanoseconds` since the Unix epoch through a cursor with ``length`` bytes of room.
    @inline(__always)
    public mutating func write(_ nanoseconds: Int64, to c: inout OutputCursor) {
        var seconds = nanoseconds / 1_000_000_000
        var fraction = nanoseconds % 1_000_000_000
        if fraction < 0 {
            fraction &+= 1_000_000_000
            seconds &-= 1
        }
        if seconds != cachedSecond { fill(seconds) }
        let raw = UnsafeMutableRawPointer(c.p)
        raw.storeBytes(of: prefix.0, as: UInt64.self)
        raw.storeBytes(of: prefix.1, toByteOffset: 8, as: UInt64.self)
        raw.storeBytes(of: UInt32(truncatingIfNeeded: prefix.2), toByteOffset: 16, as: UInt32.self)
        c.p += 20
        c.appendNineDigits(UInt32(truncatingIfNeeded: fraction))
        c.append(UInt8(ascii: "Z"))
    }

    mutating func fill(_ seconds: Int64) {
        cachedSecond = seconds
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let date = civilDate(daysSince1970: Int(days))
        var out = OutputBuffer(capacity: 64)
        out.appendDecimal(UInt64(max(0, min(9999, date.year))), width: 4)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(UInt64(date.month), width: 2)
        out.append(UInt8(ascii: "-"))
        out.appendDecimal(UInt64(date.day), width: 2)
        out.append(UInt8(ascii: "T"))
        out.appendDecimal(UInt64(secondOfDay / 3600), width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(UInt64(secondOfDay % 3600 / 60), width: 2)
        out.append(UInt8(ascii: ":"))
        out.appendDecimal(UInt64(secondOfDay % 60), width: 2)
        out.append(UInt8(ascii: "."))
        out.withBytes { src in
            withUnsafeMutableBytes(of: &prefix) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: src.prefix(20))) }
        }
    }
}

