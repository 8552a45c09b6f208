import Histogram
import Foundation
import SondeCore

/// Pushes the statistics to a statsd server over UDP every interval, as dnsmonster does: counters as the
/// difference since the last push (`name:N|c`), rates, estimates and percentiles as gauges (`name:N|g`). Each
/// datagram holds whole lines and stays under 1,400 octets (one Ethernet frame). A lost datagram is lost (UDP),
/// but counted: sends that fail are in ``failures``.
final class StatsdPusher: @unchecked Sendable {
    let fd: Int32
    let address: sockaddr_storage
    let length: socklen_t
    let prefix: String
    var last: [String: UInt64] = [:]
    private(set) var sent = 0
    private(set) var failures = 0
    /// Pushes come from a timer and, at the end, from the main thread.
    private let lock = NSLock()

    init(endpoint: SocketEndpoint, prefix: String) throws {
        guard case .tcp(let host, let port) = endpoint else { throw SondeError("statsd: host:port") }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { throw SondeError("statsd: cannot resolve \(host)") }
        defer { freeaddrinfo(list) }
        var storage = sockaddr_storage()
        memcpy(&storage, first.pointee.ai_addr, Int(first.pointee.ai_addrlen))
        address = storage
        length = first.pointee.ai_addrlen
        fd = socket(first.pointee.ai_family, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw SondeError("statsd: cannot open a UDP socket") }
        self.prefix = prefix.isEmpty ? "" : prefix + "."
    }

    deinit { close(fd) }

    /// One push: every counter's growth since the last, and the gauges.
    func push(_ stats: StatsStore) {
        lock.lock()
        defer { lock.unlock() }
        let c = stats.totals
        var lines: [String] = []
        func counter(_ name: String, _ value: UInt64) {
            let delta = value &- (last[name] ?? 0)
            last[name] = value
            if delta > 0 { lines.append("\(prefix)\(name):\(delta)|c") }
        }
        func gauge(_ name: String, _ value: UInt64) { lines.append("\(prefix)\(name):\(value)|g") }
        counter("messages", c.messages)
        counter("queries", c.queries)
        counter("responses", c.responses)
        counter("malformed", c.malformed)
        counter("unanswered", c.unanswered)
        counter("bytes_in", c.bytesIn)
        counter("bytes_out", c.bytesOut)
        counter("family.ipv4", c.family[0])
        counter("family.ipv6", c.family[1])
        for t in TransportProtocol.allCases { counter("protocol.\("\(t.name)".lowercased())", c.transport[Int(t.rawValue)]) }
        for (code, count) in c.rcodes { counter("rcode.\(SummaryReport.rcodeName(code))", count) }
        for (code, count) in c.qtypes { counter("qtype.\(SummaryReport.qtypeName(code))", count) }
        for (bucket, count) in zip(StatsCounters.latencyBuckets, c.latency) { counter("latency.\(bucket.name)", count) }
        let s = stats.snapshot()
        gauge("clients", s.clients.estimate)
        gauge("domains", s.names.estimate)
        let r = stats.rate
        gauge("queries_per_second", UInt64(r.queries.rounded()))
        gauge("responses_per_second", UInt64(r.responses.rounded()))
        if s.latency.totalCount > 0 {
            gauge("latency_us.p50", s.latency.valueAtPercentile(50))
            gauge("latency_us.p99", s.latency.valueAtPercentile(99))
        }
        var datagram = ""
        for line in lines {
            if !datagram.isEmpty && datagram.utf8.count + line.utf8.count + 1 > 1400 {
                send(datagram)
                datagram = ""
            }
            datagram += datagram.isEmpty ? line : "\n" + line
        }
        if !datagram.isEmpty { send(datagram) }
    }

    private func send(_ text: String) {
        var a = address
        let n = text.utf8.withContiguousStorageIfAvailable { b in
            withUnsafePointer(to: &a) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, b.baseAddress, b.count, 0, $0, length) }
            }
        } ?? -1
        if n < 0 { failures += 1 } else { sent += 1 }
    }
}
