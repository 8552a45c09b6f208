/// NSEC3 (RFC 5155 §3.2): hashed authenticated denial, presented as
/// `1 0 10 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG` (hash algorithm, flags, iterations, salt in
/// upper-case hex or `-` when empty, next hashed owner in base32hex, types present).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |   Hash Alg.   |     Flags     |          Iterations           |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |  Salt Length  |                     Salt                      /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |  Hash Length  |             Next Hashed Owner Name            /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    /                         Type Bit Maps                         /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The hash must not be empty (RFC 5155 §3.3: its length is 1 to 255). See ``TypeBitmap``.
enum NSEC3RData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool {
        guard r.length >= 5 else { return false }
        let hashLengthAt = r.start &+ 5 &+ Int(r.u8(r.start &+ 4))
        guard hashLengthAt < r.end else { return false }
        let hashLength = Int(r.u8(hashLengthAt))
        let bitmap = hashLengthAt &+ 1 &+ hashLength
        guard hashLength > 0, bitmap <= r.end else { return false }
        return TypeBitmap.validate(r, from: bitmap)
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        let hashLengthAt = NSEC3PARAMRData.writeParameters(r, into: &out)
        let hashLength = Int(r.u8(hashLengthAt))
        out.append(UInt8(ascii: " "))
        out.appendBase32Hex(r.bytes(hashLengthAt &+ 1, hashLengthAt &+ 1 &+ hashLength))
        TypeBitmap.write(r, from: hashLengthAt &+ 1 &+ hashLength, into: &out)
    }
}
