// Holes: bytes missing from a flow before data (or a FIN) that arrived after them. A hole either fills
// (the segment was late, or retransmitted) or is declared lost, and then it costs only what it held.

extension TCPFlow {
    /// Why a hole was declared lost.
    enum HoleReason {
        /// The other side acknowledged bytes past it: the receiver has them, no retransmission will come,
        /// so the capture lost them.
        case acknowledged
        /// It waited longer than `TCPReassembler.Configuration.holeTimeoutNanoseconds` of capture time.
        case timedOut
        /// The data after it filled the out-of-order window or the segment limit.
        case windowFull
        /// The flow ended (end of input, eviction, idle timeout, RST, a new connection on its ports).
        case ended
    }

    /// Whether bytes are missing before data or a FIN already received.
    var hasHole: Bool { !ranges.isEmpty || (sawFin && Int32(bitPattern: finSequence &- next) > 0) }

    /// The sequence number where the first hole ends: the first buffered range, or the FIN. The flow has a hole.
    var holeEnd: UInt32 {
        ranges.isEmpty ? finSequence : pendingBase &+ UInt32(truncatingIfNeeded: ranges[0].start)
    }

    /// Capture time since when the first hole has waited at least: it was there when the oldest of the
    /// data after it arrived. The flow has a hole.
    var holeSince: Int64 {
        guard var since = ranges.first?.since else { return finSince }
        for range in ranges.dropFirst() { since = min(since, range.since) }
        return since
    }

    /// Records the acknowledgment number of a segment of this direction.
    mutating func noteAcknowledgment(_ acknowledgment: UInt32) {
        if !sawAck || Int32(bitPattern: acknowledgment &- acknowledged) > 0 {
            acknowledged = acknowledgment
            sawAck = true
        }
    }

    /// Declares the first hole lost: its bytes are counted as skipped, the framing passes over them
    /// (keeping its place when the hole ends inside a message of known length, else looking for the
    /// next message boundary), and the data after it is delivered.
    mutating func skipHole(reason: HoleReason, context: inout TCPFlowContext, emit: TCPMessageSink) {
        let end = holeEnd
        let gap = Int(end &- next)
        context.counters.bytesSkipped += gap
        context.counters.gapBytesSkipped += gap
        context.counters.gapsSkipped += 1
        switch reason {
        case .acknowledged: context.counters.gapsAcknowledged += 1
        case .timedOut: context.counters.gapsTimedOut += 1
        case .windowFull: context.counters.gapsWindowFull += 1
        case .ended: context.counters.gapsAtEnd += 1
        }
        loseBytes(gap, context: &context)
        next = end
        if !ranges.isEmpty { drainFirstRange(context: &context, emit: emit) }
    }

    /// Declares lost every hole that ends at or before `acknowledgment` (the other side's cumulative
    /// acknowledgment number). A hole the acknowledgment only reaches into may still be retransmitted: it waits.
    mutating func skipHoles(acknowledgedUpTo acknowledgment: UInt32, context: inout TCPFlowContext, emit: TCPMessageSink) {
        // An acknowledgment from another connection on the same ports, or a bogus one, is far off: ignored.
        let ahead = acknowledgment &- next
        guard ahead > 0 && ahead < 1 << 30 else { return }
        while hasHole && Int32(bitPattern: acknowledgment &- holeEnd) >= 0 {
            skipHole(reason: .acknowledged, context: &context, emit: emit)
        }
    }

    /// Declares lost the holes that have waited since before `deadline`.
    mutating func skipHoles(olderThan deadline: Int64, context: inout TCPFlowContext, emit: TCPMessageSink) {
        while hasHole && holeSince < deadline {
            skipHole(reason: .timedOut, context: &context, emit: emit)
        }
    }

    /// Declares every hole lost, delivering all the whole messages buffered: the flow ends.
    mutating func skipAllHoles(reason: HoleReason, context: inout TCPFlowContext, emit: TCPMessageSink) {
        while hasHole {
            skipHole(reason: reason, context: &context, emit: emit)
        }
    }
}
