public import SondeDNS

/// Writes dnstap frames (a Frame Streams data frame holding one `Dnstap` protobuf) into an ``OutputBuffer``.
///
/// Sizes are computed before writing, so every length is a minimal varint and nothing is moved after the fact.
public enum DnstapEncoder {
    /// The scalar and byte fields of one `Message`.
    public struct Message {
        public var type: UInt32
        public var socketFamily: UInt32?
        public var socketProtocol: UInt32?
        public var queryAddress: UnsafeRawBufferPointer?
        public var responseAddress: UnsafeRawBufferPointer?
        public var queryPort: UInt32?
        public var responsePort: UInt32?
        /// Nanoseconds since the epoch.
        public var queryTime: Int64?
        public var responseTime: Int64?
        public var queryMessage: UnsafeRawBufferPointer?
        public var queryZone: UnsafeRawBufferPointer?
        public var responseMessage: UnsafeRawBufferPointer?
        /// An already encoded `Policy`, copied verbatim.
        public var policy: UnsafeRawBufferPointer?
        public var httpProtocol: UInt32?

        public init(type: UInt32) { self.type = type }

        /// Encoded size of the message body (without its own tag and length).
        @inlinable
        public var size: Int {
            var n = 1 + varintSize(UInt64(type))
            if let v = socketFamily { n += 1 + varintSize(UInt64(v)) }
            if let v = socketProtocol { n += 1 + varintSize(UInt64(v)) }
            if let b = queryAddress { n += bytesSize(b.count) }
            if let b = responseAddress { n += bytesSize(b.count) }
            if let v = queryPort { n += 1 + varintSize(UInt64(v)) }
            if let v = responsePort { n += 1 + varintSize(UInt64(v)) }
            if let t = queryTime { n += 1 + varintSize(UInt64(t.seconds)) + 5 }
            if let b = queryMessage { n += bytesSize(b.count) }
            if let b = queryZone { n += bytesSize(b.count) }
            if let t = responseTime { n += 1 + varintSize(UInt64(t.seconds)) + 5 }
            if let b = responseMessage { n += bytesSize(b.count) }
            if let b = policy { n += bytesSize(b.count) }
            if let v = httpProtocol { n += 2 + varintSize(UInt64(v)) }
            return n
        }

        /// Writes the body in field-number order.
        @inlinable
        public func write(into out: inout OutputBuffer) {
            writeVarintField(1, UInt64(type), &out)
            if let v = socketFamily { writeVarintField(2, UInt64(v), &out) }
            if let v = socketProtocol { writeVarintField(3, UInt64(v), &out) }
            if let b = queryAddress { writeBytesField(4, b, &out) }
            if let b = responseAddress { writeBytesField(5, b, &out) }
            if let v = queryPort { writeVarintField(6, UInt64(v), &out) }
            if let v = responsePort { writeVarintField(7, UInt64(v), &out) }
            if let t = queryTime {
                writeVarintField(8, UInt64(t.seconds), &out)
                writeFixed32Field(9, t.nanosecondPart, &out)
            }
            if let b = queryMessage { writeBytesField(10, b, &out) }
            if let b = queryZone { writeBytesField(11, b, &out) }
            if let t = responseTime {
                writeVarintField(12, UInt64(t.seconds), &out)
                writeFixed32Field(13, t.nanosecondPart, &out)
            }
            if let b = responseMessage { writeBytesField(14, b, &out) }
            if let b = policy { writeBytesField(15, b, &out) }
            if let v = httpProtocol { writeVarintField(16, UInt64(v), &out) }
        }
    }

    /// Writes one Frame Streams data frame: `Dnstap { identity, version, extra, message, type: MESSAGE }`, with
    /// the message body written by `message` (whose size is `messageSize`).
    @inlinable
    public static func writeFrame(
        identity: UnsafeRawBufferPointer?, version: UnsafeRawBufferPointer?, extra: UnsafeRawBufferPointer?,
        messageSize: Int, into out: inout OutputBuffer, message: (inout OutputBuffer) -> Void
    ) {
        var size = 2 + messageSize + varintSize(UInt64(messageSize)) + 1
        if let b = identity { size += bytesSize(b.count) }
        if let b = version { size += bytesSize(b.count) }
        if let b = extra { size += bytesSize(b.count) }
        out.reserve(size + 4)
        out.uncheckedAppend(UInt8(truncatingIfNeeded: size >> 24))
        out.uncheckedAppend(UInt8(truncatingIfNeeded: size >> 16))
        out.uncheckedAppend(UInt8(truncatingIfNeeded: size >> 8))
        out.uncheckedAppend(UInt8(truncatingIfNeeded: size))
        if let b = identity { writeBytesField(1, b, &out) }
        if let b = version { writeBytesField(2, b, &out) }
        if let b = extra { writeBytesField(3, b, &out) }
        writeTag(14, 2, &out)
        writeVarint(UInt64(messageSize), &out)
        message(&out)
        writeVarintField(15, 1, &out)
    }

    /// Writes a whole frame for `message`.
    @inlinable
    public static func writeFrame(
        identity: UnsafeRawBufferPointer?, version: UnsafeRawBufferPointer?, message: Message,
        into out: inout OutputBuffer
    ) {
        writeFrame(identity: identity, version: version, extra: nil, messageSize: message.size, into: &out) {
            message.write(into: &$0)
        }
    }

    @inlinable static func bytesSize(_ n: Int) -> Int { 1 + varintSize(UInt64(n)) + n }

    @inlinable
    static func varintSize(_ v: UInt64) -> Int {
        // ceil(bits / 7), at least 1.
        let bits = 64 - v.leadingZeroBitCount
        return max(1, (bits + 6) / 7)
    }

    @inlinable
    static func writeTag(_ field: UInt64, _ wire: UInt64, _ out: inout OutputBuffer) {
        writeVarint(field << 3 | wire, &out)
    }

    @inlinable
    static func writeVarint(_ value: UInt64, _ out: inout OutputBuffer) {
        out.reserve(10)
        var v = value
        while v >= 0x80 {
            out.uncheckedAppend(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.uncheckedAppend(UInt8(truncatingIfNeeded: v))
    }

    @inlinable
    static func writeVarintField(_ field: UInt64, _ value: UInt64, _ out: inout OutputBuffer) {
        writeTag(field, 0, &out)
        writeVarint(value, &out)
    }

    @inlinable
    static func writeFixed32Field(_ field: UInt64, _ value: UInt32, _ out: inout OutputBuffer) {
        writeTag(field, 5, &out)
        out.reserve(4)
        var v = value
        for _ in 0..<4 {
            out.uncheckedAppend(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    @inlinable
    static func writeBytesField(_ field: UInt64, _ bytes: UnsafeRawBufferPointer, _ out: inout OutputBuffer) {
        writeTag(field, 2, &out)
        writeVarint(UInt64(bytes.count), &out)
        out.append(bytes)
    }
}

extension Int64 {
    @inlinable var seconds: Int64 { self >= 0 ? self / 1_000_000_000 : 0 }
    @inlinable var nanosecondPart: UInt32 { self >= 0 ? UInt32(self % 1_000_000_000) : 0 }
}
