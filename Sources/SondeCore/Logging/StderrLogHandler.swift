#if canImport(Glibc)
import Glibc
#endif
public import Logging

/// The format of log lines (`--log-format`).
public enum LogFormat: String, Sendable, CaseIterable {
    /// `sonde: message key=value` for people and terminals.
    case text
    /// One JSON object per line (`time`, `level`, `message`, metadata), for journald, Loki and the like.
    case json
}

/// Writes swift-log records to standard error, one `write(2)` per line so lines from threads never interleave.
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let format: LogFormat
    let label: String

    public init(label: String, level: Logger.Level, format: LogFormat) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        var all = metadata
        if let explicit { all.merge(explicit) { $1 } }
        let text: String
        switch format {
        case .text:
            var s = "sonde: "
            if level >= .warning { s += "\(level): " }
            s += message.description
            for (k, v) in all.sorted(by: { $0.key < $1.key }) { s += " \(k)=\(v)" }
            text = s + "\n"
        case .json:
            var s = "{\"time\":\"\(Self.now())\",\"level\":\"\(level)\",\"message\":\"\(TagSet.escape(message.description))\""
            for (k, v) in all.sorted(by: { $0.key < $1.key }) { s += ",\"\(TagSet.escape(k))\":\"\(TagSet.escape("\(v)"))\"" }
            text = s + "}\n"
        }
        Self.write(text)
    }

    /// Writes a whole line to standard error.
    public static func write(_ s: String) {
        var s = s
        s.withUTF8 { buf in
            var off = 0
            while off < buf.count {
                let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return }
                off += n
            }
        }
    }

    /// RFC 3339 UTC with milliseconds.
    static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let ms = ts.tv_nsec / 1_000_000
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(tm.tm_year + 1900)-\(two(tm.tm_mon + 1))-\(two(tm.tm_mday))T\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)).\(msText)Z"
    }
}
