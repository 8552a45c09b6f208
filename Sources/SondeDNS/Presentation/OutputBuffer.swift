/// A growable byte buffer that formatters write into, straight from wire bytes.
///
/// It is the one place where output bytes are made: names, RDATA, numbers and keys are appended here without
/// building a `String` per message. The type is non-copyable so that two owners can never share (and free) the
/// same storage; pass it `inout`.
///
/// Writers call ``reserve(_:)`` with a bound for what they are about to write and then use the `unchecked…`
/// appends, which do no capacity test per byte.
public struct OutputBuffer: ~Copyable {
    /// Start of the storage.
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    /// Bytes written so far.
    public var count: Int
    /// Bytes the storage holds.
    @usableFromInline var capacity: Int

    /// Creates a buffer with room for `capacity` bytes; it grows on demand.
    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        self.base = .allocate(capacity: self.capacity)
        self.count = 0
    }

    deinit { base.deallocate() }

    /// Makes sure `n` more bytes fit without another check.
    @inlinable @inline(__always)
    public mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(count &+ n) }
    }

    @usableFromInline
    mutating func grow(_ needed: Int) {
        var newCapacity = capacity &* 2
        while newCapacity < needed { newCapacity &*= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Forgets the content and keeps the storage.
    @inlinable
    public mutating func removeAll() { count = 0 }

    /// Drops bytes after `newCount` (used to roll back a partly written element).
    @inlinable
    public mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count)
        count = newCount
    }

    /// The bytes written, valid until the next mutation.
    @inlinable
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Byte at `index` (for tests and in-place rewriting).
    @inlinable
    public subscript(index: Int) -> UInt8 {
        get { base[index] }
        set { base[index] = newValue }
    }

    /// Copies the content into a `String` (tests and slow paths only).
    public func makeString() -> String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    /// Copies the content into an array (tests and slow paths only).
    public func makeArray() -> [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    // MARK: Unchecked appends (after `reserve`)

    /// Appends one byte; room must have been reserved.
    @inlinable @inline(__always)
    public mutating func uncheckedAppend(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    /// Appends raw bytes; room must have been reserved.
    @inlinable @inline(__always)
    public mutating func uncheckedAppend(_ bytes: UnsafeRawPointer, count n: Int) {
        Self.copySmall(to: UnsafeMutableRawPointer(base + count), from: bytes, count: n)
        count &+= n
    }

    /// Lets `body` write up to `maxCount` bytes at the end; it returns how many it wrote.
    @inlinable @inline(__always)
    public mutating func append(reserving maxCount: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maxCount)
        count &+= body(base + count)
    }

    // MARK: Checked appends

    /// Appends one byte.
    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        uncheckedAppend(byte)
    }

    /// Appends raw bytes.
    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeRawPointer, count n: Int) {
        reserve(n)
        uncheckedAppend(bytes, count: n)
    }

    /// Appends the bytes of a buffer.
    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return }
        append(p, count: bytes.count)
    }

    /// Appends a literal (keys, punctuation); no `String` is built.
    @inlinable @inline(__always)
    public mutating func append(_ literal: StaticString) {
        append(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    /// Appends the UTF-8 of a string (slow paths: identities, error texts written once per event are fine).
    @inlinable
    public mutating func append(string: String) {
        var s = string
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends a copy of `n` bytes already written at `offset` (a value repeated within one event).
    @inlinable @inline(__always)
    public mutating func appendCopy(from offset: Int, count n: Int) {
        precondition(offset >= 0 && offset &+ n <= count)
        reserve(n)
        uncheckedAppend(UnsafeRawPointer(base + offset), count: n)
    }

    /// Appends another buffer's bytes.
    @inlinable
    public mutating func append(contentsOf other: borrowing OutputBuffer) {
        append(UnsafeRawPointer(other.base), count: other.count)
    }
}

extension OutputBuffer {
    /// Exchanges the storage and content of two buffers (a producer hands its full buffer to a queue and takes an
    /// empty one back, with no copy).
    @inlinable
    public mutating func swapStorage(with other: inout OutputBuffer) {
        let (b, n, c) = (base, count, capacity)
        base = other.base
        count = other.count
        capacity = other.capacity
        other.base = b
        other.count = n
        other.capacity = c
    }
}

extension OutputBuffer {
    /// Removes `n` bytes at `offset`, moving the rest down (slow paths: a key taken off a nested value).
    public mutating func remove(from offset: Int, count n: Int) {
        precondition(offset >= 0 && n >= 0 && offset + n <= count)
        (base + offset).update(from: base + offset + n, count: count - offset - n)
        count -= n
    }
}
