/// URI (RFC 7553 §4.5): a URI for a service, presented as `10 1 "ftp://ftp1.example.com/public"`
/// (priority, weight, quoted target).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |          Priority             |          Weight               |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    /                                                               /
///    /                             Target                            /
///    /                                                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The target takes the rest of the RDATA (no length octet) and must not be empty (RFC 7553 §4.5).
enum URIRData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool { r.length >= 5 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendDecimal(UInt64(r.u16(r.start)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u16(r.start &+ 2)))
        out.append(UInt8(ascii: " "))
        out.appendQuotedString(r.rest(r.start &+ 4), json: r.quotedNames)
    }
}
