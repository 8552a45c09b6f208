#if canImport(Glibc)
import Glibc
#endif

/// Where components register what they reload: on SIGHUP (files reopened, lists and databases read again) and on
/// a timer (a list file that changed, a list fetched from a URL every so often).
///
/// Reloads run on the hub's own thread, never on a producer's: a component builds the new state there and swaps
/// it in at once, keeping the old state when the new one fails to load, so the pipeline never pauses.
public final class ReloadHub: @unchecked Sendable {
    private let lock = ConditionLock()
    private var onSignal: [@Sendable () -> Void] = []
    private var onTick: [@Sendable (Double) -> Void] = []
    private var thread: ThreadHandle?
    private var stopping = false
    private var signalled = false

    public init() {}

    /// `body` runs on SIGHUP.
    public func onReload(_ body: @escaping @Sendable () -> Void) { lock.withLock { onSignal.append(body) } }

    /// `body` runs about once a second with the monotonic time (it decides itself whether anything is due).
    public func onTimer(_ body: @escaping @Sendable (Double) -> Void) { lock.withLock { onTick.append(body) } }

    /// Asks for a reload (SIGHUP); it runs on the hub's thread.
    public func reload() {
        lock.withLock {
            signalled = true
            lock.broadcast()
        }
    }

    /// Runs every reload now, on the caller's thread (tests, `sonde read`).
    public func reloadNow() {
        for body in lock.withLock({ onSignal }) { body() }
    }

    /// Starts the hub's thread, when anything is registered.
    public func start() throws {
        guard lock.withLock({ !onSignal.isEmpty || !onTick.isEmpty }) else { return }
        thread = try SondeThread.spawn(name: "reload") { [self] in run() }
    }

    public func stop() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
        thread?.join()
        thread = nil
    }

    private func run() {
        while true {
            lock.lock()
            if !signalled && !stopping { lock.wait(seconds: 1) }
            let (stop, signal) = (stopping, signalled)
            signalled = false
            let (s, t) = (onSignal, onTick)
            lock.unlock()
            if stop { return }
            if signal { for body in s { body() } }
            let now = SondeThread.now()
            for body in t { body(now) }
        }
    }
}
