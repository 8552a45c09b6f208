/// MX (RFC 1035 §3.3.9): a mail exchanger and its preference, presented as `10 mail.example.com.`.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                  PREFERENCE                   |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                   EXCHANGE                    /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// EXCHANGE may be compressed (an RFC 1035 type).
enum MXRData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool {
        r.length >= 3 && r.nameEnd(r.start &+ 2) == r.end
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendDecimal(UInt64(r.u16(r.start)))
        out.append(UInt8(ascii: " "))
        _ = r.writeName(r.start &+ 2, into: &out)
    }
}
