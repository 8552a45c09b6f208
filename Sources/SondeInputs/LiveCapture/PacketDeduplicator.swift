import Atomics

/// Recognises a packet seen twice within a window (two taps on one link, or the same packet captured on two
/// interfaces), in a fixed table shared by every capture thread: memory stays at `slots` × 8 octets whatever the
/// traffic.
///
/// A packet's key is a 64-bit hash of its bytes from the IP header on, with the fields a router changes (IPv4
/// TTL and checksum, IPv6 hop limit) left out. A slot keeps 44 bits of the key and the time in milliseconds
/// modulo 2^20 (17 minutes, far above any window). Two different packets can only collide in both the slot and
/// the 44 bits; a slot overwritten by another packet only lets a duplicate through (counted as a packet).
public final class PacketDeduplicator: @unchecked Sendable {
    private let table: UnsafeMutablePointer<UInt64.AtomicRepresentation>
    private let mask: Int
    let windowMilliseconds: UInt64

    /// A table of `slots` entries (rounded up to a power of two) and a window in milliseconds.
    public init(windowMilliseconds: Int, slots: Int = 1 << 17) {
        var n = 1
        while n < slots { n <<= 1 }
        table = .allocate(capacity: n)
        table.initialize(repeating: .init(0), count: n)
        mask = n - 1
        self.windowMilliseconds = UInt64(windowMilliseconds)
    }

    deinit { table.deallocate() }

    /// Whether `packet` (from its IP header) was seen within the window before `timestamp`; records it if not.
    public func isDuplicate(network packet: UnsafeRawBufferPointer, timestamp: Int64) -> Bool {
        guard let key = Self.key(packet) else { return false }
        let slot = UnsafeAtomic<UInt64>(at: table + Int(truncatingIfNeeded: key) & mask)
        let now = UInt64(truncatingIfNeeded: timestamp / 1_000_000) & 0xF_FFFF
        let tag = key >> 20
        let entry = slot.load(ordering: .relaxed)
        if entry != 0 && entry >> 20 == tag && (now &- (entry & 0xF_FFFF)) & 0xF_FFFF <= windowMilliseconds {
            return true
        }
        slot.store(tag << 20 | now, ordering: .relaxed)
        return false
    }

    /// The hash of an IP packet, TTL/hop limit and IPv4 checksum aside; nil for anything else.
    static func key(_ p: UnsafeRawBufferPointer) -> UInt64? {
        guard p.count >= 20 else { return nil }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(p.count)
        @inline(__always) func mix(_ w: UInt64) {
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
        }
        let version = p[0] >> 4
        var start: Int
        if version == 4 {
            // Bytes 0-7, then 12-19 (addresses); 8-11 are TTL, protocol and checksum: keep the protocol.
            mix(p.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
            mix(UInt64(p[9]))
            start = 12
        } else if version == 6, p.count >= 40 {
            // Bytes 0-6, then the rest; byte 7 is the hop limit.
            mix(p.loadUnaligned(fromByteOffset: 0, as: UInt64.self) & 0x00FF_FFFF_FFFF_FFFF)
            start = 8
        } else {
            return nil
        }
        while start + 8 <= p.count {
            mix(p.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            start += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while start < p.count {
            tail |= UInt64(p[start]) << shift
            shift += 8
            start += 1
        }
        mix(tail)
        return h == 0 ? 1 : h
    }
}
