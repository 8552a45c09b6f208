/// CSYNC (RFC 7477 §2.1.1): child-to-parent synchronization, presented as `66 3 A NS AAAA` (SOA serial, flags,
/// types to synchronize).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |                          SOA Serial                           |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |       Flags                   |            Type Bit Map       /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    /                     Type Bit Map (continued)                  /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// See ``TypeBitmap``.
enum CSYNCRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool {
        r.length >= 6 && TypeBitmap.validate(r, from: r.start &+ 6)
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendDecimal(UInt64(r.u32(r.start)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u16(r.start &+ 4)))
        TypeBitmap.write(r, from: r.start &+ 6, into: &out)
    }
}
