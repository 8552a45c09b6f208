/// RRSIG (RFC 4034 §3.1), and SIG (RFC 2535 §4.1) which shares its RDATA. Presented as
/// `A 13 2 300 20261205232528 20261121215528 24612 signed.test. kZTp...ACg==` (type covered, algorithm, labels,
/// original TTL, expiration, inception, key tag, signer, signature in base64).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |        Type Covered           |  Algorithm    |     Labels    |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |                         Original TTL                          |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |                      Signature Expiration                     |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |                      Signature Inception                      |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |            Key Tag            |                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+         Signer's Name         /
///    /                                                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    /                                                               /
///    /                            Signature                          /
///    /                                                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Times are printed as `YYYYMMDDHHmmSS` in UTC. The signer must not be compressed (RFC 4034 §3.1.7) but a
/// pointer is accepted; the signature must not be empty.
enum RRSIGRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool {
        guard r.length >= 19, let signer = r.nameEnd(r.start &+ 18) else { return false }
        return signer < r.end
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        let s = r.start
        DNSType.write(r.u16(s), into: &out)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(s &+ 2)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(s &+ 3)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u32(s &+ 4)))
        out.append(UInt8(ascii: " "))
        out.appendDNSTimestamp(r.u32(s &+ 8))
        out.append(UInt8(ascii: " "))
        out.appendDNSTimestamp(r.u32(s &+ 12))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u16(s &+ 16)))
        out.append(UInt8(ascii: " "))
        let signature = r.writeName(s &+ 18, into: &out)
        out.append(UInt8(ascii: " "))
        out.appendBase64(r.rest(signature))
    }
}
