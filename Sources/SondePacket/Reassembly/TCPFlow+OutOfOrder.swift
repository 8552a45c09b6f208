// Segments that arrive ahead of a gap wait in `pending` until the gap fills, within the limits.

extension TCPFlow {
    /// Why a segment ahead of the gap was not stored.
    enum StoreOutcome {
        /// Stored (perhaps trimmed of bytes already held, or of a tail past the window).
        case stored
        /// Every byte was held already.
        case duplicate
        /// It does not fit the window, or too many segments wait: the gap must go first.
        case needsGapSkipped
        /// Nothing of it fits the window and nothing is buffered.
        case beyondWindow
        /// The byte budget is spent.
        case noBudget
    }

    /// Handles a segment whose first byte is `offset` (> 0) bytes past `next`.
    mutating func deliverAhead(
        sequence: UInt32,
        offset: Int,
        timestamp: Int64,
        _ payload: UnsafeRawBufferPointer,
        context: inout TCPFlowContext,
        emit: TCPMessageSink
    ) {
        switch store(offset: offset, timestamp: timestamp, payload, context: &context) {
        case .stored, .duplicate:
            return
        case .needsGapSkipped:
            // Each turn delivers a buffered range, of which there are at most
            // `maxOutOfOrderSegments`, so this recursion is bounded.
            skipHole(reason: .windowFull, context: &context, emit: emit)
            deliver(sequence: sequence, timestamp: timestamp, payload, context: &context, emit: emit)
        case .beyondWindow:
            context.counters.bytesDroppedLimit += payload.count
            farSegments += 1
            if farSegments > context.maxOutOfOrderSegments {
                // The stream went on far past what was lost: join it again here.
                restart(at: sequence, context: &context, emit: emit)
                deliver(sequence: sequence, timestamp: timestamp, payload, context: &context, emit: emit)
            }
        case .noBudget:
            context.counters.bytesDroppedLimit += payload.count
        }
    }

    /// Stores out-of-order data `offset` bytes past `next`, keeping bytes already held.
    mutating func store(offset: Int, timestamp: Int64, _ payload: UnsafeRawBufferPointer, context: inout TCPFlowContext) -> StoreOutcome {
        let window = context.outOfOrderLimit
        guard offset < window else { return ranges.isEmpty ? .beyondWindow : .needsGapSkipped }
        let fitting = min(payload.count, window - offset)
        if ranges.isEmpty {
            pendingBase = next
            pending.removeAll(keepingCapacity: true)
        }
        var consumed = Int(next &- pendingBase)
        if consumed + offset + fitting > window {
            compact(consumed)
            consumed = 0
        }
        let start = consumed + offset
        let end = start + fitting
        let fresh = uncoveredBytes(start, end)
        if fresh == 0 && fitting == payload.count {
            context.counters.segmentsDuplicate += 1
            return .duplicate
        }
        if !ranges.isEmpty && (fitting < payload.count || pendingSegments >= context.maxOutOfOrderSegments) {
            return .needsGapSkipped
        }
        guard pendingSegments < context.maxOutOfOrderSegments else { return .beyondWindow }
        guard reservePending(end, context: &context) else { return .noBudget }
        if fresh < fitting { context.counters.segmentsOverlapping += 1 }
        if fitting < payload.count { context.counters.bytesDroppedLimit += payload.count - fitting }
        if pending.count < end {
            pending.appendZeros(end - pending.count)
        }
        copyUncovered(payload, to: start, end)
        insertRange(Range(start: start, end: end, since: timestamp))
        pendingSegments += 1
        context.counters.segmentsOutOfOrder += 1
        return .stored
    }

    /// Grows `pending` to `end` bytes and `ranges` to one more entry, within the budget.
    mutating func reservePending(_ end: Int, context: inout TCPFlowContext) -> Bool {
        if pending.capacity < end {
            if pending.capacity == 0 { pending = context.bytes.take() }
            // Doubling keeps the copies linear; the window caps it.
            let wanted = min(context.outOfOrderLimit, max(end, pending.capacity * 2, 1024))
            if !context.budget.reserve(&pending, capacity: wanted) {
                context.bytes.drain(budget: &context.budget)
                guard context.budget.reserve(&pending, capacity: end) else { return false }
            }
        }
        if ranges.capacity <= ranges.count {
            if ranges.capacity == 0 { ranges = context.ranges.take() }
            // One range per stored segment at most, plus the one being inserted.
            let wanted = min(context.maxOutOfOrderSegments + 1, max(ranges.count + 1, ranges.capacity * 2, 4))
            guard context.budget.reserve(&ranges, capacity: wanted) else { return false }
        }
        return true
    }

    /// Moves the buffered bytes down so that offset 0 is `next` again.
    mutating func compact(_ consumed: Int) {
        guard consumed > 0 else { return }
        pending.removeFirst(min(consumed, pending.count))
        for i in ranges.indices {
            ranges[i].start -= consumed
            ranges[i].end -= consumed
        }
        pendingBase = next
    }

    /// Bytes of `start ..< end` that no range holds.
    func uncoveredBytes(_ start: Int, _ end: Int) -> Int {
        var fresh = end - start
        for range in ranges where range.start < end && range.end > start {
            fresh -= min(range.end, end) - max(range.start, start)
        }
        return fresh
    }

    /// Copies the bytes of `payload`, which goes at `start ..< end` of `pending`, where no range
    /// holds bytes already.
    mutating func copyUncovered(_ payload: UnsafeRawBufferPointer, to start: Int, _ end: Int) {
        var cursor = start
        var index = 0
        while cursor < end {
            // The next held bytes at or after `cursor`, or `end`.
            while index < ranges.count && ranges[index].end <= cursor { index += 1 }
            let stop = index < ranges.count ? min(max(ranges[index].start, cursor), end) : end
            if stop > cursor {
                let source = UnsafeRawBufferPointer(rebasing: payload[(cursor - start)..<(stop - start)])
                pending.withUnsafeMutableBytes { destination in
                    UnsafeMutableRawBufferPointer(rebasing: destination[cursor..<stop]).copyMemory(from: source)
                }
            }
            guard index < ranges.count else { break }
            cursor = max(stop, ranges[index].end)
        }
    }

    /// Adds a range, merging it with those it overlaps or touches.
    mutating func insertRange(_ range: Range) {
        var merged = range
        var low = 0
        while low < ranges.count && ranges[low].end < range.start { low += 1 }
        var high = low
        while high < ranges.count && ranges[high].start <= range.end {
            merged.start = min(merged.start, ranges[high].start)
            merged.end = max(merged.end, ranges[high].end)
            merged.since = min(merged.since, ranges[high].since)
            high += 1
        }
        ranges.replaceSubrange(low..<high, with: CollectionOfOne(merged))
    }
}
