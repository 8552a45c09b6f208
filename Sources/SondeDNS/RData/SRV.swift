/// SRV (RFC 2782): a service location, presented as `10 60 5060 sip.example.com.`
/// (priority, weight, port, target).
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                   PRIORITY                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    WEIGHT                     |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                     PORT                      |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                    TARGET                     /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// RFC 2782 forbids compressing TARGET; some servers did anyway, so a pointer is accepted.
enum SRVRData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool {
        r.length >= 7 && r.nameEnd(r.start &+ 6) == r.end
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        for i in 0 ..< 3 {
            out.appendDecimal(UInt64(r.u16(r.start &+ i &* 2)))
            out.append(UInt8(ascii: " "))
        }
        _ = r.writeName(r.start &+ 6, into: &out)
    }
}
