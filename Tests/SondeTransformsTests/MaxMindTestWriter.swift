/// Data-section bytes written by hand from the spec, independent of the reader and of mmdb-writer: for the
/// types and encodings no writer produces (data cache containers, end markers, 4-byte pointers, chains) and
/// for broken files.
struct MaxMindTestData {
    var bytes: [UInt8] = []
    var count: Int { bytes.count }

    /// A control byte (and extended type byte) with the size encoded as short as the spec allows.
    mutating func header(_ type: UInt8, _ size: Int) {
        var extra: [UInt8] = []
        let five: UInt8
        if size < 29 {
            five = UInt8(size)
        } else if size < 285 {
            five = 29
            extra = [UInt8(size - 29)]
        } else if size < 65_821 {
            five = 30
            extra = [UInt8((size - 285) >> 8), UInt8((size - 285) & 0xFF)]
        } else {
            five = 31
            let v = size - 65_821
            extra = [UInt8(v >> 16), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        }
        if type <= 7 {
            bytes.append(type << 5 | five)
        } else {
            bytes += [five, type - 7]
        }
        bytes += extra
    }

    mutating func string(_ text: String) {
        header(2, text.utf8.count)
        bytes += text.utf8
    }

    mutating func blob(_ content: [UInt8]) {
        header(4, content.count)
        bytes += content
    }

    mutating func double(_ value: Double) {
        header(3, 8)
        bigEndian(value.bitPattern, 8)
    }

    mutating func float(_ value: Float) {
        header(15, 4)
        bigEndian(UInt64(value.bitPattern), 4)
    }

    /// An unsigned integer of type 5, 6, 9 or 10 in as few bytes as it needs.
    mutating func unsigned(_ type: UInt8, _ value: UInt64) {
        let count = (64 - value.leadingZeroBitCount + 7) / 8
        header(type, count)
        bigEndian(value, count)
    }

    mutating func uint128(high: UInt64, low: UInt64) {
        header(10, 16)
        bigEndian(high, 8)
        bigEndian(low, 8)
    }

    mutating func int32(_ value: Int32) {
        header(8, 4)
        bigEndian(UInt64(UInt32(bitPattern: value)), 4)
    }

    mutating func map(_ count: Int) { header(7, count) }
    mutating func array(_ count: Int) { header(11, count) }
    mutating func boolean(_ value: Bool) { header(14, value ? 1 : 0) }
    mutating func endMarker() { header(13, 0) }

    mutating func container(_ content: [UInt8]) {
        header(12, content.count)
        bytes += content
    }

    /// A pointer to data-section offset `value`, in the shortest form or with the 2 size bits given.
    mutating func pointer(_ value: Int, sizeBits: Int? = nil) {
        let bits = sizeBits ?? (value < 2048 ? 0 : value < 526_336 ? 1 : value < 134_744_064 ? 2 : 3)
        switch bits {
        case 0: bytes += [0x20 | UInt8(value >> 8 & 7), UInt8(value & 0xFF)]
        case 1:
            let v = value - 2048
            bytes += [0x28 | UInt8(v >> 16 & 7), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        case 2:
            let v = value - 526_336
            bytes += [0x30 | UInt8(v >> 24 & 7), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        default:
            bytes.append(0x38)
            bigEndian(UInt64(value), 4)
        }
    }

    mutating func bigEndian(_ value: UInt64, _ count: Int) {
        for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * i))) }
    }
}

/// A whole database: a search tree built from networks, the separator, data, the marker and metadata.
struct MaxMindTestWriter {
    enum Child: Equatable {
        case empty
        case node(Int)
        case data(Int)
        /// A raw record value, to point where no valid writer would.
        case raw(UInt32)
    }

    var ipVersion = 6
    var recordSize = 24
    var data = MaxMindTestData()
    var nodes: [[Child]] = [[.empty, .empty]]
    /// Changes to the default metadata, applied by `build()`: a key replaced or appended, or removed (nil).
    var metadataChanges: [(key: String, write: ((inout MaxMindTestData) -> Void)?)] = []
    var trailingBytes: [UInt8] = []

    init(ipVersion: Int = 6, recordSize: Int = 24) {
        self.ipVersion = ipVersion
        self.recordSize = recordSize
    }

    /// Maps the network of `prefix` leading bits of the 128-bit `address` to data-section offset `offset`.
    mutating func insert(high: UInt64, low: UInt64, prefix: Int, child: Child) {
        var node = 0
        for depth in 0..<prefix {
            let bit = Int(((depth < 64 ? high : low) >> (63 - UInt64(depth % 64))) & 1)
            if depth == prefix - 1 {
                nodes[node][bit] = child
            } else if case .node(let next) = nodes[node][bit] {
                node = next
            } else {
                nodes.append([.empty, .empty])
                nodes[node][bit] = .node(nodes.count - 1)
                node = nodes.count - 1
            }
        }
    }

    /// An IPv4 network: at the root of an IPv4 tree, under ::/96 in an IPv6 tree.
    mutating func insert(ipv4: UInt32, prefix: Int, offset: Int) {
        if ipVersion == 4 {
            insert(high: UInt64(ipv4) << 32, low: 0, prefix: prefix, child: .data(offset))
        } else {
            insert(high: 0, low: UInt64(ipv4), prefix: 96 + prefix, child: .data(offset))
        }
    }

    mutating func insert(ipv6 high: UInt64, _ low: UInt64, prefix: Int, offset: Int) {
        insert(high: high, low: low, prefix: prefix, child: .data(offset))
    }

    func defaultMetadata() -> [(key: String, write: (inout MaxMindTestData) -> Void)] {
        let (nodeCount, recordSize, ipVersion) = (nodes.count, recordSize, ipVersion)
        return [
            ("node_count", { $0.unsigned(6, UInt64(nodeCount)) }),
            ("record_size", { $0.unsigned(5, UInt64(recordSize)) }),
            ("ip_version", { $0.unsigned(5, UInt64(ipVersion)) }),
            ("database_type", { $0.string("Sonde-Test") }),
            ("languages", { $0.array(2); $0.string("en"); $0.string("de") }),
            ("binary_format_major_version", { $0.unsigned(5, 2) }),
            ("binary_format_minor_version", { $0.unsigned(5, 0) }),
            ("build_epoch", { $0.unsigned(9, 1_700_000_000) }),
            ("description", { $0.map(1); $0.string("en"); $0.string("Sonde test database") }),
        ]
    }

    /// The metadata with `key` replaced (or removed when `write` is nil).
    mutating func setMetadata(_ key: String, _ write: ((inout MaxMindTestData) -> Void)?) {
        metadataChanges.append((key, write))
    }

    func build() -> [UInt8] {
        let count = nodes.count
        func value(_ child: Child) -> UInt32 {
            switch child {
            case .empty: UInt32(count)
            case .node(let index): UInt32(index)
            case .data(let offset): UInt32(count + 16 + offset)
            case .raw(let value): value
            }
        }
        var out: [UInt8] = []
        for node in nodes {
            let (left, right) = (value(node[0]), value(node[1]))
            switch recordSize {
            case 24:
                out += [UInt8(left >> 16 & 0xFF), UInt8(left >> 8 & 0xFF), UInt8(left & 0xFF)]
                out += [UInt8(right >> 16 & 0xFF), UInt8(right >> 8 & 0xFF), UInt8(right & 0xFF)]
            case 28:
                out += [UInt8(left >> 16 & 0xFF), UInt8(left >> 8 & 0xFF), UInt8(left & 0xFF)]
                out.append(UInt8(left >> 24 & 0x0F) << 4 | UInt8(right >> 24 & 0x0F))
                out += [UInt8(right >> 16 & 0xFF), UInt8(right >> 8 & 0xFF), UInt8(right & 0xFF)]
            default:
                for v in [left, right] { out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
            }
        }
        out += [UInt8](repeating: 0, count: 16)
        out += data.bytes
        out += [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
        var entries = defaultMetadata()
        for change in metadataChanges {
            entries.removeAll { $0.key == change.key }
            if let write = change.write { entries.append((change.key, write)) }
        }
        var meta = MaxMindTestData()
        meta.map(entries.count)
        for entry in entries {
            meta.string(entry.key)
            entry.write(&meta)
        }
        return out + meta.bytes + trailingBytes
    }
}
