/// One entry of the question section (RFC 1035 §4.1.2).
///
/// ```
///                                     1  1  1  1  1  1
///       0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                                               |
///     /                     QNAME                     /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                     QTYPE                     |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                     QCLASS                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
public struct DNSQuestion: Sendable, Hashable {
    /// QNAME.
    public var name: DNSName
    /// QTYPE (1 A, 28 AAAA, 255 ANY, ...).
    public var type: UInt16
    /// QCLASS (1 IN, 3 CH, 255 ANY, ...).
    public var `class`: UInt16

    /// Creates a question; the class defaults to IN.
    public init(name: DNSName, type: UInt16, class: UInt16 = 1) {
        self.name = name
        self.type = type
        self.class = `class`
    }

    /// Reads the question at `start` of `message`.
    ///
    /// - Returns: the question and the offset just after it.
    public static func decode(
        _ message: UnsafeRawBufferPointer, at start: Int
    ) throws(DNSDecodingError) -> (question: DNSQuestion, end: Int) {
        let name: DNSName
        let end: Int
        do {
            (name, end) = try DNSName.decode(message, at: start)
        } catch {
            throw DNSDecodingError(error, section: .question, offset: start)
        }
        guard end + 4 <= message.count else {
            throw DNSDecodingError(.truncatedQuestion, section: .question, offset: end)
        }
        let question = DNSQuestion(name: name, type: message.uint16(at: end), class: message.uint16(at: end + 2))
        return (question, end + 4)
    }
}
