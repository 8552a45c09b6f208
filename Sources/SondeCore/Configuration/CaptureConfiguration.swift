/// One live capture (`inputs:` with `kind: capture`, or `sonde run --interface`).
public struct CaptureConfiguration: Sendable, Equatable {
    /// The interface to capture on (`eth0`, `lo`).
    public var interface: String
    /// A tcpdump-style filter compiled by libpcap and run in the kernel; nil keeps the DNS ports and IP fragments.
    public var filter: String?
    /// Whether the interface is put in promiscuous mode while Sonde captures.
    public var promiscuous = true
    /// Capture threads sharing the interface through `PACKET_FANOUT` (flows stay on one thread).
    public var fanout = 1
    /// The ring: blocks of `blockSize` octets (a power of two, at least a page), `blockCount` of them; the kernel
    /// hands a block over when it is full or `blockTimeout` milliseconds after its first packet.
    public var blockSize = 1 << 20
    public var blockCount = 32
    public var blockTimeout = 100
    /// Process `sample.keep` packets of every `sample.of` (after the filter); nil processes all.
    public var sample: Sampling?
    /// Drop a packet identical (from the IP header on, TTL aside) to one seen within this many milliseconds;
    /// 0 switches deduplication off.
    public var dedupWindow = 0

    /// `a:b`: keep a packets of every b.
    public struct Sampling: Sendable, Equatable, CustomStringConvertible {
        public var keep: Int
        public var of: Int

        public init(keep: Int, of: Int) {
            self.keep = keep
            self.of = of
        }

        /// Parses `a:b` with 1 ≤ a ≤ b.
        public init(parsing text: String) throws {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a >= 1, b >= a, b <= 1_000_000 else {
                throw SondeError("sampling must be a:b with 1 <= a <= b <= 1000000 (keep a of every b packets), not \"\(text)\"")
            }
            self.init(keep: a, of: b)
        }

        public var description: String { "\(keep):\(of)" }
    }

    public init(interface: String) { self.interface = interface }

    /// The filter used when none is given: the DNS ports, and IP fragments (which carry no port).
    public static func defaultFilter(ports: [UInt16]) -> String {
        let p = ports.map { "port \($0)" }.joined(separator: " or ")
        return "(\(p)) or (ip[6:2] & 0x1fff != 0) or (ip6[6] == 44)"
    }

    /// Problems with the numbers, one message each.
    public var problems: [String] {
        var out: [String] = []
        if interface.isEmpty || interface.utf8.count > 15 { out.append("interface names are 1-15 characters") }
        if !(1...64).contains(fanout) { out.append("fanout must be 1-64 threads") }
        if blockSize < 4096 || blockSize > (1 << 30) || blockSize & (blockSize - 1) != 0 {
            out.append("block_size must be a power of two from 4096 to 1073741824 octets")
        }
        if !(2...65_536).contains(blockCount) { out.append("block_count must be 2-65536") }
        if !(1...10_000).contains(blockTimeout) { out.append("block_timeout must be 1-10000 milliseconds") }
        if !(0...3_600_000).contains(dedupWindow) { out.append("dedup_window must be 0-3600000 milliseconds") }
        return out
    }
}
