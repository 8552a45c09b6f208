/// Splits a Frame Streams byte stream into frames, without copying data frames.
///
/// ```
/// data frame:    | length (4, big-endian, > 0) | payload (length octets) |
/// control frame: | 0 (escape, 4) | control length (4) | control type and fields |
/// ```
///
/// It is a framer in the `LengthFieldBasedFrameDecoder` mould: given the bytes received so far it returns the next
/// whole frame, or nil when more bytes are needed, and throws only on bytes that cannot be a frame. A data frame
/// longer than ``maximumFrameLength`` is not an error: it is reported once as ``Frame/oversized(length:)`` and
/// its bytes are skipped as they arrive, never buffered.
public struct FrameStreamDecoder: Sendable {
    /// One frame.
    public enum Frame: Equatable, Sendable {
        /// A data frame; the range locates its payload in the buffer passed to ``next(_:from:)``.
        case data(Range<Int>)
        /// A control frame.
        case control(FrameStreamControl)
        /// A data frame longer than the maximum; its payload is being skipped.
        case oversized(length: Int)
    }

    /// The longest data frame accepted.
    public let maximumFrameLength: Int
    /// Payload octets of an oversized frame still to skip.
    @usableFromInline var _skipping = 0
    public var skipping: Int { _skipping }

    /// A decoder that skips data frames longer than `maximumFrameLength` octets.
    public init(maximumFrameLength: Int = 1 << 20) {
        self.maximumFrameLength = maximumFrameLength
    }

    /// The next frame in `buffer` from `offset`, advancing `offset` past it; nil when `buffer` ends first (then
    /// `offset` is where the caller must resume once it has more bytes, keeping the bytes from there on).
    @inlinable
    public mutating func next(_ buffer: UnsafeRawBufferPointer, from offset: inout Int) throws(FrameStreamError) -> Frame? {
        if _skipping > 0 {
            let n = min(_skipping, buffer.count - offset)
            offset += n
            _skipping -= n
            if _skipping > 0 { return nil }
        }
        guard buffer.count - offset >= 4 else { return nil }
        let length = Int(UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        if length != 0 {
            if length > maximumFrameLength {
                offset += 4
                _skipping = length
                let n = min(_skipping, buffer.count - offset)
                offset += n
                _skipping -= n
                return .oversized(length: length)
            }
            guard buffer.count - offset - 4 >= length else { return nil }
            let start = offset + 4
            offset = start + length
            return .data(start..<(start + length))
        }
        return try control(buffer, from: &offset)
    }

    @usableFromInline
    func control(_ buffer: UnsafeRawBufferPointer, from offset: inout Int) throws(FrameStreamError) -> Frame? {
        guard buffer.count - offset >= 8 else { return nil }
        let length = Int(UInt32(bigEndian: buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        guard length <= FrameStreamControl.maximumLength else { throw .controlFrameTooLong(length) }
        guard buffer.count - offset - 8 >= length else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: buffer[(offset + 8)..<(offset + 8 + length)])
        let frame = try FrameStreamControl(body: body)
        offset += 8 + length
        return .control(frame)
    }
}
