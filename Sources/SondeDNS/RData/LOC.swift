/// LOC (RFC 1876 §2): a geographical location, presented as `dig` prints it:
/// `52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m` (latitude, longitude, altitude, size, horizontal
/// and vertical precision).
///
/// ```
///        MSB                                           LSB
///        +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///       0|        VERSION        |         SIZE          |
///        +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///       2|       HORIZ PRE       |       VERT PRE        |
///        +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///       4|                   LATITUDE                    |
///        +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///       6|                   LATITUDE                    |
///        +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///       8|                   LONGITUDE                   |
///        +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///      10|                   LONGITUDE                   |
///        +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///      12|                   ALTITUDE                    |
///        +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///      14|                   ALTITUDE                    |
///        +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// Only version 0 is defined. SIZE and the precisions are a mantissa (high nibble) and a power of ten (low
/// nibble) in centimetres, each digit 0-9; latitude and longitude are thousandths of an arc second offset by
/// 2^31 and must stay within ±90° and ±180°; altitude is centimetres above a base 100,000 m below the WGS 84
/// spheroid. BIND applies the same checks.
enum LOCRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool {
        guard r.length == 16, r.u8(r.start) == 0 else { return false }
        for i in 1 ... 3 {
            let v = r.u8(r.start &+ i)
            guard v == 0 || (v >> 4 >= 1 && v >> 4 <= 9 && v & 0x0F <= 9) else { return false }
        }
        let equator: UInt32 = 1 << 31
        let latitude = r.u32(r.start &+ 4)
        let longitude = r.u32(r.start &+ 8)
        return latitude >= equator &- 90 &* 3_600_000 && latitude <= equator &+ 90 &* 3_600_000
            && longitude >= equator &- 180 &* 3_600_000 && longitude <= equator &+ 180 &* 3_600_000
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        writeAngle(r.u32(r.start &+ 4), positive: "N", negative: "S", into: &out)
        out.append(UInt8(ascii: " "))
        writeAngle(r.u32(r.start &+ 8), positive: "E", negative: "W", into: &out)
        out.append(UInt8(ascii: " "))
        // 10,000,000 cm is the zero of the altitude scale.
        let altitude = r.u32(r.start &+ 12)
        let base: UInt32 = 10_000_000
        let metres = altitude < base ? base &- altitude : altitude &- base
        if altitude < base { out.append(UInt8(ascii: "-")) }
        out.appendDecimal(UInt64(metres / 100))
        out.append(UInt8(ascii: "."))
        out.appendDecimal(UInt64(metres % 100), width: 2)
        out.append(UInt8(ascii: "m"))
        for i in 1 ... 3 {
            out.append(UInt8(ascii: " "))
            writePrecision(r.u8(r.start &+ i), into: &out)
        }
    }

    /// `d m s.fff H` from thousandths of an arc second offset by 2^31.
    static func writeAngle(_ raw: UInt32, positive: StaticString, negative: StaticString, into out: inout OutputBuffer) {
        let equator: UInt32 = 1 << 31
        var v = raw >= equator ? raw &- equator : equator &- raw
        let thousandths = v % 1000
        v /= 1000
        let seconds = v % 60
        v /= 60
        out.appendDecimal(UInt64(v / 60))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(v % 60))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(seconds))
        out.append(UInt8(ascii: "."))
        out.appendDecimal(UInt64(thousandths), width: 3)
        out.append(UInt8(ascii: " "))
        out.append(raw >= equator ? positive : negative)
    }

    /// A size or precision in metres: whole metres from 1 m up, `0.xxm` below (BIND's form).
    static func writePrecision(_ v: UInt8, into out: inout OutputBuffer) {
        let mantissa = UInt64(v >> 4)
        let exponent = Int(v & 0x0F)
        var scale: UInt64 = 1
        if exponent > 1 {
            for _ in 0 ..< min(exponent &- 2, 9) { scale &*= 10 }
            out.appendDecimal(mantissa &* scale)
        } else {
            if exponent == 1 { scale = 10 }
            out.append("0.")
            out.appendDecimal(mantissa &* scale, width: 2)
        }
        out.append(UInt8(ascii: "m"))
    }
}
