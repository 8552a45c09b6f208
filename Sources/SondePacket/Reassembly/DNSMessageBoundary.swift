/// Tells whether bytes in the middle of a TCP stream can be the start of a length-prefixed DNS
/// message, for streams joined without their SYN or after data was lost.
///
/// A candidate is the 2-byte length prefix, the 12-byte DNS header (RFC 1035 section 4.1.1) and
/// the byte after it, so 15 bytes must be visible:
///
///     +0  LENGTH (16)
///     +2  ID (16)
///     +4  |QR|  Opcode  |AA|TC|RD|RA| Z|AD|CD|  RCODE  |
///     +6  QDCOUNT   +8  ANCOUNT   +10  NSCOUNT   +12  ARCOUNT
///     +14 first byte of the question name, or of whatever follows the header
///
/// It is plausible when all of these hold:
/// - LENGTH >= 12: the header alone is 12 bytes.
/// - Opcode is 0 (QUERY), 1 (IQUERY), 2 (STATUS), 4 (NOTIFY), 5 (UPDATE) or 6 (DSO); 3 and 7-15
///   are unassigned.
/// - Z is 0 (RFC 1035: "must be zero in all queries and responses").
/// - QDCOUNT <= 1: nobody sends several questions. 0 occurs in responses (AXFR continuations, some
///   errors) and in DSO, so a message without a question must be a response or DSO.
/// - With a question, its name starts with a label length of 0-63: the first name of a message
///   cannot be a compression pointer (nothing precedes it to point to).
/// - The counts fit in LENGTH: a question takes at least 5 bytes (root name, type, class) and a
///   resource record at least 11 (root name, type, class, TTL, RDLENGTH), so
///   12 + 5 * QDCOUNT + 11 * (ANCOUNT + NSCOUNT + ARCOUNT) <= LENGTH.
///
/// A candidate is accepted when it is plausible and, if the 15 bytes after its message are
/// visible, they are a plausible message start too.
/// Random bytes pass one check rarely (opcode and Z keep 6/16 * 1/2 of them, QDCOUNT 2/65,536), and
/// the second check catches the near misses around real boundaries, such as the byte before a
/// real prefix read as a large length.
enum DNSMessageBoundary {
    /// Bytes that must be visible to judge a candidate: prefix, header, one more.
    static let bytesNeeded = 15

    /// Whether a plausible message starts at `offset`; the caller has checked
    /// `offset + bytesNeeded <= bytes.count`.
    @inline(__always)
    static func isPlausible(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        let length = Int(bytes.bigEndianUInt16(at: offset))
        guard length >= 12 else { return false }
        let flagsHigh = bytes.byte(at: offset + 4)
        let opcode = (flagsHigh >> 3) & 0x0f
        guard opcode <= 6 && opcode != 3 else { return false }
        guard bytes.byte(at: offset + 5) & 0x40 == 0 else { return false }
        let questions = Int(bytes.bigEndianUInt16(at: offset + 6))
        switch questions {
        case 0: guard flagsHigh & 0x80 != 0 || opcode == 6 else { return false }
        case 1: guard bytes.byte(at: offset + 14) <= 63 else { return false }
        default: return false
        }
        let records =
            Int(bytes.bigEndianUInt16(at: offset + 8)) + Int(bytes.bigEndianUInt16(at: offset + 10))
            + Int(bytes.bigEndianUInt16(at: offset + 12))
        // At most 3 * 65,535 * 11 + 17, far from overflowing Int.
        return 12 + 5 * questions + 11 * records <= length
    }

    /// Whether a message is accepted to start at `offset`: plausible, and followed by a plausible
    /// start when what follows it is visible. The caller has checked `offset + bytesNeeded <= bytes.count`.
    static func isAccepted(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard isPlausible(bytes, at: offset) else { return false }
        let following = offset + 2 + Int(bytes.bigEndianUInt16(at: offset))
        guard following + bytesNeeded <= bytes.count else { return true }
        return isPlausible(bytes, at: following)
    }

    /// The first offset from `start` on where a message is accepted, or nil.
    static func firstAccepted(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var offset = start
        while offset + bytesNeeded <= bytes.count {
            if isAccepted(bytes, at: offset) { return offset }
            offset += 1
        }
        return nil
    }
}
