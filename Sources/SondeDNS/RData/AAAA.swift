/// AAAA (RFC 3596 §2.2): an IPv6 address, presented in the RFC 5952 canonical form (`2001:db8::1`).
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                                               |
///     |            ADDRESS (128 bits, 16 octets)      |
///     |                                               |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
enum AAAARData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool { r.length == 16 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendIPv6Address(r.rest(r.start))
    }
}
