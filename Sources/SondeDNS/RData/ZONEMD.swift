/// ZONEMD (RFC 8976 §2.2): a message digest over a zone, presented as `2018031900 1 1 <digest>` (serial, scheme,
/// hash algorithm, digest in upper-case hex as `dig` prints it).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |                             Serial                            |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |    Scheme     |Hash Algorithm |                               |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
///    |                             Digest                            |
///    /                                                               /
///    /                                                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The digest must be at least 12 octets (RFC 8976 §2.2.4).
enum ZONEMDRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool { r.length >= 6 &+ 12 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendDecimal(UInt64(r.u32(r.start)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(r.start &+ 4)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(r.start &+ 5)))
        out.append(UInt8(ascii: " "))
        out.appendHex(r.rest(r.start &+ 6), uppercase: true)
    }
}
