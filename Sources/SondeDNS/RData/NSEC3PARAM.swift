/// NSEC3PARAM (RFC 5155 §4.2): the parameters a zone's NSEC3 chain uses, presented as `1 0 10 AABBCCDD`
/// (hash algorithm, flags, iterations, salt in upper-case hex or `-` when empty).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |   Hash Alg.   |     Flags     |          Iterations           |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |  Salt Length  |                     Salt                      /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
enum NSEC3PARAMRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool {
        r.length >= 5 && r.length == 5 &+ Int(r.u8(r.start &+ 4))
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        _ = writeParameters(r, into: &out)
    }

    /// Writes the four fields NSEC3 and NSEC3PARAM share and returns the offset after the salt.
    static func writeParameters(_ r: RDataView, into out: inout OutputBuffer) -> Int {
        let s = r.start
        out.appendDecimal(UInt64(r.u8(s)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(s &+ 1)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u16(s &+ 2)))
        out.append(UInt8(ascii: " "))
        let saltLength = Int(r.u8(s &+ 4))
        if saltLength == 0 {
            out.append(UInt8(ascii: "-"))
        } else {
            out.appendHex(r.bytes(s &+ 5, s &+ 5 &+ saltLength), uppercase: true)
        }
        return s &+ 5 &+ saltLength
    }
}
