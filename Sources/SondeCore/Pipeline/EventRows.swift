/// The events one stage of the pipeline works on: the batch's events, or a selection of them, or this output's own
/// copies, with their enrichments.
///
/// A batch is shared by every output, never copied per output. A per-output filter is a selection over the shared
/// events (indices in the route's scratch); only a per-output transform that changes events (masking, GeoIP)
/// copies the selected events into the route's scratch first (``makeOwned()``), so one output's masking leaves
/// another with full addresses. Global transforms work on the batch's events in place. The message bytes always
/// stay in the batch.
public struct EventRows {
    /// The events (the batch's storage, or the route's copies).
    @usableFromInline var events: UnsafeMutablePointer<DNSEvent>
    /// Their enrichments (same indexing), when a transform has enriched.
    @usableFromInline var enrichments: UnsafeMutablePointer<EventEnrichment>?
    /// Indices into `events` of the rows, or nil for `events[0..<count]`.
    @usableFromInline var selection: UnsafeMutablePointer<Int32>?
    /// The number of rows.
    @inlinable public var count: Int { _count }
    @usableFromInline var _count: Int
    /// The batch's message storage.
    @usableFromInline let bytes: UnsafeRawPointer
    /// The batch's identity, escaped for JSON (see ``EventBatch/identityEscaped``).
    public let identity: UnsafeRawBufferPointer
    /// Whether `events` (and `enrichments`) may be changed: the route's copies, or the batch itself for the
    /// global stage.
    @usableFromInline var isOwned: Bool
    /// Whether the rows may be changed in place.
    public var owned: Bool { isOwned }
    @usableFromInline let scratch: RowScratch

    /// Rows over all of `batch`'s events, owned (the global stage changes the batch in place). `identity` must
    /// stay valid while the rows are used.
    public init(batch: borrowing EventBatch, identity: UnsafeRawBufferPointer, scratch: RowScratch) {
        events = batch.events
        enrichments = nil
        selection = nil
        _count = batch.count
        bytes = UnsafeRawPointer(batch.bytes)
        self.identity = identity
        isOwned = true
        self.scratch = scratch
    }

    /// Rows sharing `other`'s events read-only, for one output's stage.
    public init(sharing other: EventRows, scratch: RowScratch) {
        events = other.events
        enrichments = other.enrichments
        selection = other.selection
        _count = other.count
        bytes = other.bytes
        identity = other.identity
        isOwned = false
        self.scratch = scratch
    }

    @inlinable @inline(__always)
    func slot(_ i: Int) -> Int {
        if let selection { return Int(selection[i]) }
        return i
    }

    /// The event of row `i`, read in place.
    @inlinable @inline(__always)
    public func event(_ i: Int) -> UnsafePointer<DNSEvent> { UnsafePointer(events + slot(i)) }

    /// The DNS message of row `i`.
    @inlinable @inline(__always)
    public func message(_ i: Int) -> UnsafeRawBufferPointer {
        let e = events + slot(i)
        return UnsafeRawBufferPointer(start: bytes + Int(e.pointee.messageOffset), count: Int(e.pointee.messageLength))
    }

    /// The enrichment of row `i`, when there is one.
    @inlinable @inline(__always)
    public func enrichment(_ i: Int) -> UnsafePointer<EventEnrichment>? {
        guard let enrichments else { return nil }
        return UnsafePointer(enrichments + slot(i))
    }

    /// Whether any row may have an enrichment.
    @inlinable public var hasEnrichments: Bool { enrichments != nil }

    /// Keeps the rows for which `keep` is true, in order.
    @inlinable
    public mutating func retain(
        _ keep: (UnsafePointer<DNSEvent>, UnsafeRawBufferPointer, UnsafePointer<EventEnrichment>?) -> Bool
    ) {
        var kept = 0
        if isOwned && selection == nil {
            for i in 0..<count {
                let e = events + i
                let m = UnsafeRawBufferPointer(start: bytes + Int(e.pointee.messageOffset), count: Int(e.pointee.messageLength))
                guard keep(e, m, enrichments.map { UnsafePointer($0 + i) }) else { continue }
                if kept != i {
                    (events + kept).pointee = e.pointee
                    if let enrichments { (enrichments + kept).pointee = (enrichments + i).pointee }
                }
                kept &+= 1
            }
        } else {
            let indices = selection ?? scratch.selection(capacity: count)
            for i in 0..<count {
                let s = selection.map { Int($0[i]) } ?? i
                let e = events + s
                let m = UnsafeRawBufferPointer(start: bytes + Int(e.pointee.messageOffset), count: Int(e.pointee.messageLength))
                guard keep(e, m, enrichments.map { UnsafePointer($0 + s) }) else { continue }
                indices[kept] = Int32(truncatingIfNeeded: s)
                kept &+= 1
            }
            selection = indices
        }
        _count = kept
    }

    /// Makes the rows this stage's own (copies the selected events and their enrichments into the route's scratch,
    /// unless they are already owned), so they can be changed.
    public mutating func makeOwned() {
        guard !isOwned || selection != nil else { return }
        let copies = scratch.events(capacity: count)
        let copiedEnrichments = enrichments.map { _ in scratch.enrichments(capacity: count) }
        for i in 0..<count {
            let s = slot(i)
            (copies + i).initialize(to: events[s])
            if let copiedEnrichments, let enrichments { (copiedEnrichments + i).initialize(to: enrichments[s]) }
        }
        events = copies
        enrichments = copiedEnrichments
        selection = nil
        isOwned = true
    }

    /// Row `i`'s event, to change (makes the rows owned first).
    @inlinable
    public mutating func mutableEvent(_ i: Int) -> UnsafeMutablePointer<DNSEvent> {
        if !isOwned || selection != nil { makeOwned() }
        return events + i
    }

    /// Row `i`'s enrichment, to change (makes the rows owned, and gives every row an empty enrichment first).
    @inlinable
    public mutating func mutableEnrichment(_ i: Int) -> UnsafeMutablePointer<EventEnrichment> {
        if !isOwned || selection != nil { makeOwned() }
        if enrichments == nil { addEnrichments() }
        return enrichments.unsafelyUnwrapped + i
    }

    @usableFromInline
    mutating func addEnrichments() {
        let e = scratch.enrichments(capacity: max(count, 1))
        e.initialize(repeating: EventEnrichment(), count: max(count, 1))
        enrichments = e
    }
}

/// Reusable storage of one route (or of the global stage) of one producer: copies of events, enrichments,
/// selections. It grows to the largest batch and is never shrunk, so a steady stream allocates nothing.
public final class RowScratch {
    private var eventStorage: UnsafeMutablePointer<DNSEvent>
    private var eventCapacity: Int
    private var enrichmentStorage: UnsafeMutablePointer<EventEnrichment>
    private var enrichmentCapacity: Int
    private var selectionStorage: UnsafeMutablePointer<Int32>
    private var selectionCapacity: Int

    public init(capacity: Int = 512) {
        eventCapacity = max(capacity, 16)
        enrichmentCapacity = eventCapacity
        selectionCapacity = eventCapacity
        eventStorage = .allocate(capacity: eventCapacity)
        enrichmentStorage = .allocate(capacity: enrichmentCapacity)
        selectionStorage = .allocate(capacity: selectionCapacity)
    }

    deinit {
        eventStorage.deallocate()
        enrichmentStorage.deallocate()
        selectionStorage.deallocate()
    }

    // Every stored type is plain data, so storage is replaced without deinitializing.
    @usableFromInline
    func events(capacity n: Int) -> UnsafeMutablePointer<DNSEvent> {
        if n > eventCapacity {
            eventStorage.deallocate()
            eventCapacity = Self.grown(eventCapacity, n)
            eventStorage = .allocate(capacity: eventCapacity)
        }
        return eventStorage
    }

    @usableFromInline
    func enrichments(capacity n: Int) -> UnsafeMutablePointer<EventEnrichment> {
        if n > enrichmentCapacity {
            enrichmentStorage.deallocate()
            enrichmentCapacity = Self.grown(enrichmentCapacity, n)
            enrichmentStorage = .allocate(capacity: enrichmentCapacity)
        }
        return enrichmentStorage
    }

    @usableFromInline
    func selection(capacity n: Int) -> UnsafeMutablePointer<Int32> {
        if n > selectionCapacity {
            selectionStorage.deallocate()
            selectionCapacity = Self.grown(selectionCapacity, n)
            selectionStorage = .allocate(capacity: selectionCapacity)
        }
        return selectionStorage
    }

    static func grown(_ old: Int, _ needed: Int) -> Int {
        var c = old * 2
        while c < needed { c *= 2 }
        return c
    }
}
