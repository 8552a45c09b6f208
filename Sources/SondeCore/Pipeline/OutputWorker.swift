#if canImport(Glibc)
import Glibc
#endif
public import SondeDNS

/// What an output does when its queue is full.
public enum QueuePolicy: String, Sendable, CaseIterable {
    /// Wait for room: the producer is slowed (dnstap senders through TCP, a capture's ring then counts kernel
    /// drops). Nothing is dropped by this output.
    case block
    /// Drop the events for this output only, and count them.
    case drop
}

/// One output's worker: a bounded queue of encoded chunks and the thread that hands them to the writer.
///
/// Producers (any thread) admit a batch's selected events (`admit`), encode them into chunks of bytes on their own
/// thread, and submit the chunks; the worker thread writes them. The queue is bounded by events and by bytes: a
/// full queue blocks the producer or drops the batch for this output alone, as the policy says, and every event
/// ends in exactly one counter: in = written + filtered + dropped + failed + pending.
public final class OutputWorker: @unchecked Sendable {
    /// The output's name (`name:` in the configuration; defaults to its kind and index).
    public let name: String
    public let kind: String
    let policy: QueuePolicy
    let capacityEvents: Int
    let capacityBytes: Int
    /// Bytes at which a producer hands a chunk over mid-batch, so a chunk stays small enough for the cache.
    public let chunkLimit: Int
    /// Whether chunks carry where each event ends.
    let eventBoundaries: Bool
    private let writer: any ChunkWriter
    private let log: SondeLog
    private let lock = ConditionLock()
    // All below under `lock`.
    private var queue: [Chunk] = []
    private var head = 0
    private var free: [Chunk] = []
    private var counters = OutputCounters()
    private var queuedBytes = 0
    private var stopping = false
    private var reopenRequested = false
    private var gone = false
    private var done = false
    private var abandoned = false
    /// After this (monotonic seconds) a producer waiting for room gives up and drops (the run is stopping).
    private var drainDeadline = Double.infinity
    private var thread: ThreadHandle?

    public init(
        name: String, kind: String, writer: any ChunkWriter, policy: QueuePolicy, capacityEvents: Int,
        capacityBytes: Int, chunkLimit: Int = 1 << 17, eventBoundaries: Bool = false, log: SondeLog
    ) {
        self.eventBoundaries = eventBoundaries
        self.name = name
        self.kind = kind
        self.writer = writer
        self.policy = policy
        self.capacityEvents = max(capacityEvents, 1)
        self.capacityBytes = max(capacityBytes, chunkLimit)
        self.chunkLimit = chunkLimit
        self.log = log
    }

    /// Starts the worker thread.
    public func start() throws {
        thread = try SondeThread.spawn(name: "out-\(name)") { [self] in run() }
    }

    /// The counters now.
    public var snapshot: OutputCounters {
        lock.withLock {
            var c = counters
            c.queueBytes = UInt64(queuedBytes)
            return c
        }
    }

    /// Whether the writer can take nothing more (its reader has gone).
    public var isGone: Bool { lock.withLock { gone } }

    // MARK: Producer side

    /// Counts `incoming` events offered to this output, of which `selected` passed its filters, and reserves room
    /// for them; false when the policy drops them (counted), true when they may be encoded and submitted.
    public func admit(incoming: Int, selected: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        counters.eventsIn &+= UInt64(incoming)
        counters.filtered &+= UInt64(incoming - selected)
        guard selected > 0 else { return false }
        if gone {
            counters.dropped &+= UInt64(selected)
            return false
        }
        while counters.pending > 0 && Int(counters.pending) + selected > capacityEvents {
            if policy == .drop || gone || SondeThread.now() > drainDeadline {
                counters.dropped &+= UInt64(selected)
                counters.droppedBatches &+= 1
                return false
            }
            counters.blockedWaits &+= 1
            lock.wait(seconds: 0.5)
        }
        counters.pending &+= UInt64(selected)
        return true
    }

    /// Takes the bytes of `events` admitted events from `out` (leaving it empty, with recycled storage).
    func submit(_ out: inout OutputBuffer, events: Int, ends: inout [Int32]) {
        guard events > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        while queuedBytes > 0 && queuedBytes + out.count > capacityBytes {
            if policy == .drop || gone || SondeThread.now() > drainDeadline {
                counters.pending &-= UInt64(events)
                counters.dropped &+= UInt64(events)
                counters.droppedBatches &+= 1
                out.removeAll()
                ends.removeAll(keepingCapacity: true)
                return
            }
            counters.blockedWaits &+= 1
            lock.wait(seconds: 0.5)
        }
        let chunk = free.popLast() ?? Chunk()
        chunk.events = events
        chunk.buffer.removeAll()
        out.swapStorage(with: &chunk.buffer)
        chunk.ends.removeAll(keepingCapacity: true)
        swap(&chunk.ends, &ends)
        queuedBytes += chunk.buffer.count
        queue.append(chunk)
        lock.broadcast()
    }

    /// Gives back room admitted but not used (an encoder that wrote fewer events than it was given).
    func release(events: Int) {
        guard events > 0 else { return }
        lock.withLock {
            counters.pending &-= UInt64(events)
            counters.dropped &+= UInt64(events)
            lock.broadcast()
        }
    }

    // MARK: Control

    /// SIGHUP: the writer reopens (on its own thread).
    public func requestReopen() {
        lock.withLock {
            reopenRequested = true
            lock.broadcast()
        }
    }

    /// From now on, producers that wait for room give up at `deadline` (monotonic seconds) and drop: the run is
    /// stopping, and a stuck output must not keep the inputs from stopping.
    public func beginShutdown(deadline: Double) {
        lock.withLock {
            drainDeadline = deadline
            lock.broadcast()
        }
    }

    /// Tells the worker to write what is queued and close, without waiting for it: the pipeline tells every output
    /// before it waits for any, so that a stuck one does not use up the others' time.
    public func requestFinish(deadline: Double) {
        lock.withLock {
            stopping = true
            drainDeadline = min(drainDeadline, deadline)
            lock.broadcast()
        }
    }

    /// Writes what is queued and closes the writer, waiting at most until `deadline` (monotonic seconds). A writer
    /// still stuck then (a reader that never reads) is abandoned: what it had not written is counted as dropped.
    public func finish(deadline: Double) {
        let finished: Bool = lock.withLock {
            stopping = true
            drainDeadline = min(drainDeadline, deadline)
            lock.broadcast()
            while !done && SondeThread.now() < deadline { lock.wait(seconds: 0.05) }
            if !done {
                abandoned = true
                counters.dropped &+= counters.pending
                counters.pending = 0
                queue.removeAll()
                queuedBytes = 0
            }
            return done
        }
        guard let thread else { return }
        self.thread = nil
        if finished {
            thread.join()
        } else {
            thread.detach()
            log.warning("output \(name): still writing when the run ended; what it had not written is counted as dropped", key: "abandon \(name)")
        }
    }

    // MARK: Worker thread

    private func run() {
        var batch: [Chunk] = []
        var lastIdle = SondeThread.now()
        while true {
            var reopen = false
            var finished = false
            lock.lock()
            while head == queue.count && !stopping && !reopenRequested {
                let wait = writer.tickInterval - (SondeThread.now() - lastIdle)
                if wait <= 0 { break }
                lock.wait(seconds: wait)
            }
            if head < queue.count {
                batch.append(contentsOf: queue[head...])
                queue.removeAll(keepingCapacity: true)
                head = 0
            } else if stopping {
                finished = true
            }
            reopen = reopenRequested
            reopenRequested = false
            lock.unlock()
            if reopen {
                do { try writer.reopen() } catch { log.error("output \(name): cannot reopen: \(error)", key: "reopen \(name)") }
            }
            var written = 0, failed = 0, bytes = 0
            for chunk in batch {
                let ok = chunk.buffer.withBytes { b -> Bool in
                    do {
                        if eventBoundaries {
                            try chunk.ends.withUnsafeBufferPointer { try writer.write(EncodedChunk(bytes: b, events: chunk.events, ends: $0)) }
                        } else {
                            try writer.write(EncodedChunk(bytes: b, events: chunk.events))
                        }
                        return true
                    } catch {
                        log.error("output \(name): \(error)", key: "write \(name)")
                        return false
                    }
                }
                if ok { written += chunk.events } else { failed += chunk.events }
                bytes += chunk.buffer.count
            }
            let isGone = writer.isGone
            lock.withLock {
                guard !abandoned else { return }
                counters.written &+= UInt64(written)
                counters.failed &+= UInt64(failed)
                counters.bytesWritten &+= UInt64(bytes)
                counters.pending &-= UInt64(written + failed)
                queuedBytes -= bytes
                for chunk in batch where free.count < 64 { free.append(chunk) }
                if isGone { gone = true }
                lock.broadcast()
            }
            batch.removeAll(keepingCapacity: true)
            if finished {
                do { try writer.close() } catch { log.error("output \(name): \(error)", key: "close \(name)") }
                let lost = UInt64(max(0, writer.undelivered))
                lock.withLock {
                    let moved = min(lost, counters.written)
                    counters.written -= moved
                    counters.failed += moved
                    done = true
                    lock.broadcast()
                }
                return
            }
            if lock.withLock({ head == queue.count }) {
                do { try writer.idle() } catch { log.error("output \(name): \(error)", key: "idle \(name)") }
                lastIdle = SondeThread.now()
            }
        }
    }
}

/// A piece of encoded output on its way to the writer: whole events only.
final class Chunk {
    var buffer = OutputBuffer(capacity: 1 << 12)
    var events = 0
    var ends: [Int32] = []
}

/// Hands a producer's encoded bytes to an output's worker, a chunk at a time.
public struct ChunkSink {
    @usableFromInline var events = 0
    @usableFromInline let limit: Int
    @usableFromInline var submitted = 0
    @usableFromInline let worker: OutputWorker
    @usableFromInline let recordsEnds: Bool
    @usableFromInline var ends: [Int32] = []

    init(worker: OutputWorker) {
        self.worker = worker
        limit = worker.chunkLimit
        recordsEnds = worker.eventBoundaries
    }

    /// Says one more event has been appended to `out`; past the chunk size the bytes go to the worker.
    @inlinable @inline(__always)
    public mutating func eventWritten(_ out: inout OutputBuffer) {
        events &+= 1
        if recordsEnds { ends.append(Int32(truncatingIfNeeded: out.count)) }
        if out.count >= limit { handOff(&out) }
    }

    @usableFromInline
    mutating func handOff(_ out: inout OutputBuffer) {
        worker.submit(&out, events: events, ends: &ends)
        submitted &+= events
        events = 0
    }

    /// Hands over what is left after a batch, and gives back room for events never written.
    mutating func end(_ out: inout OutputBuffer, admitted: Int) {
        if events > 0 {
            handOff(&out)
        } else {
            out.removeAll()
            ends.removeAll(keepingCapacity: true)
        }
        worker.release(events: admitted - submitted)
        submitted = 0
    }
}

/// One output's counters: every event offered to it ends in one of them.
public struct OutputCounters: Sendable, Equatable {
    /// Events offered to the output (after the global stage).
    public var eventsIn: UInt64 = 0
    /// Left out by the output's own filters.
    public var filtered: UInt64 = 0
    /// Dropped because the queue was full (policy `drop`), the output had gone, or the run ended first.
    public var dropped: UInt64 = 0
    /// Handed to the writer, which failed to write them (counted, logged).
    public var failed: UInt64 = 0
    /// Written.
    public var written: UInt64 = 0
    /// In the queue or being encoded now.
    public var pending: UInt64 = 0
    /// Bytes written, and bytes waiting in the queue now.
    public var bytesWritten: UInt64 = 0
    public var queueBytes: UInt64 = 0
    /// Times the queue was full: a batch dropped (policy drop), or a producer made to wait (policy block).
    public var droppedBatches: UInt64 = 0
    public var blockedWaits: UInt64 = 0

    public init() {}

    /// The counters as (name, value) for the summary and `/metrics`.
    public var fields: [(String, UInt64)] {
        [
            ("events_in", eventsIn), ("written", written), ("filtered", filtered), ("dropped", dropped),
            ("failed", failed), ("pending", pending), ("bytes_written", bytesWritten),
        ]
    }
}
