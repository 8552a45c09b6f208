/// Walks the DNS messages in a TCP payload that starts at a message boundary.
///
/// Over TCP each DNS message is preceded by its length (RFC 1035 section 4.2.2, RFC 7766 section 8):
///
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |              LENGTH (16 bits, network order)  |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     /              MESSAGE (LENGTH bytes)           /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///
/// One segment can hold several messages (pipelining) and end inside one. The framer yields each
/// whole message and then reports the trailing partial one, without allocating:
///
/// ```swift
/// var framer = DNSOverTCPFramer(payload)
/// while let message = framer.next() { parse(payload[message.offset ..< message.offset + message.length]) }
/// if framer.remainingBytes > 0 { /* a message continues in the next segment */ }
/// ```
///
/// The framer does not own the bytes; use it while `payload` is valid. A zero length prefix yields an
/// empty message (it is framing-correct, even if no DNS message is empty), so the walk always advances.
public struct DNSOverTCPFramer: IteratorProtocol {
    /// A whole message: where its bytes (after the length prefix) are, relative to the payload.
    @frozen
    public struct Message: Sendable, Hashable {
        /// Offset of the first message byte, after the 2-byte length prefix.
        public var offset: Int
        /// Number of message bytes.
        public var length: Int

        /// Creates a message location.
        @inlinable
        public init(offset: Int, length: Int) {
            self.offset = offset
            self.length = length
        }
    }

    /// The TCP payload being walked.
    @usableFromInline
    let payload: UnsafeRawBufferPointer
    /// Offset of the next length prefix.
    @usableFromInline
    var position: Int

    /// A framer over `payload`, whose first byte starts a length prefix.
    @inlinable
    public init(_ payload: UnsafeRawBufferPointer) {
        self.payload = payload
        self.position = 0
    }

    /// The next whole message, or nil when the rest of the payload is a partial message (or empty).
    @inlinable
    public mutating func next() -> Message? {
        guard position + 2 <= payload.count else { return nil }
        let length = Int(payload.bigEndianUInt16(at: position))
        guard position + 2 + length <= payload.count else { return nil }
        let message = Message(offset: position + 2, length: length)
        position += 2 + length
        return message
    }

    /// Bytes of whole messages (with their prefixes) walked so far: where the partial message starts.
    @inlinable
    public var consumed: Int { position }

    /// Bytes after the last whole message walked so far.
    @inlinable
    public var remainingBytes: Int { payload.count - position }

    /// The declared length of the partial message at `consumed`, once `next()` returned nil; nil when
    /// fewer than 2 bytes of its prefix are present (or nothing remains).
    @inlinable
    public var partialMessageLength: Int? {
        guard position + 2 <= payload.count else { return nil }
        return Int(payload.bigEndianUInt16(at: position))
    }
}

/// The framer points into bytes it does not own; it stays with the code that owns them.
@available(*, unavailable)
extension DNSOverTCPFramer: Sendable {}
