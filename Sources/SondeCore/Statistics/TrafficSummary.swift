public import SondeDNS
public import SondePacket

/// Counts over DNS messages for the end-of-run report: totals, transports, families, qtypes, rcodes, top names.
///
/// It reads batches synchronously and allocates only when a new distinct name is stored.
public struct TrafficSummary {
    /// Messages seen.
    public var messages: UInt64 = 0
    public var queries: UInt64 = 0
    public var responses: UInt64 = 0
    /// Messages that did not decode fully.
    public var malformed: UInt64 = 0
    /// Responses with TC=1.
    public var truncatedResponses: UInt64 = 0
    /// By ``TransportProtocol`` raw value.
    public var byTransport = [UInt64](repeating: 0, count: TransportProtocol.allCases.count)
    public var ipv4: UInt64 = 0
    public var ipv6: UInt64 = 0
    /// QTYPE of queries, indexed by type code.
    public var queryTypes = [UInt64](repeating: 0, count: 65536)
    /// RCODE (12-bit, EDNS included) of responses.
    public var responseCodes = [UInt64](repeating: 0, count: 4096)
    /// OPCODE of all messages.
    public var opcodes = [UInt64](repeating: 0, count: 16)
    /// QNAME of all messages.
    public var names: NameCounter

    /// An empty summary; at most `maxNames` distinct names are tracked for the top list.
    public init(maxNames: Int = 1 << 20) { names = NameCounter(maxNames: maxNames) }

    /// Counts every event of `batch`.
    public mutating func add(_ batch: EventBatch) {
        batch.forEach { e, message in
            let l = e.layout
            messages &+= 1
            if l.isResponse {
                responses &+= 1
                responseCodes[Int(l.rcode & 0x0fff)] &+= 1
                if l.tc { truncatedResponses &+= 1 }
            } else {
                queries &+= 1
                if l.hasQuestion { queryTypes[Int(l.qtype)] &+= 1 }
            }
            if l.isMalformed { malformed &+= 1 }
            opcodes[Int(l.opcode)] &+= 1
            byTransport[Int(e.transport.rawValue)] &+= 1
            if e.source.family == .v6 { ipv6 &+= 1 } else { ipv4 &+= 1 }
            if l.hasQuestion { names.add(message, nameAt: Int(l.questionOffset)) }
        }
    }

    /// The `n` largest non-zero entries of a table, largest first.
    public static func top(_ table: [UInt64], _ n: Int) -> [(code: Int, count: UInt64)] {
        var nonZero: [(code: Int, count: UInt64)] = []
        for (i, c) in table.enumerated() where c > 0 { nonZero.append((i, c)) }
        return Array(nonZero.sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }.prefix(n))
    }
}
