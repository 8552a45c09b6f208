/// EUI48 (RFC 7043 §3.1): a 48-bit MAC address, presented as six hex pairs joined by hyphens
/// (`00-00-5e-00-53-2a`).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |                          EUI-48 Address                       |
///    |                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |                               |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
enum EUI48RData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool { r.length == 6 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        writeHyphenated(r, into: &out)
    }

    /// Hex pairs joined by `-`, the RFC 7043 form shared with EUI64.
    static func writeHyphenated(_ r: RDataView, into out: inout OutputBuffer) {
        var i = r.start
        while i < r.end {
            if i != r.start { out.append(UInt8(ascii: "-")) }
            out.appendHexByte(r.u8(i))
            i &+= 1
        }
    }
}
