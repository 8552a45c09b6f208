/// Why a DNS message could not be decoded fully, and where.
///
/// The decoder keeps what it read before the fault; the error names the field and the byte offset so that an
/// operator can find the damage in a capture.
@frozen
public struct DNSDecodingError: Error, Sendable, Hashable {
    /// What went wrong.
    @frozen
    public enum Reason: UInt8, Error, Sendable, Hashable, CaseIterable {
        case shortHeader
        case truncatedName
        case labelTooLong
        case nameTooLong
        case badLabelType
        case pointerLoop
        case forwardPointer
        case pointerOutOfRange
        case truncatedQuestion
        case truncatedRecord
        case rdataOverrun
        case badRData
        case trailingBytes
        case countMismatch
        case captureTruncated

        /// A short, stable text (used in the `error` field of events).
        public var text: StaticString {
            switch self {
            case .shortHeader: return "message shorter than the 12-byte header"
            case .truncatedName: return "name runs past the end of the message"
            case .labelTooLong: return "label longer than 63 octets"
            case .nameTooLong: return "name longer than 255 octets"
            case .badLabelType: return "reserved label type"
            case .pointerLoop: return "compression pointers loop"
            case .forwardPointer: return "compression pointer points forward"
            case .pointerOutOfRange: return "compression pointer past the end of the message"
            case .truncatedQuestion: return "question runs past the end of the message"
            case .truncatedRecord: return "resource record runs past the end of the message"
            case .rdataOverrun: return "RDATA runs past RDLENGTH"
            case .badRData: return "RDATA does not match its type"
            case .trailingBytes: return "bytes after the last record"
            case .countMismatch: return "section count larger than the records present"
            case .captureTruncated: return "message cut short by the capture's snap length"
            }
        }
    }

    /// The section a fault was found in.
    @frozen
    public enum Section: UInt8, Sendable, Hashable {
        case header, question, answer, authority, additional
    }

    /// What went wrong.
    public var reason: Reason
    /// The section being read.
    public var section: Section
    /// Byte offset in the DNS message where the fault is.
    public var offset: Int

    /// Creates an error.
    @inlinable
    public init(_ reason: Reason, section: Section, offset: Int) {
        self.reason = reason
        self.section = section
        self.offset = offset
    }
}

extension DNSDecodingError: CustomStringConvertible {
    /// "answer: compression pointers loop at offset 45".
    public var description: String {
        var out = OutputBuffer(capacity: 128)
        out.writeDescription(of: self)
        return out.makeString()
    }
}

extension OutputBuffer {
    /// Writes "section: reason at offset N" without building a `String`.
    public mutating func writeDescription(of error: DNSDecodingError) {
        switch error.section {
        case .header: append("header")
        case .question: append("question")
        case .answer: append("answer")
        case .authority: append("authority")
        case .additional: append("additional")
        }
        append(": ")
        append(error.reason.text)
        append(" at offset ")
        appendDecimal(error.offset)
    }
}
