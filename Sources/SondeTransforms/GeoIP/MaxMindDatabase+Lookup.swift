/// Where an address leads in a MaxMind DB search tree.
public struct MaxMindLookupResult: Sendable, Hashable {
    /// Offset of the network's record in the data section, nil when the database has no data for the address.
    public var recordOffset: Int?
    /// Length of the network's prefix: the tree levels walked. For an IPv4 address in an IPv6 tree it counts
    /// from the IPv4 root (0...32), as MaxMind's readers report it.
    public var prefixLength: Int

    /// A result.
    public init(recordOffset: Int?, prefixLength: Int) {
        self.recordOffset = recordOffset
        self.prefixLength = prefixLength
    }
}

extension MaxMindDatabase {
    /// Walks the tree for an IPv4 address (`0x7f000001` is 127.0.0.1). In an IPv6 tree the walk starts at
    /// `::/96`, found once at open, where MaxMind's databases and mmdb writers keep IPv4.
    public func lookup(ipv4 address: UInt32) throws(MaxMindDBError) -> MaxMindLookupResult {
        try walk(from: ipv4Start, high: UInt64(address) << 32, low: 0, bits: 32)
    }

    /// Walks the tree for an IPv6 address given as two big-endian halves (`high: 0x2001_0db8_0000_0000` is
    /// 2001:db8::). An IPv4-only database has no data for any IPv6 address: the result is empty, prefix 0. An
    /// IPv4-mapped address (`::ffff:a.b.c.d`) is walked as it is; MaxMind's IPv6 databases alias that subtree
    /// to the IPv4 one.
    public func lookup(ipv6 address: (high: UInt64, low: UInt64)) throws(MaxMindDBError) -> MaxMindLookupResult {
        guard metadata.ipVersion == 6 else { return MaxMindLookupResult(recordOffset: nil, prefixLength: 0) }
        return try walk(from: 0, high: address.high, low: address.low, bits: 128)
    }

    @inline(__always)
    private func walk(from start: UInt32, high: UInt64, low: UInt64, bits: Int) throws(MaxMindDBError) -> MaxMindLookupResult {
        let base = bytes.baseAddress!
        let (record, depth, parent): (UInt32, Int, UInt32)
        switch metadata.recordSize {
        case 24: (record, depth, parent) = Self.walk(MaxMindRecords24.self, base, nodeCount, start, high, low, bits)
        case 28: (record, depth, parent) = Self.walk(MaxMindRecords28.self, base, nodeCount, start, high, low, bits)
        default: (record, depth, parent) = Self.walk(MaxMindRecords32.self, base, nodeCount, start, high, low, bits)
        }
        if record == nodeCount { return MaxMindLookupResult(recordOffset: nil, prefixLength: depth) }
        let nodeOffset = Int(parent) * metadata.recordSize / 4
        guard record > nodeCount else { throw MaxMindDBError(.treeDeeperThanAddress, at: Int(record) * metadata.recordSize / 4) }
        // Record values past node_count count from the end of the tree, so the first 16 land in the separator.
        let offset = Int(record - nodeCount) - 16
        guard offset >= 0, offset < data.end - data.start else {
            throw MaxMindDBError(.recordOutsideDataSection(record: record), at: nodeOffset)
        }
        return MaxMindLookupResult(recordOffset: offset, prefixLength: depth)
    }

    /// The walk itself, specialised per record layout. Returns the record it ended on, the levels walked, and
    /// the node that record belongs to.
    @inline(__always)
    private static func walk<Layout: MaxMindRecordLayout>(
        _: Layout.Type, _ base: UnsafeRawPointer, _ nodeCount: UInt32, _ start: UInt32, _ high: UInt64, _ low: UInt64,
        _ bits: Int
    ) -> (UInt32, Int, UInt32) {
        var node = start
        var parent = start
        var depth = 0
        var word = high
        while depth < bits, node < nodeCount {
            if depth == 64 { word = low }
            parent = node
            node = Layout.record(base, node: node, bit: word >> 63)
            word <<= 1
            depth += 1
        }
        return (node, depth, parent)
    }

    /// The record reached from the root by 96 zero bits, stopping early at a leaf (as MaxMind's readers do).
    static func ipv4Root(_ base: UnsafeRawPointer, _ metadata: MaxMindMetadata) -> UInt32 {
        let nodeCount = UInt32(metadata.nodeCount)
        switch metadata.recordSize {
        case 24: return walk(MaxMindRecords24.self, base, nodeCount, 0, 0, 0, 96).0
        case 28: return walk(MaxMindRecords28.self, base, nodeCount, 0, 0, 0, 96).0
        default: return walk(MaxMindRecords32.self, base, nodeCount, 0, 0, 0, 96).0
        }
    }
}

/// How one record of a node is read; `node` is below node_count, so its bytes lie in the tree, and the 4-byte
/// loads end at most one byte past it, inside the 16-byte separator.
protocol MaxMindRecordLayout {
    /// Record `bit` (0 left, 1 right) of node `node`.
    static func record(_ base: UnsafeRawPointer, node: UInt32, bit: UInt64) -> UInt32
}

/// `| 23..0 | 23..0 |`: 6 bytes a node.
enum MaxMindRecords24: MaxMindRecordLayout {
    @inline(__always)
    static func record(_ base: UnsafeRawPointer, node: UInt32, bit: UInt64) -> UInt32 {
        UInt32(bigEndian: base.loadUnaligned(fromByteOffset: Int(node) &* 6 &+ Int(bit) &* 3, as: UInt32.self)) >> 8
    }
}

/// `| 23..0 | 27..24 | 27..24 | 23..0 |`: 7 bytes a node, the middle byte's nibbles topping each record.
enum MaxMindRecords28: MaxMindRecordLayout {
    @inline(__always)
    static func record(_ base: UnsafeRawPointer, node: UInt32, bit: UInt64) -> UInt32 {
        // Both records read as the 4 bytes starting at their own first byte; no branch on the address bit.
        let word = UInt32(bigEndian: base.loadUnaligned(fromByteOffset: Int(node) &* 7 &+ Int(bit) &* 3, as: UInt32.self))
        let left = word >> 8 | (word & 0xF0) << 20
        let right = word & 0x0FFF_FFFF
        return bit == 0 ? left : right
    }
}

/// `| 31..0 | 31..0 |`: 8 bytes a node.
enum MaxMindRecords32: MaxMindRecordLayout {
    @inline(__always)
    static func record(_ base: UnsafeRawPointer, node: UInt32, bit: UInt64) -> UInt32 {
        UInt32(bigEndian: base.loadUnaligned(fromByteOffset: Int(node) &* 8 &+ Int(bit) &* 4, as: UInt32.self))
    }
}
