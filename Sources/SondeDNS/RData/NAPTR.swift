/// NAPTR (RFC 3403 §4.1): a rewrite rule, presented as `100 10 "S" "SIP+D2U" "" _sip._udp.example.com.`
/// (order, preference, flags, services, regexp, replacement).
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                     ORDER                     |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                   PREFERENCE                  |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                     FLAGS                     /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                   SERVICES                    /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                    REGEXP                     /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                  REPLACEMENT                  /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// FLAGS, SERVICES and REGEXP are <character-string>s. REPLACEMENT must not be compressed (RFC 3403); a
/// pointer is accepted anyway.
enum NAPTRRData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool {
        guard r.length >= 4 else { return false }
        var pos = r.start &+ 4
        for _ in 0 ..< 3 {
            guard let next = r.stringEnd(pos) else { return false }
            pos = next
        }
        return r.nameEnd(pos) == r.end
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendDecimal(UInt64(r.u16(r.start)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u16(r.start &+ 2)))
        var pos = r.start &+ 4
        for _ in 0 ..< 3 {
            out.append(UInt8(ascii: " "))
            out.appendQuotedString(r.string(pos), json: r.quotedNames)
            pos &+= 1 &+ Int(r.u8(pos))
        }
        out.append(UInt8(ascii: " "))
        _ = r.writeName(pos, into: &out)
    }
}
