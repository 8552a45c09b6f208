import SondeDNS

/// The names of the capture interfaces, by the small index an event carries (`DNSEvent.interface`), so that an
/// event stays fixed-size and the name is written only by the formats that want it.
///
/// Process-wide and append-only: a capture registers each interface once, when it first sees it (at start, or
/// with `any` when a packet comes from an interface it had not met), and an index once handed out always means
/// the same name. Reading needs no lock: an entry is written before its index is handed out, and the index
/// reaches the formats' threads with the events, through the queues' locks.
public enum InterfaceNames {
    /// The most names registered; beyond it events carry no interface (index 0). Interfaces come and go (a
    /// container's veth per start), and a month of that should neither fail nor grow without bound.
    public static let capacity = 4095

    /// The names, escaped for JSON (and YAML double-quoted strings), with their lengths; slot 0 unused.
    nonisolated(unsafe) static let entries: UnsafeMutablePointer<UnsafeRawBufferPointer> = {
        let table = UnsafeMutablePointer<UnsafeRawBufferPointer>.allocate(capacity: capacity + 1)
        // An index nobody registered reads as an empty name, never as stray memory.
        table.initialize(repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: capacity + 1)
        return table
    }()
    nonisolated(unsafe) static var plain: [String] = [""]
    static let lock = ConditionLock()

    /// The index of `name`, registering it if new; 0 when the table is full.
    public static func index(of name: String) -> UInt16 {
        lock.withLock {
            if let found = plain.firstIndex(of: name), found > 0 { return UInt16(found) }
            guard plain.count <= capacity else { return 0 }
            var out = OutputBuffer(capacity: name.utf8.count * 6 + 8)
            out.appendJSONEscaped(name)
            let bytes = out.makeArray()
            let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
            entries[plain.count] = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[..<bytes.count])
            plain.append(name)
            return UInt16(plain.count - 1)
        }
    }

    /// The name registered as `index`, or nil.
    public static func name(_ index: UInt16) -> String? {
        lock.withLock { index > 0 && Int(index) < plain.count ? plain[Int(index)] : nil }
    }

    /// The escaped name of a registered index (> 0), without a lock.
    @inline(__always)
    static func escaped(_ index: UInt16) -> UnsafeRawBufferPointer {
        entries[Int(index)]
    }
}
