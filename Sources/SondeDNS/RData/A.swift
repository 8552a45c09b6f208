/// A (RFC 1035 §3.4.1): an IPv4 address, presented as `192.0.2.1`.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    ADDRESS                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// ADDRESS is 32 bits; any other RDLENGTH is malformed.
enum ARData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool { r.length == 4 }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendIPv4Address(r.rest(r.start))
    }
}
