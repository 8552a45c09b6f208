/// A set of UDP/TCP port numbers with a constant-time `contains`, used to tell DNS traffic apart.
///
/// It is a 65,536-bit bitmap: 1,024 `UInt64` words, 8 KiB, allocated once when the set is built and
/// shared copy-on-write afterwards, so checking a packet's two ports is two loads and two masks.
@frozen
public struct PortSet: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// 65,536 ports / 64 bits per word.
    @usableFromInline
    static let wordCount = 1024

    /// The bitmap: bit `p & 63` of word `p >> 6` is set when port `p` is in the set.
    @usableFromInline
    var words: ContiguousArray<UInt64>

    /// An empty set.
    public init() {
        words = ContiguousArray(repeating: 0, count: Self.wordCount)
    }

    /// A set holding `ports`.
    public init(_ ports: some Sequence<UInt16>) {
        self.init()
        for port in ports { insert(port) }
    }

    /// A set holding the listed ports: `let ports: PortSet = [53, 5353]`.
    public init(arrayLiteral ports: UInt16...) {
        self.init(ports)
    }

    /// Whether `port` is in the set.
    @inlinable @inline(__always)
    public func contains(_ port: UInt16) -> Bool {
        // `port >> 6` is at most 1023, inside the 1024 words, so the unchecked read is safe.
        let word = words.withUnsafeBufferPointer { $0[Int(port &>> 6)] }
        return word & (1 &<< UInt64(port & 63)) != 0
    }

    /// Adds `port` to the set.
    public mutating func insert(_ port: UInt16) {
        words[Int(port >> 6)] |= 1 << UInt64(port & 63)
    }

    /// Removes `port` from the set.
    public mutating func remove(_ port: UInt16) {
        words[Int(port >> 6)] &= ~(1 << UInt64(port & 63))
    }

    /// The number of ports in the set.
    public var count: Int {
        words.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// Whether the set holds no port.
    public var isEmpty: Bool {
        words.allSatisfy { $0 == 0 }
    }

    /// The ports in the set, in increasing order (allocates; for configuration and display).
    public var sorted: [UInt16] {
        var result: [UInt16] = []
        for port in 0...UInt16.max where contains(port) { result.append(port) }
        return result
    }
}
