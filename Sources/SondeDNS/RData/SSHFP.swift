/// SSHFP (RFC 4255 §3.1): an SSH host key fingerprint, presented as `4 2 0123...CDEF` (algorithm, fingerprint
/// type, fingerprint in upper-case hex as `dig` prints it).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |   algorithm   |    fp type    |                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               /
///    /                                                               /
///    /                          fingerprint                          /
///    /                                                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The fingerprint must not be empty; SHA-1 (type 1) must be 20 octets and SHA-256 (type 2) 32, as BIND requires.
enum SSHFPRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool {
        guard r.length >= 3 else { return false }
        switch r.u8(r.start &+ 1) {
        case 1: return r.length == 22
        case 2: return r.length == 34
        default: return true
        }
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendDecimal(UInt64(r.u8(r.start)))
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(r.u8(r.start &+ 1)))
        out.append(UInt8(ascii: " "))
        out.appendHex(r.rest(r.start &+ 2), uppercase: true)
    }
}
