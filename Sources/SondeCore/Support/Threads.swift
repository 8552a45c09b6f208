#if canImport(Glibc)
import Glibc
#endif
// `timespec` is owned by CoreFoundation's clang module in this module's graph (Foundation comes with Yams and
// HdrHistogram), so its members need that import to be visible; nothing else of it is used.
import CoreFoundation

/// A mutex with a condition variable, for the few places where a thread must wait for another (an output's
/// queue): pthread's, with the waits measured on the monotonic clock.
///
/// Both live in memory of their own (pthread objects must not move).
public final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    @inline(__always) public func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) public func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` with the lock held.
    @inline(__always)
    public func withLock<R>(_ body: () throws -> R) rethrows -> R {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Waits (the lock held) until signalled, or until `seconds` pass; returns false on timeout.
    @discardableResult
    public func wait(seconds: Double? = nil) -> Bool {
        guard let seconds else {
            pthread_cond_wait(condition, mutex)
            return true
        }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let total = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + max(0, seconds)
        var deadline = timespec(tv_sec: Int(total), tv_nsec: Int((total - Double(Int(total))) * 1e9))
        return pthread_cond_timedwait(condition, mutex, &deadline) == 0
    }

    /// Wakes every waiter.
    public func broadcast() { pthread_cond_broadcast(condition) }
}

/// A thread started by ``SondeThread/spawn(name:_:)``.
public struct ThreadHandle: @unchecked Sendable {
    let thread: pthread_t

    /// Waits for the thread to end.
    public func join() { pthread_join(thread, nil) }
    /// Lets the thread end on its own (nobody will wait for it).
    public func detach() { pthread_detach(thread) }
}

/// Threads of Sonde's own (capture rings, output workers): plain pthreads, so a blocking `write(2)` or a
/// spinning ring never holds a thread of a shared pool.
public enum SondeThread {
    final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread named `name` (15 characters at most show in `top -H`).
    public static func spawn(name: String, _ body: @escaping () -> Void) throws -> ThreadHandle {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw SondeError("cannot start a thread for \(name): \(String(cString: strerror(status)))")
        }
        return ThreadHandle(thread: thread)
    }

    /// Seconds on the monotonic clock.
    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Nanoseconds since the epoch (UTC).
    public static func wallClockNanoseconds() -> Int64 {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }
}
