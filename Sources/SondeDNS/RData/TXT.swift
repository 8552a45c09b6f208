/// TXT (RFC 1035 §3.3.14): one or more <character-string>s, presented quoted and separated by one space:
/// `"v=spf1 -all" "second"`.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                   TXT-DATA                    /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// TXT-DATA is a sequence of length-prefixed strings that must end exactly at RDLENGTH. An empty RDATA has no
/// string at all and is malformed (it is printed in the RFC 3597 form instead).
enum TXTRData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool {
        guard r.length > 0 else { return false }
        var pos = r.start
        while pos < r.end {
            guard let next = r.stringEnd(pos) else { return false }
            pos = next
        }
        return true
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        var pos = r.start
        while pos < r.end {
            if pos != r.start { out.append(UInt8(ascii: " ")) }
            out.appendQuotedString(r.string(pos), json: r.quotedNames)
            pos &+= 1 &+ Int(r.u8(pos))
        }
    }
}
