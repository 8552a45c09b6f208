public import Histogram
public import SondeDNS
public import SondePacket

/// The statistics of one stream (or of all traffic): exact counters, latency percentiles, distinct clients and
/// names, and the top tables, all in memory fixed when it is made (the capacities), whatever the traffic.
public struct StreamStats: Sendable {
    public var counters = StatsCounters()
    /// Latency of matched responses, in microseconds (1 µs to 1 h, 3 significant digits; histograms of one
    /// layout merge, and a stream's may be merged from the global one).
    public var latency: Histogram<UInt64>
    public var clients = HyperLogLog()
    public var names = HyperLogLog()
    /// Query names; and response names by rcode.
    public var topNames: SpaceSaving
    public var topNXDomain: SpaceSaving
    public var topServfail: SpaceSaving
    public var topRefused: SpaceSaving
    /// Public suffixes and registered domains of query names.
    public var topTLDs: SpaceSaving
    public var topRegistered: SpaceSaving
    /// Clients by queries and by octets (both directions).
    public var topClients: SpaceSaving
    public var topClientBytes: SpaceSaving
    /// Names by the longest latency seen.
    public var slowest: SpaceSaving
    /// When the stats started counting (nanoseconds since the epoch) and the last event's time.
    public var since: Int64 = 0
    public var lastEvent: Int64 = 0

    /// Stats with top tables of `capacity` entries each.
    public init(capacity: Int) {
        latency = Histogram(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        topNames = SpaceSaving(capacity: capacity, keySize: DomainName.maxWireLength)
        topNXDomain = SpaceSaving(capacity: capacity, keySize: DomainName.maxWireLength)
        topServfail = SpaceSaving(capacity: capacity, keySize: DomainName.maxWireLength)
        topRefused = SpaceSaving(capacity: capacity, keySize: DomainName.maxWireLength)
        topTLDs = SpaceSaving(capacity: capacity, keySize: DomainName.maxWireLength)
        topRegistered = SpaceSaving(capacity: capacity, keySize: DomainName.maxWireLength)
        topClients = SpaceSaving(capacity: capacity, keySize: 17)
        topClientBytes = SpaceSaving(capacity: capacity, keySize: 17)
        slowest = SpaceSaving(capacity: capacity, keySize: DomainName.maxWireLength, mode: .max)
    }

    /// Adds everything of `other` (same capacities).
    public mutating func merge(_ other: StreamStats) {
        counters.add(other.counters)
        latency.add(other.latency)
        clients.merge(other.clients)
        names.merge(other.names)
        topNames.merge(other.topNames)
        topNXDomain.merge(other.topNXDomain)
        topServfail.merge(other.topServfail)
        topRefused.merge(other.topRefused)
        topTLDs.merge(other.topTLDs)
        topRegistered.merge(other.topRegistered)
        topClients.merge(other.topClients)
        topClientBytes.merge(other.topClientBytes)
        slowest.merge(other.slowest)
        if since == 0 || (other.since != 0 && other.since < since) { since = other.since }
        lastEvent = max(lastEvent, other.lastEvent)
    }

    /// Makes every estimate and table this value's own (copied if a reader shares them), once per batch: the
    /// additions that follow skip the check (``SpaceSaving/addInPlace(hash:value:key:)``).
    @inline(__always)
    mutating func makeUnique() {
        clients.makeUnique()
        names.makeUnique()
        topNames.makeUnique()
        topNXDomain.makeUnique()
        topServfail.makeUnique()
        topRefused.makeUnique()
        topTLDs.makeUnique()
        topRegistered.makeUnique()
        topClients.makeUnique()
        topClientBytes.makeUnique()
        slowest.makeUnique()
    }

    /// A copy with the same capacities and nothing counted.
    public func emptied() -> StreamStats {
        var s = self
        s.clear()
        return s
    }

    /// Forgets everything counted, keeping the memory where nothing else shares it.
    public mutating func clear() {
        counters = StatsCounters()
        latency.reset()
        clients.reset()
        names.reset()
        topNames.reset()
        topNXDomain.reset()
        topServfail.reset()
        topRefused.reset()
        topTLDs.reset()
        topRegistered.reset()
        topClients.reset()
        topClientBytes.reset()
        slowest.reset()
        since = 0
        lastEvent = 0
    }

    /// The client of an event: a query's source, a response's destination.
    @inlinable
    static func client(_ e: UnsafePointer<DNSEvent>, response: Bool) -> IPAddress {
        response ? e.pointee.destination : e.pointee.source
    }

    /// The hash a client is counted by.
    @inlinable
    static func hash(_ a: IPAddress) -> UInt64 {
        HyperLogLog.mix(a.high &* 0x9E37_79B9_7F4A_7C15 ^ a.low ^ UInt64(a.family.rawValue) << 56)
    }

    /// An address as a table key: its family, then 16 octets.
    @inlinable
    static func writeKey(_ a: IPAddress, _ b: UnsafeMutableRawBufferPointer) -> Int {
        b[0] = a.family.rawValue
        b.storeBytes(of: a.high.bigEndian, toByteOffset: 1, as: UInt64.self)
        b.storeBytes(of: a.low.bigEndian, toByteOffset: 9, as: UInt64.self)
        return 17
    }

    /// The address of a table key.
    public static func address(fromKey k: [UInt8]) -> IPAddress? {
        guard k.count == 17 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for i in 1..<9 { high = high << 8 | UInt64(k[i]) }
        for i in 9..<17 { low = low << 8 | UInt64(k[i]) }
        return k[0] == IPFamily.v4.rawValue ? IPAddress(ipv4: UInt32(truncatingIfNeeded: low)) : IPAddress(ipv6High: high, low: low)
    }
}
