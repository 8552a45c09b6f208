// Bounds-unchecked loads for header parsing. Every caller checks `offset + width <= count`
// first; the loads themselves only carry the standard library's debug-build preconditions,
// so a release build pays for each bounds check exactly once.

extension UnsafeRawBufferPointer {
    /// The byte at `offset`. The caller has checked `offset < count`.
    @inlinable @inline(__always)
    func byte(at offset: Int) -> UInt8 {
        load(fromByteOffset: offset, as: UInt8.self)
    }

    /// A big-endian (network order) UInt16 at `offset`. The caller has checked `offset + 2 <= count`.
    @inlinable @inline(__always)
    func bigEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// A big-endian (network order) UInt32 at `offset`. The caller has checked `offset + 4 <= count`.
    @inlinable @inline(__always)
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// A big-endian (network order) UInt64 at `offset`. The caller has checked `offset + 8 <= count`.
    @inlinable @inline(__always)
    func bigEndianUInt64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// A UInt16 at `offset` in the given byte order. The caller has checked `offset + 2 <= count`.
    @inlinable @inline(__always)
    func uint16(at offset: Int, bigEndian: Bool) -> UInt16 {
        let raw = loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)
    }

    /// A UInt32 at `offset` in the given byte order. The caller has checked `offset + 4 <= count`.
    @inlinable @inline(__always)
    func uint32(at offset: Int, bigEndian: Bool) -> UInt32 {
        let raw = loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }

    /// A UInt64 at `offset` in the given byte order. The caller has checked `offset + 8 <= count`.
    @inlinable @inline(__always)
    func uint64(at offset: Int, bigEndian: Bool) -> UInt64 {
        let raw = loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
    }
}
