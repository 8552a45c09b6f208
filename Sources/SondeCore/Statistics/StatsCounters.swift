/// Exact counters of DNS traffic (the statistics' counters; the top tables and estimates are in ``StreamStats``).
///
/// Plain integers in fixed arrays, added per event by one producer and summed when read: no lock, no allocation
/// per event. Rare codes share a last bucket (rcodes from 24, qtypes from 512), so the memory is the same for any
/// traffic.
public struct StatsCounters: Sendable, Equatable {
    public static func == (a: StatsCounters, b: StatsCounters) -> Bool {
        a.messages == b.messages && a.queries == b.queries && a.responses == b.responses && a.malformed == b.malformed
            && a.truncatedResponses == b.truncatedResponses && a.withoutMessage == b.withoutMessage && a.bytesIn == b.bytesIn
            && a.bytesOut == b.bytesOut && a.unanswered == b.unanswered && a.unmatched == b.unmatched
            && a.rareQtypes == b.rareQtypes && a.rareRcodes == b.rareRcodes && a.slots.indices.allSatisfy { a.slots[$0] == b.slots[$0] }
    }

    public var messages: UInt64 = 0
    public var queries: UInt64 = 0
    public var responses: UInt64 = 0
    public var malformed: UInt64 = 0
    /// Responses with TC=1.
    public var truncatedResponses: UInt64 = 0
    /// dnstap messages without a DNS message.
    public var withoutMessage: UInt64 = 0
    /// Octets of DNS messages: queries (in, towards servers) and responses (out).
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    /// The counter arrays, in one block inline (the producer adds to several per event: inline, that is a store;
    /// as arrays it was a uniqueness and a bounds check each). Read them as arrays below.
    @usableFromInline var slots = InlineArray<592, UInt64>(repeating: 0)
    @usableFromInline enum Slot {
        @usableFromInline static let family = 0, transport = 2, rcode = 10, qtype = 35, opcode = 548, flags = 564, latency = 570, dnstapType = 576
    }
    func array(_ from: Int, _ count: Int) -> [UInt64] { (from..<(from + count)).map { slots[$0] } }
    mutating func setArray(_ from: Int, _ count: Int, _ a: [UInt64]) {
        for i in 0..<Swift.min(count, a.count) { slots[from + i] = a[i] }
    }
    /// By address family: IPv4, IPv6.
    public var family: [UInt64] { get { array(Slot.family, 2) } set { setArray(Slot.family, 2, newValue) } }
    /// By transport (``TransportProtocol`` order).
    public var transport: [UInt64] { get { array(Slot.transport, 8) } set { setArray(Slot.transport, 8, newValue) } }
    /// Responses by rcode: 0...23 here, the rest (12 bits with EDNS) in ``rareRcodes``.
    public var rcode: [UInt64] { get { array(Slot.rcode, 25) } set { setArray(Slot.rcode, 25, newValue) } }
    /// Queries by qtype: 0...511 here, the rest in ``rareQtypes``.
    public var qtype: [UInt64] { get { array(Slot.qtype, 513) } set { setArray(Slot.qtype, 513, newValue) } }
    /// Codes above the arrays, exactly for the first few seen (bounded), then together in the arrays' last bucket.
    public var rareQtypes = RareCodes()
    public var rareRcodes = RareCodes()
    /// Messages by opcode.
    public var opcode: [UInt64] { get { array(Slot.opcode, 16) } set { setArray(Slot.opcode, 16, newValue) } }
    /// Messages with the flag set: AA, TC, AD, RA, CD (and RD).
    public var flags: [UInt64] { get { array(Slot.flags, 6) } set { setArray(Slot.flags, 6, newValue) } }
    /// Responses with a latency, by bucket: <1 ms, 1-10, 10-50, 50-100, 100-1000 ms, >1 s (dnstap-receiver's).
    public var latency: [UInt64] { get { array(Slot.latency, 6) } set { setArray(Slot.latency, 6, newValue) } }
    /// dnstap messages by type (1...14; 0 for none or unknown).
    public var dnstapType: [UInt64] { get { array(Slot.dnstapType, 16) } set { setArray(Slot.dnstapType, 16, newValue) } }
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
        truncatedResponses &+= o.truncatedResponses
        withoutMessage &+= o.withoutMessage
        bytesIn &+= o.bytesIn
        bytesOut &+= o.bytesOut
        unanswered &+= o.unanswered
        unmatched &+= o.unmatched
        for i in slots.indices { slots[i] &+= o.slots[i] }
        for (code, count) in o.rareQtypes.entries where !rareQtypes.add(code, count) { slots[Slot.qtype + 512] &+= count }
        for (code, count) in o.rareRcodes.entries where !rareRcodes.add(code, count) { slots[Slot.rcode + 24] &+= count }
    }

    /// Takes away counters added before (a reset's baseline): what was counted since.
    public mutating func subtract(_ o: StatsCounters) {
        messages &-= o.messages
        queries &-= o.queries
        responses &-= o.responses
        malformed &-= o.malformed
        truncatedResponses &-= o.truncatedResponses
        withoutMessage &-= o.withoutMessage
        bytesIn &-= o.bytesIn
        bytesOut &-= o.bytesOut
        unanswered &-= o.unanswered
        unmatched &-= o.unmatched
        for i in slots.indices { slots[i] &-= o.slots[i] }
        rareQtypes.subtract(o.rareQtypes)
        rareRcodes.subtract(o.rareRcodes)
    }

    /// Counts a query's qtype.
    @inline(__always)
    public mutating func countQtype(_ code: UInt16) {
        if code < 512 {
            slots[Slot.qtype + Int(code)] &+= 1
        } else if !rareQtypes.add(code, 1) {
            slots[Slot.qtype + 512] &+= 1
        }
    }

    /// Counts a response's rcode.
    @inline(__always)
    public mutating func countRcode(_ code: UInt16) {
        if code < 24 {
            slots[Slot.rcode + Int(code)] &+= 1
        } else if !rareRcodes.add(code, 1) {
            slots[Slot.rcode + 24] &+= 1
        }
    }

    /// Every qtype counted, with its count (the shared last bucket as code nil), largest first.
    public var qtypes: [(code: UInt16?, count: UInt64)] { Self.table(qtype, rareQtypes) }
    /// Every rcode counted, as ``qtypes``.
    public var rcodes: [(code: UInt16?, count: UInt64)] { Self.table(rcode, rareRcodes) }

    static func table(_ a: [UInt64], _ rare: RareCodes) -> [(code: UInt16?, count: UInt64)] {
        var out: [(code: UInt16?, count: UInt64)] = []
        for i in 0..<(a.count - 1) where a[i] > 0 { out.append((UInt16(i), a[i])) }
        for (code, count) in rare.entries { out.append((code, count)) }
        if a[a.count - 1] > 0 { out.append((nil, a[a.count - 1])) }
        return out.sorted { x, y in
            x.count != y.count ? x.count > y.count : (x.code ?? .max) < (y.code ?? .max)
        }
    }
}

/// Counts of up to 16 codes beyond a counter array, exactly; more distinct codes than that are not held (the
/// caller counts them in a shared bucket), so memory stays fixed.
public struct RareCodes: Sendable, Equatable {
    public static let capacity = 16
    var codes: [UInt16] = []
    var counts: [UInt64] = []

    public init() {}

    /// Adds `count` to `code`; false when the code is not held and there is no room for it.
    @inline(__always)
    public mutating func add(_ code: UInt16, _ count: UInt64) -> Bool {
        if let i = codes.firstIndex(of: code) {
            counts[i] &+= count
            return true
        }
        guard codes.count < Self.capacity else { return false }
        codes.append(code)
        counts.append(count)
        return true
    }

    public var entries: [(code: UInt16, count: UInt64)] { Array(zip(codes, counts)).filter { $0.1 > 0 } }

    mutating func subtract(_ o: RareCodes) {
        for (code, count) in zip(o.codes, o.counts) {
            if let i = codes.firstIndex(of: code) { counts[i] &-= count }
        }
    }
}
