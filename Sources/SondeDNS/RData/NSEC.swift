/// NSEC (RFC 4034 §4.1): the next owner name and the types present, presented as
/// `mail.signed.test. A NS SOA MX RRSIG NSEC DNSKEY`.
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    /                      Next Domain Name                         /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    /                       Type Bit Maps                           /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// The next name must not be compressed (RFC 4034 §4.1.1) but a pointer is accepted. See ``TypeBitmap``.
enum NSECRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool {
        guard let next = r.nameEnd(r.start) else { return false }
        return TypeBitmap.validate(r, from: next)
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        let bitmap = r.writeName(r.start, into: &out)
        TypeBitmap.write(r, from: bitmap, into: &out)
    }
}
