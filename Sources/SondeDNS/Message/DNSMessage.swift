/// A whole DNS message as owned values (RFC 1035 §4.1), for tests, for building messages and for conversions.
///
/// ```
///     +---------------------+
///     |        Header       |
///     +---------------------+
///     |       Question      | the question for the name server
///     +---------------------+
///     |        Answer       | RRs answering the question
///     +---------------------+
///     |      Authority      | RRs pointing toward an authority
///     +---------------------+
///     |      Additional     | RRs holding additional information
///     +---------------------+
/// ```
///
/// The first OPT record of the additional section is taken out and kept as ``edns``; a second one stays in
/// ``additional`` as it is. The hot path does not use this type: it formats straight from the wire bytes.
public struct DNSMessage: Sendable, Hashable {
    /// The header. After decoding its counts are the wire counts, which then match the sections (ARCOUNT
    /// includes the OPT record); ``encode(compress:)`` writes counts taken from the sections.
    public var header: DNSHeader
    /// The question section.
    public var questions: [DNSQuestion]
    /// The answer section.
    public var answers: [DNSResourceRecord]
    /// The authority section.
    public var authority: [DNSResourceRecord]
    /// The additional section, without the OPT record kept in ``edns``.
    public var additional: [DNSResourceRecord]
    /// The EDNS fields, when the message has an OPT record.
    public var edns: EDNS?

    /// Creates a message; the header's counts are set from the sections.
    public init(
        header: DNSHeader = DNSHeader(), questions: [DNSQuestion] = [], answers: [DNSResourceRecord] = [],
        authority: [DNSResourceRecord] = [], additional: [DNSResourceRecord] = [], edns: EDNS? = nil
    ) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
        self.edns = edns
        updateCounts()
    }

    /// Sets the header's counts from the sections (ARCOUNT includes the OPT record); counts past 65535 are
    /// clamped.
    public mutating func updateCounts() {
        header.qdCount = UInt16(clamping: questions.count)
        header.anCount = UInt16(clamping: answers.count)
        header.nsCount = UInt16(clamping: authority.count)
        header.arCount = UInt16(clamping: additional.count + (edns == nil ? 0 : 1))
    }

    /// The 12-bit response code: the EDNS extended RCODE above the header's 4 bits (RFC 6891 §6.1.3).
    ///
    /// Setting a code above 15 adds default ``EDNS`` fields when the message has none.
    public var extendedRcode: UInt16 {
        get { UInt16(edns?.extendedRcode ?? 0) << 4 | UInt16(header.rcode & 0x0F) }
        set {
            header.rcode = UInt8(newValue & 0x0F)
            let high = UInt8(truncatingIfNeeded: newValue >> 4)
            if edns != nil {
                edns!.extendedRcode = high
            } else if high != 0 {
                edns = EDNS(extendedRcode: high)
            }
        }
    }

    /// Decodes a whole message, decompressing every name (RDATA names included, see ``DNSResourceRecord``).
    ///
    /// Wire counts are never used to allocate: records are appended as they are read, and a count larger than
    /// the records present fails at the end of the bytes (`countMismatch`) or inside the record cut short.
    /// Bytes after the last record are ignored (some servers pad), so ``encode(compress:)`` does not return them.
    ///
    /// - Throws: the first fault, with its section and byte offset.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(DNSDecodingError) {
        header = try DNSHeader(wire: bytes)
        questions = []
        answers = []
        authority = []
        additional = []
        edns = nil
        var pos = DNSHeader.wireLength
        for _ in 0..<Int(header.qdCount) {
            guard pos < bytes.count else { throw DNSDecodingError(.countMismatch, section: .question, offset: pos) }
            let (question, end) = try DNSQuestion.decode(bytes, at: pos)
            questions.append(question)
            pos = end
        }
        pos = try Self.decodeRecords(bytes, from: pos, count: header.anCount, section: .answer, into: &answers)
        pos = try Self.decodeRecords(bytes, from: pos, count: header.nsCount, section: .authority, into: &authority)
        for _ in 0..<Int(header.arCount) {
            guard pos < bytes.count else { throw DNSDecodingError(.countMismatch, section: .additional, offset: pos) }
            let (record, end) = try DNSResourceRecord.decode(bytes, at: pos, section: .additional)
            if record.type == EDNS.optType && edns == nil {
                do {
                    edns = try EDNS(record)
                } catch {
                    throw DNSDecodingError(error, section: .additional, offset: pos)
                }
            } else {
                additional.append(record)
            }
            pos = end
        }
    }

    /// Decodes a whole message from an array; see ``init(decoding:)-(UnsafeRawBufferPointer)``.
    public init(decoding bytes: [UInt8]) throws(DNSDecodingError) {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(DNSDecodingError) in try DNSMessage(decoding: raw) }
        }
        self = try result.get()
    }

    private static func decodeRecords(
        _ bytes: UnsafeRawBufferPointer, from start: Int, count: UInt16, section: DNSDecodingError.Section,
        into records: inout [DNSResourceRecord]
    ) throws(DNSDecodingError) -> Int {
        var pos = start
        for _ in 0..<Int(count) {
            guard pos < bytes.count else { throw DNSDecodingError(.countMismatch, section: section, offset: pos) }
            let (record, end) = try DNSResourceRecord.decode(bytes, at: pos, section: section)
            records.append(record)
            pos = end
        }
        return pos
    }
}
