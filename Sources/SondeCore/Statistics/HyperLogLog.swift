#if canImport(Glibc)
import Glibc
#endif

/// A cardinality estimate in fixed memory (Flajolet et al., HyperLogLog, with linear counting for small sets as in
/// Heule et al.'s HyperLogLog++): how many distinct clients or names went by, whatever their number.
///
/// With precision 14 it keeps 16,384 one-octet registers (16 KiB) and its standard error is 1.04 / √16,384 ≈ 0.81%;
/// below about 40,000 distinct values linear counting is used, whose error is far smaller. Two estimates of the
/// same precision merge exactly (register by register), so each producer keeps its own and they are summed
/// when read. Written by hand: no available package has it, and it is forty lines.
public struct HyperLogLog: Sendable {
    /// Registers are addressed by the hash's top `precision` bits.
    public let precision: Int
    /// The registers, one octet each, in one block reached through a pointer (copied on write as a whole): an
    /// array's uniqueness check on every addition costs more than the addition.
    @usableFromInline var storage: Registers

    @usableFromInline
    final class Registers: @unchecked Sendable {
        @usableFromInline let count: Int
        @usableFromInline let bytes: UnsafeMutablePointer<UInt8>
        init(count: Int) {
            self.count = count
            bytes = .allocate(capacity: count)
            bytes.initialize(repeating: 0, count: count)
        }
        deinit { bytes.deallocate() }
        @usableFromInline
        func copy() -> Registers {
            let c = Registers(count: count)
            c.bytes.update(from: bytes, count: count)
            return c
        }
    }

    /// An empty estimate with 2^precision registers (4...18).
    public init(precision: Int = 14) {
        self.precision = min(max(precision, 4), 18)
        storage = Registers(count: 1 << self.precision)
    }

    /// The registers, for reading.
    var registers: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage.bytes, count: storage.count) }

    /// Adds a value by its 64-bit hash (which must be well mixed: see ``mix(_:)``).
    @inlinable @inline(__always)
    public mutating func add(hash: UInt64) {
        makeUnique()
        addInPlace(hash: hash)
    }

    /// Makes the registers this value's own (copied if shared), so ``addInPlace(hash:)`` may follow.
    @inlinable @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// ``add(hash:)`` without the uniqueness check, once ``makeUnique()`` was called (the statistics call it once
    /// per batch).
    @inlinable @inline(__always)
    func addInPlace(hash: UInt64) {
        let index = Int(truncatingIfNeeded: hash >> UInt64(64 - precision))
        // The rank: leading zeros of the remaining bits, plus one (a sentinel bit bounds it).
        let rest = (hash << UInt64(precision)) | (1 << UInt64(precision - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        let r = storage.bytes
        if rank > r[index] { r[index] = rank }
    }

    /// Folds another estimate of the same precision into this one.
    public mutating func merge(_ other: HyperLogLog) {
        precondition(other.precision == precision)
        makeUnique()
        let r = storage.bytes, o = other.storage.bytes
        for i in 0..<storage.count where o[i] > r[i] { r[i] = o[i] }
    }

    /// Forgets everything.
    public mutating func reset() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = Registers(count: storage.count)
            return
        }
        storage.bytes.update(repeating: 0, count: storage.count)
    }

    /// The estimated number of distinct values.
    public var estimate: UInt64 {
        let m = Double(registers.count)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if zeros > 0 {
            // Linear counting is more accurate while many registers are still empty.
            let linear = m * log(m / Double(zeros))
            if linear <= 2.5 * m { return UInt64(linear.rounded()) }
        }
        return UInt64(raw.rounded())
    }

    /// A 64-bit mix (the finaliser of MurmurHash3) for values whose own bits are not spread.
    @inlinable @inline(__always)
    public static func mix(_ v: UInt64) -> UInt64 {
        var x = v
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x = x &* 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
