#if canImport(Glibc)
import Glibc
#endif
// `struct stat` is owned by CoreFoundation's clang module in this module's graph (Yams brings Foundation), so its
// members need that import to be visible; nothing else of it is used.
import CoreFoundation

/// Whole small files (lists, databases, keys) read with plain system calls, and what identifies a file's version.
public enum FileBytes {
    /// The file's bytes; at most `limit` of them (an error beyond).
    public static func read(_ path: String, limit: Int = 1 << 30) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SondeError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SondeError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { throw SondeError("\(path) is larger than \(limit) octets") }
        }
        return out
    }

    /// Device, inode, size and modification time: a change in any means the file was replaced or rewritten.
    public struct Version: Equatable, Sendable {
        var device: UInt64 = 0, inode: UInt64 = 0, size: Int64 = 0, seconds: Int = 0, nanoseconds: Int = 0
    }

    /// The file's version now, or nil when it cannot be seen.
    public static func version(_ path: String) -> Version? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Version(
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size), seconds: st.st_mtim.tv_sec,
            nanoseconds: st.st_mtim.tv_nsec)
    }
}
