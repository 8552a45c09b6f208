/// How an output that writes text writes events: the format and its options, read from the output's settings
/// (`format:`, `fields:`, `flat:`, `header:`, `template:`). Shared by every such output (stdout, file, TCP, ...).
public struct FormatSettings: Sendable {
    /// The format.
    public var format: OutputFormat
    /// JSON and CSV: only these fields, in this order (`[time, src_ip, qname]`); nil for the whole event.
    public var fields: [EventField]?
    /// JSON: one level, dotted keys (`flags.aa`, `answers.0.rdata`) instead of nested objects.
    public var flat = false
    /// CSV: the header line first (each file of a rotating output starts with it).
    public var header = true
    /// `format: template`: the compiled template.
    public var template: EventTemplate?

    public init(format: OutputFormat) { self.format = format }

    /// Reads `format`, `fields`, `flat`, `header`, `template` and `text_fields` from `settings`.
    public init(settings s: inout ComponentSettings, defaultFormat: OutputFormat = .text) {
        format = s.choice("format") ?? defaultFormat
        if let names = s.strings("fields") {
            var fields: [EventField] = []
            for name in names {
                do { fields.append(try EventField(parsing: name)) } catch { s.report("fields", "\(error)") }
            }
            self.fields = fields
        }
        flat = s.bool("flat") ?? false
        header = s.bool("header") ?? true
        let textFields = s.strings("text_fields")
        if let text = s.string("template") {
            do { template = try EventTemplate(parsing: text) } catch { s.report("template", "\(error)") }
            if s.has("format") && format != .template { s.report("template", "a template is written with format: template (or no format)") }
            format = .template
            if textFields != nil { s.report("text_fields", "give either template or text_fields") }
        } else if let names = textFields {
            // go-dnscollector's text-format: the listed fields, separated by spaces, `-` when absent.
            do {
                template = try EventTemplate(parsing: names.map { "{\($0)}" }.joined(separator: " "))
                format = .template
            } catch {
                s.report("text_fields", "\(error)")
            }
        } else if format == .template {
            s.report("format", "format: template needs `template: '{time} {qname} ...'`")
        }
        if fields != nil && format != .json && format != .csv {
            s.report("fields", "fields select the members of json and csv; use a template for text")
        }
        if flat && format != .json { s.report("flat", "flat applies to format: json") }
    }

    /// What a file or stream starts with (the CSV header line).
    public var headerBytes: [UInt8] {
        guard format == .csv, header else { return [] }
        if let fields { return Array((fields.map(\.name).joined(separator: ",") + "\n").utf8) }
        return BatchFormatter(format: .csv).header
    }

    /// The encoder for one producer.
    public func makeEncoder() -> any EventEncoder {
        if let template { return TemplateEncoder(template: template) }
        if fields != nil || flat { return FieldEncoder(format: format, fields: fields, flat: flat) }
        return BatchFormatter(format: format)
    }

    /// `json`, `csv (time,qname)`, `template`: for logs.
    public var description: String {
        var s = format.rawValue
        if flat { s += " (flat)" }
        if let fields { s += " (\(fields.map(\.name).joined(separator: ",")))" }
        return s
    }
}
