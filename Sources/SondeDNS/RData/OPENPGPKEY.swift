/// OPENPGPKEY (RFC 7929 §2.1): an OpenPGP transferable public key, presented in base64.
///
/// ```
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     /                                                               /
///     /                  OpenPGP Transferable Public Key              /
///     /                                                               /
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// An empty key is malformed (base64 of nothing would print no field at all).
enum OPENPGPKEYRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool { r.length > 0 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendBase64(r.rest(r.start))
    }
}
