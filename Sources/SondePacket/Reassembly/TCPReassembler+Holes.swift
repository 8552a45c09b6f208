// Holes and flushing: the list of flows with a hole, their expiry, and the messages delivered outside their own
// flow's segments (an acknowledgment from the other direction, an eviction, a timeout, the end of input).

extension TCPReassembler {
    /// After a flow's state changed: closes it when its FIN was reached, and keeps the list of flows
    /// with a hole up to date.
    mutating func settle(_ slot: Int32, stamp: Int64) {
        if flows.values[Int(slot)].isFinished {
            let key = flows.key(at: slot)
            let fin = flows.values[Int(slot)].finSequence
            remove(slot)
            context.counters.flowsClosed += 1
            while closedFlows.count >= configuration.maxFlows {
                _ = closedFlows.remove(closedFlows.oldest)
            }
            _ = closedFlows.insert(key, value: fin, stamp: stamp)
            return
        }
        let hasHole = flows.values[Int(slot)].hasHole
        let listed = flows.values[Int(slot)].holeListIndex >= 0
        if hasHole && !listed {
            flows.values[Int(slot)].holeListIndex = Int32(holeFlows.count)
            holeFlows.append(slot)
            holeDeadline = min(holeDeadline, Self.deadline(after: flows.values[Int(slot)].holeSince, timeout: configuration.holeTimeoutNanoseconds))
        } else if !hasHole && listed {
            unlistHole(slot)
        }
    }

    /// Takes `slot` off the list of flows with a hole.
    mutating func unlistHole(_ slot: Int32) {
        let index = Int(flows.values[Int(slot)].holeListIndex)
        guard index >= 0 else { return }
        let last = holeFlows.removeLast()
        if last != slot {
            holeFlows[index] = last
            flows.values[Int(last)].holeListIndex = Int32(index)
        }
        flows.values[Int(slot)].holeListIndex = -1
    }

    /// Runs `body` on the flow in `slot` with a sink that keeps its messages for
    /// `takeFlushedMessages`, each with the flow's addresses, last time stamp and tag.
    mutating func deliverElsewhere(
        _ slot: Int32, _ body: (inout TCPFlow, inout TCPFlowContext, TCPMessageSink) -> Void
    ) {
        let key = flows.key(at: slot)
        let stamp = flows.stamps[Int(slot)]
        let tag = flows.values[Int(slot)].tag
        var bytes: [UInt8] = []
        var list: [FlushedMessage] = []
        swap(&bytes, &flushedBytes)
        swap(&list, &flushedMessages)
        let before = list.count
        body(&flows.values[Int(slot)], &context) { message, _ in
            list.append(FlushedMessage(key: key, offset: bytes.count, length: message.count, timestamp: stamp, tag: tag))
            bytes.append(contentsOf: message)
        }
        context.counters.messagesFlushed += list.count - before
        swap(&bytes, &flushedBytes)
        swap(&list, &flushedMessages)
    }

    /// Whether messages wait for `takeFlushedMessages`.
    public var hasFlushedMessages: Bool { !flushedMessages.isEmpty }

    /// Hands over, oldest first, the messages delivered outside their own flow's segments: by
    /// `finish()`, `expire(now:)`, an eviction, a RST, or the other direction's acknowledgment. Each
    /// comes with its flow's addresses, the time of the flow's last segment and its tag; the bytes
    /// are valid only during the call.
    public mutating func takeFlushedMessages(_ body: (UnsafeRawBufferPointer, TCPFlowMessage) -> Void) {
        guard !flushedMessages.isEmpty else { return }
        flushedBytes.withUnsafeBytes { all in
            for m in flushedMessages {
                body(
                    UnsafeRawBufferPointer(rebasing: all[m.offset..<(m.offset + m.length)]),
                    TCPFlowMessage(
                        source: m.key.source, destination: m.key.destination, sourcePort: m.key.sourcePort,
                        destinationPort: m.key.destinationPort, timestamp: m.timestamp, tag: m.tag))
            }
        }
        flushedMessages.removeAll(keepingCapacity: flushedMessages.capacity <= 1024)
        // A burst of flushing (the end of input) should not pin its storage for the rest of the run.
        flushedBytes.removeAll(keepingCapacity: flushedBytes.capacity <= 256 * 1024)
    }

    /// The end of the input: every flow delivers what it holds whole (its holes declared lost) and is
    /// forgotten; the messages wait for `takeFlushedMessages`.
    public mutating func finish() {
        while flows.oldest != LRUTable<FlowKey, TCPFlow>.none {
            let slot = flows.oldest
            deliverElsewhere(slot) { flow, context, emit in flow.skipAllHoles(reason: .ended, context: &context, emit: emit) }
            remove(slot)
        }
        while closedFlows.oldest != LRUTable<FlowKey, UInt32>.none {
            _ = closedFlows.remove(closedFlows.oldest)
        }
    }

    /// Drops the flows idle for longer than `idleTimeoutNanoseconds` as of `now`, after they deliver
    /// what they hold whole (kept for `takeFlushedMessages`), counting them and the bytes they held
    /// that made no message; and declares lost the holes older than `holeTimeoutNanoseconds`.
    /// Flows are checked from the least recently used on, and the walk stops at the first one still
    /// fresh: with capture time going forward that finds them all.
    public mutating func expire(now: Int64) {
        while closedFlows.oldest != LRUTable<FlowKey, UInt32>.none {
            let slot = closedFlows.oldest
            guard Self.isIdle(since: closedFlows.stamps[Int(slot)], now: now, timeout: configuration.idleTimeoutNanoseconds) else {
                break
            }
            _ = closedFlows.remove(slot)
        }
        while flows.oldest != LRUTable<FlowKey, TCPFlow>.none {
            let slot = flows.oldest
            guard Self.isIdle(since: flows.stamps[Int(slot)], now: now, timeout: configuration.idleTimeoutNanoseconds) else {
                break
            }
            deliverElsewhere(slot) { flow, context, emit in flow.skipAllHoles(reason: .ended, context: &context, emit: emit) }
            remove(slot)
            context.counters.flowsTimedOut += 1
        }
        expireHoles(now: now)
    }

    /// Declares lost the holes that have waited longer than `holeTimeoutNanoseconds` as of `now`;
    /// the messages after them are kept for `takeFlushedMessages`.
    public mutating func expireHoles(now: Int64) {
        let deadline = Self.deadline(now: now, timeout: configuration.holeTimeoutNanoseconds)
        // Settling a flow changes only its own place on the list: walk a copy.
        for slot in holeFlows where flows.values[Int(slot)].holeSince < deadline {
            deliverElsewhere(slot) { flow, context, emit in flow.skipHoles(olderThan: deadline, context: &context, emit: emit) }
            settle(slot, stamp: flows.stamps[Int(slot)])
        }
        holeDeadline = .max
        for slot in holeFlows {
            holeDeadline = min(holeDeadline, Self.deadline(after: flows.values[Int(slot)].holeSince, timeout: configuration.holeTimeoutNanoseconds))
        }
    }

    /// `since + timeout`, saturating.
    static func deadline(after since: Int64, timeout: Int64) -> Int64 {
        let (value, overflow) = since.addingReportingOverflow(timeout)
        return overflow ? .max : value
    }

    /// `now - timeout`, saturating.
    static func deadline(now: Int64, timeout: Int64) -> Int64 {
        let (value, overflow) = now.subtractingReportingOverflow(timeout)
        return overflow ? .min : value
    }
}

/// A message delivered outside its own flow's segments (`TCPReassembler.takeFlushedMessages`).
public struct TCPFlowMessage: Sendable {
    /// The flow's sender and receiver.
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Capture time of the flow's last segment, in nanoseconds.
    public var timestamp: Int64
    /// The `tag` given with the flow's last segment.
    public var tag: UInt32
}

/// Where a flushed message is in `TCPReassembler.flushedBytes`, and its flow.
struct FlushedMessage {
    var key: FlowKey
    var offset: Int
    var length: Int
    var timestamp: Int64
    var tag: UInt32
}
