#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
import NIOCore
public import SondeCore

/// What every connection of one dnstap input shares: the counters of finished connections, the number open,
/// and a rate-limited log (a flood of hostile peers costs a count each, not a line each).
public final class DnstapInputState: Sendable {
    private struct Inner {
        var counters = DnstapCounters()
        var open = 0
        var logSecond = 0
        var linesThisSecond = 0
        var suppressed = 0
        /// Connections whose session has not started, by arrival order: the first to go when the limit is hit.
        var waiting: [ObjectIdentifier: (channel: any Channel, order: Int)] = [:]
        var arrivals = 0
    }

    private let inner = NIOLockedValueBox(Inner())
    /// Lines per second written to the log before the rest are only counted.
    let logLimit = 10
    let logger: @Sendable (String) -> Void

    public init(logger: @escaping @Sendable (String) -> Void) { self.logger = logger }

    /// Counters of the connections that have ended, plus those of the connections refused.
    public var counters: DnstapCounters { inner.withLockedValue { $0.counters } }
    /// Connections open now.
    public var openConnections: Int { inner.withLockedValue { $0.open } }

    /// Admits a new connection. At the limit, the oldest connection that has not started a session (an idle or
    /// stalled peer) is closed to make room; when every open connection is a working session, the new one is
    /// refused. So a flood of idle connections cannot lock real senders out.
    func admit(_ channel: any Channel, limit: Int) -> Bool {
        let (admitted, evict): (Bool, (any Channel)?) = inner.withLockedValue {
            var evict: (any Channel)?
            if $0.open >= limit {
                guard let oldest = $0.waiting.min(by: { $0.value.order < $1.value.order }) else {
                    $0.counters.connectionsRefused += 1
                    return (false, nil)
                }
                $0.waiting[oldest.key] = nil
                $0.counters.connectionsEvicted += 1
                evict = oldest.value.channel
            }
            $0.open += 1
            $0.arrivals += 1
            $0.waiting[ObjectIdentifier(channel)] = (channel, $0.arrivals)
            $0.counters.connectionsAccepted += 1
            return (true, evict)
        }
        evict?.close(promise: nil)
        return admitted
    }

    /// The connection's session started: it is no longer the first to be closed at the limit.
    func started(_ channel: any Channel) {
        inner.withLockedValue { _ = $0.waiting.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    func refuse() { inner.withLockedValue { $0.counters.connectionsRefused += 1 } }

    func connectionEnded(_ channel: any Channel, _ c: DnstapCounters) {
        inner.withLockedValue {
            $0.waiting[ObjectIdentifier(channel)] = nil
            $0.open -= 1
            $0.counters.add(c)
        }
    }

    func log(_ line: String) {
        let now = Int(time(nil))
        let (write, note): (Bool, Int) = inner.withLockedValue {
            if $0.logSecond != now {
                let s = $0.suppressed
                $0.logSecond = now
                $0.linesThisSecond = 0
                $0.suppressed = 0
                $0.linesThisSecond += 1
                return (true, s)
            }
            $0.linesThisSecond += 1
            if $0.linesThisSecond > logLimit {
                $0.suppressed += 1
                return (false, 0)
            }
            return (true, 0)
        }
        if note > 0 { logger("sonde: \(note) more connection messages in the last second were not shown") }
        if write { logger("sonde: \(line)") }
    }
}
