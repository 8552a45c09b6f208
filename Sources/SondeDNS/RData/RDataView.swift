/// One RDATA inside its message: the bytes `message[start ..< end]`, read with bounds checks.
///
/// Every read is checked against the RDATA, not only the message, so that a field can never borrow bytes from
/// the next record. An out-of-range read yields zero instead of trapping: writers run only after validation,
/// and a zero keeps even a validation bug from turning into a crash or an out-of-bounds read.
struct RDataView {
    /// The whole DNS message (names in RDATA may point anywhere before them).
    let message: UnsafeRawBufferPointer
    /// Offset of the first RDATA byte in `message`.
    let start: Int
    /// Offset just past the last RDATA byte (start + RDLENGTH).
    let end: Int
    /// Whether ``writeName(_:into:)`` writes names escaped for a JSON string as well (``DomainName/write(_:at:into:quoted:)``),
    /// and the writers of quoted strings quote them for one (``OutputBuffer/appendQuotedString(_:json:)``).
    var quotedNames = false

    /// Checks that the RDATA lies inside the message.
    @inline(__always)
    init?(_ message: UnsafeRawBufferPointer, offset: Int, length: Int) {
        guard offset >= 0, length >= 0, length <= message.count, offset <= message.count &- length else {
            return nil
        }
        self.message = message
        self.start = offset
        self.end = offset &+ length
    }

    /// RDLENGTH.
    @inline(__always)
    var length: Int { end &- start }

    /// The byte at `i`, or 0 outside the RDATA.
    @inline(__always)
    func u8(_ i: Int) -> UInt8 {
        i >= start && i < end ? message[i] : 0
    }

    /// The big-endian 16-bit field at `i`, or 0 when it does not fit.
    @inline(__always)
    func u16(_ i: Int) -> UInt16 {
        guard i >= start, i < end &- 1 else { return 0 }
        return UInt16(message[i]) << 8 | UInt16(message[i &+ 1])
    }

    /// The big-endian 32-bit field at `i`, or 0 when it does not fit.
    @inline(__always)
    func u32(_ i: Int) -> UInt32 {
        guard i >= start, i < end &- 3 else { return 0 }
        return UInt32(message[i]) << 24 | UInt32(message[i &+ 1]) << 16
            | UInt32(message[i &+ 2]) << 8 | UInt32(message[i &+ 3])
    }

    /// The bytes `from ..< to`, clipped to the RDATA (empty when the range is outside it).
    @inline(__always)
    func bytes(_ from: Int, _ to: Int) -> UnsafeRawBufferPointer {
        let lo = max(from, start)
        let hi = min(to, end)
        guard lo < hi else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: message[lo ..< hi])
    }

    /// The bytes from `from` to the end of the RDATA.
    @inline(__always)
    func rest(_ from: Int) -> UnsafeRawBufferPointer { bytes(from, end) }

    /// Where the name at `i` ends, when it is well formed and its bytes at this position stay inside the RDATA.
    ///
    /// A compression pointer may lead anywhere earlier in the message; only the labels and the pointer written
    /// here must fit in RDLENGTH, since those are the bytes this record owns.
    @inline(__always)
    func nameEnd(_ i: Int) -> Int? {
        guard i >= start, i < end, let e = try? DomainName.validate(message, at: i), e <= end else { return nil }
        return e
    }

    /// Where the <character-string> (length octet and bytes, RFC 1035 §3.3) at `i` ends, when it fits.
    @inline(__always)
    func stringEnd(_ i: Int) -> Int? {
        guard i >= start, i < end else { return nil }
        let e = i &+ 1 &+ Int(message[i])
        return e <= end ? e : nil
    }

    /// The payload of the <character-string> at `i` (after its length octet), clipped to the RDATA.
    @inline(__always)
    func string(_ i: Int) -> UnsafeRawBufferPointer {
        bytes(i &+ 1, i &+ 1 &+ Int(u8(i)))
    }

    /// Writes the name at `i` and returns the offset after it (the name must have passed ``nameEnd(_:)``).
    @inline(__always)
    func writeName(_ i: Int, into out: inout OutputBuffer) -> Int {
        DomainName.write(message, at: i, into: &out, quoted: quotedNames)
    }
}

/// One RR type's wire rules and presentation form (one conforming enum per file under `RData/`).
protocol RDataFormat {
    /// Whether the RDATA has exactly the structure of the type (every field present, nothing left over).
    static func validate(_ r: RDataView) -> Bool
    /// Writes the presentation form, fields separated by one space; only called after ``validate(_:)`` said yes.
    static func write(_ r: RDataView, into out: inout OutputBuffer)
    /// Whether ``write(_:into:)``, given a view with ``RDataView/quotedNames``, writes text ready for a JSON string:
    /// true for the types whose text is only numbers, addresses, names and quoted strings, which those writers
    /// escape as they go; false (the default) where the caller must escape the text afterwards.
    static var writesJSONReady: Bool { get }
}

extension RDataFormat {
    static var writesJSONReady: Bool { false }
}

/// The shape shared by NS, CNAME, PTR and DNAME: the RDATA is one domain name and nothing else.
protocol SingleNameFormat: RDataFormat {}

extension SingleNameFormat {
    static var writesJSONReady: Bool { true }

    static func validate(_ r: RDataView) -> Bool {
        r.nameEnd(r.start) == r.end
    }

    static func write(_ r: RDataView, into out: inout OutputBuffer) {
        _ = r.writeName(r.start, into: &out)
    }
}
