public import SondeDNS
public import SondeDnstap
public import SondePacket

/// One JSON object per event, one per line (JSON Lines), written by hand for speed.
///
/// The keys and values are those of ``EventSerializer`` (which writes YAML, and JSON too in the tests that keep
/// the two in step). Here every run of constant text between two values — a closing quote, a comma, the next
/// key — is a single literal copy, and no separator state is tracked: the field order is fixed. The fixed members
/// are written through an ``OutputCursor`` into room reserved once per run of them (each run's bound is noted);
/// names, identities and RDATA, whose length has no small bound, go through the buffer itself.
public enum JSONFormat {
    /// Writes one event and its newline.
    ///
    /// The event is read in place in its batch (`event` points there), never copied whole.
    @inline(__always)
    public static func write(
        _ event: UnsafePointer<DNSEvent>, message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
        context: inout FormatContext, into out: inout OutputBuffer
    ) {
        writeEvent(event, message: message, identity: identity, enrichment: nil, context: &context, into: &out)
    }

    /// Writes one event with what transforms added to it (members after the decoded ones, before the close).
    @inline(__always)
    public static func write(
        _ event: UnsafePointer<DNSEvent>, message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
        enrichment: UnsafePointer<EventEnrichment>?, context: inout FormatContext, into out: inout OutputBuffer
    ) {
        writeEvent(event, message: message, identity: identity, enrichment: enrichment, context: &context, into: &out)
        guard let enrichment, !enrichment.pointee.isEmpty else { return }
        // Reopen the object: drop "}\n", add the members, close again.
        out.truncate(to: out.count - 2)
        var emitter = JSONEmitter(needsComma: true)
        EnrichmentSerializer.write(
            enrichment.pointee, message: message,
            questionOffset: event.pointee.markers.contains(.noMessage) ? -1 : Int(event.pointee.layout.questionOffset),
            emitter: &emitter, into: &out)
        out.append("}\n")
    }

    @inline(__always)
    static func writeEvent(
        _ event: UnsafePointer<DNSEvent>, message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
        enrichment: UnsafePointer<EventEnrichment>?, context: inout FormatContext, into out: inout OutputBuffer
    ) {
        let l = event.pointee.layout
        // 9 + 30 + 14
        var c = out.cursor(reserving: 64)
        c.append("{\"time\":\"")
        let timeAt = out.offset(of: c)
        context.time.write(event.pointee.timestamp, to: &c)
        c.append("\",\"identity\":\"")
        out.commit(c)
        if event.pointee.hasDnstap && event.pointee.dnstap.identity.isPresent {
            context.identity.append(event.pointee.dnstap.identity.bytes(in: event.pointee.dnstapFrame(message)), into: &out)
        } else {
            out.append(identity)
        }
        // 11 + 6 + 37 + 11 + 12 + 48 + 13 + 5 + 12 + 48 + 13 + 5 + 6 + 5 + 33 + 5 + 22 + 96 (the flags copy) + 11
        c = out.cursor(reserving: 512)
        c.append("\",\"input\":\"")
        c.append(event.pointee.input.name)
        c.append(event.pointee.source.family == .v6 ? "\",\"family\":\"INET6\",\"protocol\":\"" : "\",\"family\":\"INET\",\"protocol\":\"")
        c.append(event.pointee.transport.name)
        c.append("\",\"src_ip\":\"")
        // The server's address, which repeats, from the cache: a response's source, a query's destination.
        let serverIsSource = l.isResponse
        if serverIsSource {
            context.serverAddress.write(event.pointee.source, to: &c)
        } else {
            c.p += event.pointee.source.writePresentation(to: c.p)
        }
        c.append("\",\"src_port\":")
        c.appendDecimal(UInt64(event.pointee.sourcePort))
        c.append(",\"dst_ip\":\"")
        if serverIsSource {
            c.p += event.pointee.destination.writePresentation(to: c.p)
        } else {
            context.serverAddress.write(event.pointee.destination, to: &c)
        }
        c.append("\",\"dst_port\":")
        c.appendDecimal(UInt64(event.pointee.destinationPort))
        if event.pointee.markers.contains(.noMessage) {
            out.commit(c)
            writeWithoutMessage(event, message, timeAt: timeAt, context: &context, into: &out)
            return
        }
        c.append(",\"id\":")
        c.appendDecimal(UInt64(l.id))
        c.append(l.isResponse ? ",\"response\":true,\"opcode\":\"" : ",\"response\":false,\"opcode\":\"")
        if l.opcode == 0 {
            c.append("QUERY")
        } else if let m = DNSOpcode.mnemonic(l.opcode) {
            c.append(m)
        } else {
            c.append("OPCODE")
            c.appendDecimal(UInt64(l.opcode))
        }
        c.append("\",\"rcode\":\"")
        switch l.rcode {
        case 0: c.append("NOERROR")
        case 3: c.append("NXDOMAIN")
        default:
            out.commit(c)
            DNSRcode.write(l.rcode, into: &out)
            // 96 (the flags copy) + 50 (no question)
            c = out.cursor(reserving: 160)
        }
        context.flagsText.append(l.flags, to: &c)
        // Where the question's name was written, for records whose owner points at it.
        var qname = QuestionText(start: -1, length: 0)
        if l.hasQuestion {
            c.append(",\"qname\":\"")
            out.commit(c)
            qname.start = out.count
            let rewritten = enrichment.map { $0.pointee.changesQname } ?? false
            let plain = rewritten ? 0 : Int(l.plainQuestionLength)
            if rewritten {
                QnameText.write(enrichment!.pointee, message, at: Int(l.questionOffset), into: &out)
                // Owners that point at the question are written from the wire, not copied from this text.
                qname.start = -1
                c = out.cursor(reserving: 160)
            } else if plain > 0 {
                // Checked plain by the decoder: copied with a dot over each length, no look at the octets.
                // The name, 7 bytes of overshoot, and 160 as below.
                c = out.cursor(reserving: plain &+ 168)
                DomainName.writePlain(message, at: Int(l.questionOffset), wireLength: plain, to: &c)
                qname.length = out.offset(of: c) &- qname.start
            } else {
                DomainName.write(message, at: Int(l.questionOffset), into: &out, quoted: true)
                qname.length = out.count &- qname.start
                // 11 + 10 + 24 + 5 + 4 * 18 + 12
                c = out.cursor(reserving: 160)
            }
            c.append("\",\"qtype\":\"")
            writeType(l.qtype, to: &c)
            if l.qclass == 1 {
                c.append("\",\"qclass\":\"IN\",\"size\":")
            } else {
                c.append("\",\"qclass\":\"")
                writeClass(l.qclass, to: &c)
                c.append("\",\"size\":")
            }
        } else {
            c.append(",\"qname\":null,\"qtype\":null,\"qclass\":null,\"size\":")
            out.commit(c)
            c = out.cursor(reserving: 160)
        }
        c.appendDecimal(UInt64(message.count))
        c.append(",\"qd_count\":")
        c.appendDecimal(UInt64(l.qdCount))
        c.append(",\"an_count\":")
        c.appendDecimal(UInt64(l.anCount))
        c.append(",\"ns_count\":")
        c.appendDecimal(UInt64(l.nsCount))
        c.append(",\"ar_count\":")
        c.appendDecimal(UInt64(l.arCount))
        // The OPT record that became `edns` is always one of the additional records counted.
        let additional = Int(l.additionalRecords) - (l.hasEDNS ? 1 : 0)
        if l.answerRecords == 0 && l.authorityRecords == 0 && additional == 0 {
            c.append(",\"answers\":[],\"authority\":[],\"additional\":[]")
            out.commit(c)
        } else {
            c.append(",\"answers\":")
            out.commit(c)
            writeRecords(message, from: Int(l.answerOffset), count: Int(l.answerRecords), qname: qname, into: &out)
            out.append(",\"authority\":")
            writeRecords(message, from: Int(l.authorityOffset), count: Int(l.authorityRecords), qname: qname, into: &out)
            out.append(",\"additional\":")
            if additional == 0 {
                out.append("[]")
            } else {
                writeRecords(
                    message, from: Int(l.additionalOffset), count: Int(l.additionalRecords),
                    skipping: Int(l.ednsOptionsOffset), qname: qname, into: &out)
            }
        }
        // 65 (EDNS without options: 20 + 5 + 11 + 3 + 26) + 32 (latency: 11 + 21) + 37 (dnstap type: 17 + 20)
        // + 97 (the times: 16 + 30 + 19 + 30 + 1) + 20 (malformed) = 251; with a version, the room is renewed before
        // the times.
        c = out.cursor(reserving: 256)
        if l.hasEDNS {
            if l.ednsOptionsLength == 0 {
                c.append(",\"edns\":{\"udp_size\":")
                c.appendDecimal(UInt64(l.ednsUDPSize))
                c.append(",\"version\":")
                c.appendDecimal(UInt64(l.ednsVersion))
                c.append(l.ednsDO ? ",\"do\":true,\"options\":[]}" : ",\"do\":false,\"options\":[]}")
            } else {
                out.commit(c)
                writeEDNS(l, message, into: &out)
                c = out.cursor(reserving: 256)
            }
        }
        if event.pointee.latency >= 0 {
            c.append(",\"latency\":")
            writeSeconds(event.pointee.latency, to: &c)
        }
        if event.pointee.hasDnstap { writeDnstap(event, message, timeAt: timeAt, context: &context, c: &c, into: &out) }
        if event.pointee.transaction == .none && event.pointee.markers.rawValue == 0 && event.pointee.interface == 0 && !l.isMalformed {
            c.append(",\"malformed\":false}\n")
            out.commit(c)
            return
        }
        out.commit(c)
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
        writeCapturePoint(event, into: &out)
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

    /// `interface` and `vlan`, when the capture knew them.
    @inline(__always)
    static func writeCapturePoint(_ event: UnsafePointer<DNSEvent>, into out: inout OutputBuffer) {
        if event.pointee.interface != 0 {
            out.append(",\"interface\":\"")
            out.append(InterfaceNames.escaped(event.pointee.interface))
            out.append(UInt8(ascii: "\""))
        }
        if event.pointee.markers.contains(.vlanTagged) {
            out.append(",\"vlan\":")
            out.appendDecimal(UInt64(event.pointee.vlan))
        }
    }

    /// An event from a dnstap message without a DNS message: the dnstap fields only.
    static func writeWithoutMessage(
        _ event: UnsafePointer<DNSEvent>, _ message: UnsafeRawBufferPointer, timeAt: Int, context: inout FormatContext,
        into out: inout OutputBuffer
    ) {
        // 26 + 37 + 97 + 20
        var c = out.cursor(reserving: 192)
        c.append(event.pointee.dnstap.isQuery ? ",\"response\":false,\"size\":0" : ",\"response\":true,\"size\":0")
        writeDnstap(event, message, timeAt: timeAt, context: &context, c: &c, into: &out)
        c.append(",\"malformed\":false}\n")
        out.commit(c)
    }

    /// The dnstap fields (``DnstapFieldsSerializer``, written here with the keys as literals). A query or response
    /// time equal to the event's `time` (always one of them) is copied from where `time` was written at `timeAt`.
    ///
    /// `c` comes in with room for 37 + 97 + 20 bytes (the type, the times, what the caller adds after) and goes out
    /// with room for 20 (the caller's closing member).
    @inline(__always)
    static func writeDnstap(
        _ event: UnsafePointer<DNSEvent>, _ message: UnsafeRawBufferPointer, timeAt: Int, context: inout FormatContext,
        c: inout OutputCursor, into out: inout OutputBuffer
    ) {
        let frame = event.pointee.dnstapFrame(message)
        c.append(",\"dnstap_type\":\"")
        let type = event.pointee.dnstap.messageType
        if type >= 1 && type <= 14 {
            // A whole table entry is copied; the overshoot stays inside the room of the times after it.
            context.messageTypeText.append(type, to: &c)
        } else {
            c.appendDecimal(UInt64(type))
        }
        if event.pointee.dnstap.version.isPresent {
            c.append("\",\"version\":\"")
            out.commit(c)
            context.version.append(event.pointee.dnstap.version.bytes(in: frame), into: &out)
            // 2 * (19 + 30) + 1 + 20
            c = out.cursor(reserving: 128)
        }
        let time = event.pointee.timestamp
        if let t = event.pointee.dnstap.queryTime {
            c.append("\",\"query_time\":\"")
            if t == time { c.append(out.address(at: timeAt), count: TimestampWriter.length) } else { context.time.write(t, to: &c) }
        }
        if let t = event.pointee.dnstap.responseTime {
            c.append("\",\"response_time\":\"")
            if t == time { c.append(out.address(at: timeAt), count: TimestampWriter.length) } else { context.time.write(t, to: &c) }
        }
        c.append(UInt8(ascii: "\""))
        if DnstapFieldsSerializer.hasRareFields(event.pointee.dnstap) {
            out.commit(c)
            var emitter = JSONEmitter(needsComma: true)
            DnstapFieldsSerializer.writeRareFields(
                event.pointee.dnstap, frame: frame, context: &context, emitter: &emitter, into: &out)
            c = out.cursor(reserving: 128)
        }
    }

    /// `[{"name":…,"type":…,"class":…,"ttl":…,"rdata":…},…]`: the `count` records from `offset`, except the one
    /// whose RDATA is at `skipping` (the OPT record that became `edns`; -1 for none). Every other record is written,
    /// another OPT included, so the walk never goes past what the decoder counted.
    static func writeRecords(
        _ message: UnsafeRawBufferPointer, from offset: Int, count: Int, skipping: Int = -1, qname: QuestionText,
        into out: inout OutputBuffer
    ) {
        guard count > 0 else {
            out.append("[]")
            return
        }
        var cursor = RecordCursor(message: message, offset: offset)
        var seen = 0
        var written = 0
        while seen < count, let rr = cursor.next() {
            seen += 1
            if rr.rdataOffset == skipping { continue }
            out.append(written == 0 ? "[{\"name\":\"" : ",{\"name\":\"")
            written += 1
            if qname.start >= 0 && message[rr.nameOffset] == 0xC0 && message[rr.nameOffset &+ 1] == 12 {
                // The owner is a pointer to the question's name (offset 12), written a moment ago: copy that text.
                out.appendCopy(from: qname.start, count: qname.length)
            } else {
                DomainName.write(message, at: rr.nameOffset, into: &out, quoted: true)
            }
            // 10 + 10 + 21 + 10 + 10 + 48 (an address) + 2
            var c = out.cursor(reserving: 128)
            c.append("\",\"type\":\"")
            writeType(rr.type, to: &c)
            if rr.rrclass == 1 {
                c.append("\",\"class\":\"IN\",\"ttl\":")
            } else {
                c.append("\",\"class\":\"")
                writeClass(rr.rrclass, to: &c)
                c.append("\",\"ttl\":")
            }
            c.appendDecimal(UInt64(rr.ttl))
            c.append(",\"rdata\":\"")
            // Addresses never hold a quote or a backslash: written straight, with no second look.
            if rr.type == 1 && rr.rdataLength == 4 {
                let a = IPAddress(ipv4: UInt32(bigEndian: message.loadUnaligned(fromByteOffset: rr.rdataOffset, as: UInt32.self)))
                c.p += a.writePresentation(to: c.p)
            } else if rr.type == 28 && rr.rdataLength == 16 {
                let a = IPAddress(
                    ipv6High: UInt64(bigEndian: message.loadUnaligned(fromByteOffset: rr.rdataOffset, as: UInt64.self)),
                    low: UInt64(bigEndian: message.loadUnaligned(fromByteOffset: rr.rdataOffset &+ 8, as: UInt64.self)))
                c.p += a.writePresentation(to: c.p)
            } else {
                out.commit(c)
                let start = out.count
                // The decoder validated every record written here (the walk stops at the count it found).
                let jsonReady = RDataWriter.writeValidated(
                    type: rr.type, message: message, offset: rr.rdataOffset, length: rr.rdataLength, into: &out)
                if !jsonReady { out.escapeQuotesAndBackslashes(from: start) }
                c = out.cursor(reserving: 2)
            }
            c.append("\"}")
            out.commit(c)
        }
        out.append(written == 0 ? "[]" : "]")
    }

    /// Where the question's name text is in the output of the event being written (`start` -1: none).
    struct QuestionText {
        var start: Int
        var length: Int
    }

    /// A type mnemonic, the most frequent ones inline; at most 10 bytes (`TYPE65535`).
    @inline(__always)
    static func writeType(_ code: UInt16, to c: inout OutputCursor) {
        switch code {
        case 1: c.append(UInt8(ascii: "A"))
        case 28: c.append("AAAA")
        case 5: c.append("CNAME")
        case 65: c.append("HTTPS")
        default:
            if let m = DNSType.mnemonic(code) {
                c.append(m)
            } else {
                c.append("TYPE")
                c.appendDecimal(UInt64(code))
            }
        }
    }

    /// A class mnemonic, or `CLASS<n>`; at most 10 bytes.
    @inline(__always)
    static func writeClass(_ code: UInt16, to c: inout OutputCursor) {
        if let m = DNSClass.mnemonic(code) {
            c.append(m)
        } else {
            c.append("CLASS")
            c.appendDecimal(UInt64(code))
        }
    }

    /// `","flags":{"aa":…,"cd":…}` for each of the 64 combinations of the six flags, made once.
    static let flagsText = FlagsText()
    /// The dnstap message types' names, made once.
    static let messageTypeText = MessageTypeText()

    static func writeEDNS(_ l: MessageLayout, _ message: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        // 20 + 5 + 11 + 3 + 27
        var c = out.cursor(reserving: 72)
        c.append(",\"edns\":{\"udp_size\":")
        c.appendDecimal(UInt64(l.ednsUDPSize))
        c.append(",\"version\":")
        c.appendDecimal(UInt64(l.ednsVersion))
        c.append(l.ednsDO ? ",\"do\":true,\"options\":[" : ",\"do\":false,\"options\":[")
        out.commit(c)
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

    /// Seconds with nanosecond precision (`0.001234567`); at most 31 bytes.
    @inline(__always)
    static func writeSeconds(_ nanoseconds: Int64, to c: inout OutputCursor) {
        if nanoseconds < 0 { c.append(UInt8(ascii: "-")) }
        let v = UInt64(nanoseconds.magnitude)
        c.appendDecimal(v / 1_000_000_000)
        c.append(UInt8(ascii: "."))
        c.appendNineDigits(UInt32(truncatingIfNeeded: v % 1_000_000_000))
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

    /// Writes the text for the header flags `flags` (the second 16-bit word of the header); needs ``stride``
    /// bytes of room.
    @inline(__always)
    func append(_ flags: UInt16, to c: inout OutputCursor) {
        // AA 0x0400, TC 0x0200, RD 0x0100, RA 0x0080, AD 0x0020, CD 0x0010 to bits 0...5.
        let f = Int(flags)
        let index = (f >> 10) & 1 | (f >> 8) & 2 | (f >> 6) & 4 | (f >> 4) & 8 | (f >> 1) & 16 | (f << 1) & 32
        let text = UnsafeRawPointer(texts + index &* Self.stride)
        let length = Int(lengths[index])
        // A fixed-size copy of the whole slot is a few vector moves; only `length` bytes count.
        UnsafeMutableRawPointer(c.p).copyMemory(from: text, byteCount: Self.stride)
        c.p += length
    }
}

/// `DnstapNames.messageType` of 1…14, made once from it as 24-octet entries (the name, then its length in the last
/// octet), so that writing one is a fixed-size copy instead of a switch.
struct MessageTypeText: @unchecked Sendable {
    static let stride = 24
    let texts: UnsafeMutablePointer<UInt8>

    init() {
        texts = .allocate(capacity: 15 * Self.stride)
        texts.initialize(repeating: 0, count: 15 * Self.stride)
        for type in 1...14 {
            let name = DnstapNames.messageType(UInt32(type))!
            let entry = texts + type * Self.stride
            entry.update(from: name.utf8Start, count: name.utf8CodeUnitCount)
            entry[Self.stride - 1] = UInt8(name.utf8CodeUnitCount)
        }
    }

    /// Writes the name of `type` (1…14, which the caller checks); needs ``stride`` octets of room.
    @inline(__always)
    func append(_ type: UInt32, to c: inout OutputCursor) {
        let entry = UnsafeRawPointer(texts + Int(type) &* Self.stride)
        UnsafeMutableRawPointer(c.p).copyMemory(from: entry, byteCount: Self.stride)
        c.p += Int(entry.load(fromByteOffset: Self.stride - 1, as: UInt8.self))
    }
}
