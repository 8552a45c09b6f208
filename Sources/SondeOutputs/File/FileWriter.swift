#if canImport(Glibc)
import Glibc
#endif
import SondeCompression
import SondeCore

/// The file output's writer, on the output's worker thread: buffers, writes, rotates, and hands rotated files to
/// a compressor thread.
final class FileWriter: ChunkWriter {
    let settings: FileOutput.Settings
    let header: [UInt8]
    let log: SondeLog
    private var fd: Int32 = -1
    private var size = 0
    private var buffer: [UInt8] = []
    private var lastFlush = SondeThread.now()
    private var nextRotation: Int64?
    private let compressor: Compressor?
    private var failedOpen = false

    init(settings: FileOutput.Settings, header: [UInt8], log: SondeLog) {
        self.settings = settings
        self.header = header
        self.log = log
        buffer.reserveCapacity(settings.bufferSize)
        compressor = settings.compress.map { Compressor(codec: $0, log: log) }
        nextRotation = settings.schedule?.next(after: Self.wallSeconds())
    }

    var tickInterval: Double { min(settings.flushInterval, 1) }

    static func wallSeconds() -> Int64 { SondeThread.wallClockNanoseconds() / 1_000_000_000 }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Opens (or creates) the file for appending; a new or empty file gets the header.
    private func open() throws {
        // Opened here, on the worker thread: opening a FIFO nobody reads blocks only this output.
        fd = Glibc.open(settings.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, settings.mode)
        guard fd >= 0 else {
            let e = errno
            if !failedOpen { log.error("file output: cannot open \(settings.path): \(String(cString: strerror(e)))") }
            failedOpen = true
            throw SondeError("cannot open \(settings.path): \(String(cString: strerror(e)))")
        }
        failedOpen = false
        let end = lseek(fd, 0, SEEK_END)
        size = end > 0 ? Int(end) : 0
        if size == 0 && !header.isEmpty { buffer.append(contentsOf: header) }
    }

    func write(_ chunk: EncodedChunk) throws {
        if fd < 0 { try open() }
        guard let max = settings.maxSize, let ends = chunk.ends, !ends.isEmpty else {
            try append(chunk.bytes)
            try checkSchedule()
            return
        }
        // Split the chunk at event ends so that no file passes max_size (an event larger than the limit goes
        // alone into a fresh file: events are never cut).
        var start = 0
        var i = 0
        while i < ends.count {
            let room = max - (size + buffer.count)
            var j = i
            while j < ends.count && Int(ends[j]) - start <= room { j += 1 }
            if j == i {
                if size + buffer.count > header.count {
                    try rotate(reason: "size")
                    continue
                }
                j = i + 1
            }
            let end = Int(ends[j - 1])
            try append(UnsafeRawBufferPointer(rebasing: chunk.bytes[start..<end]))
            start = end
            i = j
        }
        try checkSchedule()
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > settings.bufferSize { try flushBuffer() }
        if bytes.count >= settings.bufferSize {
            try put(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    func idle() throws {
        if fd < 0 { return }
        try checkSchedule()
        if SondeThread.now() - lastFlush >= settings.flushInterval { try flushBuffer() }
    }

    private func checkSchedule() throws {
        guard let due = nextRotation, Self.wallSeconds() >= due else { return }
        nextRotation = settings.schedule?.next(after: Self.wallSeconds())
        if size + buffer.count > header.count { try rotate(reason: "schedule") }
    }

    private func flushBuffer() throws {
        lastFlush = SondeThread.now()
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withUnsafeBytes { try put($0) }
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        if fd < 0 { try open() }
        let e = bytes.writeAll(to: fd)
        guard e == 0 else { throw SondeError("cannot write \(settings.path): \(String(cString: strerror(e)))") }
        size += bytes.count
    }

    /// Closes the file under a name with the time (`dns.jsonl.20261207-153000`), opens a new one, and hands the old
    /// one to the compressor; then keeps only the newest `keep` rotated files.
    private func rotate(reason: String) throws {
        try flushBuffer()
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
        let rotated = Self.rotatedName(settings.path)
        if rename(settings.path, rotated) != 0 {
            log.error("file output: cannot rename \(settings.path) to \(rotated): \(String(cString: strerror(errno)))")
        } else if let compressor {
            compressor.enqueue(rotated) { [settings, log, compressor] done in
                Self.afterRotation(done, settings: settings, log: log, waiting: compressor.waiting)
            }
        } else {
            Self.afterRotation(rotated, settings: settings, log: log)
        }
        try open()
    }

    /// Pruning and the post-rotate command, once the rotated file is final (compressed when asked).
    static func afterRotation(_ file: String, settings: FileOutput.Settings, log: SondeLog, waiting: Set<String> = []) {
        if settings.keep > 0 { RotatedFiles.prune(settings.path, keep: settings.keep, log: log, waiting: waiting) }
        if let command = settings.postRotate { PostRotateCommand.run(command, file: file, log: log) }
    }

    /// `path.YYYYMMDD-HHMMSS`, with `-1`, `-2`... for later rotations within the same second.
    static func rotatedName(_ path: String) -> String {
        var t = time_t(wallSeconds())
        var tm = Glibc.tm()
        gmtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let stamp = "\(tm.tm_year + 1900)\(two(tm.tm_mon + 1))\(two(tm.tm_mday))-\(two(tm.tm_hour))\(two(tm.tm_min))\(two(tm.tm_sec))"
        // After the newest of this second, never in a gap: `keep` may have deleted an older file of the same second,
        // and a new file under its name would sort among the oldest and be deleted in place of an old one.
        var n = 0
        let prefix = path.split(separator: "/", omittingEmptySubsequences: false).last.map { $0 + "." } ?? ""
        for file in RotatedFiles.list(path) {
            let name = file.split(separator: "/", omittingEmptySubsequences: false).last ?? ""
            if let o = RotatedFiles.order(name.dropFirst(prefix.count)), o.stamp == stamp { n = max(n, o.number + 1) }
        }
        var name = n == 0 ? "\(path).\(stamp)" : "\(path).\(stamp)-\(n)"
        while access(name, F_OK) == 0 || access(name + ".gz", F_OK) == 0 || access(name + ".zst", F_OK) == 0 {
            n += 1
            name = "\(path).\(stamp)-\(n)"
        }
        return name
    }

    func reopen() throws {
        try flushBuffer()
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        try open()
    }

    func close() throws {
        defer {
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
            compressor?.finish()
        }
        try flushBuffer()
    }
}
