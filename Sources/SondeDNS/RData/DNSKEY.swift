/// DNSKEY (RFC 4034 §2.1), and the records that share its RDATA: CDNSKEY (RFC 7344) and KEY (RFC 2535).
/// Presented as `257 3 13 LKvF...alg==` (flags, protocol, algorithm, public key in base64).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |              Flags            |    Protocol   |   Algorithm   |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    /                                                               /
///    /                            Public Key                         /
///    /                                                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The key must not be empty (the CDNSKEY "delete" record `0 3 0 AA==` has one zero octet), so the
/// presentation always has four fields.
enum DNSKEYRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool { r.length >= 5 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendDecimal(UInt64(r.u16(r.start)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(r.start &+ 2)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(r.start &+ 3)))
        out.append(UInt8(ascii: " "))
        out.appendBase64(r.rest(r.start &+ 4))
    }
}
