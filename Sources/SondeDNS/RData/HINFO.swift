/// HINFO (RFC 1035 §3.3.2; RFC 8482 reuses it for minimal ANY answers): CPU and OS as two quoted strings,
/// `"PC" "Linux"`.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                      CPU                      /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                       OS                      /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// Each field is a <character-string>: a length octet and that many bytes.
enum HINFORData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool {
        guard let cpu = r.stringEnd(r.start) else { return false }
        return r.stringEnd(cpu) == r.end
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendQuotedString(r.string(r.start), json: r.quotedNames)
        out.append(UInt8(ascii: " "))
        out.appendQuotedString(r.string(r.start &+ 1 &+ Int(r.u8(r.start))), json: r.quotedNames)
    }
}
