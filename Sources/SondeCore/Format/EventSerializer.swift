#if canImport(Glibc)
import Glibc
#endif
public import SondeDNS
public import SondeDnstap
public import SondePacket

/// Per-output state for formatting: the timestamp cache and the escaped forms of the last dnstap identity and
/// version (a stream repeats them in every message).
public struct FormatContext {
    /// Timestamp cache.
    public var time = TimestampWriter()
    public var identity = EscapeCache()
    public var version = EscapeCache()
    /// The server side's address text (destination of queries, source of responses), which repeats.
    public var serverAddress = AddressTextCache()
    /// The flags and message-type tables, read once here rather than through the lazy globals' accessors for
    /// every event.
    let flagsText = JSONFormat.flagsText
    let messageTypeText = JSONFormat.messageTypeText
    public init() {}
}

/// The presentation text of the last address of each family written through it, reused while the address stays
/// the same.
///
/// A server's address is on every event it reports, as the destination of queries and the source of
/// responses, often on both families; writing it from here costs two compares and three 16-octet copies instead
/// of the formatting (an IPv6 address, with its search for the longest run of zero groups, takes about 200
/// instructions). The family picks the slot by arithmetic, not by a branch.
public struct AddressTextCache {
    struct Slot {
        var high: UInt64 = 0
        var low: UInt64 = 0
        var length = 0  // 0: empty
        var text: (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>) = (.zero, .zero, .zero)
    }

    var slots = (Slot(), Slot())

    public init() {}

    /// Writes `a` in presentation form through `c`, which must have room for 48 octets (the text is at most 39;
    /// the copy stores 48).
    @inline(__always)
    public mutating func write(_ a: IPAddress, to c: inout OutputCursor) {
        let raw = UnsafeMutableRawPointer(c.p)
        withUnsafeMutableBytes(of: &slots) { slots in
            // IPFamily.v4 is 4 and .v6 is 6: bit 1 tells them apart.
            let slot = slots.baseAddress!.assumingMemoryBound(to: Slot.self) + (Int(a.family.rawValue >> 1) & 1)
            if slot.pointee.low == a.low && slot.pointee.high == a.high && slot.pointee.length > 0 {
                raw.storeBytes(of: slot.pointee.text.0, as: SIMD16<UInt8>.self)
                raw.storeBytes(of: slot.pointee.text.1, toByteOffset: 16, as: SIMD16<UInt8>.self)
                raw.storeBytes(of: slot.pointee.text.2, toByteOffset: 32, as: SIMD16<UInt8>.self)
                c.p += slot.pointee.length
                return
            }
            let n = a.writePresentation(to: c.p)
            slot.pointee = Slot(
                high: a.high, low: a.low, length: n,
                text: (
                    raw.loadUnaligned(as: SIMD16<UInt8>.self),
                    raw.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self),
                    raw.loadUnaligned(fromByteOffset: 32, as: SIMD16<UInt8>.self)))
            c.p += n
        }
    }
}

/// The JSON-escaped form of the last byte string seen, reused while the bytes stay the same.
public struct EscapeCache {
    var raw: [UInt8] = []
    var escaped: [UInt8] = []
    /// `raw.count`, kept beside it so the per-event test reads a field instead of calling into the array.
    var rawCount = 0

    public init() {}

    /// Appends `bytes` escaped (``OutputBuffer/appendJSONEscaped(bytes:)``), from the cache when they repeat.
    @inline(__always)
    public mutating func append(_ bytes: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if bytes.count == rawCount && (rawCount == 0 || raw.withUnsafeBytes { Self.same($0.baseAddress!, bytes.baseAddress!, bytes.count) }) {
            escaped.withUnsafeBytes { out.append($0) }
            return
        }
        let start = out.count
        out.appendJSONEscaped(bytes: bytes)
        raw = Array(bytes)
        rawCount = raw.count
        escaped = out.withBytes { Array($0[start...]) }
    }

    /// Whether `n` (> 0) bytes at `a` and `b` are equal: identities and versions are short, so two or four
    /// overlapping word compares instead of a call to memcmp.
    @inline(__always)
    static func same(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        @inline(__always) func word(_ p: UnsafeRawPointer, _ at: Int) -> UInt64 { p.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
        switch n {
        case 8...16:
            return (word(a, 0) ^ word(b, 0)) | (word(a, n &- 8) ^ word(b, n &- 8)) == 0
        case 17...32:
            return (word(a, 0) ^ word(b, 0)) | (word(a, 8) ^ word(b, 8)) | (word(a, n &- 16) ^ word(b, n &- 16))
                | (word(a, n &- 8) ^ word(b, n &- 8)) == 0
        default:
            return memcmp(a, b, n) == 0
        }
    }
}

/// Writes the whole event, as documented in the README, through a ``StructuredEmitter`` (JSON or YAML).
///
/// Field names are part of Sonde's interface: later work adds fields, never renames these.
public enum EventSerializer {
    /// Serialises one event.
    public static func write<E: StructuredEmitter>(
        _ e: DNSEvent, message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
        enrichment: UnsafePointer<EventEnrichment>? = nil, context: inout FormatContext, emitter: inout E,
        into out: inout OutputBuffer
    ) {
        let l = e.layout
        emitter.beginDocument(into: &out)
        emitter.key("time", into: &out)
        emitter.beginScalar(into: &out)
        out.append(UInt8(ascii: "\""))
        context.time.write(e.timestamp, into: &out)
        out.append(UInt8(ascii: "\""))
        emitter.key("identity", into: &out)
        emitter.beginScalar(into: &out)
        out.append(UInt8(ascii: "\""))
        if e.hasDnstap && e.dnstap.identity.isPresent {
            context.identity.append(e.dnstap.identity.bytes(in: e.dnstapFrame(message)), into: &out)
        } else {
            out.append(identity)
        }
        out.append(UInt8(ascii: "\""))
        emitter.key("input", into: &out)
        emitter.string(e.input.name, into: &out)
        emitter.key("family", into: &out)
        emitter.string((e.source.family == .v6) ? "INET6" : "INET", into: &out)
        emitter.key("protocol", into: &out)
        emitter.string(e.transport.name, into: &out)
        emitter.key("src_ip", into: &out)
        emitter.plain(into: &out) { $0.append(address: e.source) }
        emitter.key("src_port", into: &out)
        emitter.number(UInt64(e.sourcePort), into: &out)
        emitter.key("dst_ip", into: &out)
        emitter.plain(into: &out) { $0.append(address: e.destination) }
        emitter.key("dst_port", into: &out)
        emitter.number(UInt64(e.destinationPort), into: &out)
        if e.markers.contains(.noMessage) {
            emitter.key("response", into: &out)
            emitter.bool(!e.dnstap.isQuery, into: &out)
            emitter.key("size", into: &out)
            emitter.number(0, into: &out)
            DnstapFieldsSerializer.write(e, frame: e.dnstapFrame(message), context: &context, emitter: &emitter, into: &out)
            emitter.key("malformed", into: &out)
            emitter.bool(false, into: &out)
            if let enrichment {
                EnrichmentSerializer.write(enrichment.pointee, message: message, questionOffset: -1, emitter: &emitter, into: &out)
            }
            emitter.endDocument(into: &out)
            return
        }
        emitter.key("id", into: &out)
        emitter.number(UInt64(l.id), into: &out)
        emitter.key("response", into: &out)
        emitter.bool(l.isResponse, into: &out)
        emitter.key("opcode", into: &out)
        emitter.plain(into: &out) { DNSOpcode.write(l.opcode, into: &$0) }
        emitter.key("rcode", into: &out)
        emitter.plain(into: &out) { DNSRcode.write(l.rcode, into: &$0) }
        emitter.key("flags", into: &out)
        emitter.beginObject(into: &out)
        emitter.key("aa", into: &out); emitter.bool(l.aa, into: &out)
        emitter.key("tc", into: &out); emitter.bool(l.tc, into: &out)
        emitter.key("rd", into: &out); emitter.bool(l.rd, into: &out)
        emitter.key("ra", into: &out); emitter.bool(l.ra, into: &out)
        emitter.key("ad", into: &out); emitter.bool(l.ad, into: &out)
        emitter.key("cd", into: &out); emitter.bool(l.cd, into: &out)
        emitter.endObject(into: &out)
        if l.hasQuestion {
            emitter.key("qname", into: &out)
            if let enrichment, enrichment.pointee.changesQname {
                emitter.plain(into: &out) { QnameText.write(enrichment.pointee, message, at: Int(l.questionOffset), into: &$0) }
            } else {
                emitter.plain(into: &out) { DomainName.write(message, at: Int(l.questionOffset), into: &$0, quoted: true) }
            }
            emitter.key("qtype", into: &out)
            emitter.plain(into: &out) { DNSType.write(l.qtype, into: &$0) }
            emitter.key("qclass", into: &out)
            emitter.plain(into: &out) { DNSClass.write(l.qclass, into: &$0) }
        } else {
            emitter.key("qname", into: &out); emitter.null(into: &out)
            emitter.key("qtype", into: &out); emitter.null(into: &out)
            emitter.key("qclass", into: &out); emitter.null(into: &out)
        }
        emitter.key("size", into: &out)
        emitter.number(UInt64(message.count), into: &out)
        emitter.key("qd_count", into: &out); emitter.number(UInt64(l.qdCount), into: &out)
        emitter.key("an_count", into: &out); emitter.number(UInt64(l.anCount), into: &out)
        emitter.key("ns_count", into: &out); emitter.number(UInt64(l.nsCount), into: &out)
        emitter.key("ar_count", into: &out); emitter.number(UInt64(l.arCount), into: &out)
        emitter.key("answers", into: &out)
        writeRecords(message, from: Int(l.answerOffset), count: Int(l.answerRecords), emitter: &emitter, into: &out)
        emitter.key("authority", into: &out)
        writeRecords(message, from: Int(l.authorityOffset), count: Int(l.authorityRecords), emitter: &emitter, into: &out)
        emitter.key("additional", into: &out)
        writeRecords(
            message, from: Int(l.additionalOffset), count: Int(l.additionalRecords), skipping: Int(l.ednsOptionsOffset),
            emitter: &emitter, into: &out)
        if l.hasEDNS { writeEDNS(l, message, emitter: &emitter, into: &out) }
        if e.latency >= 0 {
            emitter.key("latency", into: &out)
            emitter.seconds(nanoseconds: e.latency, into: &out)
        }
        if e.hasDnstap {
            DnstapFieldsSerializer.write(e, frame: e.dnstapFrame(message), context: &context, emitter: &emitter, into: &out)
        }
        if e.transaction != .none {
            emitter.key("transaction", into: &out)
            emitter.string(e.transaction.name, into: &out)
            if e.queryTimestamp >= 0 {
                emitter.key("query_time", into: &out)
                emitter.beginScalar(into: &out)
                out.append(UInt8(ascii: "\""))
                context.time.write(e.queryTimestamp, into: &out)
                out.append(UInt8(ascii: "\""))
                emitter.key("query_size", into: &out)
                emitter.number(UInt64(e.querySize), into: &out)
            }
        }
        if e.markers.contains(.captureTruncated) {
            emitter.key("capture_truncated", into: &out); emitter.bool(true, into: &out)
        }
        if e.markers.contains(.tcpReassembled) {
            emitter.key("tcp_reassembled", into: &out); emitter.bool(true, into: &out)
        }
        if e.markers.contains(.ipDefragmented) {
            emitter.key("ip_defragmented", into: &out); emitter.bool(true, into: &out)
        }
        if e.interface != 0 {
            emitter.key("interface", into: &out)
            emitter.beginScalar(into: &out)
            out.append(UInt8(ascii: "\""))
            out.append(InterfaceNames.escaped(e.interface))
            out.append(UInt8(ascii: "\""))
        }
        if e.markers.contains(.vlanTagged) {
            emitter.key("vlan", into: &out)
            emitter.number(UInt64(e.vlan), into: &out)
        }
        emitter.key("malformed", into: &out)
        emitter.bool(l.isMalformed, into: &out)
        if let reason = l.errorReason {
            emitter.key("error", into: &out)
            let err = DNSDecodingError(reason, section: l.errorSection, offset: Int(l.errorOffset))
            emitter.presentation(into: &out) { $0.writeDescription(of: err) }
        }
        if let enrichment {
            EnrichmentSerializer.write(
                enrichment.pointee, message: message, questionOffset: Int(l.questionOffset), emitter: &emitter, into: &out)
        }
        emitter.endDocument(into: &out)
    }

    /// Writes the `count` records starting at `offset`, except the one whose RDATA is at `skipping` (the OPT
    /// record that became `edns`; -1 for none); any other record, another OPT included, is written.
    static func writeRecords<E: StructuredEmitter>(
        _ message: UnsafeRawBufferPointer, from offset: Int, count: Int, skipping: Int = -1, emitter: inout E,
        into out: inout OutputBuffer
    ) {
        // The skipped OPT is always one of the counted records when it is set.
        guard count - (skipping >= 0 ? 1 : 0) > 0 else {
            emitter.emptyArray(into: &out)
            return
        }
        emitter.beginArray(into: &out)
        var cursor = RecordCursor(message: message, offset: offset)
        var seen = 0
        while seen < count, let rr = cursor.next() {
            seen += 1
            if rr.rdataOffset == skipping { continue }
            emitter.beginObject(into: &out)
            emitter.key("name", into: &out)
            emitter.plain(into: &out) { DomainName.write(message, at: rr.nameOffset, into: &$0, quoted: true) }
            emitter.key("type", into: &out)
            emitter.plain(into: &out) { DNSType.write(rr.type, into: &$0) }
            emitter.key("class", into: &out)
            emitter.plain(into: &out) { DNSClass.write(rr.rrclass, into: &$0) }
            emitter.key("ttl", into: &out)
            emitter.number(UInt64(rr.ttl), into: &out)
            emitter.key("rdata", into: &out)
            emitter.presentation(into: &out) { $0.appendRData(rr, message) }
            emitter.endObject(into: &out)
        }
        emitter.endArray(into: &out)
    }

    static func writeEDNS<E: StructuredEmitter>(
        _ l: MessageLayout, _ message: UnsafeRawBufferPointer, emitter: inout E, into out: inout OutputBuffer
    ) {
        emitter.key("edns", into: &out)
        emitter.beginObject(into: &out)
        emitter.key("udp_size", into: &out); emitter.number(UInt64(l.ednsUDPSize), into: &out)
        emitter.key("version", into: &out); emitter.number(UInt64(l.ednsVersion), into: &out)
        emitter.key("do", into: &out); emitter.bool(l.ednsDO, into: &out)
        emitter.key("options", into: &out)
        var options = EDNSOptionCursor(message: message, offset: Int(l.ednsOptionsOffset), length: Int(l.ednsOptionsLength))
        if options.isEmpty {
            emitter.emptyArray(into: &out)
        } else {
            emitter.beginArray(into: &out)
            while let (code, data) = options.next() {
                emitter.beginObject(into: &out)
                emitter.key("code", into: &out); emitter.number(UInt64(code), into: &out)
                emitter.key("name", into: &out)
                emitter.plain(into: &out) { EDNSOptionWriter.writeName(code: code, into: &$0) }
                emitter.key("value", into: &out)
                emitter.presentation(into: &out) { buf in
                    let start = buf.count
                    if !EDNSOptionWriter.writeValue(code: code, data: data, into: &buf) {
                        buf.truncate(to: start)
                        buf.appendHex(data)
                    }
                }
                emitter.endObject(into: &out)
            }
            emitter.endArray(into: &out)
        }
        emitter.endObject(into: &out)
    }
}

/// One resource record located in a message.
@frozen
public struct RecordRef {
    public var nameOffset: Int
    public var type: UInt16
    public var rrclass: UInt16
    public var ttl: UInt32
    public var rdataOffset: Int
    public var rdataLength: Int
}

/// Walks resource records from an offset; stops at the first one that does not fit.
@frozen
public struct RecordCursor {
    public let message: UnsafeRawBufferPointer
    public var offset: Int

    public init(message: UnsafeRawBufferPointer, offset: Int) {
        self.message = message
        self.offset = offset
    }


    @inline(__always)
    public mutating func next() -> RecordRef? {
        guard let nameEnd = DomainName.skip(message, at: offset), nameEnd + 10 <= message.count else {
            return nil
        }
        let rdlength = Int(message.loadBigEndianUInt16(at: nameEnd + 8))
        guard nameEnd + 10 + rdlength <= message.count else { return nil }
        let rr = RecordRef(
            nameOffset: offset, type: message.loadBigEndianUInt16(at: nameEnd),
            rrclass: message.loadBigEndianUInt16(at: nameEnd + 2), ttl: message.loadBigEndianUInt32(at: nameEnd + 4),
            rdataOffset: nameEnd + 10, rdataLength: rdlength)
        offset = nameEnd + 10 + rdlength
        return rr
    }
}

/// Walks EDNS options (RFC 6891 §6.1.2: code, length, data); stops at one that does not fit.
@frozen
public struct EDNSOptionCursor {
    public let message: UnsafeRawBufferPointer
    public var offset: Int
    public let end: Int

    public init(message: UnsafeRawBufferPointer, offset: Int, length: Int) {
        self.message = message
        self.offset = offset
        self.end = offset + length
    }

    public var isEmpty: Bool { offset + 4 > end }


    public mutating func next() -> (UInt16, UnsafeRawBufferPointer)? {
        guard offset + 4 <= end else { return nil }
        let code = message.loadBigEndianUInt16(at: offset)
        let length = Int(message.loadBigEndianUInt16(at: offset + 2))
        guard offset + 4 + length <= end else { return nil }
        let data = UnsafeRawBufferPointer(rebasing: message[(offset + 4)..<(offset + 4 + length)])
        offset += 4 + length
        return (code, data)
    }
}

extension OutputBuffer {
    /// RDATA in presentation form, or RFC 3597 form when the bytes do not fit the type.
    public mutating func appendRData(_ rr: RecordRef, _ message: UnsafeRawBufferPointer) {
        RDataWriter.writeOrUnknown(type: rr.type, message: message, offset: rr.rdataOffset, length: rr.rdataLength, into: &self)
    }

    /// An IP address in presentation form.
    public mutating func append(address: IPAddress) {
        append(reserving: 64) { address.writePresentation(to: $0) }
    }
}
