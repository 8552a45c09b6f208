/// EUI64 (RFC 7043 §4.1): a 64-bit extended unique identifier, presented as eight hex pairs joined by hyphens
/// (`00-00-5e-ef-10-00-00-2a`).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |                          EUI-64 Address                       |
///    |                                                               |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
enum EUI64RData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool { r.length == 8 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        EUI48RData.writeHyphenated(r, into: &out)
    }
}
