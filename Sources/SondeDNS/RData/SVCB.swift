/// SVCB and HTTPS (RFC 9460 §2.2): a service binding, presented as
/// `1 . alpn="h2,h3" ipv4hint=192.0.2.1 ipv6hint=2001:db8::1` (priority, target, SvcParams).
///
/// ```
///                         1 1 1 1 1 1 1 1 1 1 2 2 2 2 2 2 2 2 2 2 3 3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |          SvcPriority          |                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+          TargetName           /
///    /                                                               /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |          SvcParamKey          |         SvcParamLength        |   repeated to
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+   the end of
///    /                         SvcParamValue                         /   the RDATA
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// SvcPriority 0 is the alias form (`0 foo.example.com.`); its SvcParams should be absent but are printed if
/// present. Keys must appear in strictly increasing order (RFC 9460 §2.2: otherwise the RR is malformed) and
/// each value must fit its key (see ``SvcParam``). TargetName must not be compressed; a pointer is accepted.
enum SVCBRData: RDataFormat {
    static func validate(_ r: RDataView) -> Bool {
        guard r.length >= 3, var pos = r.nameEnd(r.start &+ 2) else { return false }
        var lastKey = -1
        while pos < r.end {
            guard pos &+ 4 <= r.end else { return false }
            let key = Int(r.u16(pos))
            let valueEnd = pos &+ 4 &+ Int(r.u16(pos &+ 2))
            guard key > lastKey, valueEnd <= r.end,
                SvcParam.validate(key: UInt16(key), r, from: pos &+ 4, to: valueEnd)
            else { return false }
            lastKey = key
            pos = valueEnd
        }
        return true
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        out.appendDecimal(UInt64(r.u16(r.start)))
        out.append(UInt8(ascii: " "))
        var pos = r.writeName(r.start &+ 2, into: &out)
        while pos &+ 4 <= r.end {
            let key = r.u16(pos)
            let valueEnd = min(pos &+ 4 &+ Int(r.u16(pos &+ 2)), r.end)
            out.append(UInt8(ascii: " "))
            SvcParam.write(key: key, r, from: pos &+ 4, to: valueEnd, into: &out)
            pos = valueEnd
        }
    }
}
