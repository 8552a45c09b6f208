/// RP (RFC 1183 §2.2): a responsible person, presented as `admin.example.com. info.example.com.`
/// (mailbox, TXT owner).
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                  MBOX-DNAME                   /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                   TXT-DNAME                   /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
enum RPRData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool {
        guard let mbox = r.nameEnd(r.start) else { return false }
        return r.nameEnd(mbox) == r.end
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        let txt = r.writeName(r.start, into: &out)
        out.append(UInt8(ascii: " "))
        _ = r.writeName(txt, into: &out)
    }
}
