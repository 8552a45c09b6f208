#if canImport(Glibc)
import Glibc
#endif
public import SondeCore

/// A file of lines rotated as the file output's files are (the same writer: before a file would pass `maxSize`,
/// under `path.<time>`, keeping the newest `keep`): the periodic statistics line's file (`stats.log_file`).
/// Each line is written when it is given, whole. Safe to use from any thread.
public final class RotatingLineFile: @unchecked Sendable {
    public let path: String
    private let writer: FileWriter
    private let lock = ConditionLock()

    /// Opens (or creates) `path` for appending; throws when its directory cannot be written or it cannot be opened.
    public init(path: String, maxSize: Int?, keep: Int, log: SondeLog) throws {
        self.path = path
        var s = FileOutput.Settings(path: path, format: FormatSettings(format: .text))
        s.maxSize = maxSize
        s.keep = keep
        // No buffering: each line goes out when it is written.
        s.flushInterval = 0
        let dir = FileWriter.directory(of: path)
        guard access(dir, W_OK | X_OK) == 0 else { throw SondeError("cannot write in \(dir): \(String(cString: strerror(errno)))") }
        writer = FileWriter(settings: s, header: [], log: log)
        try writer.reopen()
    }

    /// Appends `line` and a newline, rotating first when the file would pass its size.
    public func write(_ line: String) throws {
        var bytes = Array(line.utf8)
        bytes.append(0x0a)
        try lock.withLock {
            try bytes.withUnsafeBytes { b in
                // One event ending where the line does, so the writer rotates between lines.
                try [Int32(b.count)].withUnsafeBufferPointer { ends in
                    try writer.write(EncodedChunk(bytes: b, events: 1, ends: ends))
                }
            }
            try writer.idle()
        }
    }

    /// SIGHUP: reopens the file (after logrotate moved it).
    public func reopen() throws { try lock.withLock { try writer.reopen() } }

    /// Writes what is left and closes.
    public func close() throws { try lock.withLock { try writer.close() } }
}
