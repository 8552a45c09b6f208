/// Where everything is in one DNS message, found by a single checked walk over its bytes.
///
/// ```
///   +---------------------+
///   |        Header       |  12 bytes: ID, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT
///   +---------------------+
///   |       Question      |  the question for the name server
///   +---------------------+
///   |        Answer       |  RRs answering the question
///   +---------------------+
///   |      Authority      |  RRs pointing toward an authority
///   +---------------------+
///   |      Additional     |  RRs holding additional information (and the EDNS OPT record)
///   +---------------------+
/// ```
///
/// The layout holds offsets and small integers only, so decoding allocates nothing; formatters walk the sections
/// again from these offsets and write straight from the wire bytes. The counts of *complete* records found in
/// each section are kept, so a formatter never reads past what the decoder checked.
@frozen
public struct MessageLayout: Sendable, Hashable {
    /// Message ID.
    public var id: UInt16 = 0
    /// The 16 flag bits of the header (QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE).
    public var flags: UInt16 = 0
    /// Header counts as sent (attacker-controlled: never used to size anything).
    public var qdCount: UInt16 = 0, anCount: UInt16 = 0, nsCount: UInt16 = 0, arCount: UInt16 = 0

    /// Offset of the first question's name, or -1 without a complete question.
    public var questionOffset: Int32 = -1
    /// QTYPE and QCLASS of the first question.
    public var qtype: UInt16 = 0, qclass: UInt16 = 0
    /// The wire length of the first question's name when it is plain — in one piece, every label of letters,
    /// digits, hyphens and underscores, shorter than 45 — so that ``DomainName/writePlain(_:at:wireLength:to:)``
    /// can write it without another check; 0 otherwise.
    public var plainQuestionLength: UInt16 = 0
    /// ``DomainName/foldedHash(_:at:)`` of the first question's name (0 without a question): computed once here
    /// so that counting names and matching queries to responses need not walk the name again.
    public var qnameHash: UInt64 = 0

    /// Offsets of the first record of each section, and where the last complete record ends.
    public var answerOffset: Int32 = 0, authorityOffset: Int32 = 0, additionalOffset: Int32 = 0, endOffset: Int32 = 0
    /// Complete records found in each section (the OPT record included in `additionalRecords`).
    public var answerRecords: UInt16 = 0, authorityRecords: UInt16 = 0, additionalRecords: UInt16 = 0

    /// Offset of the OPT record's RDATA (its options), or -1 without EDNS.
    public var ednsOptionsOffset: Int32 = -1
    /// Length of the OPT RDATA.
    public var ednsOptionsLength: UInt16 = 0
    /// Requestor's UDP payload size (the OPT CLASS field).
    public var ednsUDPSize: UInt16 = 0
    /// The OPT TTL field: extended RCODE (8 bits), version (8 bits), DO and Z (16 bits).
    public var ednsTTL: UInt32 = 0

    /// Why decoding stopped early, if it did.
    public var errorReason: DNSDecodingError.Reason? = nil
    /// Section and offset of the fault.
    public var errorSection: DNSDecodingError.Section = .header
    /// Byte offset of the fault.
    public var errorOffset: Int32 = 0
    /// Bytes left after the last record (tolerated, as tshark does, but reported).
    public var trailingBytes: Int32 = 0

    /// An empty layout.
    @inlinable public init() {}

    // MARK: Header fields

    /// QR: this message is a response.
    @inlinable public var isResponse: Bool { flags & 0x8000 != 0 }
    /// OPCODE.
    @inlinable public var opcode: UInt8 { UInt8((flags >> 11) & 0x0f) }
    /// AA, TC, RD, RA, AD, CD.
    @inlinable public var aa: Bool { flags & 0x0400 != 0 }
    @inlinable public var tc: Bool { flags & 0x0200 != 0 }
    @inlinable public var rd: Bool { flags & 0x0100 != 0 }
    @inlinable public var ra: Bool { flags & 0x0080 != 0 }
    @inlinable public var ad: Bool { flags & 0x0020 != 0 }
    @inlinable public var cd: Bool { flags & 0x0010 != 0 }
    /// Whether an OPT record was found.
    @inlinable public var hasEDNS: Bool { ednsOptionsOffset >= 0 }
    /// The 12-bit RCODE: the header's 4 bits extended by the OPT record's 8 (RFC 6891 §6.1.3).
    @inlinable @inline(__always) public var rcode: UInt16 {
        let low = flags & 0x000f
        return hasEDNS ? UInt16(ednsTTL >> 24) << 4 | low : low
    }
    /// EDNS version.
    @inlinable public var ednsVersion: UInt8 { UInt8((ednsTTL >> 16) & 0xff) }
    /// The DNSSEC OK bit.
    @inlinable public var ednsDO: Bool { ednsTTL & 0x8000 != 0 }
    /// Whether the message decoded completely.
    @inlinable public var isMalformed: Bool { errorReason != nil }
    /// Whether there is a complete first question.
    @inlinable public var hasQuestion: Bool { questionOffset >= 0 }

    /// The fault as an error value.
    public var error: DNSDecodingError? {
        errorReason.map { DNSDecodingError($0, section: errorSection, offset: Int(errorOffset)) }
    }
}
