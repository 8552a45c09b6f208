public import SondeDNS
import SondeDnstap
public import SondePacket

/// Counts over DNS messages for the end-of-run report: totals, transports, families, qtypes, rcodes, top names.
///
/// Tables are allocated once; ``add(_:)`` copies every pointer and counter into locals for the length of a batch,
/// so the per-message work touches no class or array bookkeeping.
public final class TrafficSummary {
    /// Scalar totals.
    public struct Totals: Sendable {
        public var messages: UInt64 = 0
        public var queries: UInt64 = 0
        public var responses: UInt64 = 0
        /// Messages that did not decode fully.
        public var malformed: UInt64 = 0
        /// Responses with TC=1.
        public var truncatedResponses: UInt64 = 0
        public var ipv4: UInt64 = 0
        public var ipv6: UInt64 = 0
    }

    public private(set) var totals = Totals()
    let transportTable: UnsafeMutablePointer<UInt64>
    let qtypeTable: UnsafeMutablePointer<UInt64>
    let rcodeTable: UnsafeMutablePointer<UInt64>
    let opcodeTable: UnsafeMutablePointer<UInt64>
    let dnstapTypeTable: UnsafeMutablePointer<UInt64>
    /// QNAME of all messages.
    public let names: NameCounter

    /// An empty summary; at most `maxNames` distinct names are tracked for the top list.
    public init(maxNames: Int = 1 << 20) {
        names = NameCounter(maxNames: maxNames)
        func table(_ n: Int) -> UnsafeMutablePointer<UInt64> {
            let p = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
        transportTable = table(TransportProtocol.allCases.count)
        qtypeTable = table(65536)
        rcodeTable = table(4096)
        opcodeTable = table(16)
        dnstapTypeTable = table(16)
    }

    deinit {
        transportTable.deallocate()
        qtypeTable.deallocate()
        rcodeTable.deallocate()
        opcodeTable.deallocate()
        dnstapTypeTable.deallocate()
    }

    public var messages: UInt64 { totals.messages }
    public var queries: UInt64 { totals.queries }
    public var responses: UInt64 { totals.responses }
    public var malformed: UInt64 { totals.malformed }
    public var truncatedResponses: UInt64 { totals.truncatedResponses }
    public var ipv4: UInt64 { totals.ipv4 }
    public var ipv6: UInt64 { totals.ipv6 }
    /// Messages by ``TransportProtocol`` raw value.
    public var byTransport: [UInt64] { Array(UnsafeBufferPointer(start: transportTable, count: TransportProtocol.allCases.count)) }
    /// QTYPE of queries, indexed by type code.
    public var queryTypes: [UInt64] { Array(UnsafeBufferPointer(start: qtypeTable, count: 65536)) }
    /// RCODE (12-bit, EDNS included) of responses.
    public var responseCodes: [UInt64] { Array(UnsafeBufferPointer(start: rcodeTable, count: 4096)) }
    /// dnstap `Message.Type` of events from dnstap (15: any larger value).
    public var dnstapTypes: [UInt64] { Array(UnsafeBufferPointer(start: dnstapTypeTable, count: 16)) }
    /// OPCODE of all messages.
    public var opcodes: [UInt64] { Array(UnsafeBufferPointer(start: opcodeTable, count: 16)) }

    /// What ``NameTable/warm(_:)`` read, kept so the reads are not optimised away.
    private var warmth: UInt64 = 0

    /// Counts every event of `batch`.
    public func add(_ batch: borrowing EventBatch) {
        var t = totals
        var nameTable = names.table
        let transports = transportTable, qtypes = qtypeTable, rcodes = rcodeTable, opcodes = opcodeTable
        let dnstapTypes = dnstapTypeTable
        warmth = nameTable.warm(batch)
        batch.forEach { e, message in
            let l = e.layout
            t.messages &+= 1
            if e.hasDnstap {
                dnstapTypes[Int(min(e.dnstap.messageType, 15))] &+= 1
                if e.markers.contains(.noMessage) { return }
            }
            if l.isResponse {
                t.responses &+= 1
                rcodes[Int(l.rcode & 0x0fff)] &+= 1
                if l.tc { t.truncatedResponses &+= 1 }
            } else {
                t.queries &+= 1
                if l.hasQuestion { qtypes[Int(l.qtype)] &+= 1 }
            }
            if l.isMalformed { t.malformed &+= 1 }
            opcodes[Int(l.opcode)] &+= 1
            transports[Int(e.transport.rawValue)] &+= 1
            if e.source.family == .v6 { t.ipv6 &+= 1 } else { t.ipv4 &+= 1 }
            if l.hasQuestion { nameTable.add(message, nameAt: Int(l.questionOffset), hash: l.qnameHash) }
        }
        names.table = nameTable
        totals = t
    }

    /// The `n` largest non-zero entries of a table, largest first.
    public static func top(_ table: [UInt64], _ n: Int) -> [(code: Int, count: UInt64)] {
        var nonZero: [(code: Int, count: UInt64)] = []
        for (i, c) in table.enumerated() where c > 0 { nonZero.append((i, c)) }
        return Array(nonZero.sorted { $0.count != $1.count ? $0.count > $1.count : $0.code < $1.code }.prefix(n))
    }
}
