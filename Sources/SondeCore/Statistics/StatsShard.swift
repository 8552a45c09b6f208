#if canImport(Glibc)
import Glibc
#endif
import Histogram
public import SondeDNS
import SondeDnstap
public import SondePacket

/// Finds a name's public suffix and registered domain (the Public Suffix List lives in SondeTransforms; the
/// application hands it to the statistics through this).
public protocol SuffixLookup: Sendable {
    /// For a lowercase name in presentation form with its final dot: the labels of its public suffix and of its
    /// registered domain (nil when the name is itself a public suffix); nil when the name cannot be read.
    func labels(of name: UnsafeBufferPointer<UInt8>) -> (suffix: Int, registered: Int?)?
}

/// One producer's statistics: the current interval's, the intervals before it, and per stream (dnstap identity,
/// interface, file). Every event is added once globally, to the interval under way; when the interval ends it is
/// merged into ``closed`` (all earlier intervals together), so the totals are `closed` and `current` merged when
/// read, and the intervals cost nothing per event. The producer adds every batch under the shard's own lock
/// (never contended but by a reader, a few times a second); readers merge the shards of every producer.
public final class StatsShard: @unchecked Sendable {
    let lock = ConditionLock()
    /// Every interval before the current one, merged.
    var closed: StreamStats
    /// The interval under way (``StatsStore/interval`` long) and the ones before it, newest first.
    var current: StreamStats
    var currentIndex: Int64 = -1
    var recent: [StreamStats] = []
    /// Per stream, boxed: a stream's stats are added to in place (a dictionary's value would be copied out and
    /// back, all its tables with it, for every event).
    var streams: [String: StreamBox] = [:]
    /// The last event's stream, for the next one (events of a batch mostly share their stream).
    var lastBox: (name: String, box: StreamBox)?
    var streamOrder: [String] = []
    let store: StatsStore
    /// The last dnstap identity seen, and its stream's name.
    var lastIdentity: [UInt8] = []
    var lastStream = ""
    /// The last capture interface seen, and its name.
    var lastInterface: UInt16 = 0
    var lastInterfaceName = ""
    /// The only stream seen, while there has been one: its stats are then the global ones (``streams`` stays
    /// empty), so the common case of one dnstap sender or one interface per producer counts every event once.
    var soleStream: String?
    /// A cache of the public suffix list's answers by the hash of a name's parent (through a pointer: it is
    /// written while an event is added to the stats, which the batch holds exclusively).
    let suffixCache: UnsafeMutablePointer<(hash: UInt64, suffix: Int8, registered: Int8)>
    static let suffixCacheSize = 4096

    init(store: StatsStore) {
        self.store = store
        current = StreamStats(capacity: store.capacity)
        closed = current.emptied()
        suffixCache = .allocate(capacity: Self.suffixCacheSize)
        suffixCache.initialize(repeating: (0, -1, -1), count: Self.suffixCacheSize)
    }

    deinit { suffixCache.deallocate() }

    /// A stream's stats so far, if this producer saw it (call under ``lock``).
    func stream(_ name: String) -> StreamStats? {
        if let box = streams[name] { return box.stats }
        return streams.isEmpty && name == soleStream ? total : nil
    }

    /// A stream's exact counters so far, if this producer saw it (call under ``lock``).
    func streamCounters(_ name: String) -> StatsCounters? {
        if let box = streams[name] { return box.stats.counters }
        guard streams.isEmpty && name == soleStream else { return nil }
        var c = closed.counters
        c.add(current.counters)
        return c
    }

    /// The streams this producer saw, in order (call under ``lock``).
    var streamNames: [String] { streams.isEmpty ? (soleStream.map { [$0] } ?? []) : streamOrder }

    /// Every interval so far (or all traffic, without intervals): ``closed`` and ``current`` merged.
    var total: StreamStats {
        var t = closed
        t.merge(current)
        return t
    }

    /// Adds a batch (from ``PipelineProducer`` before any transform, or from the summary of `sonde read`).
    public func add(_ batch: borrowing EventBatch) {
        lock.lock()
        defer { lock.unlock() }
        let intervals = store.intervals
        let index = intervals ? SondeThread.wallClockNanoseconds() / (Int64(store.interval) * 1_000_000_000) : 0
        if index != currentIndex {
            if currentIndex >= 0 { rollInterval() }
            currentIndex = index
        }
        guard store.maxStreams > 0 && store.detail else {
            addAll(batch, to: &current)
            return
        }
        let defaultStream = store.streamName(batch.identity)
        var cursor = StreamCursor(lastIdentity: lastIdentity, lastStream: lastStream, lastInterface: lastInterface, lastInterfaceName: lastInterfaceName)
        defer {
            (lastIdentity, lastStream, lastInterface, lastInterfaceName) = (cursor.lastIdentity, cursor.lastStream, cursor.lastInterface, cursor.lastInterfaceName)
        }
        if streams.isEmpty {
            // While this producer has seen one stream only, its stats are the global ones: nothing more to add.
            var other = false
            var sole = soleStream
            batch.forEachInPlace { e, m in
                guard !other else { return }
                let stream = cursor.name(e, m, defaultStream)
                if sole == nil { sole = stream }
                if stream != sole { other = true }
            }
            soleStream = sole
            if !other {
                addAll(batch, to: &current)
                return
            }
            splitSoleStream()
        }
        addAll(batch, to: &current)
        addToStreams(batch, &cursor, defaultStream)
    }

    /// A second stream appears: the first one's stats so far (the global ones) become its own, and from now on
    /// every stream is kept apart.
    func splitSoleStream() {
        guard let sole = soleStream else { return }
        var own = StreamStats(capacity: store.streamCapacity)
        own.merge(closed)
        own.merge(current)
        let box = StreamBox(own)
        streams[sole] = box
        streamOrder.append(sole)
        lastBox = (sole, box)
    }

    /// Every event of `batch` into its stream's stats.
    func addToStreams(_ batch: borrowing EventBatch, _ cursor: inout StreamCursor, _ defaultStream: String) {
        // The boxes made unique in this batch (a reader may have taken a copy since the last one).
        var unique: [ObjectIdentifier] = []
        batch.forEachInPlace { e, m in
            let stream = cursor.name(e, m, defaultStream)
            let box: StreamBox
            if let last = lastBox, last.name == stream {
                box = last.box
            } else if let found = streams[stream] {
                box = found
                lastBox = (stream, found)
            } else {
                guard streams.count < store.maxStreams else { return }
                box = StreamBox(StreamStats(capacity: store.streamCapacity))
                streams[stream] = box
                streamOrder.append(stream)
                lastBox = (stream, box)
            }
            let id = ObjectIdentifier(box)
            if unique.last != id && !unique.contains(id) {
                box.stats.makeUnique()
                unique.append(id)
            }
            add(e, m, &box.stats)
        }
    }

    /// The interval under way ends: it joins the closed ones and the recent list, and a new one starts (in the
    /// oldest recent interval's memory, once there are enough).
    func rollInterval() {
        closed.merge(current)
        var next: StreamStats
        if recent.count >= store.keptIntervals, let oldest = recent.popLast() {
            next = oldest
            next.clear()
        } else {
            next = current.emptied()
        }
        recent.insert(current, at: 0)
        current = next
    }

    /// Every event of `batch` into `s` (one exclusive access to `s` for the whole batch).
    func addAll(_ batch: borrowing EventBatch, to s: inout StreamStats) {
        s.makeUnique()
        batch.forEachInPlace { e, m in add(e, m, &s) }
    }

    func add(_ e: UnsafePointer<DNSEvent>, _ m: UnsafeRawBufferPointer, _ s: inout StreamStats) {
        typealias Slot = StatsCounters.Slot
        let l = e.pointee.layout
        if s.since == 0 { s.since = e.pointee.timestamp }
        s.lastEvent = e.pointee.timestamp
        s.counters.messages &+= 1
        if e.pointee.hasDnstap { s.counters.slots[Slot.dnstapType + Int(min(e.pointee.dnstap.messageType, 15))] &+= 1 }
        if e.pointee.markers.contains(.noMessage) {
            s.counters.withoutMessage &+= 1
            return
        }
        let response = l.isResponse
        s.counters.slots[Slot.family + (e.pointee.source.family == .v6 ? 1 : 0)] &+= 1
        s.counters.slots[Slot.transport + Int(e.pointee.transport.rawValue) & 7] &+= 1
        s.counters.slots[Slot.opcode + Int(l.opcode & 15)] &+= 1
        if l.isMalformed { s.counters.malformed &+= 1 }
        if l.aa { s.counters.slots[Slot.flags] &+= 1 }
        if l.tc { s.counters.slots[Slot.flags + 1] &+= 1 }
        if l.ad { s.counters.slots[Slot.flags + 2] &+= 1 }
        if l.ra { s.counters.slots[Slot.flags + 3] &+= 1 }
        if l.cd { s.counters.slots[Slot.flags + 4] &+= 1 }
        if l.rd { s.counters.slots[Slot.flags + 5] &+= 1 }
        switch e.pointee.transaction {
        case .unanswered: s.counters.unanswered &+= 1
        case .unmatched: s.counters.unmatched &+= 1
        default: break
        }
        let size = UInt64(m.count)
        let client = StreamStats.client(e, response: response)
        let clientHash = StreamStats.hash(client)
        s.clients.addInPlace(hash: clientHash)
        let detail = store.detail
        if detail { s.topClientBytes.addInPlace(hash: clientHash, value: size) { StreamStats.writeKey(client, $0) } }
        let rcode = Int(l.rcode)
        if response {
            s.counters.responses &+= 1
            s.counters.bytesOut &+= size
            s.counters.countRcode(UInt16(truncatingIfNeeded: rcode))
            if l.tc { s.counters.truncatedResponses &+= 1 }
            if e.pointee.latency >= 0 {
                let ns = e.pointee.latency
                let bucket = ns < 1_000_000 ? 0 : ns < 10_000_000 ? 1 : ns < 50_000_000 ? 2 : ns < 100_000_000 ? 3 : ns < 1_000_000_000 ? 4 : 5
                s.counters.slots[Slot.latency + bucket] &+= 1
                _ = s.latency.record(UInt64(max(ns / 1000, 1)))
            }
        } else {
            s.counters.queries &+= 1
            s.counters.bytesIn &+= size
            if l.hasQuestion { s.counters.countQtype(l.qtype) }
            if detail { s.topClients.addInPlace(hash: clientHash) { StreamStats.writeKey(client, $0) } }
        }
        guard l.hasQuestion else { return }
        let nameHash = HyperLogLog.mix(l.qnameHash)
        s.names.addInPlace(hash: nameHash)
        let offset = Int(l.questionOffset)
        let writeName: (UnsafeMutableRawBufferPointer) -> Int = { b in
            DomainName.copyFoldedWire(m, at: offset, into: b.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        s.topNames.addInPlace(hash: nameHash, key: writeName)
        guard detail else { return }
        if response {
            switch rcode {
            case 3: s.topNXDomain.addInPlace(hash: nameHash, key: writeName)
            case 2: s.topServfail.addInPlace(hash: nameHash, key: writeName)
            case 5: s.topRefused.addInPlace(hash: nameHash, key: writeName)
            default: break
            }
            if e.pointee.latency >= 0 {
                s.slowest.addInPlace(hash: nameHash, value: UInt64(max(e.pointee.latency / 1000, 1)), key: writeName)
            }
        } else {
            addSuffixes(m, offset, &s)
        }
    }

    /// The query name's public suffix and registered domain into their tables, read and hashed where the name is
    /// in the message (a query's question is not compressed; case is folded as it is hashed); a compressed name
    /// through its uncompressed copy.
    func addSuffixes(_ m: UnsafeRawBufferPointer, _ offset: Int, _ s: inout StreamStats) {
        guard let base = m.baseAddress, offset < m.count else { return }
        if addSuffixes(base.assumingMemoryBound(to: UInt8.self) + offset, m.count - offset, &s) { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DomainName.maxWireLength) { copy in
            let n = DomainName.copyFoldedWire(m, at: offset, into: copy.baseAddress!)
            if n > 1 { _ = addSuffixes(copy.baseAddress!, n, &s) }
        }
    }

    /// ``addSuffixes(_:_:_:)`` for an uncompressed wire name within `limit` octets of `name`; false when the name
    /// is compressed or runs past `limit` (nothing counted).
    func addSuffixes(_ name: UnsafePointer<UInt8>, _ limit: Int, _ s: inout StreamStats) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { starts in
            // The labels' starts (a wire name of at most 255 octets has at most 127 labels).
            var labels = 0, p = 0
            while true {
                guard p < limit else { return false }
                let length = Int(name[p])
                if length == 0 { break }
                guard length & 0xC0 == 0 else { return false }
                starts[labels] = UInt8(p)
                labels += 1
                p += length + 1
                guard p < DomainName.maxWireLength else { return true }
            }
            let n = p + 1
            guard labels > 0 else { return true }
            let starts = UnsafeBufferPointer(rebasing: starts[0..<labels])
            let (suffix, registered) = suffixLabels(name, n, starts)
            func add(_ count: Int, _ table: SpaceSaving) {
                guard count > 0 && count <= labels else { return }
                let from = Int(starts[labels - count])
                table.addInPlace(hash: Self.hashBytes(name + from, n - from)) { b in
                    for i in 0..<(n - from) { b[i] = Self.fold(name[from + i]) }
                    return n - from
                }
            }
            add(suffix, s.topTLDs)
            add(registered, s.topRegistered)
            return true
        }
    }

    /// Labels of the public suffix and the registered domain: from the list when there is one (cached by the
    /// parent name, so a flood of random names under one domain costs one lookup), else the last one and two.
    func suffixLabels(_ name: UnsafePointer<UInt8>, _ n: Int, _ starts: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        let labels = starts.count
        guard let list = store.suffixes else { return (1, min(2, labels)) }
        // The parent (without the first label) decides, unless the name is a single label.
        let from = labels > 1 ? Int(starts[1]) : 0
        let h = Self.hashBytes(name + from, n - from)
        let slot = Int(truncatingIfNeeded: h) & (Self.suffixCacheSize - 1)
        var parent: (suffix: Int, registered: Int?)
        if suffixCache[slot].hash == h && suffixCache[slot].suffix >= 0 {
            let c = suffixCache[slot]
            parent = (Int(c.suffix), c.registered >= 0 ? Int(c.registered) : nil)
        } else {
            guard let r = Self.lookup(list, name + from, n - from) else { return (1, min(2, labels)) }
            parent = r
            suffixCache[slot] = (h, Int8(clamping: r.suffix), Int8(clamping: r.registered ?? -1))
        }
        if labels == 1 { return (parent.suffix, parent.registered ?? 0) }
        if let registered = parent.registered { return (parent.suffix, registered) }
        // The parent is itself a public suffix: the name may be one too (wildcards), so ask for it.
        guard let r = Self.lookup(list, name, n) else { return (parent.suffix, labels) }
        return (r.suffix, r.registered ?? 0)
    }

    /// The list's answer for a wire name, through its presentation form in lower case.
    static func lookup(_ list: any SuffixLookup, _ wire: UnsafePointer<UInt8>, _ n: Int) -> (suffix: Int, registered: Int?)? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { text in
            var p = 0, out = 0
            while p < n && wire[p] != 0 {
                let length = Int(wire[p])
                for i in 0..<length { text[out + i] = fold(wire[p + 1 + i]) }
                out += length
                text[out] = UInt8(ascii: ".")
                out += 1
                p += length + 1
            }
            return list.labels(of: UnsafeBufferPointer(rebasing: text[0..<out]))
        }
    }

    /// An octet with `A`–`Z` made lower case.
    @inline(__always)
    static func fold(_ c: UInt8) -> UInt8 { (c &- 0x41) < 26 ? c | 0x20 : c }

    /// A hash of a name's octets with ASCII letters folded to lower case, a word at a time (the same for a name
    /// and its folded copy).
    @inline(__always)
    static func hashBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            h = (h ^ foldWord(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        while i < n {
            tail = tail << 8 | UInt64(fold(p[i]))
            i += 1
        }
        return HyperLogLog.mix(h ^ tail)
    }

    /// Eight octets with each of `A`–`Z` made lower case (SWAR: no carry crosses an octet, since each sum stays
    /// below 0x100 and octets with their high bit set are left alone).
    @inline(__always)
    static func foldWord(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low = x & (0x7F &* ones)
        let atLeastA = low &+ (0x80 - 0x41) &* ones
        let aboveZ = low &+ (0x80 - 0x5B) &* ones
        let upper = atLeastA & ~aboveZ & ~x & (0x80 &* ones)
        return x | upper >> 2
    }

    /// Forgets what was counted (all, or one stream), but the exact counters, which only ever grow.
    func reset(stream: String?) {
        func emptied(_ s: StreamStats) -> StreamStats {
            var e = s.emptied()
            e.counters = s.counters
            e.since = SondeThread.wallClockNanoseconds()
            return e
        }
        lock.withLock {
            if let stream {
                if streams.isEmpty && stream == soleStream { splitSoleStream() }
                if let box = streams[stream] { box.stats = emptied(box.stats) }
            } else {
                var counters = closed.counters
                counters.add(current.counters)
                closed = closed.emptied()
                closed.counters = counters
                closed.since = SondeThread.wallClockNanoseconds()
                current.clear()
                for box in streams.values { box.stats = emptied(box.stats) }
            }
        }
    }
}

/// Which stream an event belongs to, remembering the last answer (a batch's events mostly share it); kept in a
/// local while a batch is added (the shard's stored properties would be checked for exclusive access per event).
struct StreamCursor {
    var lastIdentity: [UInt8]
    var lastStream: String
    var lastInterface: UInt16
    var lastInterfaceName: String

    /// The dnstap sender's identity, the capture's interface, or the batch's stream (the input's identity).
    mutating func name(_ e: UnsafePointer<DNSEvent>, _ m: UnsafeRawBufferPointer, _ fallback: String) -> String {
        guard e.pointee.hasDnstap && e.pointee.dnstap.identity.isPresent else {
            // A capture's interface (each its own stream under `--interface any` or several interfaces).
            let interface = e.pointee.interface
            guard interface != 0 else { return fallback }
            if interface == lastInterface { return lastInterfaceName }
            guard let name = InterfaceNames.name(interface) else { return fallback }
            lastInterface = interface
            lastInterfaceName = name
            return name
        }
        let id = e.pointee.dnstap.identity.bytes(in: e.pointee.dnstapFrame(m))
        let same = id.count == lastIdentity.count && lastIdentity.withUnsafeBytes { last in
            id.count == 0 || memcmp(last.baseAddress!, id.baseAddress!, id.count) == 0
        }
        if same { return lastStream }
        lastIdentity = Array(id)
        lastStream = String(decoding: id, as: UTF8.self)
        return lastStream
    }
}

/// One stream's stats, in a box so they are changed in place.
final class StreamBox {
    var stats: StreamStats
    init(_ stats: StreamStats) { self.stats = stats }
}
