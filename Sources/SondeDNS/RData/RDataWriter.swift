/// Presentation (master-file) text of RDATA, written straight from the wire into an ``OutputBuffer``.
///
/// One line per RDATA, fields separated by single spaces, in the form `dig` prints: names absolute with a
/// trailing dot, strings quoted with `\"`, `\\` and `\DDD` escapes, keys and signatures in base64, digests
/// in upper-case hex, RRSIG times as `YYYYMMDDHHmmSS`. Each RR type lives in its own file under `RData/`;
/// types without one are written in the RFC 3597 generic form (``writeUnknown(message:offset:length:into:)``).
///
/// Nothing here allocates: the RDATA is read in place from the message (names in RDATA may be compression
/// pointers into it), and every read is bounds-checked against RDLENGTH, so hostile bytes can at worst make a
/// record print in the generic form.
public enum RDataWriter {
    /// Writes the presentation form of one RDATA.
    ///
    /// - Parameters:
    ///   - type: the RR TYPE.
    ///   - message: the whole DNS message (compressed names in RDATA point into it).
    ///   - offset: where the RDATA starts in `message`.
    ///   - length: RDLENGTH; `message[offset ..< offset + length]` should lie inside the message.
    /// - Returns: false when the bytes do not fit the type (wrong length, a name that runs past RDLENGTH, a bad
    ///   pointer, a malformed SvcParam, ...) or the range is outside the message; the caller then calls
    ///   ``writeUnknown(message:offset:length:into:)``. Nothing has been written to `out` in that case (the
    ///   RDATA is validated before the first byte goes out), so truncating back is harmless but not needed.
    ///   Types without a specific form are written in the generic form and return true.
    public static func write(
        type: UInt16, message: UnsafeRawBufferPointer, offset: Int, length: Int, into out: inout OutputBuffer
    ) -> Bool {
        // The commonest answers, addresses, go straight to their writers: no view, no dispatch, no second check.
        if offset >= 0 {
            if type == 1 && length == 4 && offset &+ 4 <= message.count {
                out.appendIPv4Address(UnsafeRawBufferPointer(rebasing: message[offset..<(offset &+ 4)]))
                return true
            }
            if type == 28 && length == 16 && offset &+ 16 <= message.count {
                out.appendIPv6Address(UnsafeRawBufferPointer(rebasing: message[offset..<(offset &+ 16)]))
                return true
            }
        }
        guard let r = RDataView(message, offset: offset, length: length) else { return false }
        guard let format = format(for: type) else {
            writeUnknown(message: message, offset: offset, length: length, into: &out)
            return true
        }
        // Validating first keeps every writer simple (it may assume well-formed fields) and guarantees that
        // write and validate agree; it costs one extra walk of any names, which stays in cache.
        guard format.validate(r) else { return false }
        format.write(r, into: &out)
        return true
    }

    /// ``write(type:message:offset:length:into:)``, and the RFC 3597 generic form when the bytes do not fit the
    /// type: every RDATA has a presentation.
    public static func writeOrUnknown(
        type: UInt16, message: UnsafeRawBufferPointer, offset: Int, length: Int, into out: inout OutputBuffer
    ) {
        let start = out.count
        if !write(type: type, message: message, offset: offset, length: length, into: &out) {
            out.truncate(to: start)
            writeUnknown(message: message, offset: offset, length: length, into: &out)
        }
    }

    /// ``writeOrUnknown(type:message:offset:length:into:)`` for a JSON string, of RDATA the decoder has already
    /// validated (it is not checked again). Where the format ``RDataFormat/writesJSONReady`` (text of names,
    /// numbers and quoted strings: NS, CNAME, PTR, DNAME, MX, SOA, SRV, TXT, SPF, HINFO, NAPTR, URI, CAA, and the
    /// like) the names and strings are written escaped for JSON as they go and the result is `true`: the text is
    /// ready. Otherwise the text is written as by `writeOrUnknown` and the result is `false`: the caller escapes it.
    public static func writeValidated(
        type: UInt16, message: UnsafeRawBufferPointer, offset: Int, length: Int, into out: inout OutputBuffer
    ) -> Bool {
        guard var r = RDataView(message, offset: offset, length: length), let format = format(for: type) else {
            writeOrUnknown(type: type, message: message, offset: offset, length: length, into: &out)
            return false
        }
        r.quotedNames = format.writesJSONReady
        format.write(r, into: &out)
        return r.quotedNames
    }

    /// Whether the RDATA fits its type, by the same rules as ``write(type:message:offset:length:into:)`` but
    /// without output (the decoder uses it to flag malformed records). Types without a specific form are
    /// always valid when the range is inside the message.
    public static func validate(type: UInt16, message: UnsafeRawBufferPointer, offset: Int, length: Int) -> Bool {
        // The two commonest types are fixed-length: answer them without the general dispatch.
        switch type {
        case 1: return length == 4 && offset >= 0 && offset + 4 <= message.count
        case 28: return length == 16 && offset >= 0 && offset + 16 <= message.count
        // OPT, in most messages: its options are checked where they are written, never here.
        case 41: return offset >= 0 && length >= 0 && offset &+ length <= message.count
        default: break
        }
        guard let r = RDataView(message, offset: offset, length: length) else { return false }
        guard let format = format(for: type) else { return true }
        return format.validate(r)
    }

    /// Whether `type` has a specific presentation form here (others are written as `\# ...`).
    public static func hasPresentationForm(type: UInt16) -> Bool {
        format(for: type) != nil
    }

    /// The format for each RR type that has one; a switch, so dispatch is a jump table and no lookup structure
    /// is built.
    static func format(for type: UInt16) -> (any RDataFormat.Type)? {
        switch type {
        case 1: return ARData.self
        case 2: return NSRData.self
        // MD, MF, MB, MG, MR (RFC 1035, obsolete or experimental): one domain name, like NS.
        case 3, 4, 7, 8, 9: return NSRData.self
        // MINFO (RFC 1035): RMAILBX EMAILBX, two names like RP. RT (RFC 1183): preference and host, like MX.
        case 14: return RPRData.self
        case 21: return MXRData.self
        case 5: return CNAMERData.self
        case 6: return SOARData.self
        case 12: return PTRRData.self
        case 13: return HINFORData.self
        case 15: return MXRData.self
        case 16: return TXTRData.self
        case 17: return RPRData.self
        case 18: return AFSDBRData.self
        case 24: return RRSIGRData.self  // SIG: RRSIG's RDATA (RFC 4034 §3 kept it).
        case 25: return DNSKEYRData.self  // KEY: DNSKEY's RDATA (RFC 4034 §2 kept it).
        case 28: return AAAARData.self
        case 29: return LOCRData.self
        case 33: return SRVRData.self
        case 35: return NAPTRRData.self
        case 36: return KXRData.self
        case 39: return DNAMERData.self
        case 43: return DSRData.self
        case 44: return SSHFPRData.self
        case 46: return RRSIGRData.self
        case 47: return NSECRData.self
        case 48: return DNSKEYRData.self
        case 49: return DHCIDRData.self
        case 50: return NSEC3RData.self
        case 51: return NSEC3PARAMRData.self
        case 52: return TLSARData.self
        case 53: return TLSARData.self  // SMIMEA: TLSA's RDATA (RFC 8162 §2).
        case 59: return DSRData.self  // CDS
        case 60: return DNSKEYRData.self  // CDNSKEY
        case 61: return OPENPGPKEYRData.self
        case 62: return CSYNCRData.self
        case 63: return ZONEMDRData.self
        case 64: return SVCBRData.self
        case 65: return SVCBRData.self  // HTTPS: SVCB's RDATA (RFC 9460 §9).
        case 99: return SPFRData.self
        case 108: return EUI48RData.self
        case 109: return EUI64RData.self
        case 256: return URIRData.self
        case 257: return CAARData.self
        case 32768: return DSRData.self  // TA
        case 32769: return DSRData.self  // DLV
        default: return nil
        }
    }
}
