public import Logging

/// Sonde's logger: swift-log underneath, with repeated messages rate-limited.
///
/// A message that repeats (a peer sending garbage every millisecond, a disk that stays full) is logged at most
/// ``burst`` times per ``window`` seconds for its key; the next one to get through says how many were held back.
/// Messages are never built per event on the hot path: components log on state changes and failures only.
public struct SondeLog: Sendable {
    /// The swift-log logger (components may add metadata).
    public var logger: Logger
    let limiter: RateLimiter

    /// A logger labelled `label`, limited to `burst` messages per key and `window` seconds.
    public init(_ logger: Logger, burst: Int = 10, window: Double = 10) {
        self.logger = logger
        limiter = RateLimiter(burst: burst, window: window)
    }

    /// A logger that writes nothing (tests).
    public static var quiet: SondeLog {
        var l = Logger(label: "sonde", factory: { _ in SwiftLogNoOpLogHandler() })
        l.logLevel = .critical
        return SondeLog(l)
    }

    /// Logs `message` at `level`, unless its key (the message itself by default) has been logged too often lately.
    public func log(_ level: Logger.Level, _ message: @autoclosure () -> String, key: String? = nil, metadata: Logger.Metadata? = nil) {
        guard logger.logLevel <= level else { return }
        let text = message()
        switch limiter.admit(key ?? text) {
        case .no: return
        case .yes(let held):
            var m = metadata ?? [:]
            if held > 0 { m["suppressed"] = "\(held)" }
            logger.log(level: level, "\(text)", metadata: m.isEmpty ? nil : m)
        }
    }

    public func debug(_ message: @autoclosure () -> String, key: String? = nil) { log(.debug, message(), key: key) }
    public func info(_ message: @autoclosure () -> String, key: String? = nil) { log(.info, message(), key: key) }
    public func notice(_ message: @autoclosure () -> String, key: String? = nil) { log(.notice, message(), key: key) }
    public func warning(_ message: @autoclosure () -> String, key: String? = nil) { log(.warning, message(), key: key) }
    public func error(_ message: @autoclosure () -> String, key: String? = nil) { log(.error, message(), key: key) }
}

/// Counts messages per key in fixed windows.
final class RateLimiter: @unchecked Sendable {
    enum Verdict { case yes(held: Int), no }
    private struct Entry {
        var windowStart: Double
        var count: Int
        var held: Int
    }

    private let burst: Int
    private let window: Double
    private let lock = ConditionLock()
    private var entries: [String: Entry] = [:]

    init(burst: Int, window: Double) {
        self.burst = burst
        self.window = window
    }

    func admit(_ key: String) -> Verdict {
        let now = SondeThread.now()
        return lock.withLock {
            // Keys are few (one per kind of message); forget them all if a bug ever made them many.
            if entries.count > 10_000 { entries.removeAll() }
            var e = entries[key] ?? Entry(windowStart: now, count: 0, held: 0)
            if now - e.windowStart >= window {
                e.windowStart = now
                e.count = 0
            }
            e.count += 1
            if e.count > burst {
                e.held += 1
                entries[key] = e
                return .no
            }
            let held = e.held
            e.held = 0
            entries[key] = e
            return .yes(held: held)
        }
    }
}
