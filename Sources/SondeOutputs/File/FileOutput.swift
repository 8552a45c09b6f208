#if canImport(Glibc)
import Glibc
#endif
public import SondeCore
import SondeCompression

/// Writes events to a file, rotated by size, on a schedule, or both, keeping a number of old files and compressing
/// them off the hot path.
///
/// `--output 'file:///var/log/sonde/dns.jsonl?format=json&max-size=100M&keep=10&compress=gzip'`, or:
/// Its settings, with their defaults, are in ``reference`` (and `sonde config reference`).
/// An event is never split across files and no file passes `max_size` (an event larger than the limit alone goes
/// into a file of its own). SIGHUP reopens the file (for logrotate).
public final class FileOutput: OutputComponent {
    public static let kind = "file"
    public static let schemes = ["file"]
    public static let reference = ComponentReference("""
        - kind: file             # events to a file, rotated   --output 'file:///var/log/sonde/dns.jsonl?format=json&max-size=100M&keep=10&compress=gzip'
          path: <required>
          format: text           # text | json | yaml | csv | template          env SONDE_FORMAT  flag --format
          fields: <all>          # json, csv: only these fields, in this order: [time, src_ip, qname, qtype, rcode]
          flat: false            # json: one level, dotted keys (flags.aa, answers.0.rdata, geo.country)
          header: true           # csv: the header line first (each new file of a rotating output too)
          template: <none>       # "{time} {src_ip} {qname} {qtype} {rcode}": any field in braces, {{ }} for braces
          text_fields: <none>    # [time, identity, qname]: the fields separated by spaces, - when absent
          mode: "0644"           # permissions of the files Sonde creates
          max_size: <none>       # rotate before a file would pass this size (512K, 100M, 2G); events are never split
          rotate: <none>         # hourly | daily | weekly | every 15m | a cron schedule ("0 */6 * * *")
          utc: true              # schedules in UTC (false: the local time zone)
          keep: 0                # rotated files kept, the newest (0: all)
          compress: none         # none | gzip | zstd: rotated files, compressed on a thread of their own
          post_rotate: <none>    # a command run after each rotation (sh -c; %f: the rotated file)
          flush_interval: 1s     # writes are buffered, and written at least this often and at exit
          buffer_size: 256K
        """)


    struct Settings: Sendable {
        var path: String
        var format: FormatSettings
        var mode: mode_t = 0o644
        var maxSize: Int?
        var schedule: RotationSchedule?
        var keep = 0
        var compress: Codec?
        var postRotate: String?
        var flushInterval = 1.0
        var bufferSize = 256 << 10
    }

    let settings: Settings

    public static func settings(from url: ComponentURL) throws(SondeError) -> [(String, String)] {
        guard !url.path.isEmpty else { throw SondeError("\(url.redacted): give the file's path (file:///var/log/sonde/dns.jsonl)") }
        return [("path", url.path)] + url.query
    }

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        guard let path = s.string("path"), !path.isEmpty else {
            s.report(nil, "a file output needs `path`")
            return nil
        }
        var c = Settings(path: path, format: FormatSettings(settings: &s))
        if let text = s.string("mode") {
            if let m = UInt32(text, radix: 8), m <= 0o777 { c.mode = mode_t(m) } else { s.report("mode", "must be an octal mode such as \"0640\"") }
        }
        c.maxSize = s.size("max_size", 4096...(1 << 50))
        let utc = s.bool("utc") ?? true
        if let text = s.string("rotate") {
            do { c.schedule = try RotationSchedule(parsing: text, utc: utc) } catch { s.report("rotate", "\(error)") }
        }
        c.keep = s.int("keep", 0...100_000) ?? 0
        if let text = s.string("compress"), text != "none" {
            if let codec = Codec(rawValue: text.lowercased()), codec.canCompress {
                do { try codec.checkAvailable() } catch { s.report("compress", "\(error)") }
                c.compress = codec
            } else {
                s.report("compress", "unknown value \"\(text)\" (expected none, gzip, zstd)")
            }
        }
        c.postRotate = s.string("post_rotate")
        c.flushInterval = s.duration("flush_interval", 0.01...3600) ?? 1
        c.bufferSize = s.size("buffer_size", 4096...(64 << 20)) ?? (256 << 10)
        settings = c
    }

    public var summary: String {
        var s = "file \(settings.path), \(settings.format.description)"
        if let m = settings.maxSize { s += ", rotating at \(m) octets" }
        if let r = settings.schedule { s += ", rotating \(r)" }
        if settings.keep > 0 { s += ", keeping \(settings.keep)" }
        if let c = settings.compress { s += ", \(c)" }
        return s
    }

    public func makeEncoder() -> any EventEncoder { settings.format.makeEncoder() }

    /// Rotation by size splits chunks between events.
    public var needsEventBoundaries: Bool { settings.maxSize != nil }

    /// The directory must exist and be writable: said before the run starts, not at the first event.
    public func check() throws {
        let dir = FileWriter.directory(of: settings.path)
        guard access(dir, W_OK | X_OK) == 0 else {
            throw SondeError("file output: cannot write in \(dir): \(String(cString: strerror(errno)))")
        }
    }

    public func makeWriter(context: ComponentContext) throws -> any ChunkWriter {
        FileWriter(settings: settings, header: settings.format.headerBytes, log: context.log)
    }
}
