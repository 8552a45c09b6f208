/// CLASS mnemonics (RFC 1035 §3.2.4, RFC 2136 §2.4 for NONE), and `CLASS<n>` (RFC 3597 §5) for the rest.
public enum DNSClass {
    /// The mnemonic of `code`, or nil when it has none.
    public static func mnemonic(_ code: UInt16) -> StaticString? {
        switch code {
        case 1: return "IN"
        case 3: return "CH"
        case 4: return "HS"
        case 254: return "NONE"
        case 255: return "ANY"
        default: return nil
        }
    }

    /// Writes the mnemonic of `code`, or `CLASS<n>`.
    public static func write(_ code: UInt16, into out: inout OutputBuffer) {
        if let m = mnemonic(code) {
            out.append(m)
        } else {
            out.append("CLASS")
            out.appendDecimal(UInt64(code))
        }
    }

    /// The code for a mnemonic (case-insensitive; `CHAOS` and `HESIOD` are accepted too) or `CLASS<n>`.
    public static func code(forMnemonic text: some StringProtocol) -> UInt16? {
        if let n = parseGenericMnemonic(text, prefix: "CLASS", max: 0xFFFF) { return UInt16(n) }
        if matchesMnemonic(text, "CHAOS") { return 3 }
        if matchesMnemonic(text, "HESIOD") { return 4 }
        for c: UInt16 in 1 ... 255 where matchesMnemonic(text, mnemonic(c)) { return c }
        return nil
    }
}

/// RCODE mnemonics for the 12-bit extended RCODE (RFC 6895 §2.3: header RCODE plus the OPT record's upper
/// eight bits), and `RCODE<n>` for the rest.
///
/// Code 16 is BADVERS in an OPT record and BADSIG in a TSIG record; without that context BADVERS is printed,
/// as `dig` does, and both spellings are accepted back.
public enum DNSRcode {
    /// The mnemonic of `code`, or nil when it has none.
    public static func mnemonic(_ code: UInt16) -> StaticString? {
        switch code {
        case 0: return "NOERROR"
        case 1: return "FORMERR"
        case 2: return "SERVFAIL"
        case 3: return "NXDOMAIN"
        case 4: return "NOTIMP"
        case 5: return "REFUSED"
        case 6: return "YXDOMAIN"
        case 7: return "YXRRSET"
        case 8: return "NXRRSET"
        case 9: return "NOTAUTH"
        case 10: return "NOTZONE"
        case 11: return "DSOTYPENI"
        case 16: return "BADVERS"
        case 17: return "BADKEY"
        case 18: return "BADTIME"
        case 19: return "BADMODE"
        case 20: return "BADNAME"
        case 21: return "BADALG"
        case 22: return "BADTRUNC"
        case 23: return "BADCOOKIE"
        default: return nil
        }
    }

    /// Writes the mnemonic of `code`, or `RCODE<n>`.
    public static func write(_ code: UInt16, into out: inout OutputBuffer) {
        if let m = mnemonic(code) {
            out.append(m)
        } else {
            out.append("RCODE")
            out.appendDecimal(UInt64(code))
        }
    }

    /// The code for a mnemonic (case-insensitive; `BADSIG` gives 16) or `RCODE<n>` up to 4095.
    public static func code(forMnemonic text: some StringProtocol) -> UInt16? {
        if let n = parseGenericMnemonic(text, prefix: "RCODE", max: 4095) { return UInt16(n) }
        if matchesMnemonic(text, "BADSIG") { return 16 }
        for c: UInt16 in 0 ... 23 where matchesMnemonic(text, mnemonic(c)) { return c }
        return nil
    }
}

/// OPCODE mnemonics (RFC 1035 §4.1.1, RFC 1996 NOTIFY, RFC 2136 UPDATE, RFC 8490 DSO), and `OPCODE<n>`.
public enum DNSOpcode {
    /// The mnemonic of `code`, or nil when it has none.
    public static func mnemonic(_ code: UInt8) -> StaticString? {
        switch code {
        case 0: return "QUERY"
        case 1: return "IQUERY"
        case 2: return "STATUS"
        case 4: return "NOTIFY"
        case 5: return "UPDATE"
        case 6: return "DSO"
        default: return nil
        }
    }

    /// Writes the mnemonic of `code`, or `OPCODE<n>`.
    public static func write(_ code: UInt8, into out: inout OutputBuffer) {
        if let m = mnemonic(code) {
            out.append(m)
        } else {
            out.append("OPCODE")
            out.appendDecimal(UInt64(code))
        }
    }

    /// The code for a mnemonic (case-insensitive) or `OPCODE<n>` up to 15.
    public static func code(forMnemonic text: some StringProtocol) -> UInt8? {
        if let n = parseGenericMnemonic(text, prefix: "OPCODE", max: 15) { return UInt8(n) }
        for c: UInt8 in 0 ... 6 where matchesMnemonic(text, mnemonic(c)) { return c }
        return nil
    }
}
