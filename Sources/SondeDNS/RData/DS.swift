/// DS (RFC 4034 §5.1), and the records that share its RDATA: CDS (RFC 7344), TA and DLV (RFC 4431).
/// Presented as `60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118` (key tag, algorithm, digest type, digest
/// in upper-case hex as `dig` prints it).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |           Key Tag             |  Algorithm    |  Digest Type  |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    /                                                               /
///    /                            Digest                             /
///    /                                                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The digest must not be empty (the CDS "delete" record `0 0 0 00` has one zero octet), and for the digest
/// types whose length is fixed (SHA-1 20, SHA-256 32, GOST 32, SHA-384 48 octets) it must have that length,
/// as BIND requires.
enum DSRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool {
        guard r.length >= 5 else { return false }
        let digest = r.length &- 4
        switch r.u8(r.start &+ 3) {
        case 1: return digest == 20
        case 2, 3: return digest == 32
        case 4: return digest == 48
        default: return true
        }
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendDecimal(UInt64(r.u16(r.start)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(r.start &+ 2)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(r.start &+ 3)))
        out.append(UInt8(ascii: " "))
        out.appendHex(r.rest(r.start &+ 4), uppercase: true)
    }
}
