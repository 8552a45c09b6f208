// Finding a message boundary in a stream joined mid-way or after lost data.

extension TCPFlow {
    /// What the bytes carried over from the last chunk turned out to hold.
    enum CarriedVerdict {
        /// A plausible message starts at this offset of them.
        case boundary(Int)
        /// The chunk is too short to judge them all; they were updated and wait for more.
        case undecided
        /// No message starts in them.
        case none
    }

    /// Looks for a plausible message start (`DNSMessageBoundary`) from `start` on, across segment
    /// ends. Returns the position where the framing resumes (phase `.synced`), or `chunk.count`
    /// when none was found: the bytes that cannot be judged yet (the last 14) stay in `partial`,
    /// the others are counted as skipped.
    mutating func hunt(_ chunk: UnsafeRawBufferPointer, from start: Int, context: inout TCPFlowContext) -> Int {
        let needed = DNSMessageBoundary.bytesNeeded
        let available = chunk.count - start
        let carried = partial.count
        if carried > 0 {
            // Candidates in the carried bytes (fewer than 15) need at most 14 more from the chunk:
            // judge them in a small joined copy, 2 * 15 bytes at most.
            let joinedCount = carried + min(available, 2 * needed - carried)
            let verdict = withUnsafeTemporaryAllocation(byteCount: 2 * needed, alignment: 1) { temp -> CarriedVerdict in
                partial.withUnsafeBytes { temp.copyMemory(from: $0) }
                let tail = UnsafeRawBufferPointer(rebasing: chunk[start..<(start + joinedCount - carried)])
                UnsafeMutableRawBufferPointer(rebasing: temp[carried...]).copyMemory(from: tail)
                let joined = UnsafeRawBufferPointer(rebasing: temp[..<joinedCount])
                var candidate = 0
                while candidate < carried && candidate + needed <= joinedCount {
                    if DNSMessageBoundary.isAccepted(joined, at: candidate) { return .boundary(candidate) }
                    candidate += 1
                }
                if candidate < carried {
                    // Some candidates cannot be judged yet: the chunk is short. Keep the last bytes.
                    let kept = min(needed - 1, joinedCount)
                    context.counters.bytesSkipped += joinedCount - kept
                    partial.removeAll(keepingCapacity: true)
                    partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: joined[(joinedCount - kept)...]))
                    return .undecided
                }
                return .none
            }
            switch verdict {
            case .undecided:
                return chunk.count
            case .boundary(let found):
                // The message starts in the carried bytes and goes on in the chunk.
                context.counters.bytesSkipped += found
                partial.removeFirst(found)
                phase = .synced
                return start
            case .none:
                context.counters.bytesSkipped += carried
                partial.removeAll(keepingCapacity: true)
            }
        }
        if let found = DNSMessageBoundary.firstAccepted(chunk, from: start) {
            context.counters.bytesSkipped += found - start
            phase = .synced
            return found
        }
        let kept = min(needed - 1, available)
        context.counters.bytesSkipped += available - kept
        if reservePartial(kept, total: needed, context: &context) {
            partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[(chunk.count - kept)...]))
        } else {
            context.counters.bytesDroppedLimit += kept
        }
        return chunk.count
    }
}
