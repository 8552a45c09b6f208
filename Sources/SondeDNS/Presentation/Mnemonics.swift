/// RR TYPE mnemonics (IANA "Resource Record (RR) TYPEs" registry), and the RFC 3597 `TYPE<n>` form for the rest.
///
/// The forward direction is a `switch` returning a `StaticString`, so printing a type on the hot path costs a
/// jump and a copy; the reverse direction is for configuration and may scan.
public enum DNSType {
    /// The registry mnemonic of `code`, or nil when it has none (then it is printed as `TYPE<n>`).
    public static func mnemonic(_ code: UInt16) -> StaticString? {
        switch code {
        case 1: return "A"
        case 2: return "NS"
        case 3: return "MD"
        case 4: return "MF"
        case 5: return "CNAME"
        case 6: return "SOA"
        case 7: return "MB"
        case 8: return "MG"
        case 9: return "MR"
        case 10: return "NULL"
        case 11: return "WKS"
        case 12: return "PTR"
        case 13: return "HINFO"
        case 14: return "MINFO"
        case 15: return "MX"
        case 16: return "TXT"
        case 17: return "RP"
        case 18: return "AFSDB"
        case 19: return "X25"
        case 20: return "ISDN"
        case 21: return "RT"
        case 22: return "NSAP"
        case 23: return "NSAP-PTR"
        case 24: return "SIG"
        case 25: return "KEY"
        case 26: return "PX"
        case 27: return "GPOS"
        case 28: return "AAAA"
        case 29: return "LOC"
        case 30: return "NXT"
        case 31: return "EID"
        case 32: return "NIMLOC"
        case 33: return "SRV"
        case 34: return "ATMA"
        case 35: return "NAPTR"
        case 36: return "KX"
        case 37: return "CERT"
        case 38: return "A6"
        case 39: return "DNAME"
        case 40: return "SINK"
        case 41: return "OPT"
        case 42: return "APL"
        case 43: return "DS"
        case 44: return "SSHFP"
        case 45: return "IPSECKEY"
        case 46: return "RRSIG"
        case 47: return "NSEC"
        case 48: return "DNSKEY"
        case 49: return "DHCID"
        case 50: return "NSEC3"
        case 51: return "NSEC3PARAM"
        case 52: return "TLSA"
        case 53: return "SMIMEA"
        case 55: return "HIP"
        case 56: return "NINFO"
        case 57: return "RKEY"
        case 58: return "TALINK"
        case 59: return "CDS"
        case 60: return "CDNSKEY"
        case 61: return "OPENPGPKEY"
        case 62: return "CSYNC"
        case 63: return "ZONEMD"
        case 64: return "SVCB"
        case 65: return "HTTPS"
        case 66: return "DSYNC"
        case 67: return "HHIT"
        case 68: return "BRID"
        case 99: return "SPF"
        case 100: return "UINFO"
        case 101: return "UID"
        case 102: return "GID"
        case 103: return "UNSPEC"
        case 104: return "NID"
        case 105: return "L32"
        case 106: return "L64"
        case 107: return "LP"
        case 108: return "EUI48"
        case 109: return "EUI64"
        case 128: return "NXNAME"
        case 249: return "TKEY"
        case 250: return "TSIG"
        case 251: return "IXFR"
        case 252: return "AXFR"
        case 253: return "MAILB"
        case 254: return "MAILA"
        case 255: return "ANY"
        case 256: return "URI"
        case 257: return "CAA"
        case 258: return "AVC"
        case 259: return "DOA"
        case 260: return "AMTRELAY"
        case 261: return "RESINFO"
        case 262: return "WALLET"
        case 263: return "CLA"
        case 264: return "IPN"
        case 32768: return "TA"
        case 32769: return "DLV"
        default: return nil
        }
    }

    /// Writes the mnemonic of `code`, or `TYPE<n>` (RFC 3597 §5) when it has none.
    public static func write(_ code: UInt16, into out: inout OutputBuffer) {
        if let m = mnemonic(code) {
            out.append(m)
        } else {
            out.append("TYPE")
            out.appendDecimal(UInt64(code))
        }
    }

    /// The code for a mnemonic (case-insensitive) or for `TYPE<n>`; nil for anything else.
    public static func code(forMnemonic text: some StringProtocol) -> UInt16? {
        if let n = parseGenericMnemonic(text, prefix: "TYPE", max: 0xFFFF) { return UInt16(n) }
        // Every assigned mnemonic is below 300 or one of the two 0x8000 types.
        for c in 1 ... 300 where matchesMnemonic(text, mnemonic(UInt16(c))) { return UInt16(c) }
        for c in 32768 ... 32769 where matchesMnemonic(text, mnemonic(UInt16(c))) { return UInt16(c) }
        return nil
    }
}

/// Whether `text` spells `mnemonic`, ignoring ASCII case (configuration files write `aaaa` as often as `AAAA`).
func matchesMnemonic(_ text: some StringProtocol, _ mnemonic: StaticString?) -> Bool {
    guard let mnemonic else { return false }
    let m = UnsafeBufferPointer(start: mnemonic.utf8Start, count: mnemonic.utf8CodeUnitCount)
    var i = 0
    for c in text.utf8 {
        guard i < m.count, foldASCII(c) == foldASCII(m[i]) else { return false }
        i &+= 1
    }
    return i == m.count
}

/// Parses the RFC 3597 style `<PREFIX><decimal>` (`TYPE65280`, `CLASS3`), case-insensitive, at most `max`.
func parseGenericMnemonic(_ text: some StringProtocol, prefix: StaticString, max: UInt32) -> UInt32? {
    let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
    var i = 0
    var value: UInt32 = 0
    var digits = 0
    for c in text.utf8 {
        if i < p.count {
            guard foldASCII(c) == foldASCII(p[i]) else { return nil }
            i &+= 1
            continue
        }
        guard c &- UInt8(ascii: "0") < 10 else { return nil }
        value = value &* 10 &+ UInt32(c &- UInt8(ascii: "0"))
        digits &+= 1
        // Checking on every digit stops overflow on a long string of digits.
        guard value <= max else { return nil }
    }
    return digits > 0 ? value : nil
}

/// ASCII upper case folded to lower case; other bytes unchanged.
@inline(__always)
func foldASCII(_ c: UInt8) -> UInt8 {
    c &- UInt8(ascii: "A") < 26 ? c | 0x20 : c
}
