// The framing layer: in-order stream bytes in, DNS messages out (RFC 7766 section 8).

extension TCPFlow {
    /// The most bytes a flow keeps in `partial` once a message is done: enough for the next
    /// ordinary response without going back to the pool; larger buffers return to it.
    static let retainedCapacity = 4096

    /// Cuts in-order bytes into messages and hands each to `emit`.
    ///
    /// - Parameter buffered: the bytes come from the flow's out-of-order buffer, so messages taken
    ///   from them whole are still reported as reassembled.
    mutating func frame(
        _ chunk: UnsafeRawBufferPointer,
        buffered: Bool,
        context: inout TCPFlowContext,
        emit: TCPMessageSink
    ) {
        var position = 0
        // Every turn consumes bytes or leaves `.hunting` for `.synced`, which consumes.
        while position < chunk.count {
            switch phase {
            case .synced:
                if partial.isEmpty {
                    position = emitWholeMessages(chunk, from: position, buffered: buffered, context: &context, emit: emit)
                    if position == chunk.count { return }
                }
                position = continueMessage(chunk, from: position, context: &context, emit: emit)
            case .discarding:
                let skipped = min(discardRemaining, chunk.count - position)
                discardRemaining -= skipped
                position += skipped
                if discardingForLimit {
                    context.counters.bytesDroppedLimit += skipped
                } else {
                    context.counters.bytesSkipped += skipped
                }
                if discardRemaining == 0 { phase = .synced }
            case .hunting:
                position = hunt(chunk, from: position, context: &context)
            }
        }
    }

    /// The common case: emits the whole messages from `position` on, in place, and returns where
    /// the first incomplete one starts.
    @inline(__always)
    func emitWholeMessages(
        _ chunk: UnsafeRawBufferPointer,
        from start: Int,
        buffered: Bool,
        context: inout TCPFlowContext,
        emit: TCPMessageSink
    ) -> Int {
        var position = start
        var count = 0
        while position + 2 <= chunk.count {
            let length = Int(chunk.bigEndianUInt16(at: position))
            guard length <= chunk.count - position - 2 else { break }
            emit(UnsafeRawBufferPointer(rebasing: chunk[(position + 2)..<(position + 2 + length)]), buffered)
            position += 2 + length
            count += 1
        }
        if buffered {
            context.counters.messagesReassembled += count
        } else {
            context.counters.messagesInSegment += count
        }
        return position
    }

    /// Adds bytes to the message in `partial` (starting one if it is empty) and emits it when whole.
    /// Returns the position after the bytes used.
    mutating func continueMessage(
        _ chunk: UnsafeRawBufferPointer,
        from start: Int,
        context: inout TCPFlowContext,
        emit: TCPMessageSink
    ) -> Int {
        let have = partial.count
        let available = chunk.count - start
        guard have + available >= 2 else {
            // Half a length prefix: keep the byte.
            if reservePartial(have + available, total: 2, context: &context) {
                partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start...]))
            } else {
                // Not even a byte of room: the position in the stream is lost with it.
                context.counters.bytesDroppedLimit += available
                startHunting(context: &context)
            }
            return chunk.count
        }
        let high = have >= 1 ? partial[0] : chunk.byte(at: start)
        let low = have >= 2 ? partial[1] : chunk.byte(at: start + 1 - have)
        let total = 2 + (Int(high) << 8 | Int(low))
        let taken = min(total - have, available)
        guard total <= context.messageLimit, reservePartial(have + taken, total: total, context: &context) else {
            enterDiscarding(total - have, forLimit: true, context: &context)
            return start
        }
        partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<(start + taken)]))
        if partial.count == total {
            partial.withUnsafeBytes { emit(UnsafeRawBufferPointer(rebasing: $0[2...]), true) }
            context.counters.messagesReassembled += 1
            partial.removeAll(keepingCapacity: true)
            if partial.capacity > Self.retainedCapacity || context.budget.used > context.budget.limit / 2 {
                context.bytes.recycle(&partial, budget: &context.budget)
            }
        }
        return start + taken
    }

    /// Gives `partial` room for `required` bytes of a message of `total` bytes, growing by
    /// doubling so that a long message costs a few copies, never more than its length.
    mutating func reservePartial(_ required: Int, total: Int, context: inout TCPFlowContext) -> Bool {
        if partial.capacity >= required { return true }
        if partial.capacity == 0 {
            partial = context.bytes.take()
            if partial.capacity >= required { return true }
        }
        // At least 1 KiB, so that small messages take one allocation; never past the message.
        let wanted = min(total, max(required, partial.capacity * 2, 1024))
        if context.budget.reserve(&partial, capacity: wanted) { return true }
        context.bytes.drain(budget: &context.budget)
        return context.budget.reserve(&partial, capacity: required)
    }

    /// Drops the message in `partial` and passes over its `remaining` bytes still to come.
    mutating func enterDiscarding(_ remaining: Int, forLimit: Bool, context: inout TCPFlowContext) {
        if forLimit {
            context.counters.messagesDroppedLimit += 1
            context.counters.bytesDroppedLimit += partial.count
        } else {
            context.counters.bytesSkipped += partial.count
        }
        context.bytes.recycle(&partial, budget: &context.budget)
        discardRemaining = remaining
        discardingForLimit = forLimit
        phase = remaining > 0 ? .discarding : .synced
    }

    /// Looks for a message boundary after the stream position was lost.
    mutating func startHunting(context: inout TCPFlowContext) {
        context.counters.bytesSkipped += partial.count
        partial.removeAll(keepingCapacity: true)
        discardRemaining = 0
        phase = .hunting
        context.counters.resynchronisations += 1
    }

    /// Tells the framing that the next `count` bytes of the stream are lost (a gap given up).
    mutating func loseBytes(_ count: Int, context: inout TCPFlowContext) {
        switch phase {
        case .discarding:
            if count < discardRemaining {
                discardRemaining -= count
            } else if count == discardRemaining {
                discardRemaining = 0
                phase = .synced
            } else {
                startHunting(context: &context)
            }
        case .synced where partial.count >= 2:
            // The message's length is known: skip the rest of it and the framing survives.
            let remaining = 2 + (Int(partial[0]) << 8 | Int(partial[1])) - partial.count
            if count <= remaining {
                enterDiscarding(remaining - count, forLimit: false, context: &context)
            } else {
                startHunting(context: &context)
            }
        case .synced, .hunting:
            startHunting(context: &context)
        }
    }
}
