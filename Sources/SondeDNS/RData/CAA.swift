/// CAA (RFC 8659 §4.1): a certification authority authorization, presented as `0 issue "ca.example.net"`
/// (flags, tag, quoted value).
///
/// ```
///     +0-1-2-3-4-5-6-7-|0-1-2-3-4-5-6-7-|
///     | Flags          | Tag Length = n |
///     +----------------+----------------+...+---------------+
///     | Tag char 0     | Tag char 1     |...| Tag char n-1  |
///     +----------------+----------------+...+---------------+
///     +----------------+----------------+.....+----------------+
///     | Value byte 0   | Value byte 1   |.....| Value byte m-1 |
///     +----------------+----------------+.....+----------------+
/// ```
/// The tag must be 1 or more ASCII letters and digits (RFC 8659 §4.1), which also makes it safe to print
/// unquoted; the value takes the rest of the RDATA and may be empty (`0 issue ""`).
enum CAARData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool {
        guard r.length >= 2 else { return false }
        let tagLength = Int(r.u8(r.start &+ 1))
        guard tagLength > 0, r.start &+ 2 &+ tagLength <= r.end else { return false }
        for b in r.bytes(r.start &+ 2, r.start &+ 2 &+ tagLength) {
            let letter = (b | 0x20) &- UInt8(ascii: "a") < 26
            let digit = b &- UInt8(ascii: "0") < 10
            guard letter || digit else { return false }
        }
        return true
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        let valueStart = r.start &+ 2 &+ Int(r.u8(r.start &+ 1))
        out.appendDecimal(UInt64(r.u8(r.start)))
        out.append(UInt8(ascii: " "))
        out.append(r.bytes(r.start &+ 2, valueStart))
        out.append(UInt8(ascii: " "))
        out.appendQuotedString(r.rest(valueStart), json: r.quotedNames)
    }
}
