public import SondeDNS

/// JSON or CSV with the fields the user chose (`fields: [time, src_ip, qname]`), and flat JSON (dotted keys).
///
/// Slower than the hand-written whole-event JSON (a dispatch per field), but with the same rules: no `String`, no
/// allocation per event.
struct FieldEncoder: EventEncoder {
    let format: OutputFormat
    let fields: [EventField]?
    let flat: Bool
    /// `"name":` of each field, made once.
    let keys: [[UInt8]]
    var context = FormatContext()
    /// The flattening emitter of whole events, kept so its path buffers are allocated once, not per event.
    var flatEmitter = FlatJSONEmitter()

    init(format: OutputFormat, fields: [EventField]?, flat: Bool) {
        self.format = format
        self.fields = fields
        self.flat = flat
        keys = (fields ?? []).map { Array("\"\(TagSet.escape($0.name))\":".utf8) }
    }

    mutating func encode(_ rows: borrowing EventRows, into out: inout OutputBuffer, sink: inout ChunkSink) {
        for i in 0..<rows.count {
            let r = FieldRow(event: rows.event(i), message: rows.message(i), enrichment: rows.enrichment(i), identity: rows.identity)
            write(r, into: &out)
            sink.eventWritten(&out)
        }
    }

    mutating func write(_ r: FieldRow, into out: inout OutputBuffer) {
        guard let fields else {
            // Flat JSON of the whole event: the serializer's walk through the flattening emitter.
            EventSerializer.write(
                r.event.pointee, message: r.message, identity: r.identity, enrichment: r.enrichment, context: &context,
                emitter: &flatEmitter, into: &out)
            return
        }
        switch format {
        case .csv:
            for (k, f) in fields.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                FieldWriter.write(f, r, .csv, &context, into: &out)
            }
            out.append(UInt8(ascii: "\n"))
        default:
            out.append(UInt8(ascii: "{"))
            var first = true
            for (k, f) in fields.enumerated() {
                if flat && FieldWriter.isNested(f.id) {
                    guard FieldWriter.hasNested(f.id, r) else { continue }
                    // Members under dotted keys: `answers.0.name`, `geo.country`.
                    var em = FlatJSONEmitter(continuing: FieldWriter.writesKey(f.id) ? [] : Array(f.name.utf8), needsComma: !first)
                    let before = out.count
                    FieldWriter.writeNested(f.id, r, &em, &out)
                    if out.count > before { first = false }
                    continue
                }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                keys[k].withUnsafeBytes { out.append($0) }
                FieldWriter.write(f, r, .json, &context, into: &out)
            }
            out.append("}\n")
        }
    }
}

/// A user template (`template: '{time} {src_ip} {qname} {qtype} {rcode}'`), dnsmonster's gotemplate and
/// go-dnscollector's `text-format` in one: literal text and `{field}` placeholders (any ``EventField``), compiled
/// once. `{{` and `}}` write braces. A line ends each event unless the template ends with one itself.
public struct EventTemplate: Sendable {
    enum Piece: Sendable {
        case literal([UInt8])
        case field(EventField)
    }

    let pieces: [Piece]

    /// Compiles `text`; an unknown field or an unclosed brace is an error that says where.
    public init(parsing text: String) throws(SondeError) {
        var pieces: [Piece] = []
        var literal: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "{") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "{") {
                literal.append(b)
                i += 2
            } else if b == UInt8(ascii: "}") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "}") {
                literal.append(b)
                i += 2
            } else if b == UInt8(ascii: "{") {
                guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "}")) else {
                    throw SondeError("template: the brace at character \(i + 1) is not closed")
                }
                let name = String(decoding: bytes[(i + 1)..<close], as: UTF8.self).trimmingSpaces
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = []
                do { pieces.append(.field(try EventField(parsing: name))) } catch {
                    throw SondeError("template: \(error)")
                }
                i = close + 1
            } else {
                literal.append(b)
                i += 1
            }
        }
        if literal.last != UInt8(ascii: "\n") { literal.append(UInt8(ascii: "\n")) }
        pieces.append(.literal(literal))
        self.pieces = pieces
    }
}

/// Writes events through a template.
struct TemplateEncoder: EventEncoder {
    let template: EventTemplate
    var context = FormatContext()

    mutating func encode(_ rows: borrowing EventRows, into out: inout OutputBuffer, sink: inout ChunkSink) {
        for i in 0..<rows.count {
            let r = FieldRow(event: rows.event(i), message: rows.message(i), enrichment: rows.enrichment(i), identity: rows.identity)
            for piece in template.pieces {
                switch piece {
                case .literal(let bytes): bytes.withUnsafeBytes { out.append($0) }
                case .field(let f): FieldWriter.write(f, r, .text, &context, into: &out)
                }
            }
            sink.eventWritten(&out)
        }
    }
}
