/// TLSA (RFC 6698 §2.1), and SMIMEA (RFC 8162) which shares its RDATA: presented as `3 1 1 0123...CDEF`
/// (usage, selector, matching type, association data in upper-case hex as `dig` prints it).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |  Cert. Usage  |   Selector    | Matching Type |               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+               /
///    /                                                               /
///    /                 Certificate Association Data                  /
///    /                                                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The association data must not be empty (BIND rejects an empty one too).
enum TLSARData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool { r.length >= 4 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        for i in 0 ..< 3 {
            out.appendDecimal(UInt64(r.u8(r.start &+ i)))
            out.append(UInt8(ascii: " "))
        }
        out.appendHex(r.rest(r.start &+ 3), uppercase: true)
    }
}
