/// What every flow of one `TCPReassembler` shares: its limits, counters, byte budget and spare buffers.
struct TCPFlowContext: Sendable {
    /// The largest framed message a flow assembles (`Configuration.messageLimit`).
    let messageLimit: Int
    /// How far past the next expected byte out-of-order data is kept (`Configuration.outOfOrderLimit`).
    let outOfOrderLimit: Int
    /// The most out-of-order segments a flow holds behind one gap.
    let maxOutOfOrderSegments: Int
    /// The counters the flows update.
    var counters = TCPReassembler.Counters()
    /// Every flow buffer and spare is charged here.
    var budget: StorageBudget
    /// Spare byte buffers.
    var bytes: ArrayPool<UInt8>
    /// Spare lists of out-of-order ranges.
    var ranges: ArrayPool<TCPFlow.Range>
}

/// The callback that receives each message: its bytes (without the length prefix) and whether it
/// came from the flow's buffer.
typealias TCPMessageSink = (UnsafeRawBufferPointer, _ reassembled: Bool) -> Void

/// One direction of a TCP connection: the sequencing of its segments and the DNS framing of its
/// bytes (RFC 7766: a 2-byte length, then the message).
///
/// Two layers. Sequencing turns segments into in-order bytes: a segment at the next expected
/// sequence number goes straight to the framing; one ahead of it waits in `pending` behind the gap;
/// bytes already received are trimmed (the first copy of a byte wins). Framing cuts the in-order
/// bytes into messages: whole messages are passed on in place, and only a message cut by a segment
/// end is copied, into `partial`.
///
/// Sequence numbers compare in serial-number arithmetic (RFC 1982): the signed 32-bit difference,
/// so the stream may wrap past 2^32.
struct TCPFlow {
    /// How the framing stands.
    enum Phase: UInt8 {
        /// The next byte starts a message (or continues the one in `partial`).
        case synced
        /// The position in the stream is unknown: looking for a plausible message start.
        case hunting
        /// Passing over the rest of a message that is not delivered.
        case discarding
    }

    /// Received out-of-order bytes, as offsets in `pending`, and the capture time of the oldest of
    /// them: the hole before the range has waited at least since then.
    struct Range {
        var start: Int
        var end: Int
        var since: Int64
    }

    /// What the reassembler does with the flow after a segment.
    enum Action {
        /// Keep the flow.
        case keep
        /// The FIN was reached: all data before it was delivered; forget the flow.
        case close
    }

    var phase = Phase.hunting
    /// Sequence number of the next in-order byte.
    var next: UInt32 = 0
    /// Whether a SYN was seen, and its sequence number (a retransmitted SYN repeats it).
    var sawSyn = false
    var initialSequence: UInt32 = 0
    /// Whether a FIN was seen, the sequence number it occupies, and when it was seen (a FIN ahead of
    /// `next` ends a hole of its own).
    var sawFin = false
    var finSequence: UInt32 = 0
    var finSince: Int64 = 0
    /// The highest acknowledgment number this direction's sender sent (it acknowledges the other
    /// direction's bytes), when one was seen.
    var sawAck = false
    var acknowledged: UInt32 = 0
    /// The tag of the flow's last segment (`TCPReassembler.process(tag:)`), handed back with
    /// messages delivered outside the flow's own segments.
    var tag: UInt32 = 0
    /// Where the flow is in the reassembler's list of flows with a hole, or -1.
    var holeListIndex: Int32 = -1
    /// Bytes left to pass over in `.discarding`, and whether they count as dropped by a limit
    /// (else as skipped).
    var discardRemaining = 0
    var discardingForLimit = false
    /// The message being assembled, from its length prefix on; while hunting, the last bytes not yet
    /// judged (fewer than `DNSMessageBoundary.bytesNeeded`).
    var partial: [UInt8] = []
    /// Out-of-order bytes; offset 0 is sequence number `pendingBase`. Empty when `ranges` is.
    var pending: [UInt8] = []
    var pendingBase: UInt32 = 0
    /// The filled parts of `pending`, sorted, disjoint and not adjacent, all past `next`.
    var ranges: [Range] = []
    /// Out-of-order segments stored since the flow was last in order.
    var pendingSegments = 0
    /// Segments in a row that fell beyond the out-of-order window with nothing buffered.
    var farSegments = 0

    /// A free slot's value.
    static let vacant = TCPFlow()

    private init() {}

    /// A flow whose next byte is `sequence`: known to start a message after a SYN, to be found by
    /// hunting otherwise.
    init(next sequence: UInt32, syn: Bool, synSequence: UInt32) {
        next = sequence
        phase = syn ? .synced : .hunting
        sawSyn = syn
        initialSequence = synSequence
    }

    /// Handles one segment.
    mutating func receive(
        sequence: UInt32,
        flags: TCPFlags,
        payload: UnsafeRawBufferPointer,
        timestamp: Int64,
        context: inout TCPFlowContext,
        emit: TCPMessageSink
    ) -> Action {
        var dataSequence = sequence
        if flags.contains(.syn) {
            // The SYN occupies one sequence number; data (TCP Fast Open) follows it.
            dataSequence = sequence &+ 1
            if !sawSyn || initialSequence != sequence {
                // A new connection on the same addresses and ports (or the SYN of a flow joined
                // first by its data): what the old one holds whole is delivered, then start over.
                // A retransmitted SYN changes nothing.
                skipAllHoles(reason: .ended, context: &context, emit: emit)
                context.counters.bytesDiscarded += release(&context)
                let (list, lastTag) = (holeListIndex, tag)
                self = TCPFlow(next: dataSequence, syn: true, synSequence: sequence)
                (holeListIndex, tag) = (list, lastTag)
            }
        }
        if !payload.isEmpty {
            deliver(sequence: dataSequence, timestamp: timestamp, payload, context: &context, emit: emit)
        }
        if flags.contains(.fin) && !sawFin {
            sawFin = true
            finSequence = dataSequence &+ UInt32(truncatingIfNeeded: payload.count)
            finSince = timestamp
        }
        return isFinished ? .close : .keep
    }

    /// Whether every byte before the FIN was delivered (serial comparison: bogus data past the FIN
    /// must not keep the flow open).
    var isFinished: Bool { sawFin && Int32(bitPattern: next &- finSequence) >= 0 }

    /// Whether the segment may need buffer space: anything but whole messages arriving in order on
    /// a flow with nothing buffered. Asked only when the budget runs short, before making room.
    func needsBuffer(sequence: UInt32, flags: TCPFlags, payload: UnsafeRawBufferPointer) -> Bool {
        guard phase == .synced, partial.isEmpty, ranges.isEmpty, !flags.contains(.syn), sequence == next else { return true }
        var framer = DNSOverTCPFramer(payload)
        while framer.next() != nil {}
        return framer.remainingBytes > 0
    }

    /// Bytes the flow's buffers occupy.
    var heldBytes: Int {
        StorageBudget.bytes(partial) + StorageBudget.bytes(pending) + StorageBudget.bytes(ranges)
    }

    /// Frees the buffers into the pools and returns how many received bytes they held undelivered.
    mutating func release(_ context: inout TCPFlowContext) -> Int {
        var held = partial.count
        for range in ranges { held += range.end - range.start }
        context.bytes.recycle(&partial, budget: &context.budget)
        context.bytes.recycle(&pending, budget: &context.budget)
        context.ranges.recycle(&ranges, budget: &context.budget)
        pendingSegments = 0
        return held
    }

    /// Places a segment's data in the stream.
    mutating func deliver(
        sequence: UInt32,
        timestamp: Int64,
        _ payload: UnsafeRawBufferPointer,
        context: inout TCPFlowContext,
        emit: TCPMessageSink
    ) {
        let offset = Int(Int32(bitPattern: sequence &- next))
        if offset <= 0 {
            let overlap = -offset
            if overlap >= payload.count {
                context.counters.segmentsDuplicate += 1
                return
            }
            if overlap > 0 { context.counters.segmentsOverlapping += 1 }
            farSegments = 0
            deliverInOrder(UnsafeRawBufferPointer(rebasing: payload[overlap...]), context: &context, emit: emit)
        } else {
            deliverAhead(sequence: sequence, offset: offset, timestamp: timestamp, payload, context: &context, emit: emit)
        }
    }

    /// Frames bytes that start at `next`; buffered bytes they reach take precedence (they came first).
    mutating func deliverInOrder(_ bytes: UnsafeRawBufferPointer, context: inout TCPFlowContext, emit: TCPMessageSink) {
        var chunk = bytes
        var overlapCounted = false
        while !chunk.isEmpty {
            guard let first = ranges.first else {
                frame(chunk, buffered: false, context: &context, emit: emit)
                next &+= UInt32(truncatingIfNeeded: chunk.count)
                return
            }
            let before = first.start - Int(next &- pendingBase)
            if chunk.count < before {
                frame(chunk, buffered: false, context: &context, emit: emit)
                next &+= UInt32(truncatingIfNeeded: chunk.count)
                return
            }
            frame(UnsafeRawBufferPointer(rebasing: chunk[..<before]), buffered: false, context: &context, emit: emit)
            next &+= UInt32(truncatingIfNeeded: before)
            let covered = min(chunk.count - before, first.end - first.start)
            if covered > 0 && !overlapCounted {
                context.counters.segmentsOverlapping += 1
                overlapCounted = true
            }
            drainFirstRange(context: &context, emit: emit)
            chunk = UnsafeRawBufferPointer(rebasing: chunk[(before + covered)...])
        }
    }

    /// Frames the first buffered range, which starts at `next`, and forgets it.
    mutating func drainFirstRange(context: inout TCPFlowContext, emit: TCPMessageSink) {
        let first = ranges.removeFirst()
        var store: [UInt8] = []
        swap(&store, &pending)
        store.withUnsafeBytes { raw in
            frame(UnsafeRawBufferPointer(rebasing: raw[first.start..<first.end]), buffered: true, context: &context, emit: emit)
        }
        swap(&store, &pending)
        next = pendingBase &+ UInt32(truncatingIfNeeded: first.end)
        if ranges.isEmpty {
            // Back in order: the out-of-order storage goes back to the pools.
            context.bytes.recycle(&pending, budget: &context.budget)
            context.ranges.recycle(&ranges, budget: &context.budget)
            pendingSegments = 0
        }
    }

    /// Delivers what is buffered whole, forgets the rest and looks for a message start from
    /// `sequence` on: the flow is too far from where the segments arrive to ever catch up.
    mutating func restart(at sequence: UInt32, context: inout TCPFlowContext, emit: TCPMessageSink) {
        skipAllHoles(reason: .windowFull, context: &context, emit: emit)
        context.counters.bytesDiscarded += release(&context)
        next = sequence
        farSegments = 0
        startHunting(context: &context)
    }
}
