public import SondeDNS
import SondeDnstap
public import SondePacket

/// How a field's value is written.
enum FieldStyle {
    /// A JSON value (strings quoted and escaped, `null` when absent).
    case json
    /// A CSV cell (strings quoted, quotes doubled; empty when absent).
    case csv
    /// Plain text for templates (`-` when absent).
    case text
}

/// One event as the field writer sees it.
struct FieldRow {
    let event: UnsafePointer<DNSEvent>
    let message: UnsafeRawBufferPointer
    let enrichment: UnsafePointer<EventEnrichment>?
    let identity: UnsafeRawBufferPointer
}

/// Writes single fields of an event (``EventField``) for field selections, flat JSON, CSV columns and templates.
///
/// Values are the same text as in the full JSON event; nested members (`answers`, `edns`, `geo`, ...) are
/// written as JSON, quoted as a whole in CSV and templates.
enum FieldWriter {
    static func write(
        _ f: EventField, _ r: FieldRow, _ style: FieldStyle, _ context: inout FormatContext, into out: inout OutputBuffer
    ) {
        let e = r.event
        let l = e.pointee.layout
        let hasMessage = !e.pointee.markers.contains(.noMessage)
        switch f.id {
        case .time: text(style, &out) { context.time.write(e.pointee.timestamp, into: &$0) }
        case .identity:
            if e.pointee.hasDnstap && e.pointee.dnstap.identity.isPresent {
                bytes(e.pointee.dnstap.identity.bytes(in: e.pointee.dnstapFrame(r.message)), style, &out)
            } else {
                // The batch's identity is stored escaped for JSON.
                text(style, &out, escaped: true) { $0.append(r.identity) }
            }
        case .input: text(style, &out) { $0.append(e.pointee.input.name) }
        case .family: text(style, &out) { $0.append(e.pointee.source.family == .v6 ? "INET6" : "INET") }
        case .protocol: text(style, &out) { $0.append(e.pointee.transport.name) }
        case .src_ip: address(e.pointee.source, style, &out)
        case .src_port: out.appendDecimal(UInt64(e.pointee.sourcePort))
        case .dst_ip: address(e.pointee.destination, style, &out)
        case .dst_port: out.appendDecimal(UInt64(e.pointee.destinationPort))
        case .client_ip: address(isResponse(e) ? e.pointee.destination : e.pointee.source, style, &out)
        case .client_port: out.appendDecimal(UInt64(isResponse(e) ? e.pointee.destinationPort : e.pointee.sourcePort))
        case .server_ip: address(isResponse(e) ? e.pointee.source : e.pointee.destination, style, &out)
        case .server_port: out.appendDecimal(UInt64(isResponse(e) ? e.pointee.sourcePort : e.pointee.destinationPort))
        case .response: bool(isResponse(e), &out)
        case .id: hasMessage ? out.appendDecimal(UInt64(l.id)) : absent(style, &out)
        case .opcode: hasMessage ? text(style, &out) { DNSOpcode.write(l.opcode, into: &$0) } : absent(style, &out)
        case .rcode: hasMessage ? text(style, &out) { DNSRcode.write(l.rcode, into: &$0) } : absent(style, &out)
        case .aa: bool(hasMessage && l.aa, &out)
        case .tc: bool(hasMessage && l.tc, &out)
        case .rd: bool(hasMessage && l.rd, &out)
        case .ra: bool(hasMessage && l.ra, &out)
        case .ad: bool(hasMessage && l.ad, &out)
        case .cd: bool(hasMessage && l.cd, &out)
        case .flags, .answers, .authority, .additional, .edns, .edns_options, .policy, .geo, .server_geo, .suspicious, .tags:
            guard hasNested(f.id, r) else { return absent(style, &out) }
            nestedValue(f.id, r, style, &out)
        case .qname:
            guard hasMessage && l.hasQuestion else { return absent(style, &out) }
            text(style, &out) { out in
                if let en = r.enrichment, en.pointee.changesQname {
                    QnameText.write(r.message, at: Int(l.questionOffset), lastLabels: Int(en.pointee.qnameKeptLabels),
                                    lowercase: en.pointee.qnameOptions.contains(.lowercase), quoted: false, into: &out)
                } else {
                    DomainName.write(r.message, at: Int(l.questionOffset), into: &out)
                }
            }
        case .qname_original:
            guard hasMessage && l.hasQuestion else { return absent(style, &out) }
            text(style, &out) { DomainName.write(r.message, at: Int(l.questionOffset), into: &$0) }
        case .qname_length, .qname_labels:
            guard hasMessage && l.hasQuestion else { return absent(style, &out) }
            let (octets, labels) = nameSize(r.message, Int(l.questionOffset))
            out.appendDecimal(UInt64(f.id == .qname_length ? octets : labels))
        case .qtype: hasMessage && l.hasQuestion ? text(style, &out) { DNSType.write(l.qtype, into: &$0) } : absent(style, &out)
        case .qclass: hasMessage && l.hasQuestion ? text(style, &out) { DNSClass.write(l.qclass, into: &$0) } : absent(style, &out)
        case .size: out.appendDecimal(UInt64(r.message.count))
        case .qd_count: out.appendDecimal(UInt64(l.qdCount))
        case .an_count: out.appendDecimal(UInt64(l.anCount))
        case .ns_count: out.appendDecimal(UInt64(l.nsCount))
        case .ar_count: out.appendDecimal(UInt64(l.arCount))
        case .edns_udp_size: hasMessage && l.hasEDNS ? out.appendDecimal(UInt64(l.ednsUDPSize)) : absent(style, &out)
        case .edns_version: hasMessage && l.hasEDNS ? out.appendDecimal(UInt64(l.ednsVersion)) : absent(style, &out)
        case .edns_do: hasMessage && l.hasEDNS ? bool(l.ednsDO, &out) : absent(style, &out)
        case .latency:
            guard e.pointee.latency >= 0 else { return absent(style, &out) }
            seconds(e.pointee.latency, &out)
        case .transaction:
            e.pointee.transaction == .none ? absent(style, &out) : text(style, &out) { $0.append(e.pointee.transaction.name) }
        case .query_time:
            if e.pointee.queryTimestamp >= 0 {
                text(style, &out) { context.time.write(e.pointee.queryTimestamp, into: &$0) }
            } else if e.pointee.hasDnstap, let t = e.pointee.dnstap.queryTime {
                text(style, &out) { context.time.write(t, into: &$0) }
            } else {
                absent(style, &out)
            }
        case .query_size: e.pointee.queryTimestamp >= 0 ? out.appendDecimal(UInt64(e.pointee.querySize)) : absent(style, &out)
        case .response_time:
            if e.pointee.hasDnstap, let t = e.pointee.dnstap.responseTime {
                text(style, &out) { context.time.write(t, into: &$0) }
            } else {
                absent(style, &out)
            }
        case .capture_truncated: bool(e.pointee.markers.contains(.captureTruncated), &out)
        case .tcp_reassembled: bool(e.pointee.markers.contains(.tcpReassembled), &out)
        case .ip_defragmented: bool(e.pointee.markers.contains(.ipDefragmented), &out)
        case .interface:
            guard e.pointee.interface != 0 else { return absent(style, &out) }
            text(style, &out, escaped: true) { $0.append(InterfaceNames.escaped(e.pointee.interface)) }
        case .vlan:
            e.pointee.markers.contains(.vlanTagged) ? out.appendDecimal(UInt64(e.pointee.vlan)) : absent(style, &out)
        case .malformed: bool(l.isMalformed, &out)
        case .error:
            guard let reason = l.errorReason else { return absent(style, &out) }
            text(style, &out) { $0.writeDescription(of: DNSDecodingError(reason, section: l.errorSection, offset: Int(l.errorOffset))) }
        case .dnstap_type:
            guard e.pointee.hasDnstap else { return absent(style, &out) }
            text(style, &out) { DnstapNames.write(e.pointee.dnstap.messageType, DnstapNames.messageType, into: &$0) }
        case .version, .extra:
            let field = f.id == .version ? e.pointee.dnstap.version : e.pointee.dnstap.extra
            guard e.pointee.hasDnstap && field.isPresent else { return absent(style, &out) }
            bytes(field.bytes(in: e.pointee.dnstapFrame(r.message)), style, &out)
        case .query_zone:
            guard e.pointee.hasDnstap && e.pointee.dnstap.queryZone.isPresent else { return absent(style, &out) }
            let zone = e.pointee.dnstap.queryZone.bytes(in: e.pointee.dnstapFrame(r.message))
            text(style, &out) { DomainName.write(zone, at: 0, into: &$0) }
        case .http_protocol:
            guard e.pointee.hasDnstap && e.pointee.dnstap.present.contains(.httpProtocol) else { return absent(style, &out) }
            text(style, &out) { DnstapNames.write(e.pointee.dnstap.httpProtocol, DnstapNames.httpProtocol, into: &$0) }
        case .tld, .etld_plus_one:
            guard let en = r.enrichment, en.pointee.publicSuffixLabels > 0, l.hasQuestion else { return absent(style, &out) }
            let labels = f.id == .tld ? en.pointee.publicSuffixLabels : en.pointee.registeredLabels
            guard labels > 0 else { return absent(style, &out) }
            text(style, &out) {
                QnameText.write(r.message, at: Int(l.questionOffset), lastLabels: Int(labels), lowercase: true, quoted: false, trailingDot: false, into: &$0)
            }
        case .geo_continent, .geo_country, .geo_country_iso, .geo_city, .geo_as_org:
            guard let g = r.enrichment?.pointee.clientGeo?.pointee else { return absent(style, &out) }
            let s = f.id == .geo_continent ? g.continent : f.id == .geo_country ? g.country
                : f.id == .geo_country_iso ? g.countryISO : f.id == .geo_city ? g.city : g.asOrganization
            s.isEmpty ? absent(style, &out) : bytes(s.bytes, style, &out)
        case .geo_latitude, .geo_longitude:
            guard let g = r.enrichment?.pointee.clientGeo?.pointee, !g.latitude.isNaN else { return absent(style, &out) }
            out.appendFixed(f.id == .geo_latitude ? g.latitude : g.longitude, decimals: 4)
        case .geo_asn:
            guard let g = r.enrichment?.pointee.clientGeo?.pointee, g.asn != 0 else { return absent(style, &out) }
            out.appendDecimal(UInt64(g.asn))
        case .suspicious_score: out.appendDecimal(UInt64(r.enrichment?.pointee.suspicionScore ?? 0))
        case .suspicious_reasons:
            let reasons = r.enrichment?.pointee.suspicionReasons ?? []
            text(style, &out) { out in
                var first = true
                for (reason, name) in SuspicionReasons.names where reasons.contains(reason) {
                    if !first { out.append(UInt8(ascii: " ")) }
                    first = false
                    out.append(name)
                }
            }
        case .tag:
            guard let tags = r.enrichment?.pointee.tags?.takeUnretainedValue(),
                let value = tags.fields.first(where: { Array($0.key.utf8) == f.tagKey })?.value
            else { return absent(style, &out) }
            var v = value
            v.withUTF8 { bytes(UnsafeRawBufferPointer($0), style, &out) }
        }
    }

    @inline(__always)
    static func isResponse(_ e: UnsafePointer<DNSEvent>) -> Bool {
        e.pointee.markers.contains(.noMessage) ? !e.pointee.dnstap.isQuery : e.pointee.layout.isResponse
    }

    static func absent(_ style: FieldStyle, _ out: inout OutputBuffer) {
        switch style {
        case .json: out.append("null")
        case .csv: break
        case .text: out.append(UInt8(ascii: "-"))
        }
    }

    static func bool(_ v: Bool, _ out: inout OutputBuffer) { out.append(v ? "true" : "false") }

    static func seconds(_ ns: Int64, _ out: inout OutputBuffer) {
        out.appendDecimal(UInt64(ns) / 1_000_000_000)
        out.append(UInt8(ascii: "."))
        out.appendNineDigits(UInt32(truncatingIfNeeded: UInt64(ns) % 1_000_000_000))
    }

    static func address(_ a: IPAddress, _ style: FieldStyle, _ out: inout OutputBuffer) {
        text(style, &out) { $0.append(address: a) }
    }

    /// Printable text written by `body` (presentation form): quoted and escaped as the style needs. `escaped`: the
    /// body writes text already escaped for JSON (the batch's identity).
    @inline(__always)
    static func text(_ style: FieldStyle, _ out: inout OutputBuffer, escaped: Bool = false, _ body: (inout OutputBuffer) -> Void) {
        switch style {
        case .json:
            out.append(UInt8(ascii: "\""))
            let start = out.count
            body(&out)
            if !escaped { out.escapeQuotesAndBackslashes(from: start) }
            out.append(UInt8(ascii: "\""))
        case .csv:
            out.append(UInt8(ascii: "\""))
            let start = out.count
            body(&out)
            out.doubleQuotes(from: start)
            out.append(UInt8(ascii: "\""))
        case .text:
            let start = out.count
            body(&out)
            if out.count == start { out.append(UInt8(ascii: "-")) }
        }
    }

    /// Bytes of any value (identities, GeoIP names): escaped for JSON, quoted for CSV, as they are for text.
    static func bytes(_ b: UnsafeRawBufferPointer, _ style: FieldStyle, _ out: inout OutputBuffer) {
        switch style {
        case .json:
            out.append(UInt8(ascii: "\""))
            out.appendJSONEscaped(bytes: b)
            out.append(UInt8(ascii: "\""))
        case .csv:
            text(.csv, &out) { $0.append(b) }
        case .text:
            b.isEmpty ? out.append(UInt8(ascii: "-")) : out.append(b)
        }
    }

    /// Whether the event has the nested value `id` (absent ones are written as absent values).
    static func hasNested(_ id: FieldID, _ r: FieldRow) -> Bool {
        let e = r.event.pointee
        let hasMessage = !e.markers.contains(.noMessage)
        switch id {
        case .edns, .edns_options: return hasMessage && e.layout.hasEDNS
        case .policy: return e.hasDnstap && e.dnstap.present.contains(.policy)
        case .geo: return r.enrichment?.pointee.clientGeo != nil
        case .server_geo: return r.enrichment?.pointee.serverGeo != nil
        case .suspicious: return (r.enrichment?.pointee.suspicionScore ?? 0) > 0
        case .tags: return r.enrichment?.pointee.tags != nil
        default: return true
        }
    }

    /// Whether the field is an object or a list (written by ``writeNested``).
    static func isNested(_ id: FieldID) -> Bool {
        switch id {
        case .flags, .answers, .authority, .additional, .edns, .edns_options, .policy, .geo, .server_geo, .suspicious, .tags: return true
        default: return false
        }
    }

    /// Whether ``writeNested`` writes the member's key itself (`"edns":{...}`) rather than only its value.
    static func writesKey(_ id: FieldID) -> Bool {
        switch id {
        case .flags, .answers, .authority, .additional: return false
        default: return true
        }
    }

    /// Writes a nested member through `em`: its value, or `"key":value` when ``writesKey(_:)``.
    static func writeNested<E: StructuredEmitter>(_ id: FieldID, _ r: FieldRow, _ em: inout E, _ out: inout OutputBuffer) {
        let e = r.event
        let l = e.pointee.layout
        let hasMessage = !e.pointee.markers.contains(.noMessage)
        switch id {
        case .flags:
            em.beginObject(into: &out)
            for (name, on) in [("aa", l.aa), ("tc", l.tc), ("rd", l.rd), ("ra", l.ra), ("ad", l.ad), ("cd", l.cd)] as [(StaticString, Bool)] {
                em.key(name, into: &out)
                em.bool(hasMessage && on, into: &out)
            }
            em.endObject(into: &out)
        case .answers, .authority, .additional:
            let (offset, count, skip): (Int32, UInt16, Int32) =
                id == .answers ? (l.answerOffset, l.answerRecords, -1)
                : id == .authority ? (l.authorityOffset, l.authorityRecords, -1) : (l.additionalOffset, l.additionalRecords, l.ednsOptionsOffset)
            EventSerializer.writeRecords(
                r.message, from: Int(offset), count: hasMessage ? Int(count) : 0, skipping: Int(skip), emitter: &em, into: &out)
        case .edns, .edns_options: EventSerializer.writeEDNS(l, r.message, emitter: &em, into: &out)
        case .policy: DnstapFieldsSerializer.writePolicy(e.pointee.dnstap, e.pointee.dnstapFrame(r.message), &em, &out)
        case .geo, .server_geo:
            guard let en = r.enrichment else { return }
            if id == .geo, let g = en.pointee.clientGeo { EnrichmentSerializer.writeGeo("geo", g.pointee, emitter: &em, into: &out) }
            if id == .server_geo, let g = en.pointee.serverGeo { EnrichmentSerializer.writeGeo("server_geo", g.pointee, emitter: &em, into: &out) }
        case .suspicious, .tags:
            guard let en = r.enrichment else { return }
            var only = EventEnrichment()
            if id == .suspicious {
                only.suspicionScore = en.pointee.suspicionScore
                only.suspicionReasons = en.pointee.suspicionReasons
            } else {
                only.tags = en.pointee.tags
            }
            EnrichmentSerializer.write(only, message: r.message, questionOffset: -1, emitter: &em, into: &out)
        default: break
        }
    }

    /// A nested value as one JSON value (JSON), one quoted cell of JSON text (CSV), or JSON text (templates).
    static func nestedValue(_ id: FieldID, _ r: FieldRow, _ style: FieldStyle, _ out: inout OutputBuffer) {
        if style == .csv { out.append(UInt8(ascii: "\"")) }
        let start = out.count
        var em = JSONEmitter()
        writeNested(id, r, &em, &out)
        if writesKey(id) {
            // `"key":` is plain ASCII without escapes: drop up to the first colon.
            var colon = start
            while colon < out.count && out[colon] != UInt8(ascii: ":") { colon += 1 }
            if colon < out.count { out.remove(from: start, count: colon + 1 - start) }
        }
        if style == .csv {
            out.doubleQuotes(from: start)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Octets of the name in presentation form without the final dot, and its number of labels.
    static func nameSize(_ message: UnsafeRawBufferPointer, _ offset: Int) -> (Int, Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DomainName.maxWireLength + 1) { buffer in
            let n = DomainName.copyWire(message, at: offset, into: buffer.baseAddress!, folding: false)
            guard n > 1 else { return (n == 1 ? 1 : 0, 0) }
            var labels = 0, p = 0
            while p < n && buffer[p] != 0 {
                labels += 1
                p += Int(buffer[p]) + 1
            }
            return (n - 2, labels)
        }
    }
}
