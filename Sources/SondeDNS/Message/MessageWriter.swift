/// Writes a message into a byte array, compressing names (RFC 1035 §4.1.4) when asked.
///
/// ```
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     | 1  1|                OFFSET                   |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
///
/// The table maps every name suffix written in full at a compressible place to its offset. Suffixes match
/// octet for octet, case included, so that a compressed message decodes to exactly the names that were written.
struct MessageWriter {
    /// The bytes so far.
    var bytes: [UInt8] = []
    /// Whether names may be compressed at all.
    let compress: Bool
    /// Uncompressed suffix (labels and root) → offset of its first label. Slices share the names' storage.
    private var suffixes: [ArraySlice<UInt8>: UInt16] = [:]

    /// The largest offset a pointer can hold (14 bits).
    private static let maxPointerTarget = 0x3FFF

    init(compress: Bool, capacity: Int = 512) {
        self.compress = compress
        bytes.reserveCapacity(capacity)
    }

    /// Writes `name`; when `compressible` (an owner name or a name in an RFC 1035 RDATA), its longest suffix
    /// already written is replaced by a pointer, and its new suffixes are remembered.
    mutating func writeName(_ name: DNSName, compressible: Bool) {
        let wire = name.wireBytes
        guard compress && compressible else {
            bytes.append(contentsOf: wire)
            return
        }
        let labels = name.labelOffsets
        var pointer: UInt16?
        var written = labels.count
        for (i, offset) in labels.enumerated() {
            if let target = suffixes[wire[offset...]] {
                pointer = target
                written = i
                break
            }
        }
        let start = bytes.count
        for i in 0..<written {
            let at = start + labels[i]
            guard at <= Self.maxPointerTarget else { break }
            suffixes[wire[labels[i]...]] = UInt16(at)
        }
        if let pointer {
            bytes.append(contentsOf: wire[..<labels[written]])
            bytes.appendUInt16(0xC000 | pointer)
        } else {
            bytes.append(contentsOf: wire)
        }
    }

    /// Writes a question.
    mutating func write(_ question: DNSQuestion) {
        writeName(question.name, compressible: true)
        bytes.appendUInt16(question.type)
        bytes.appendUInt16(question.class)
    }

    /// Writes a record, RDLENGTH computed; names in RDATA are compressed only for the RFC 1035 types
    /// (RFC 3597 §4). RDATA that does not match its type's layout is written as it is.
    mutating func write(_ record: DNSResourceRecord) {
        writeName(record.name, compressible: true)
        bytes.appendUInt16(record.type)
        bytes.appendUInt16(record.class)
        bytes.appendUInt32(record.ttl)
        let lengthAt = bytes.count
        bytes.appendUInt16(0)
        let start = bytes.count
        if let layout = RDataLayout.forType(record.type), let parts = layout.parts(of: record.rdata) {
            for part in parts {
                switch part {
                case .bytes(let range): bytes.append(contentsOf: record.rdata[range])
                case .name(let name): writeName(name, compressible: layout.compressesNames)
                }
            }
        } else {
            bytes.append(contentsOf: record.rdata)
        }
        let length = bytes.count - start
        precondition(length <= Int(UInt16.max), "RDATA longer than 65535 octets")
        bytes.setUInt16(UInt16(length), at: lengthAt)
    }
}
