/// Reassembles DNS messages carried over TCP (RFC 7766: each message behind a 2-byte length) from
/// captured segments, for many connections at once.
///
/// Each direction of a connection is a flow, keyed by its addresses and ports. Feed every TCP
/// segment of the DNS ports to `process`; it calls `emit` once per complete message, in stream
/// order. Segments may come in any order, repeated or overlapping; the first copy of a byte wins.
///
/// ```swift
/// var reassembler = TCPReassembler()
/// reassembler.process(source: p.source, sourcePort: p.sourcePort, destination: p.destination,
///                     destinationPort: p.destinationPort, sequence: p.tcpSequence, flags: p.tcpFlags,
///                     payload: segmentBytes, timestamp: now) { message, reassembled in
///     handle(message)  // valid only during the call
/// }
/// reassembler.expire(now: now)  // every so often
/// ```
///
/// Cost: a segment that holds whole messages and arrives in order allocates and copies nothing: the
/// messages are handed over in place. Only a message cut by a segment end, or data arriving ahead
/// of a gap, is copied into a per-flow buffer; buffers come from a small pool and are reused.
///
/// Memory is bounded whatever the input: at most `maxFlows` flows, `maxBytesPerFlow` buffered bytes
/// each and `maxTotalBytes` in all (buffer capacity, spares included). Bookkeeping outside the
/// buffers is bounded by `maxFlows` too: a flow's table slot is 184 bytes (key 48, state 112, time
/// stamp and list links 16, free-list entry 8) and its hash entry about 70 to 105 bytes (key and slot,
/// 52 bytes, at a load factor of 3/4 to 3/8), so about 275 bytes, 4 more in the list of flows with a
/// hole; a closed flow remembered for its retransmissions about 170. For the default 65,536 flows: at
/// most about 29 MiB. Messages delivered outside their flow's segments wait in `takeFlushedMessages`'s
/// buffer until the caller takes them (after each call): at most what the flows' buffers held.
///
/// Flows joined without their SYN look for a plausible message start first (`DNSMessageBoundary`).
/// A FIN closes the flow once every byte before it was delivered (its FIN sequence number is
/// remembered until the idle timeout, so that retransmissions after it are dropped as duplicates);
/// a RST forgets both directions, after they deliver what they hold whole.
///
/// Holes (bytes missing before data that arrived after them: the capture lost a segment, or it is
/// late) wait to be filled, and are declared lost when the other side acknowledges past them (the
/// receiver has the bytes: no retransmission will come), after `holeTimeoutNanoseconds` of capture
/// time, when the data after them fills the window, or when the flow ends; a lost hole costs only
/// the messages it cut (see `TCPFlow+Holes.swift`).
public struct TCPReassembler: Sendable {
    /// The limits.
    public let configuration: Configuration
    /// The flows, least recently used first in line for eviction.
    var flows: LRUTable<FlowKey, TCPFlow>
    /// Counters, buffers and limits shared by the flows.
    var context: TCPFlowContext
    /// The slots of the flows with a hole (each flow knows its place here), for `expireHoles(now:)`.
    var holeFlows: [Int32] = []
    /// Messages delivered outside their flow's own segments, waiting for `takeFlushedMessages`.
    var flushedMessages: [FlushedMessage] = []
    var flushedBytes: [UInt8] = []
    /// The capture time from which some hole may have waited longer than `holeTimeoutNanoseconds`
    /// (`Int64.max` when no flow has a hole): `expireHoles(now:)` has work only from then on. Reading
    /// it is cheap enough for every segment.
    public internal(set) var holeDeadline = Int64.max

    /// Flows closed by a FIN, with the sequence number of their FIN, remembered for the idle
    /// timeout (at most `maxFlows` of them, oldest forgotten first) so that a retransmission after
    /// the close is recognised instead of starting the flow again and repeating its last messages.
    var closedFlows: LRUTable<FlowKey, UInt32>

    /// Most flows looked at to make room for the buffers of one segment: bounds the work per segment.
    static let maxFlowsScannedForRoom = 64

    /// A reassembler with the given limits.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        flows = LRUTable(vacant: TCPFlow.vacant)
        closedFlows = LRUTable(vacant: 0)
        let messageLimit = configuration.messageLimit
        context = TCPFlowContext(
            messageLimit: messageLimit,
            outOfOrderLimit: configuration.outOfOrderLimit,
            maxOutOfOrderSegments: max(0, configuration.maxOutOfOrderSegmentsPerFlow),
            budget: StorageBudget(limit: configuration.maxTotalBytes),
            // 64 spares of at most 128 KiB: at most 8 MiB, charged to the budget.
            bytes: ArrayPool(maxCount: 64, maxCapacity: 128 * 1024),
            ranges: ArrayPool(maxCount: 64, maxCapacity: max(4, configuration.maxOutOfOrderSegmentsPerFlow + 1))
        )
    }

    /// What happened so far.
    public var counters: Counters { context.counters }
    /// Number of flows tracked.
    public var flowCount: Int { flows.count }
    /// Bytes the flow buffers occupy (capacity, spare buffers included); at most `maxTotalBytes`.
    public var bufferedBytes: Int { context.budget.used }

    /// Feeds one TCP segment of a flow.
    ///
    /// Calls `emit` once per complete DNS message of the segment's flow, in stream order, with the
    /// message bytes (without the 2-byte length prefix) and whether it was delivered from the flow's
    /// buffer (it spanned several segments or waited behind a gap) rather than in place from
    /// `payload`. The bytes are valid only during the call.
    ///
    /// Messages of other flows that the segment lets out (its acknowledgment declared a hole of the
    /// other direction lost, or a flow was evicted to make room) are kept for `takeFlushedMessages`.
    ///
    /// - Parameters:
    ///   - sequence: the segment's sequence number (`DecodedPacket.tcpSequence`).
    ///   - acknowledgment: its acknowledgment number when the ACK bit is set
    ///     (`DecodedPacket.tcpAcknowledgment`), or nil to ignore acknowledgments.
    ///   - flags: its control bits (`DecodedPacket.tcpFlags`).
    ///   - payload: the segment data (the `payloadOffset`/`payloadLength` bytes of the packet).
    ///   - timestamp: capture time in nanoseconds, for holes and `expire(now:)`.
    ///   - tag: a value of the caller's kept with the flow (the last segment's) and handed back with
    ///     its flushed messages (Sonde: the interface and VLAN).
    public mutating func process(
        source: IPAddress,
        sourcePort: UInt16,
        destination: IPAddress,
        destinationPort: UInt16,
        sequence: UInt32,
        acknowledgment: UInt32? = nil,
        flags: TCPFlags,
        payload: UnsafeRawBufferPointer,
        timestamp: Int64,
        tag: UInt32 = 0,
        emit: (UnsafeRawBufferPointer, _ reassembled: Bool) -> Void
    ) {
        let key = FlowKey(source: source, destination: destination, sourcePort: sourcePort, destinationPort: destinationPort)
        if flags.contains(.rst) {
            // The connection is gone both ways; what it holds whole is delivered, the rest forgotten.
            reset(key)
            reset(key.reversed)
            return
        }
        let found = flows.slot(for: key)
        if let acknowledgment, flags.contains(.ack) {
            if let slot = found { flows.values[Int(slot)].noteAcknowledgment(acknowledgment) }
            // The other direction's holes that this acknowledgment passes are lost. Only while some flow has a
            // hole: the lookup costs nothing otherwise.
            if !holeFlows.isEmpty, let other = flows.slot(for: key.reversed), flows.values[Int(other)].hasHole {
                deliverElsewhere(other) { flow, context, emit in
                    flow.skipHoles(acknowledgedUpTo: acknowledgment, context: &context, emit: emit)
                }
                settle(other, stamp: flows.stamps[Int(other)])
            }
        }
        let slot: Int32
        if let found {
            slot = found
            flows.touch(slot, stamp: timestamp)
        } else {
            // Bare ACKs and FINs of unknown flows create nothing.
            let syn = flags.contains(.syn)
            guard syn || !payload.isEmpty, configuration.maxFlows > 0 else { return }
            if let closed = closedFlows.slot(for: key) {
                let end = sequence &+ UInt32(truncatingIfNeeded: payload.count)
                if !syn && Int32(bitPattern: end &- closedFlows.values[Int(closed)]) <= 0 {
                    // Data the flow had before its FIN: a retransmission.
                    context.counters.segmentsDuplicate += 1
                    return
                }
                // A new connection on the same addresses and ports.
                _ = closedFlows.remove(closed)
            }
            while flows.count >= configuration.maxFlows {
                evict(flows.oldest)
            }
            let flow = syn ? TCPFlow(next: sequence &+ 1, syn: true, synSequence: sequence) : TCPFlow(next: sequence, syn: false, synSequence: 0)
            slot = flows.insert(key, value: flow, stamp: timestamp)
            context.counters.flowsCreated += 1
            if !syn { context.counters.resynchronisations += 1 }
            if let acknowledgment, flags.contains(.ack) { flows.values[Int(slot)].noteAcknowledgment(acknowledgment) }
        }
        flows.values[Int(slot)].tag = tag
        if !payload.isEmpty && isShortOfBudget(for: payload.count)
            && flows.values[Int(slot)].needsBuffer(sequence: sequence, flags: flags, payload: payload)
        {
            makeRoom(for: payload.count, sparing: slot)
        }
        _ = flows.values[Int(slot)].receive(
            sequence: sequence, flags: flags, payload: payload, timestamp: timestamp, context: &context, emit: emit)
        if flows.values[Int(slot)].hasHole {
            // A hole the other side already acknowledged past, or one that waited too long, is lost.
            if let other = flows.slot(for: key.reversed), flows.values[Int(other)].sawAck {
                let acknowledged = flows.values[Int(other)].acknowledged
                flows.values[Int(slot)].skipHoles(acknowledgedUpTo: acknowledged, context: &context, emit: emit)
            }
            flows.values[Int(slot)].skipHoles(
                olderThan: Self.deadline(now: timestamp, timeout: configuration.holeTimeoutNanoseconds),
                context: &context, emit: emit)
        }
        settle(slot, stamp: timestamp)
    }

    /// Whether `now - stamp > timeout`, without overflowing on absurd time stamps.
    static func isIdle(since stamp: Int64, now: Int64, timeout: Int64) -> Bool {
        let (age, overflow) = now.subtractingReportingOverflow(stamp)
        return overflow ? now > stamp : age > timeout
    }

    /// What buffering a segment of `count` bytes may take at most, roughly: its flow's buffers can
    /// grow by about twice its size (doubling), and a message buffer starts at 1 KiB; the flow's own
    /// limit caps it.
    func wantedBytes(for count: Int) -> Int {
        min(2 * count + 1024, configuration.maxBytesPerFlow)
    }

    /// Whether buffering a segment of `count` bytes might not fit the budget.
    @inline(__always)
    func isShortOfBudget(for count: Int) -> Bool {
        context.budget.used + wantedBytes(for: count) > context.budget.limit
    }

    /// Before buffering a segment of `count` bytes when the budget is nearly spent: frees the spare
    /// buffers, then evicts the least recently used flows that hold buffers (never `slot`). The
    /// walk looks at `maxFlowsScannedForRoom` flows at most, so the work per segment stays bounded;
    /// when that is not enough the flow's buffering is refused and counted.
    mutating func makeRoom(for count: Int, sparing slot: Int32) {
        let wanted = wantedBytes(for: count)
        context.bytes.drain(budget: &context.budget)
        context.ranges.drain(budget: &context.budget)
        var cursor = flows.oldest
        var scanned = 0
        while context.budget.used + wanted > context.budget.limit && cursor != LRUTable<FlowKey, TCPFlow>.none
            && scanned < Self.maxFlowsScannedForRoom
        {
            let newer = flows.newer(than: cursor)
            if cursor != slot && flows.values[Int(cursor)].heldBytes > 0 {
                evict(cursor)
                // The evicted flow's buffers went to the pools: free them for real.
                context.bytes.drain(budget: &context.budget)
                context.ranges.drain(budget: &context.budget)
            }
            cursor = newer
            scanned += 1
        }
    }

    /// `bufferedBytes` recomputed from the buffers themselves, to check the running total.
    func budgetAudit() -> Int {
        var total = context.bytes.heldBytes + context.ranges.heldBytes
        for flow in flows.values { total += flow.heldBytes }
        return total
    }

    /// Removes a flow to respect a limit, after it delivers what it holds whole, counting it.
    mutating func evict(_ slot: Int32) {
        deliverElsewhere(slot) { flow, context, emit in flow.skipAllHoles(reason: .ended, context: &context, emit: emit) }
        remove(slot)
        context.counters.flowsEvicted += 1
    }

    /// Forgets the flow of `key`, if any, because of a RST, after it delivers what it holds whole.
    mutating func reset(_ key: FlowKey) {
        guard let slot = flows.slot(for: key) else { return }
        deliverElsewhere(slot) { flow, context, emit in flow.skipAllHoles(reason: .ended, context: &context, emit: emit) }
        remove(slot)
        context.counters.flowsReset += 1
    }

    /// Removes a flow, recycling its buffers and counting what they held undelivered.
    mutating func remove(_ slot: Int32) {
        unlistHole(slot)
        var flow = flows.remove(slot)
        context.counters.bytesDiscarded += flow.release(&context)
    }
}

/// One direction of a TCP connection.
struct FlowKey: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var sourcePort: UInt16
    var destinationPort: UInt16

    /// The other direction.
    var reversed: FlowKey {
        FlowKey(source: destination, destination: source, sourcePort: destinationPort, destinationPort: sourcePort)
    }
}
