/// An owned domain name, kept as its uncompressed wire form (RFC 1035 §3.1): length-prefixed labels and the
/// root label 0.
///
/// ```
///     +--+--+--+--+--+--+--+--+ ...     +--+--+--+--+--+--+--+--+
///     | 0  0| length (1-63)   | octets  |           0           |
///     +--+--+--+--+--+--+--+--+ ...     +--+--+--+--+--+--+--+--+
///      one per label, leftmost first      the root label
/// ```
///
/// `==` and hashing compare the bytes exactly, so case is kept as it was on the wire; use
/// ``equalsIgnoringCase(_:)`` for DNS name comparison (RFC 4343). The bytes are always a well-formed name of at
/// most 255 octets with no compression pointers.
public struct DNSName: Sendable, Hashable {
    /// The uncompressed wire form, root label included.
    public private(set) var wireBytes: [UInt8]

    /// The root name, `.`.
    public static let root = DNSName(trustedWire: [0])

    /// Wraps bytes already known to be a well-formed uncompressed name.
    init(trustedWire bytes: [UInt8]) {
        self.wireBytes = bytes
    }

    /// Checks and wraps an uncompressed wire name (no pointers, nothing after the root label).
    ///
    /// - Throws: `badLabelType` for a pointer or a reserved label type, `truncatedName` when the root label is
    ///   missing, `nameTooLong`, and `trailingBytes` for bytes after the root label.
    public init(uncompressedWire bytes: [UInt8]) throws(DNSDecodingError.Reason) {
        guard try Self.checkUncompressed(bytes, from: 0) == bytes.count else { throw .trailingBytes }
        self.wireBytes = bytes
    }

    /// Reads the possibly compressed name at `start` of `message`, following pointers, into an owned name.
    ///
    /// The name is checked by ``DomainName/validate(_:at:)`` first (pointer loops, forward pointers, lengths).
    public init(wire message: UnsafeRawBufferPointer, at start: Int) throws(DNSDecodingError.Reason) {
        self = try Self.decode(message, at: start).name
    }

    /// Reads the name at `start` of `message` and also returns the offset just after it where it is written.
    public static func decode(
        _ message: UnsafeRawBufferPointer, at start: Int
    ) throws(DNSDecodingError.Reason) -> (name: DNSName, end: Int) {
        let end = try DomainName.validate(message, at: start)
        let bytes = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DomainName.maxWireLength) { buffer in
            let n = copyLabels(message, at: start, into: buffer)
            return Array(UnsafeBufferPointer(rebasing: buffer[..<n]))
        }
        return (DNSName(trustedWire: bytes), end)
    }

    /// Copies a validated name label by label, following pointers; returns the byte count (root included).
    private static func copyLabels(
        _ message: UnsafeRawBufferPointer, at start: Int, into buffer: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        var pos = start
        var n = 0
        // `validate` has bounded the walk; the bounds checks stay so that this can never run off either buffer.
        while pos < message.count, n < buffer.count {
            let len = Int(message[pos])
            if len & 0xC0 == 0xC0 {
                guard pos + 1 < message.count else { break }
                pos = (len & 0x3F) << 8 | Int(message[pos + 1])
                continue
            }
            guard n + 1 + len <= buffer.count, pos + 1 + len <= message.count else { break }
            buffer[n] = UInt8(len)
            n += 1
            if len == 0 { break }
            for i in 0..<len { buffer[n + i] = message[pos + 1 + i] }
            n += len
            pos += 1 + len
        }
        return n
    }

    /// The length of the uncompressed name at `start` of `bytes` (root label included).
    static func checkUncompressed(_ bytes: [UInt8], from start: Int) throws(DNSDecodingError.Reason) -> Int {
        var pos = start
        while pos < bytes.count {
            let len = Int(bytes[pos])
            guard len & 0xC0 == 0 else { throw .badLabelType }
            pos += 1 + len
            guard pos - start <= DomainName.maxWireLength else { throw .nameTooLong }
            if len == 0 { return pos - start }
        }
        throw .truncatedName
    }

    /// Whether this is the root name.
    @inlinable
    public var isRoot: Bool { wireBytes.count == 1 }

    /// The number of labels, the root label not counted (`.` has 0, `example.com.` has 2).
    public var labelCount: Int {
        var count = 0
        var pos = 0
        while pos < wireBytes.count, wireBytes[pos] != 0 {
            count += 1
            pos += 1 + Int(wireBytes[pos])
        }
        return count
    }

    /// The offsets in ``wireBytes`` where each label starts, leftmost first, the root label not included.
    var labelOffsets: [Int] {
        var offsets: [Int] = []
        var pos = 0
        while pos < wireBytes.count, wireBytes[pos] != 0 {
            offsets.append(pos)
            pos += 1 + Int(wireBytes[pos])
        }
        return offsets
    }

    /// Compares two names with ASCII letters folded (RFC 4343 §3); other octets compare exactly.
    public func equalsIgnoringCase(_ other: DNSName) -> Bool {
        guard wireBytes.count == other.wireBytes.count else { return false }
        // Length octets are at most 63, below "A", so folding every byte only touches letters.
        for (a, b) in zip(wireBytes, other.wireBytes) where a != b {
            guard Self.fold(a) == Self.fold(b) else { return false }
        }
        return true
    }

    /// The same name with ASCII letters in lower case.
    public func lowercased() -> DNSName {
        DNSName(trustedWire: wireBytes.map(Self.fold))
    }

    @inline(__always)
    private static func fold(_ b: UInt8) -> UInt8 { (b &- 0x41) < 26 ? b | 0x20 : b }
}

extension DNSName: CustomStringConvertible {
    /// The presentation form (RFC 1035 §5.1): escapes where needed, a trailing dot, case as stored.
    public var description: String {
        var out = OutputBuffer(capacity: 128)
        wireBytes.withUnsafeBytes { _ = DomainName.write($0, at: 0, into: &out) }
        return out.makeString()
    }
}
