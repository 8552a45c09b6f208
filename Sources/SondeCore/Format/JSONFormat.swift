public import SondeDNS
public import SondeDnstap
public import SondePacket

/// One JSON object per event, one per line (JSON Lines), written by hand for speed.
///
/// The keys and values are those of ``EventSerializer`` (which writes YAML, and JSON too in the tests that keep
/// the two in step). Here every run of constant text between two values — a closing quote, a comma, the next
/// key — is a single literal copy, and no separator state is tracked: the field order is fixed.
public enum JSONFormat {
    /// Writes one event and its newline.
    @inline(__always)
    ///
    /// The event is read in place in its batch (`event` points there), never copied whole.
    public static func write(
        _ event: UnsafePointer<DNSEvent>, message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
        context: inout FormatContext, into out: inout OutputBuffer
    ) {
        let l = event.pointee.layout
        out.append("{\"time\":\"")
        let timeAt = out.count
        context.time.write(event.pointee.timestamp, into: &out)
        out.append("\",\"identity\":\"")
        if event.pointee.hasDnstap && event.pointee.dnstap.identity.isPresent {
            context.identity.append(event.pointee.dnstap.identity.bytes(in: event.pointee.dnstapFrame(message)), into: &out)
        } else {
            out.append(identity)
        }
        out.append("\",\"input\":\"")
        out.append(event.pointee.input.name)
        out.append(event.pointee.source.family == .v6 ? "\",\"family\":\"INET6\",\"protocol\":\"" : "\",\"family\":\"INET\",\"protocol\":\"")
        out.append(event.pointee.transport.name)
        out.append("\",\"src_ip\":\"")
        out.append(address: event.pointee.source)
        out.append("\",\"src_port\":")
        out.appendDecimal(UInt64(event.pointee.sourcePort))
        out.append(",\"dst_ip\":\"")
        out.append(address: event.pointee.destination)
        out.append("\",\"dst_port\":")
        out.appendDecimal(UInt64(event.pointee.destinationPort))
        if event.pointee.markers.contains(.noMessage) {
            writeWithoutMessage(event, message, timeAt: timeAt, context: &context, into: &out)
            return
        }
        out.append(",\"id\":")
        out.appendDecimal(UInt64(l.id))
        out.append(l.isResponse ? ",\"response\":true,\"opcode\":\"" : ",\"response\":false,\"opcode\":\"")
        if l.opcode == 0 { out.append("QUERY") } else { DNSOpcode.write(l.opcode, into: &out) }
        out.append("\",\"rcode\":\"")
        switch l.rcode {
        case 0: out.append("NOERROR")
        case 3: out.append("NXDOMAIN")
        default: DNSRcode.write(l.rcode, into: &out)
        }
        flagsText.append(l.flags, into: &out)
        if l.hasQuestion {
            out.append(",\"qname\":\"")
            DomainName.write(message, at: Int(l.questionOffset), into: &out, quoted: true)
            out.append("\",\"qtype\":\"")
            writeType(l.qtype, into: &out)
            if l.qclass == 1 {
                out.append("\",\"qclass\":\"IN\",\"size\":")
            } else {
                out.append("\",\"qclass\":\"")
                DNSClass.write(l.qclass, into: &out)
                out.append("\",\"size\":")
            }
        } else {
            out.append(",\"qname\":null,\"qtype\":null,\"qclass\":null,\"size\":")
        }
        out.appendDecimal(UInt64(message.count))
        out.append(",\"qd_count\":")
        out.appendDecimal(UInt64(l.qdCount))
        out.append(",\"an_count\":")
        out.appendDecimal(UInt64(l.anCount))
        out.append(",\"ns_count\":")
        out.appendDecimal(UInt64(l.nsCount))
        out.append(",\"ar_count\":")
        out.appendDecimal(UInt64(l.arCount))
        out.append(",\"answers\":")
        writeRecords(message, from: Int(l.answerOffset), count: Int(l.answerRecords), into: &out)
        out.append(",\"authority\":")
        writeRecords(message, from: Int(l.authorityOffset), count: Int(l.authorityRecords), into: &out)
        out.append(",\"additional\":")
        writeRecords(
            message, from: Int(l.additionalOffset), count: Int(l.additionalRecords), skipping: Int(l.ednsOptionsOffset),
            into: &out)
        if l.hasEDNS { writeEDNS(l, message, into: &out) }
        if event.pointee.latency >= 0 {
            out.append(",\"latency\":")
            writeSeconds(event.pointee.latency, into: &out)
        }
        if event.pointee.hasDnstap { writeDnstap(event, message, timeAt: timeAt, context: &context, into: &out) }
        if event.pointee.transaction != .none {
            out.append(",\"transaction\":\"")
            out.append(event.pointee.transaction.name)
            out.append("\"")
            if event.pointee.queryTimestamp >= 0 {
                out.append(",\"query_time\":\"")
                context.time.write(event.pointee.queryTimestamp, into: &out)
                out.append("\",\"query_size\":")
                out.appendDecimal(UInt64(event.pointee.querySize))
            }
        }
        if event.pointee.markers.rawValue != 0 {
            if event.pointee.markers.contains(.captureTruncated) { out.append(",\"capture_truncated\":true") }
            if event.pointee.markers.contains(.tcpReassembled) { out.append(",\"tcp_reassembled\":true") }
            if event.pointee.markers.contains(.ipDefragmented) { out.append(",\"ip_defragmented\":true") }
        }
        if let reason = l.errorReason {
            out.append(",\"malformed\":true,\"error\":\"")
            let start = out.count
            out.writeDescription(of: DNSDecodingError(reason, section: l.errorSection, offset: Int(l.errorOffset)))
            out.escapeQuotesAndBackslashes(from: start)
            out.append("\"}\n")
        } else {
            out.append(",\"malformed\":false}\n")
        }
    }

    /// An event from a dnstap message without a DNS message: the dnstap fields only.
    static func writeWithoutMessage(
        _ event: UnsafePointer<DNSEvent>, _ message: UnsafeRawBufferPointer, timeAt: Int, context: inout FormatContext,
        into out: inout OutputBuffer
    ) {
        out.append(event.pointee.dnstap.isQuery ? ",\"response\":false,\"size\":0" : ",\"response\":true,\"size\":0")
        writeDnstap(event, message, timeAt: timeAt, context: &context, into: &out)
        out.append(",\"malformed\":false}\n")
    }

    /// The dnstap fields (``DnstapFieldsSerializer``, written here with the keys as literals). A query or response
    /// time equal to the event's `time` (always one of them) is copied from where `time` was written at `timeAt`.
    @inline(__always)
    static func writeDnstap(
        _ event: UnsafePointer<DNSEvent>, _ message: UnsafeRawBufferPointer, timeAt: Int, context: inout FormatContext,
        into out: inout OutputBuffer
    ) {
        let frame = event.pointee.dnstapFrame(message)
        out.append(",\"dnstap_type\":\"")
        DnstapNames.write(event.pointee.dnstap.messageType, DnstapNames.messageType, into: &out)
        if event.pointee.dnstap.version.isPresent {
            out.append("\",\"version\":\"")
            context.version.append(event.pointee.dnstap.version.bytes(in: frame), into: &out)
        }
        let time = event.pointee.timestamp
        if let t = event.pointee.dnstap.queryTime {
            out.append("\",\"query_time\":\"")
            if t == time { out.appendCopy(from: timeAt, count: TimestampWriter.length) } else { context.time.write(t, into: &out) }
        }
        if let t = event.pointee.dnstap.responseTime {
            out.append("\",\"response_time\":\"")
            if t == time { out.appendCopy(from: timeAt, count: TimestampWriter.length) } else { context.time.write(t, into: &out) }
        }
        out.append(UInt8(ascii: "\""))
        if DnstapFieldsSerializer.hasRareFields(event.pointee.dnstap) {
            var emitter = JSONEmitter(needsComma: true)
            DnstapFieldsSerializer.writeRareFields(
                event.pointee.dnstap, frame: frame, context: &context, emitter: &emitter, into: &out)
        }
    }

    /// `[{"name":…,"type":…,"class":…,"ttl":…,"rdata":…},…]`: the `count` records from `offset`, except the one
    /// whose RDATA is at `skipping` (the OPT record that became `edns`; -1 for none). Every other record is written,
    /// another OPT included, so the walk never goes past what the decoder counted.
    @inline(__always)
    static func writeRecords(
        _ message: UnsafeRawBufferPointer, from offset: Int, count: Int, skipping: Int = -1, into out: inout OutputBuffer
    ) {
        var cursor = RecordCursor(message: message, offset: offset)
        var seen = 0
        var written = 0
        while seen < count, let rr = cursor.next() {
            seen += 1
            if rr.rdataOffset == skipping { continue }
            out.append(written == 0 ? "[{\"name\":\"" : ",{\"name\":\"")
            written += 1
            DomainName.write(message, at: rr.nameOffset, into: &out, quoted: true)
            out.append("\",\"type\":\"")
            writeType(rr.type, into: &out)
            if rr.rrclass == 1 {
                out.append("\",\"class\":\"IN\",\"ttl\":")
            } else {
                out.append("\",\"class\":\"")
                DNSClass.write(rr.rrclass, into: &out)
                out.append("\",\"ttl\":")
            }
            out.appendDecimal(UInt64(rr.ttl))
            out.append(",\"rdata\":\"")
            // Addresses never hold a quote or a backslash: written straight, with no second look.
            if rr.type == 1 && rr.rdataLength == 4 {
                out.append(address: IPAddress(ipv4: UInt32(bigEndian: message.loadUnaligned(fromByteOffset: rr.rdataOffset, as: UInt32.self))))
            } else if rr.type == 28 && rr.rdataLength == 16 {
                out.append(address: IPAddress(
                    ipv6High: UInt64(bigEndian: message.loadUnaligned(fromByteOffset: rr.rdataOffset, as: UInt64.self)),
                    low: UInt64(bigEndian: message.loadUnaligned(fromByteOffset: rr.rdataOffset &+ 8, as: UInt64.self))))
            } else {
                let start = out.count
                out.appendRData(rr, message)
                out.escapeQuotesAndBackslashes(from: start)
            }
            out.append("\"}")
        }
        out.append(written == 0 ? "[]" : "]")
    }

    /// A type mnemonic, the most frequent ones inline.
    @inline(__always)
    static func writeType(_ code: UInt16, into out: inout OutputBuffer) {
        switch code {
        case 1: out.append(UInt8(ascii: "A"))
        case 28: out.append("AAAA")
        case 5: out.append("CNAME")
        case 65: out.append("HTTPS")
        default: DNSType.write(code, into: &out)
        }
    }

    /// `","flags":{"aa":…,"cd":…}` for each of the 64 combinations of the six flags, made once.
    static let flagsText = FlagsText()

    static func writeEDNS(_ l: MessageLayout, _ message: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        out.append(",\"edns\":{\"udp_size\":")
        out.appendDecimal(UInt64(l.ednsUDPSize))
        out.append(",\"version\":")
        out.appendDecimal(UInt64(l.ednsVersion))
        out.append(l.ednsDO ? ",\"do\":true,\"options\":[" : ",\"do\":false,\"options\":[")
        var options = EDNSOptionCursor(message: message, offset: Int(l.ednsOptionsOffset), length: Int(l.ednsOptionsLength))
        var first = true
        while let (code, data) = options.next() {
            out.append(first ? "{\"code\":" : ",{\"code\":")
            first = false
            out.appendDecimal(UInt64(code))
            out.append(",\"name\":\"")
            EDNSOptionWriter.writeName(code: code, into: &out)
            out.append("\",\"value\":\"")
            let start = out.count
            if !EDNSOptionWriter.writeValue(code: code, data: data, into: &out) {
                out.truncate(to: start)
                out.appendHex(data)
            }
            out.escapeQuotesAndBackslashes(from: start)
            out.append("\"}")
        }
        out.append("]}")
    }

    /// Seconds with nanosecond precision (`0.001234567`).
    @inline(__always)
    static func writeSeconds(_ nanoseconds: Int64, into out: inout OutputBuffer) {
        if nanoseconds < 0 { out.append(UInt8(ascii: "-")) }
        let v = UInt64(nanoseconds.magnitude)
        out.appendDecimal(v / 1_000_000_000)
        out.append(UInt8(ascii: "."))
        out.appendNineDigits(UInt32(truncatingIfNeeded: v % 1_000_000_000))
    }
}

/// The `flags` member of an event for every combination of AA, TC, RD, RA, AD and CD, so an event copies one
/// text instead of writing six members.
struct FlagsText: @unchecked Sendable {
    static let stride = 96
    let texts: UnsafeMutablePointer<UInt8>
    let lengths: UnsafeMutablePointer<UInt8>

    init() {
        texts = .allocate(capacity: 64 * Self.stride)
        lengths = .allocate(capacity: 64)
        for combination in 0..<64 {
            var out = OutputBuffer(capacity: Self.stride)
            let names: [StaticString] = ["aa", "tc", "rd", "ra", "ad", "cd"]
            out.append("\",\"flags\":{")
            for (i, name) in names.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\""))
                out.append(name)
                out.append(combination & (1 << i) != 0 ? "\":true" : "\":false")
            }
            out.append(UInt8(ascii: "}"))
            out.withBytes { (texts + combination * Self.stride).initialize(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: $0.count) }
            lengths[combination] = UInt8(out.count)
        }
    }

    /// Appends the text for the header flags `flags` (the second 16-bit word of the header).
    @inline(__always)
    func append(_ flags: UInt16, into out: inout OutputBuffer) {
        // AA 0x0400, TC 0x0200, RD 0x0100, RA 0x0080, AD 0x0020, CD 0x0010 to bits 0...5.
        let f = Int(flags)
        let index = (f >> 10) & 1 | (f >> 8) & 2 | (f >> 6) & 4 | (f >> 4) & 8 | (f >> 1) & 16 | (f << 1) & 32
        let text = UnsafeRawPointer(texts + index &* Self.stride)
        let length = Int(lengths[index])
        // A fixed-size copy of the whole slot is a few vector moves; only `length` bytes count.
        out.append(reserving: Self.stride) { UnsafeMutableRawPointer($0).copyMemory(from: text, byteCount: Self.stride); return length }
    }
}
