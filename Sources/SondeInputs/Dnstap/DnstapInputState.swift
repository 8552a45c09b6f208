#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers
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

    /// Admits a new connection unless `limit` are open.
    func admit(limit: Int) -> Bool {
        inner.withLockedValue {
            guard $0.open < limit else {
                $0.counters.connectionsRefused += 1
                return false
            }
            $0.open += 1
            $0.counters.connectionsAccepted += 1
            return true
        }
    }

    func refuse() { inner.withLockedValue { $0.counters.connectionsRefused += 1 } }

    func connectionEnded(_ c: DnstapCounters) {
        inner.withLockedValue {
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
