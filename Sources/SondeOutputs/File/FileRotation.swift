#if canImport(Glibc)
import Glibc
#endif
// `struct dirent` is owned by CoreFoundation's clang module in this module's graph (Yams brings Foundation), so its
// members need that import to be visible; nothing else of it is used.
import CoreFoundation
import SondeCompression
import SondeCore

/// When a file output rotates besides its size limit: `hourly`, `daily`, a cron schedule, or `every 15m`.
struct RotationSchedule: Sendable, CustomStringConvertible {
    enum Kind: Sendable {
        case cron(CronSchedule)
        case every(Int64)
    }

    let kind: Kind
    let text: String

    init(parsing text: String, utc: Bool) throws(SondeError) {
        self.text = text
        let t = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ").lowercased()
        let clock: CronSchedule.Clock = utc ? .utc : .local
        do {
            switch t {
            case "hourly": kind = .cron(try CronSchedule("@hourly", clock: clock))
            case "daily", "midnight": kind = .cron(try CronSchedule("@daily", clock: clock))
            case "weekly": kind = .cron(try CronSchedule("@weekly", clock: clock))
            default:
                if t.hasPrefix("every ") {
                    guard let d = SettingParsers.duration(String(t.dropFirst(6))), d >= 1 else {
                        throw SondeError("\"\(text)\": every needs a duration of at least 1 s (every 15m)")
                    }
                    kind = .every(Int64(d))
                } else {
                    kind = .cron(try CronSchedule(text, clock: clock))
                }
            }
        } catch let e as CronScheduleError {
            throw SondeError("\"\(text)\" is not hourly, daily, weekly, every <duration> or a cron schedule: \(e)")
        } catch let e as SondeError {
            throw e
        } catch {
            throw SondeError("\(error)")
        }
    }

    /// The next rotation after `seconds` (since the epoch).
    func next(after seconds: Int64) -> Int64? {
        switch kind {
        case .cron(let c): return c.next(after: seconds)
        case .every(let d): return (seconds / d + 1) * d
        }
    }

    var description: String { text }
}

/// Compresses rotated files, one at a time, on a thread of its own; the file is replaced by its compressed copy.
final class Compressor: @unchecked Sendable {
    let codec: Codec
    let log: SondeLog
    private let lock = ConditionLock()
    private var queue: [(String, (String) -> Void)] = []
    private var stopping = false
    private var thread: ThreadHandle?

    init(codec: Codec, log: SondeLog) {
        self.codec = codec
        self.log = log
    }

    /// Compresses `path` later; `done` gets the compressed file's path (or the original when compression failed).
    func enqueue(_ path: String, done: @escaping (String) -> Void) {
        lock.withLock {
            queue.append((path, done))
            lock.broadcast()
        }
        if thread == nil {
            thread = try? SondeThread.spawn(name: "compress") { [self] in run() }
        }
    }

    private func run() {
        while true {
            let job: (String, (String) -> Void)? = lock.withLock {
                while queue.isEmpty && !stopping { lock.wait() }
                return queue.isEmpty ? nil : queue.removeFirst()
            }
            guard let (path, done) = job else { return }
            let destination = path + "." + codec.fileExtension
            do {
                try FileCompressor.compressFile(source: path, destination: destination, codec: codec)
                unlink(path)
                done(destination)
            } catch {
                log.error("file output: cannot compress \(path): \(error); left uncompressed")
                done(path)
            }
        }
    }

    /// The names (last path component) of the files waiting to be compressed.
    var waiting: Set<String> {
        lock.withLock { Set(queue.map { $0.0.split(separator: "/").last.map(String.init) ?? $0.0 }) }
    }

    /// Compresses what is queued, then stops the thread.
    func finish() {
        lock.withLock {
            stopping = true
            lock.broadcast()
        }
        thread?.join()
        thread = nil
    }
}

/// The rotated files of a file output: `path.<time>`, `path.<time>-<n>` and their compressed forms, oldest first.
enum RotatedFiles {
    /// Where a rotated file stands: its time and its number within that second (0 for the first), from the part of
    /// its name after `path.` (`20261207-153000-2.gz`). Names alone do not sort: `-10` comes before `-2`, and
    /// `-1.gz` before `.gz`, since `-` sorts before `.`.
    static func order(_ suffix: Substring) -> (stamp: Substring, number: Int)? {
        let stamp = suffix.prefix(15)
        guard stamp.count == 15, stamp.allSatisfy({ $0.isNumber || $0 == "-" }) else { return nil }
        var tail = suffix.dropFirst(15)
        if let dot = tail.firstIndex(of: ".") { tail = tail[..<dot] }
        if tail.isEmpty { return (stamp, 0) }
        guard tail.first == "-", let n = Int(tail.dropFirst()) else { return nil }
        return (stamp, n)
    }

    static func list(_ path: String) -> [String] {
        let dir = FileWriter.directory(of: path)
        let base = path.hasPrefix(dir + "/") ? String(path.dropFirst(dir.count + 1)) : path
        let prefix = base + "."
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [(stamp: Substring, number: Int, name: String)] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            // `dns.jsonl.20261207-153000`, `-1`, `.gz`, `.zst`; not the `.tmp` of a compression under way.
            guard name.hasPrefix(prefix), !name.hasSuffix(".tmp"), let first = name.dropFirst(prefix.count).first, first.isNumber else { continue }
            let o = order(name.dropFirst(prefix.count)) ?? ("", 0)
            names.append((o.stamp, o.number, dir + "/" + name))
        }
        return names.sorted { ($0.stamp, $0.number, $0.name) < ($1.stamp, $1.number, $1.name) }.map(\.name)
    }

    /// Deletes all but the newest `keep` rotated files, leaving alone those still `waiting` to be compressed (names):
    /// newer than the others, they count once compressed, and are neither compressed nor given to post_rotate after
    /// being deleted when rotations outpace the compressor.
    static func prune(_ path: String, keep: Int, log: SondeLog, waiting: Set<String> = []) {
        let files = list(path).filter { !waiting.contains($0.split(separator: "/").last.map(String.init) ?? $0) }
        guard files.count > keep else { return }
        for f in files.prefix(files.count - keep) where unlink(f) != 0 {
            log.warning("file output: cannot delete \(f): \(String(cString: strerror(errno)))")
        }
    }
}

/// The command run after a rotation (`post_rotate`), through `/bin/sh -c`, with `%f` replaced by the rotated
/// file's path (also in the environment as SONDE_ROTATED_FILE). It is not waited for: a thread reaps it and logs a
/// failure.
enum PostRotateCommand {
    static func run(_ command: String, file: String, log: SondeLog) {
        let quoted = "'" + file.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
        let text = command.replacingAll("%f", with: quoted)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(text), nil]
        var env: [UnsafeMutablePointer<CChar>?] = [strdup("SONDE_ROTATED_FILE=\(file)")]
        var e = environ
        while let entry = e.pointee {
            env.append(strdup(entry))
            e += 1
        }
        env.append(nil)
        defer {
            for a in argv { free(a) }
            for a in env { free(a) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", nil, nil, argv, env)
        guard rc == 0 else {
            log.error("file output: cannot run post_rotate: \(String(cString: strerror(rc)))")
            return
        }
        _ = try? SondeThread.spawn(name: "post-rotate") {
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            if status != 0 { log.warning("file output: post_rotate for \(file) exited with status \(status >> 8)") }
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: target) {
            out += rest[..<r.lowerBound] + replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
