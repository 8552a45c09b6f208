/// SOA (RFC 1035 §3.3.13): the start of a zone of authority, presented with all seven fields:
/// `ns1.example.com. hostmaster.example.com. 2024010101 3600 900 604800 300`.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                     MNAME                     /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                     RNAME                     /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    SERIAL                     |
///     |                                               |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    REFRESH                    |
///     |                                               |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                     RETRY                     |
///     |                                               |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    EXPIRE                     |
///     |                                               |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    MINIMUM                    |
///     |                                               |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// Both names may be compressed (an RFC 1035 type).
enum SOARData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool {
        guard let mname = r.nameEnd(r.start), let rname = r.nameEnd(mname) else { return false }
        return rname &+ 20 == r.end
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        let mname = r.writeName(r.start, into: &out)
        out.append(UInt8(ascii: " "))
        var pos = r.writeName(mname, into: &out)
        for _ in 0 ..< 5 {
            out.append(UInt8(ascii: " "))
            out.appendDecimal(UInt64(r.u32(pos)))
            pos &+= 4
        }
    }
}
