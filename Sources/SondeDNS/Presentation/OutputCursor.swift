/// A write position inside room an ``OutputBuffer`` has reserved: formatters that write a run of literals and
/// numbers (the fixed members of an event) store through it with no capacity test and no count update per piece,
/// and the position stays in a register. ``OutputBuffer/cursor(reserving:)`` makes one,
/// ``OutputBuffer/commit(_:)`` gives the bytes back to the buffer; between the two the buffer must not be used.
@frozen
public struct OutputCursor {
    /// Where the next byte goes.
    public var p: UnsafeMutablePointer<UInt8> {
        @inline(__always) get { _p }
        @inline(__always) set {
            #if DEBUG
            // Debug builds (the tests) check every move against the room reserved, so a bound in a writer that
            // is too small fails a test instead of overwriting memory.
            precondition(newValue <= end, "an OutputCursor went past the room it reserved")
            #endif
            _p = newValue
        }
    }
    @usableFromInline var _p: UnsafeMutablePointer<UInt8>
    #if DEBUG
    @usableFromInline let end: UnsafeMutablePointer<UInt8>
    #endif

    @inlinable @inline(__always)
    public init(_ p: UnsafeMutablePointer<UInt8>, room: Int) {
        _p = p
        #if DEBUG
        end = p + room
        #endif
    }

    /// Appends one byte.
    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        _p.pointee = byte
        p = _p + 1
    }

    /// Appends a literal; a constant one becomes a few immediate stores.
    @inlinable @inline(__always)
    public mutating func append(_ literal: StaticString) {
        append(UnsafeRawPointer(literal.utf8Start), count: literal.utf8CodeUnitCount)
    }

    /// Appends raw bytes.
    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeRawPointer, count n: Int) {
        OutputBuffer.copySmall(to: UnsafeMutableRawPointer(_p), from: bytes, count: n)
        p = _p + n
    }

    /// Appends `value` in decimal; one and two digits inline.
    @inlinable @inline(__always)
    public mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            append(UInt8(truncatingIfNeeded: value) &+ 0x30)
        } else if value < 100 {
            let pair = UnsafeRawPointer(decimalPairs.utf8Start).loadUnaligned(fromByteOffset: Int(truncatingIfNeeded: value) &* 2, as: UInt16.self)
            UnsafeMutableRawPointer(_p).storeBytes(of: pair, as: UInt16.self)
            p = _p + 2
        } else {
            p += OutputBuffer.writeDecimalDigits(value, to: p)
        }
    }

    /// Appends `value` (below 10^9) as exactly nine digits.
    @inlinable @inline(__always)
    public mutating func appendNineDigits(_ value: UInt32) {
        OutputBuffer.writeNineDigits(value, to: p)
        p += 9
    }
}

extension OutputBuffer {
    /// Reserves `n` bytes and returns a cursor at the end of the content.
    @inlinable @inline(__always)
    public mutating func cursor(reserving n: Int) -> OutputCursor {
        reserve(n)
        return OutputCursor(base + count, room: n)
    }

    /// Takes back what was written through `cursor` (made by ``cursor(reserving:)`` with nothing appended since).
    @inlinable @inline(__always)
    public mutating func commit(_ cursor: OutputCursor) {
        // A writer that went past the room it reserved has already overwritten memory; debug builds (the tests)
        // stop here rather than go on.
        assert(cursor.p - base <= capacity && cursor.p - base >= count, "an OutputCursor wrote past its reserved room")
        count = cursor.p - base
    }

    /// The offset in the content where `cursor` (made by ``cursor(reserving:)``) writes next.
    @inlinable @inline(__always)
    public func offset(of cursor: OutputCursor) -> Int { cursor.p - base }

    /// The address of the byte at `offset` of the content, valid until the buffer next grows (a cursor's room,
    /// once reserved, does not move).
    @inlinable @inline(__always)
    public func address(at offset: Int) -> UnsafeRawPointer { UnsafeRawPointer(base + offset) }

    /// Copies `n` bytes; short runs (keys, punctuation, labels, addresses) with a few overlapping word moves
    /// instead of a call to memmove, which dominates at these sizes.
    @inlinable @inline(__always)
    static func copySmall(to dst: UnsafeMutableRawPointer, from bytes: UnsafeRawPointer, count n: Int) {
        if n <= 32 {
            if n >= 16 {
                let a = bytes.loadUnaligned(as: UInt64.self)
                let b = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                let c = bytes.loadUnaligned(fromByteOffset: n &- 16, as: UInt64.self)
                let d = bytes.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                dst.storeBytes(of: a, as: UInt64.self)
                dst.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
                dst.storeBytes(of: c, toByteOffset: n &- 16, as: UInt64.self)
                dst.storeBytes(of: d, toByteOffset: n &- 8, as: UInt64.self)
            } else if n >= 8 {
                let a = bytes.loadUnaligned(as: UInt64.self)
                let b = bytes.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
                dst.storeBytes(of: a, as: UInt64.self)
                dst.storeBytes(of: b, toByteOffset: n &- 8, as: UInt64.self)
            } else if n >= 4 {
                let a = bytes.loadUnaligned(as: UInt32.self)
                let b = bytes.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
                dst.storeBytes(of: a, as: UInt32.self)
                dst.storeBytes(of: b, toByteOffset: n &- 4, as: UInt32.self)
            } else {
                var i = 0
                while i < n {
                    dst.storeBytes(of: bytes.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self)
                    i &+= 1
                }
            }
        } else {
            dst.copyMemory(from: bytes, byteCount: n)
        }
    }
}
