/// SPF (RFC 7208 §3.1, historic): the same RDATA and presentation as TXT.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /                   TXT-DATA                    /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
enum SPFRData: RDataFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool { TXTRData.validate(r) }
    static func write(_ r: RDataView, into out: inout OutputBuffer) { TXTRData.write(r, into: &out) }
}
