/// The fixed 12-byte header of a DNS message (RFC 1035 §4.1.1, with the AD and CD bits of RFC 4035 §3.2).
///
/// ```
///                                     1  1  1  1  1  1
///       0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                      ID                       |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    QDCOUNT                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    ANCOUNT                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    NSCOUNT                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                    ARCOUNT                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
///
/// The counts are the wire values; ``DNSMessage/encode(compress:)`` writes counts taken from its sections instead.
@frozen
public struct DNSHeader: Sendable, Hashable {
    /// The length of the header on the wire.
    public static let wireLength = 12

    /// ID: copied from the query into the response.
    public var id: UInt16
    /// QR: the message is a response.
    public var isResponse: Bool
    /// Opcode (4 bits; higher bits are dropped when written): 0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE.
    public var opcode: UInt8
    /// AA: the answer is authoritative.
    public var isAuthoritative: Bool
    /// TC: the message was truncated.
    public var isTruncated: Bool
    /// RD: recursion desired.
    public var recursionDesired: Bool
    /// RA: recursion available.
    public var recursionAvailable: Bool
    /// Z: reserved, kept as seen.
    public var z: Bool
    /// AD: authentic data (RFC 4035 §3.2.3).
    public var authenticData: Bool
    /// CD: checking disabled (RFC 4035 §3.2.2).
    public var checkingDisabled: Bool
    /// RCODE (low 4 bits of the response code; higher bits are dropped when written). EDNS adds 8 more bits.
    public var rcode: UInt8
    /// QDCOUNT: entries in the question section.
    public var qdCount: UInt16
    /// ANCOUNT: records in the answer section.
    public var anCount: UInt16
    /// NSCOUNT: records in the authority section.
    public var nsCount: UInt16
    /// ARCOUNT: records in the additional section, OPT included.
    public var arCount: UInt16

    /// Creates a header; every field defaults to zero.
    @inlinable
    public init(
        id: UInt16 = 0, isResponse: Bool = false, opcode: UInt8 = 0, isAuthoritative: Bool = false,
        isTruncated: Bool = false, recursionDesired: Bool = false, recursionAvailable: Bool = false,
        z: Bool = false, authenticData: Bool = false, checkingDisabled: Bool = false, rcode: UInt8 = 0,
        qdCount: UInt16 = 0, anCount: UInt16 = 0, nsCount: UInt16 = 0, arCount: UInt16 = 0
    ) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.isAuthoritative = isAuthoritative
        self.isTruncated = isTruncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.z = z
        self.authenticData = authenticData
        self.checkingDisabled = checkingDisabled
        self.rcode = rcode
        self.qdCount = qdCount
        self.anCount = anCount
        self.nsCount = nsCount
        self.arCount = arCount
    }

    /// Reads the header from the first 12 bytes of `bytes`.
    ///
    /// - Throws: ``DNSDecodingError/Reason/shortHeader`` when fewer than 12 bytes are given.
    @inlinable
    public init(wire bytes: UnsafeRawBufferPointer) throws(DNSDecodingError) {
        guard bytes.count >= Self.wireLength else {
            throw DNSDecodingError(.shortHeader, section: .header, offset: bytes.count)
        }
        func word(_ i: Int) -> UInt16 { UInt16(bytes[i]) << 8 | UInt16(bytes[i &+ 1]) }
        self.init(id: word(0))
        self.flags = word(2)
        qdCount = word(4)
        anCount = word(6)
        nsCount = word(8)
        arCount = word(10)
    }

    /// The second 16-bit word of the header: QR, Opcode, AA, TC, RD, RA, Z, AD, CD and RCODE.
    @inlinable
    public var flags: UInt16 {
        get {
            var f = UInt16(opcode & 0x0F) << 11 | UInt16(rcode & 0x0F)
            if isResponse { f |= 0x8000 }
            if isAuthoritative { f |= 0x0400 }
            if isTruncated { f |= 0x0200 }
            if recursionDesired { f |= 0x0100 }
            if recursionAvailable { f |= 0x0080 }
            if z { f |= 0x0040 }
            if authenticData { f |= 0x0020 }
            if checkingDisabled { f |= 0x0010 }
            return f
        }
        set {
            isResponse = newValue & 0x8000 != 0
            opcode = UInt8(truncatingIfNeeded: newValue >> 11) & 0x0F
            isAuthoritative = newValue & 0x0400 != 0
            isTruncated = newValue & 0x0200 != 0
            recursionDesired = newValue & 0x0100 != 0
            recursionAvailable = newValue & 0x0080 != 0
            z = newValue & 0x0040 != 0
            authenticData = newValue & 0x0020 != 0
            checkingDisabled = newValue & 0x0010 != 0
            rcode = UInt8(truncatingIfNeeded: newValue) & 0x0F
        }
    }

    /// Appends the 12 header bytes, counts as they are in this value.
    public func write(into out: inout [UInt8]) {
        out.appendUInt16(id)
        out.appendUInt16(flags)
        out.appendUInt16(qdCount)
        out.appendUInt16(anCount)
        out.appendUInt16(nsCount)
        out.appendUInt16(arCount)
    }
}
