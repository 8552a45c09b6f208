/// KX (RFC 2230 §3.1): a key exchanger, presented as `10 kx.example.com.` (preference, exchanger).
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                  PREFERENCE                   |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                   EXCHANGER                   /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
/// The same shape as MX.
enum KXRData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool { MXRData.validate(r) }
    static func write(_ r: RDataView, into out: inout OutputBuffer) { MXRData.write(r, into: &out) }
}
