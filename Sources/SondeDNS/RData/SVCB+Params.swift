/// The SvcParams of SVCB and HTTPS (RFC 9460 §7, RFC 9461 §5, RFC 9540 §4), one `key=value` token each.
///
/// | key | name            | value on the wire                 | presentation                  |
/// |-----|-----------------|-----------------------------------|-------------------------------|
/// | 0   | mandatory       | non-empty list of increasing keys | `mandatory=alpn,ipv4hint`     |
/// | 1   | alpn            | non-empty list of <char-string>s  | `alpn="h2,h3"`                |
/// | 2   | no-default-alpn | empty                             | `no-default-alpn`             |
/// | 3   | port            | 16-bit port                       | `port=8443`                   |
/// | 4   | ipv4hint        | non-empty list of 4-octet address | `ipv4hint=192.0.2.1,192.0.2.2`|
/// | 5   | ech             | non-empty ECHConfigList           | `ech=AEn+DQ...` (base64)      |
/// | 6   | ipv6hint        | non-empty list of 16-octet address| `ipv6hint=2001:db8::1`        |
/// | 7   | dohpath         | URI template                      | `dohpath="/dns-query{?dns}"`  |
/// | 8   | ohttp           | empty                             | `ohttp`                       |
/// | n   | keyNNNNN        | opaque                            | `key667="hello"` (bare if empty) |
enum SvcParam {
    /// Whether `r[from ..< to]` is a valid value for `key`.
    static func validate(key: UInt16, _ r: RDataView, from: Int, to: Int) -> Bool {
        let length = to &- from
        switch key {
        case 0:
            // RFC 9460 §8: the list is sorted, has no duplicates and never names "mandatory" itself.
            guard length > 0, length & 1 == 0 else { return false }
            var last = 0
            var pos = from
            while pos < to {
                let k = Int(r.u16(pos))
                guard k > last else { return false }
                last = k
                pos &+= 2
            }
            return true
        case 1:
            guard length > 0 else { return false }
            var pos = from
            while pos < to {
                let idLength = Int(r.u8(pos))
                guard idLength > 0, pos &+ 1 &+ idLength <= to else { return false }
                pos &+= 1 &+ idLength
            }
            return true
        case 2, 8: return length == 0
        case 3: return length == 2
        case 4: return length > 0 && length % 4 == 0
        case 5: return length > 0
        case 6: return length > 0 && length % 16 == 0
        default: return true
        }
    }

    /// Writes the key's name (`alpn`, or `key<n>` for keys without one).
    static func writeName(_ key: UInt16, into out: inout OutputBuffer) {
        switch key {
        case 0: out.append("mandatory")
        case 1: out.append("alpn")
        case 2: out.append("no-default-alpn")
        case 3: out.append("port")
        case 4: out.append("ipv4hint")
        case 5: out.append("ech")
        case 6: out.append("ipv6hint")
        case 7: out.append("dohpath")
        case 8: out.append("ohttp")
        default:
            out.append("key")
            out.appendDecimal(UInt64(key))
        }
    }

    /// Writes `name=value` (or the bare name for flag keys and empty unknown values).
    static func write(key: UInt16, _ r: RDataView, from: Int, to: Int, into out: inout OutputBuffer) {
        writeName(key, into: &out)
        switch key {
        case 0:
            out.append(UInt8(ascii: "="))
            var pos = from
            while pos &+ 2 <= to {
                if pos != from { out.append(UInt8(ascii: ",")) }
                writeName(r.u16(pos), into: &out)
                pos &+= 2
            }
        case 1:
            out.append("=\"")
            var pos = from
            while pos < to {
                if pos != from { out.append(UInt8(ascii: ",")) }
                let idEnd = min(pos &+ 1 &+ Int(r.u8(pos)), to)
                writeALPN(r.bytes(pos &+ 1, idEnd), into: &out)
                pos = idEnd
            }
            out.append(UInt8(ascii: "\""))
        case 2, 8:
            break
        case 3:
            out.append(UInt8(ascii: "="))
            out.appendDecimal(UInt64(r.u16(from)))
        case 4:
            out.append(UInt8(ascii: "="))
            var pos = from
            while pos &+ 4 <= to {
                if pos != from { out.append(UInt8(ascii: ",")) }
                out.appendIPv4Address(r.bytes(pos, pos &+ 4))
                pos &+= 4
            }
        case 5:
            out.append(UInt8(ascii: "="))
            out.appendBase64(r.bytes(from, to))
        case 6:
            out.append(UInt8(ascii: "="))
            var pos = from
            while pos &+ 16 <= to {
                if pos != from { out.append(UInt8(ascii: ",")) }
                out.appendIPv6Address(r.bytes(pos, pos &+ 16))
                pos &+= 16
            }
        default:
            // dohpath and unknown keys: an opaque string, quoted (RFC 9460 §2.1 char-string).
            if to > from {
                out.append(UInt8(ascii: "="))
                out.appendQuotedString(r.bytes(from, to))
            }
        }
    }

    /// Writes one ALPN id inside the quoted comma list: RFC 9460 Appendix A.1 escapes `,` and `\` in a list
    /// item, then the char-string level escapes each of those backslashes again, so `f\oo,bar` becomes
    /// `f\\\\oo\\,bar`.
    static func writeALPN(_ id: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        out.reserve(id.count &* 4)
        for b in id {
            switch b {
            case UInt8(ascii: ","):
                out.uncheckedAppend(UInt8(ascii: "\\"))
                out.uncheckedAppend(UInt8(ascii: "\\"))
                out.uncheckedAppend(b)
            case UInt8(ascii: "\\"):
                out.uncheckedAppend(UInt8(ascii: "\\"))
                out.uncheckedAppend(UInt8(ascii: "\\"))
                out.uncheckedAppend(UInt8(ascii: "\\"))
                out.uncheckedAppend(UInt8(ascii: "\\"))
            default:
                out.uncheckedAppendEscaped(byte: b)
            }
        }
    }
}
