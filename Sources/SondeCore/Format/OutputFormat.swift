public import SondeDNS
public import SondeDnstap
public import SondePacket

/// The event formats Sonde writes.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// One line per message for people.
    case text
    /// One JSON object per line (JSON Lines).
    case json
    /// One YAML document per message.
    case yaml
    /// Comma-separated values with a header line (RFC 4180).
    case csv
    /// The user's template (`template:`).
    case template
}

/// Formats rows of events in one of the ``OutputFormat``s, choosing the format once per batch so the per-event
/// loop is specialised. It is the encoder of every output that writes text, JSON, YAML or CSV.
public struct BatchFormatter: EventEncoder {
    /// The format.
    public let format: OutputFormat
    var context = FormatContext()

    /// A formatter for `format`.
    public init(format: OutputFormat) { self.format = format }

    /// What comes before the first event of a file or stream (the CSV header line), if anything.
    public var header: [UInt8] { format == .csv ? Array(CSVFormat.header.utf8Buffer) : [] }

    /// Writes the header into `out` (tests and whole-file writers).
    public func writeHeader(into out: inout OutputBuffer) {
        if format == .csv { CSVFormat.writeHeader(into: &out) }
    }

    public mutating func encode(_ rows: borrowing EventRows, into out: inout OutputBuffer, sink: inout ChunkSink) {
        write(rows, into: &out) { sink.eventWritten(&$0) }
    }

    /// Appends every event of `batch` to `out` (tests, benchmarks).
    public mutating func write(_ batch: borrowing EventBatch, into out: inout OutputBuffer) {
        let scratch = RowScratch(capacity: 16)
        batch.identityEscaped.withUnsafeBytes { identity in
            let rows = EventRows(batch: batch, identity: identity, scratch: scratch)
            write(rows, into: &out) { _ in }
        }
    }

    /// Appends every row to `out`, calling `after` with `out` after each event (it may hand the bytes on).
    @inline(__always)
    public mutating func write(_ rows: borrowing EventRows, into out: inout OutputBuffer, after: (inout OutputBuffer) -> Void) {
        let identity = rows.identity
        switch format {
        case .json:
            if rows.selection == nil && rows.enrichments == nil {
                // The common case, specialised: every event of the batch, none enriched.
                var e = UnsafePointer(rows.events)
                let end = e + rows.count
                while e < end {
                    let message = UnsafeRawBufferPointer(
                        start: rows.bytes + Int(e.pointee.messageOffset), count: Int(e.pointee.messageLength))
                    JSONFormat.write(e, message: message, identity: identity, context: &context, into: &out)
                    after(&out)
                    e += 1
                }
            } else {
                for i in 0..<rows.count {
                    JSONFormat.write(
                        rows.event(i), message: rows.message(i), identity: identity, enrichment: rows.enrichment(i),
                        context: &context, into: &out)
                    after(&out)
                }
            }
        case .yaml:
            var emitter = YAMLEmitter()
            for i in 0..<rows.count {
                EventSerializer.write(
                    rows.event(i).pointee, message: rows.message(i), identity: identity, enrichment: rows.enrichment(i),
                    context: &context, emitter: &emitter, into: &out)
                after(&out)
            }
        case .text, .template:
            for i in 0..<rows.count {
                TextFormat.write(
                    rows.event(i).pointee, message: rows.message(i), identity: identity, enrichment: rows.enrichment(i),
                    context: &context, into: &out)
                after(&out)
            }
        case .csv:
            for i in 0..<rows.count {
                CSVFormat.write(
                    rows.event(i).pointee, message: rows.message(i), identity: identity, enrichment: rows.enrichment(i),
                    context: &context, into: &out)
                after(&out)
            }
        }
    }
}

extension StaticString {
    /// The literal's bytes.
    var utf8Buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: utf8Start, count: utf8CodeUnitCount) }
}

/// `2026-11-21T23:34:47.123456789Z sonde query NOERROR 192.0.2.1:53124 -> 192.0.2.53:53 UDP 45b example.com. A -`
public enum TextFormat {
    /// Writes one line.
    public static func write(
        _ e: DNSEvent, message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
        enrichment: UnsafePointer<EventEnrichment>? = nil, context: inout FormatContext, into out: inout OutputBuffer
    ) {
        let l = e.layout
        context.time.write(e.timestamp, into: &out)
        out.append(UInt8(ascii: " "))
        if e.hasDnstap && e.dnstap.identity.isPresent && e.dnstap.identity.length > 0 {
            out.appendJSONEscaped(bytes: e.dnstap.identity.bytes(in: e.dnstapFrame(message)))
        } else if identity.isEmpty {
            out.append(UInt8(ascii: "-"))
        } else {
            out.append(identity)
        }
        if e.hasDnstap {
            out.append(UInt8(ascii: " "))
            DnstapNames.write(e.dnstap.messageType, DnstapNames.messageType, into: &out)
            out.append(UInt8(ascii: " "))
        } else {
            out.append(l.isResponse ? " response " : " query ")
        }
        if e.markers.contains(.noMessage) { out.append(UInt8(ascii: "-")) } else { DNSRcode.write(l.rcode, into: &out) }
        out.append(UInt8(ascii: " "))
        appendEndpoint(e.source, e.sourcePort, &out)
        out.append(" -> ")
        appendEndpoint(e.destination, e.destinationPort, &out)
        out.append(UInt8(ascii: " "))
        out.append(e.transport.name)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(UInt64(message.count))
        out.append("b ")
        if l.hasQuestion {
            if let enrichment, enrichment.pointee.changesQname {
                QnameText.write(message, at: Int(l.questionOffset), lastLabels: Int(enrichment.pointee.qnameKeptLabels),
                                lowercase: enrichment.pointee.qnameOptions.contains(.lowercase), quoted: false, into: &out)
            } else {
                DomainName.write(message, at: Int(l.questionOffset), into: &out)
            }
            out.append(UInt8(ascii: " "))
            DNSType.write(l.qtype, into: &out)
        } else {
            out.append("- -")
        }
        out.append(UInt8(ascii: " "))
        if e.latency >= 0 {
            out.appendDecimal(UInt64(e.latency / 1_000_000_000))
            out.append(UInt8(ascii: "."))
            out.appendNineDigits(UInt32(truncatingIfNeeded: e.latency % 1_000_000_000))
        } else {
            out.append(UInt8(ascii: "-"))
        }
        if e.transaction == .unanswered { out.append(" unanswered") }
        if e.transaction == .unmatched { out.append(" unmatched") }
        if l.isMalformed { out.append(" malformed") }
        out.append(UInt8(ascii: "\n"))
    }


    static func appendEndpoint(_ address: IPAddress, _ port: UInt16, _ out: inout OutputBuffer) {
        if (address.family == .v6) {
            out.append(UInt8(ascii: "["))
            out.append(address: address)
            out.append("]:")
        } else {
            out.append(address: address)
            out.append(UInt8(ascii: ":"))
        }
        out.appendDecimal(UInt64(port))
    }
}

/// Flat CSV, one row per message, with a fixed header line.
public enum CSVFormat {
    /// The columns, in order.
    public static let header: StaticString =
        "time,identity,input,family,protocol,src_ip,src_port,dst_ip,dst_port,id,response,opcode,rcode,aa,tc,rd,ra,ad,cd,qname,qtype,qclass,size,qd_count,an_count,ns_count,ar_count,latency,malformed,error,dnstap_type\n"

    /// Writes the header line.
    public static func writeHeader(into out: inout OutputBuffer) { out.append(header) }

    /// Writes one row.
    public static func write(
        _ e: DNSEvent, message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
        enrichment: UnsafePointer<EventEnrichment>? = nil, context: inout FormatContext, into out: inout OutputBuffer
    ) {
        let l = e.layout
        context.time.write(e.timestamp, into: &out)
        out.append(UInt8(ascii: ","))
        if e.hasDnstap && e.dnstap.identity.isPresent {
            let frame = e.dnstapFrame(message)
            quoted(&out) { $0.appendJSONEscaped(bytes: e.dnstap.identity.bytes(in: frame)) }
        } else {
            quoted(&out) { $0.append(identity) }
        }
        out.append(UInt8(ascii: ","))
        out.append(e.input.name)
        out.append((e.source.family == .v6) ? ",INET6," : ",INET,")
        out.append(e.transport.name)
        out.append(UInt8(ascii: ","))
        out.append(address: e.source)
        out.append(UInt8(ascii: ","))
        out.appendDecimal(UInt64(e.sourcePort))
        out.append(UInt8(ascii: ","))
        out.append(address: e.destination)
        out.append(UInt8(ascii: ","))
        out.appendDecimal(UInt64(e.destinationPort))
        out.append(UInt8(ascii: ","))
        out.appendDecimal(UInt64(l.id))
        out.append(l.isResponse ? ",true," : ",false,")
        DNSOpcode.write(l.opcode, into: &out)
        out.append(UInt8(ascii: ","))
        DNSRcode.write(l.rcode, into: &out)
        out.append(l.aa ? ",true" : ",false")
        out.append(l.tc ? ",true" : ",false")
        out.append(l.rd ? ",true" : ",false")
        out.append(l.ra ? ",true" : ",false")
        out.append(l.ad ? ",true" : ",false")
        out.append(l.cd ? ",true," : ",false,")
        if l.hasQuestion {
            if let enrichment, enrichment.pointee.changesQname {
                quoted(&out) {
                    QnameText.write(message, at: Int(l.questionOffset), lastLabels: Int(enrichment.pointee.qnameKeptLabels),
                                    lowercase: enrichment.pointee.qnameOptions.contains(.lowercase), quoted: false, into: &$0)
                }
            } else {
                quoted(&out) { DomainName.write(message, at: Int(l.questionOffset), into: &$0) }
            }
            out.append(UInt8(ascii: ","))
            DNSType.write(l.qtype, into: &out)
            out.append(UInt8(ascii: ","))
            DNSClass.write(l.qclass, into: &out)
        } else {
            out.append(",,")
        }
        out.append(UInt8(ascii: ","))
        out.appendDecimal(UInt64(message.count))
        out.append(UInt8(ascii: ","))
        out.appendDecimal(UInt64(l.qdCount))
        out.append(UInt8(ascii: ","))
        out.appendDecimal(UInt64(l.anCount))
        out.append(UInt8(ascii: ","))
        out.appendDecimal(UInt64(l.nsCount))
        out.append(UInt8(ascii: ","))
        out.appendDecimal(UInt64(l.arCount))
        out.append(UInt8(ascii: ","))
        if e.latency >= 0 {
            out.appendDecimal(UInt64(e.latency / 1_000_000_000))
            out.append(UInt8(ascii: "."))
            out.appendNineDigits(UInt32(truncatingIfNeeded: e.latency % 1_000_000_000))
        }
        out.append(l.isMalformed ? ",true," : ",false,")
        if let reason = l.errorReason {
            let err = DNSDecodingError(reason, section: l.errorSection, offset: Int(l.errorOffset))
            quoted(&out) { $0.writeDescription(of: err) }
        }
        out.append(UInt8(ascii: ","))
        if e.hasDnstap { DnstapNames.write(e.dnstap.messageType, DnstapNames.messageType, into: &out) }
        out.append(UInt8(ascii: "\n"))
    }


    static func quoted(_ out: inout OutputBuffer, _ body: (inout OutputBuffer) -> Void) {
        out.append(UInt8(ascii: "\""))
        let start = out.count
        body(&out)
        out.doubleQuotes(from: start)
        out.append(UInt8(ascii: "\""))
    }
}
