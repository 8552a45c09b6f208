/// EDNS(0) options (RFC 6891 §6.1.2) in presentation form, one value per option for the `edns.options` list.
///
/// ```
///                +0 (MSB)                            +1 (LSB)
///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
///  0: |                          OPTION-CODE                          |
///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
///  2: |                         OPTION-LENGTH                         |
///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
///  4: |                                                               |
///     /                          OPTION-DATA                          /
///     /                                                               /
///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
/// ```
/// The text is plain printable ASCII: bytes from the wire that are not printable come out as `\DDD`, and a `"`
/// or `\` from the wire only ever appears behind a backslash. The caller JSON-escapes the region afterwards.
public enum EDNSOptionWriter {
    /// The name of an option code, as `dig` prints it (with `ECS` and `KEEPALIVE` for the long forms), or nil.
    public static func name(_ code: UInt16) -> StaticString? {
        switch code {
        case 1: return "LLQ"
        case 2: return "UL"
        case 3: return "NSID"
        case 5: return "DAU"
        case 6: return "DHU"
        case 7: return "N3U"
        case 8: return "ECS"
        case 9: return "EXPIRE"
        case 10: return "COOKIE"
        case 11: return "KEEPALIVE"
        case 12: return "PADDING"
        case 13: return "CHAIN"
        case 14: return "KEY-TAG"
        case 15: return "EDE"
        case 18: return "REPORT-CHANNEL"
        case 19: return "ZONEVERSION"
        default: return nil
        }
    }

    /// Writes the option's name, or `OPT<n>` when it has none.
    public static func writeName(code: UInt16, into out: inout OutputBuffer) {
        if let n = name(code) {
            out.append(n)
        } else {
            out.append("OPT")
            out.appendDecimal(UInt64(code))
        }
    }

    /// Writes one option value.
    ///
    /// | option          | form                                                        |
    /// |-----------------|-------------------------------------------------------------|
    /// | NSID (3)        | hex, then ` ("text")` when every byte is printable          |
    /// | ECS (8)         | `192.0.2.0/24/0`, `2001:db8::/56/0` (address zero-filled)   |
    /// | EXPIRE (9)      | seconds; empty in a query                                   |
    /// | COOKIE (10)     | client cookie hex, then a space and the server cookie hex   |
    /// | KEEPALIVE (11)  | timeout in units of 100 ms; empty in a query                |
    /// | PADDING (12)    | `<n> bytes`                                                 |
    /// | EDE (15)        | `15 (Blocked): extra text` (name and text when present)     |
    /// | any other       | lower-case hex                                              |
    ///
    /// - Returns: false, with nothing written, when the data does not fit the option (an ECS address longer or
    ///   shorter than its prefix, a cookie of the wrong size, ...); the caller then writes the data in hex.
    public static func writeValue(code: UInt16, data: UnsafeRawBufferPointer, into out: inout OutputBuffer) -> Bool {
        switch code {
        case 3:
            writeNSID(data, into: &out)
        case 8:
            return writeClientSubnet(data, into: &out)
        case 9:
            guard data.count == 0 || data.count == 4 else { return false }
            if data.count == 4 { out.appendDecimal(UInt64(bigEndian32(data, 0))) }
        case 10:
            // RFC 7873 §4: an 8-octet client cookie, optionally followed by an 8- to 32-octet server cookie.
            guard data.count == 8 || (data.count >= 16 && data.count <= 40) else { return false }
            out.appendHex(UnsafeRawBufferPointer(rebasing: data[0 ..< 8]))
            if data.count > 8 {
                out.append(UInt8(ascii: " "))
                out.appendHex(UnsafeRawBufferPointer(rebasing: data[8...]))
            }
        case 11:
            // RFC 7828 §3.1: empty in queries, a 16-bit timeout in responses.
            guard data.count == 0 || data.count == 2 else { return false }
            if data.count == 2 { out.appendDecimal(UInt64(UInt16(data[0]) << 8 | UInt16(data[1]))) }
        case 12:
            out.appendDecimal(data.count)
            out.append(" bytes")
        case 15:
            return writeExtendedError(data, into: &out)
        default:
            out.appendHex(data)
        }
        return true
    }

    /// NSID (RFC 5001): opaque bytes, very often an ASCII server name worth showing as text too.
    static func writeNSID(_ data: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        out.appendHex(data)
        guard data.count > 0, data.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else { return }
        out.append(" (")
        out.appendQuotedString(data)
        out.append(UInt8(ascii: ")"))
    }

    /// EDNS Client Subnet (RFC 7871 §6).
    ///
    /// ```
    ///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
    ///  0: |                            FAMILY                             |
    ///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
    ///  2: |     SOURCE PREFIX-LENGTH      |     SCOPE PREFIX-LENGTH       |
    ///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
    ///  4: |                           ADDRESS...                          /
    ///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
    /// ```
    /// ADDRESS holds exactly ceil(SOURCE/8) octets (RFC 7871 §6: more or fewer is a FORMERR); the rest of the
    /// address is zero.
    static func writeClientSubnet(_ data: UnsafeRawBufferPointer, into out: inout OutputBuffer) -> Bool {
        guard data.count >= 4 else { return false }
        let family = UInt16(data[0]) << 8 | UInt16(data[1])
        let source = Int(data[2])
        let scope = Int(data[3])
        let bits: Int
        switch family {
        case 1: bits = 32
        case 2: bits = 128
        default: return false
        }
        guard source <= bits, scope <= bits, data.count == 4 &+ (source &+ 7) / 8 else { return false }
        // A zero-filled copy on the stack, so the address writers see a whole address.
        var address: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &address) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: data[4...]))
            if family == 1 {
                out.appendIPv4Address(UnsafeRawBufferPointer(raw))
            } else {
                out.appendIPv6Address(UnsafeRawBufferPointer(raw))
            }
        }
        out.append(UInt8(ascii: "/"))
        out.appendDecimal(source)
        out.append(UInt8(ascii: "/"))
        out.appendDecimal(scope)
        return true
    }

    /// Extended DNS Error (RFC 8914 §2): a 16-bit INFO-CODE and optional UTF-8 EXTRA-TEXT.
    ///
    /// ```
    ///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
    ///  0: |                           INFO-CODE                           |
    ///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
    ///  2: / EXTRA-TEXT ...                                                /
    ///     +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
    /// ```
    /// Written as `<code> (<name>): <text>`; the name is left out for unregistered codes and the colon part
    /// when there is no text. Non-ASCII UTF-8 in the text comes out as `\DDD` escapes.
    static func writeExtendedError(_ data: UnsafeRawBufferPointer, into out: inout OutputBuffer) -> Bool {
        guard data.count >= 2 else { return false }
        let code = UInt16(data[0]) << 8 | UInt16(data[1])
        out.appendDecimal(UInt64(code))
        if let name = ExtendedDNSError.name(code) {
            out.append(" (")
            out.append(name)
            out.append(UInt8(ascii: ")"))
        }
        if data.count > 2 {
            out.append(": ")
            out.appendEscapedText(UnsafeRawBufferPointer(rebasing: data[2...]))
        }
        return true
    }

    @inline(__always)
    static func bigEndian32(_ data: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
        UInt32(data[i]) << 24 | UInt32(data[i &+ 1]) << 16 | UInt32(data[i &+ 2]) << 8 | UInt32(data[i &+ 3])
    }
}

/// Extended DNS Error INFO-CODE names (RFC 8914 §5.2 and the IANA registry that extends it).
public enum ExtendedDNSError {
    /// The registered name of `infoCode`, or nil.
    public static func name(_ infoCode: UInt16) -> StaticString? {
        switch infoCode {
        case 0: return "Other Error"
        case 1: return "Unsupported DNSKEY Algorithm"
        case 2: return "Unsupported DS Digest Type"
        case 3: return "Stale Answer"
        case 4: return "Forged Answer"
        case 5: return "DNSSEC Indeterminate"
        case 6: return "DNSSEC Bogus"
        case 7: return "Signature Expired"
        case 8: return "Signature Not Yet Valid"
        case 9: return "DNSKEY Missing"
        case 10: return "RRSIGs Missing"
        case 11: return "No Zone Key Bit Set"
        case 12: return "NSEC Missing"
        case 13: return "Cached Error"
        case 14: return "Not Ready"
        case 15: return "Blocked"
        case 16: return "Censored"
        case 17: return "Filtered"
        case 18: return "Prohibited"
        case 19: return "Stale NXDOMAIN Answer"
        case 20: return "Not Authoritative"
        case 21: return "Not Supported"
        case 22: return "No Reachable Authority"
        case 23: return "Network Error"
        case 24: return "Invalid Data"
        case 25: return "Signature Expired before Valid"
        case 26: return "Too Early"
        case 27: return "Unsupported NSEC3 Iterations Value"
        case 28: return "Unable to conform to policy"
        case 29: return "Synthesized"
        case 30: return "Invalid Query Type"
        default: return nil
        }
    }
}
