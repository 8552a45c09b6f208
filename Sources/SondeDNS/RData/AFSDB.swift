/// AFSDB (RFC 1183 §1): an AFS or DCE server, presented as `1 afsdb.example.com.` (subtype, hostname).
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    SUBTYPE                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                   HOSTNAME                    /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// The same shape as MX.
enum AFSDBRData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool { MXRData.validate(r) }
    static func write(_ r: RDataView, into out: inout OutputBuffer) { MXRData.write(r, into: &out) }
}
