/// Exact counters of DNS traffic (the statistics' counters; the top tables and estimates are in ``StreamStats``).
///
/// Plain integers in fixed arrays, added per event by one producer and summed when read: no lock, no allocation
/// per event. Rare codes share a last bucket (rcodes from 24, qtypes from 512), so the memory is the same for any
/// traffic.
public struct StatsCounters: Sendable, Equatable {
    public var messages: UInt64 = 0
    public var queries: UInt64 = 0
    public var responses: UInt64 = 0
    public var malformed: UInt64 = 0
    /// dnstap messages without a DNS message.
    public var withoutMessage: UInt64 = 0
    /// Octets of DNS messages: queries (in, towards servers) and responses (out).
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    /// By address family: IPv4, IPv6.
    public var family: [UInt64] = [0, 0]
    /// By transport (``TransportProtocol`` order).
    public var transport = [UInt64](repeating: 0, count: 8)
    /// Responses by rcode: 0...23, then everything above in the last bucket.
    public var rcode = [UInt64](repeating: 0, count: 25)
    /// Queries by qtype: 0...511, then everything above in the last bucket.
    public var qtype = [UInt64](repeating: 0, count: 513)
    /// Messages by opcode.
    public var opcode = [UInt64](repeating: 0, count: 16)
    /// Messages with the flag set: AA, TC, AD, RA, CD (and RD).
    public var flags = [UInt64](repeating: 0, count: 6)
    /// Responses with a latency, by bucket: <1 ms, 1-10, 10-50, 50-100, 100-1000 ms, >1 s (dnstap-receiver's).
    public var latency = [UInt64](repeating: 0, count: 6)
    /// dnstap messages by type (1...14; 0 for none or unknown).
    public var dnstapType = [UInt64](repeating: 0, count: 16)
    /// Queries that got no answer and responses without a query, when matching says (`transaction`).
    public var unanswered: UInt64 = 0
    public var unmatched: UInt64 = 0

    public init() {}

    /// The flags, in ``flags`` order.
    public static let flagNames = ["aa", "tc", "ad", "ra", "cd", "rd"]
    /// The latency buckets' names and upper bounds in nanoseconds.
    public static let latencyBuckets: [(name: String, below: Int64)] = [
        ("lt_1ms", 1_000_000), ("1_10ms", 10_000_000), ("10_50ms", 50_000_000), ("50_100ms", 100_000_000),
        ("100_1000ms", 1_000_000_000), ("gt_1s", .max),
    ]

    /// Adds another set of counters.
    public mutating func add(_ o: StatsCounters) {
        messages &+= o.messages
        queries &+= o.queries
        responses &+= o.responses
        malformed &+= o.malformed
        withoutMessage &+= o.withoutMessage
        bytesIn &+= o.bytesIn
        bytesOut &+= o.bytesOut
        unanswered &+= o.unanswered
        unmatched &+= o.unmatched
        func sum(_ a: inout [UInt64], _ b: [UInt64]) { for i in a.indices { a[i] &+= b[i] } }
        sum(&family, o.family)
        sum(&transport, o.transport)
        sum(&rcode, o.rcode)
        sum(&qtype, o.qtype)
        sum(&opcode, o.opcode)
        sum(&flags, o.flags)
        sum(&latency, o.latency)
        sum(&dnstapType, o.dnstapType)
    }
}
