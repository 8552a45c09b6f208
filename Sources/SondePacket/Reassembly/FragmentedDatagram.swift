/// The fragments received of one IP datagram, placed in a buffer at their offsets.
///
/// Fragments are kept as disjoint pieces sorted by offset. Since none may overlap (RFC 5722), the
/// datagram is whole exactly when its total length is known (from the fragment with MF = 0) and the
/// pieces add up to it.
struct FragmentedDatagram {
    /// Where one fragment's data sits in the datagram.
    struct Piece {
        var start: Int
        var end: Int
    }

    /// What a fragment did to the datagram.
    enum Action {
        /// Stored; more fragments are needed.
        case incomplete
        /// Stored, and the datagram is whole: `data[0 ..< totalLength]`.
        case complete
        /// Same position and length as a fragment held: ignored (the first copy is kept).
        case duplicate
        /// It overlaps a fragment held: the datagram must be discarded.
        case overlap
        /// It contradicts the total length: the datagram must be discarded.
        case inconsistent
        /// One fragment too many: the datagram must be discarded.
        case tooManyFragments
        /// The buffer could not grow within the byte budget; nothing was changed.
        case noMemory
    }

    /// Discarded (overlap, inconsistency, too many fragments): remembered without buffers so that
    /// its later fragments are dropped too, until it times out.
    var discarded = false
    /// The datagram's bytes; `count` is the end of the furthest fragment.
    var data: [UInt8] = []
    /// The fragments held, sorted by `start`.
    var pieces: [Piece] = []
    /// The datagram's length, once the last fragment came; -1 before.
    var totalLength = -1
    /// Sum of the fragment lengths held.
    var receivedBytes = 0
    /// The upper-layer protocol, from the first fragment (offset 0) for IPv6.
    var ipProtocol: UInt8 = 0

    /// A free slot's value.
    static let vacant = FragmentedDatagram()

    /// Stores one fragment: `bytes` at `offset`, the last one when `more` is false.
    mutating func insert(
        offset: Int,
        _ bytes: UnsafeRawBufferPointer,
        more: Bool,
        ipProtocol: UInt8,
        maxFragments: Int,
        budget: inout StorageBudget
    ) -> Action {
        let end = offset + bytes.count
        var index = 0
        // At most `maxFragments` pieces: a linear walk is as fast as anything here.
        while index < pieces.count && pieces[index].start < offset { index += 1 }
        if index < pieces.count && pieces[index].start == offset && pieces[index].end == end { return .duplicate }
        if index > 0 && pieces[index - 1].end > offset { return .overlap }
        if index < pieces.count && pieces[index].start < end { return .overlap }
        if more {
            if totalLength >= 0 && end > totalLength { return .inconsistent }
        } else {
            if totalLength >= 0 && totalLength != end { return .inconsistent }
            if let last = pieces.last, last.end > end { return .inconsistent }
        }
        guard pieces.count < maxFragments else { return .tooManyFragments }
        guard reserve(end, last: !more, maxFragments: maxFragments, budget: &budget) else { return .noMemory }

        data.write(bytes, at: offset)
        pieces.insert(Piece(start: offset, end: end), at: index)
        receivedBytes += bytes.count
        if !more { totalLength = end }
        if offset == 0 { self.ipProtocol = ipProtocol }
        return totalLength >= 0 && receivedBytes == totalLength ? .complete : .incomplete
    }

    /// Gives `data` room for `end` bytes and `pieces` for one more, within the budget.
    ///
    /// Once the total length is known the buffer is sized to it exactly; before, it doubles (at
    /// least 2 KiB, at most 65,535 bytes), so fragments in order cost a few copies at most.
    private mutating func reserve(_ end: Int, last: Bool, maxFragments: Int, budget: inout StorageBudget) -> Bool {
        if data.capacity < end {
            let known = last ? end : totalLength
            let wanted = known >= 0 ? max(known, end) : min(65_535, max(end, data.capacity * 2, 2048))
            guard budget.reserve(&data, capacity: wanted) || budget.reserve(&data, capacity: end) else { return false }
        }
        if pieces.capacity <= pieces.count {
            let wanted = min(maxFragments, max(pieces.count + 1, pieces.capacity * 2, 8))
            guard budget.reserve(&pieces, capacity: wanted) else { return false }
        }
        return true
    }
}
