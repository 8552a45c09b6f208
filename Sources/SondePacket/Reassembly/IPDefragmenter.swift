/// Reassembles fragmented IPv4 (RFC 791, RFC 815) and IPv6 (RFC 8200 section 4.5) datagrams from
/// the fragments `PacketDecoder` reports as `.ipFragment`.
///
/// ```swift
/// var defragmenter = IPDefragmenter()
/// if case .ipFragment = packet.kind {
///     defragmenter.process(packet, bytes: frame, timestamp: now) { payload, ipProtocol in
///         let datagram = decoder.decodeDatagram(family: packet.family, source: packet.source,
///             destination: packet.destination, ipProtocol: ipProtocol, payload: payload)
///     }
/// }
/// defragmenter.expire(now: now)  // every so often
/// ```
///
/// A datagram is keyed by family, addresses and identification, plus the protocol for IPv4 (RFC 791
/// section 3.2). IPv6 leaves the protocol out of the key (RFC 8200 section 4.5: source,
/// destination and identification) and takes it from the first fragment. Fragments may come in any
/// order. An exact duplicate is ignored; any other overlap discards the whole datagram (RFC 5722),
/// and its key is remembered until its timeout so that its remaining fragments are dropped too.
/// Incomplete datagrams time out `timeoutNanoseconds` after their first fragment.
///
/// Memory is bounded whatever the input: at most `maxDatagrams` entries and `maxBytes` of buffers
/// (capacity, spares included); the oldest datagram is evicted to make room. Buffers of finished
/// datagrams are kept in a small pool and reused. Bookkeeping outside the buffers is about 220
/// bytes per datagram (table slot about 125, hash entry about 80): under 1 MiB for the default 4,096.
public struct IPDefragmenter: Sendable {
    /// The limits.
    public let configuration: Configuration
    /// Datagrams in the order of their first fragment.
    var datagrams: LRUTable<DatagramKey, FragmentedDatagram>
    /// What happened so far.
    public private(set) var counters = Counters()
    /// Every buffer and spare is charged here.
    var budget: StorageBudget
    /// Spare data buffers and piece lists.
    var dataPool: ArrayPool<UInt8>
    var piecePool: ArrayPool<FragmentedDatagram.Piece>

    /// Most datagrams evicted to make room for one fragment: bounds the work per fragment.
    static let maxEvictionsPerFragment = 16

    /// A defragmenter with the given limits.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        datagrams = LRUTable(vacant: FragmentedDatagram.vacant)
        budget = StorageBudget(limit: configuration.maxBytes)
        // 32 spares of at most 64 KiB: 2 MiB at most, charged to the budget.
        dataPool = ArrayPool(maxCount: 32, maxCapacity: 64 * 1024)
        piecePool = ArrayPool(maxCount: 32, maxCapacity: max(8, configuration.maxFragmentsPerDatagram))
    }

    /// Number of datagrams held (discarded ones remembered included).
    public var datagramCount: Int { datagrams.count }
    /// Bytes the buffers occupy (capacity, spare buffers included); at most `maxBytes`.
    public var bufferedBytes: Int { budget.used }

    /// Feeds one fragment: `packet` is what `PacketDecoder` made of `bytes`, of kind `.ipFragment`.
    ///
    /// When the datagram becomes whole, calls `complete` with its payload (the upper-layer header
    /// and data, after any IPv6 extension headers of the fragmentable part) and the upper-layer
    /// protocol; both go to `PacketDecoder.decodeDatagram`. The bytes are valid only during the call.
    ///
    /// - Parameter timestamp: capture time in nanoseconds, for the timeout.
    public mutating func process(
        _ packet: DecodedPacket,
        bytes: UnsafeRawBufferPointer,
        timestamp: Int64,
        complete: (UnsafeRawBufferPointer, _ ipProtocol: UInt8) -> Void
    ) {
        counters.fragments += 1
        guard case .ipFragment = packet.kind,
            packet.payloadOffset >= 0, packet.payloadLength > 0,
            packet.payloadLength <= bytes.count - packet.payloadOffset,
            packet.fragmentOffset >= 0,
            !packet.moreFragments || packet.payloadLength % 8 == 0,
            // A reassembled IPv4 datagram, header included, and an IPv6 payload both hold at most
            // 65,535 bytes (16-bit length fields).
            packet.fragmentOffset + packet.payloadLength <= 65_535 - (packet.family == .v4 ? packet.ipHeaderLength : 0)
        else {
            counters.invalid += 1
            return
        }
        guard !packet.captureTruncated else {
            counters.truncated += 1
            return
        }
        let key = DatagramKey(
            source: packet.source, destination: packet.destination, identification: packet.ipIdentification,
            ipProtocol: packet.family == .v4 ? packet.ipProtocol : 0)
        guard let slot = entry(for: key, now: timestamp) else { return }
        if datagrams.values[Int(slot)].discarded {
            counters.fragmentsOfDiscarded += 1
            return
        }
        let fragment = UnsafeRawBufferPointer(rebasing: bytes[packet.payloadOffset..<(packet.payloadOffset + packet.payloadLength)])
        var action = insert(fragment, of: packet, into: slot)
        if case .noMemory = action {
            // The datagram's buffer up to this fragment's end, and a full list of pieces.
            let pieces = max(1, configuration.maxFragmentsPerDatagram) * MemoryLayout<FragmentedDatagram.Piece>.stride
            makeRoom(for: packet.fragmentOffset + packet.payloadLength + pieces, sparing: slot)
            action = insert(fragment, of: packet, into: slot)
        }
        switch action {
        case .incomplete:
            break
        case .complete:
            counters.datagramsReassembled += 1
            deliver(slot, family: packet.family, complete: complete)
            remove(slot)
        case .duplicate:
            counters.duplicates += 1
        case .overlap:
            counters.overlapsDiscarded += 1
            discard(slot)
        case .inconsistent:
            counters.invalid += 1
            discard(slot)
        case .tooManyFragments:
            counters.datagramsTooManyFragments += 1
            discard(slot)
        case .noMemory:
            counters.datagramsDroppedMemory += 1
            remove(slot)
        }
    }

    /// Drops the datagrams whose first fragment is older than the timeout as of `now`; incomplete
    /// ones are counted as timed out, discarded ones are simply forgotten.
    public mutating func expire(now: Int64) {
        while datagrams.oldest != LRUTable<DatagramKey, FragmentedDatagram>.none {
            let slot = datagrams.oldest
            guard TCPReassembler.isIdle(since: datagrams.stamps[Int(slot)], now: now, timeout: configuration.timeoutNanoseconds) else {
                return
            }
            if !datagrams.values[Int(slot)].discarded { counters.datagramsTimedOut += 1 }
            remove(slot)
        }
    }

    /// The slot of `key`'s datagram, created if needed (evicting the oldest when full), or nil when
    /// no datagram may be held at all.
    mutating func entry(for key: DatagramKey, now: Int64) -> Int32? {
        if let slot = datagrams.slot(for: key) {
            guard TCPReassembler.isIdle(since: datagrams.stamps[Int(slot)], now: now, timeout: configuration.timeoutNanoseconds) else {
                return slot
            }
            // Timed out but not yet expired: this fragment starts a new datagram.
            if !datagrams.values[Int(slot)].discarded { counters.datagramsTimedOut += 1 }
            remove(slot)
        }
        guard configuration.maxDatagrams > 0 else {
            counters.datagramsEvicted += 1
            return nil
        }
        while datagrams.count >= configuration.maxDatagrams {
            counters.datagramsEvicted += 1
            remove(datagrams.oldest)
        }
        var datagram = FragmentedDatagram()
        datagram.data = dataPool.take()
        datagram.pieces = piecePool.take()
        return datagrams.insert(key, value: datagram, stamp: now)
    }

    /// Stores a fragment in the datagram of `slot`.
    mutating func insert(_ fragment: UnsafeRawBufferPointer, of packet: DecodedPacket, into slot: Int32) -> FragmentedDatagram.Action {
        datagrams.values[Int(slot)].insert(
            offset: packet.fragmentOffset, fragment, more: packet.moreFragments, ipProtocol: packet.ipProtocol,
            maxFragments: max(1, configuration.maxFragmentsPerDatagram), budget: &budget)
    }

    /// Frees the spare buffers, then evicts the oldest datagrams (never `slot`) until `bytes` more
    /// fit, a few at most.
    mutating func makeRoom(for bytes: Int, sparing slot: Int32) {
        dataPool.drain(budget: &budget)
        piecePool.drain(budget: &budget)
        var evicted = 0
        while budget.used + bytes > budget.limit && evicted < Self.maxEvictionsPerFragment {
            let oldest = datagrams.oldest
            guard oldest != slot, oldest != LRUTable<DatagramKey, FragmentedDatagram>.none else { return }
            counters.datagramsEvicted += 1
            remove(oldest)
            evicted += 1
            // The evicted datagram's buffers went to the pools: free them for real.
            dataPool.drain(budget: &budget)
            piecePool.drain(budget: &budget)
        }
    }

    /// Hands the whole datagram of `slot` over, past any IPv6 extension headers it starts with.
    func deliver(_ slot: Int32, family: IPFamily, complete: (UnsafeRawBufferPointer, UInt8) -> Void) {
        let datagram = datagrams.values[Int(slot)]
        datagram.data.withUnsafeBytes { raw in
            let payload = UnsafeRawBufferPointer(rebasing: raw[..<datagram.totalLength])
            if family == .v6 {
                // The fragmentable part may start with extension headers (Destination Options,
                // Routing): walk them as the decoder walks an unfragmented packet.
                let chain = PacketDecoder.walkIPv6Extensions(payload, from: 0, limit: payload.count, nextHeader: datagram.ipProtocol)
                if case .upperLayer = chain.outcome {
                    complete(UnsafeRawBufferPointer(rebasing: payload[chain.end...]), chain.nextHeader)
                    return
                }
            }
            complete(payload, datagram.ipProtocol)
        }
    }

    /// `bufferedBytes` recomputed from the buffers themselves, to check the running total.
    func budgetAudit() -> Int {
        var total = dataPool.heldBytes + piecePool.heldBytes
        for datagram in datagrams.values {
            total += StorageBudget.bytes(datagram.data) + StorageBudget.bytes(datagram.pieces)
        }
        return total
    }

    /// Frees the datagram's buffers but keeps its key, so that its other fragments are dropped.
    mutating func discard(_ slot: Int32) {
        datagrams.values[Int(slot)].discarded = true
        dataPool.recycle(&datagrams.values[Int(slot)].data, budget: &budget)
        piecePool.recycle(&datagrams.values[Int(slot)].pieces, budget: &budget)
    }

    /// Forgets the datagram of `slot`, recycling its buffers.
    mutating func remove(_ slot: Int32) {
        var datagram = datagrams.remove(slot)
        dataPool.recycle(&datagram.data, budget: &budget)
        piecePool.recycle(&datagram.pieces, budget: &budget)
    }
}

/// What identifies the fragments of one datagram.
struct DatagramKey: Hashable {
    var source: IPAddress
    var destination: IPAddress
    var identification: UInt32
    /// The protocol for IPv4; 0 for IPv6, whose key leaves it out.
    var ipProtocol: UInt8
}
