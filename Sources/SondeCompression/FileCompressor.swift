#if canImport(Glibc)
import Glibc
#endif

/// Compresses whole files, as a log writer does with the file it has just rotated.
public enum FileCompressor {
    /// What ``compressFile(source:destination:codec:level:)`` did.
    public struct Summary: Sendable, Hashable {
        /// Bytes read from the source.
        public var bytesRead: Int
        /// Bytes in the compressed file.
        public var bytesWritten: Int
    }

    /// Streams `source` into a compressed `destination`, safely against crashes: it writes `destination.tmp`,
    /// fsyncs it, renames it over `destination` and fsyncs the directory, so `destination` is either absent or
    /// complete. The source is left in place: the caller removes it once this returns. On error the temporary
    /// file is removed. The destination gets the source's permission bits.
    ///
    /// It blocks for the whole file, so call it from a background thread, not from an event loop.
    @discardableResult
    public static func compressFile(
        source: String, destination: String, codec: Codec, level: Int32? = nil
    ) throws(CompressionError) -> Summary {
        let compressor = try StreamCompressor(codec: codec, level: level)
        let input = try RawFile(path: source, flags: O_RDONLY | O_CLOEXEC, operation: "cannot open")
        defer { input.close() }
        var status = stat()
        guard fstat(input.fd, &status) == 0 else { throw input.error("cannot stat") }
        let temporary = destination + ".tmp"
        // O_TRUNC: a .tmp left by a crash is overwritten.
        let output = try RawFile(
            path: temporary, flags: O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode: 0o600, operation: "cannot create")
        var renamed = false
        defer {
            output.close()
            if !renamed { unlink(temporary) }
        }
        let chunk = 128 << 10
        let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        let writeBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer {
            readBuffer.deallocate()
            writeBuffer.deallocate()
        }
        var summary = Summary(bytesRead: 0, bytesWritten: 0)
        while true {
            let count = try input.read(into: readBuffer)
            if count == 0 { break }
            summary.bytesRead += count
            var rest = UnsafeRawBufferPointer(rebasing: readBuffer[..<count])
            while !rest.isEmpty {
                let (consumed, produced) = try compressor.compress(rest, into: writeBuffer)
                try output.write(UnsafeRawBufferPointer(rebasing: writeBuffer[..<produced]))
                summary.bytesWritten += produced
                rest = UnsafeRawBufferPointer(rebasing: rest[consumed...])
            }
        }
        var done = false
        while !done {
            let (produced, finished) = try compressor.finish(into: writeBuffer)
            try output.write(UnsafeRawBufferPointer(rebasing: writeBuffer[..<produced]))
            summary.bytesWritten += produced
            done = finished
        }
        guard fchmod(output.fd, status.st_mode & 0o7777) == 0 else { throw output.error("cannot set the mode of") }
        guard fsync(output.fd) == 0 else { throw output.error("cannot fsync") }
        guard rename(temporary, destination) == 0 else {
            throw CompressionError(.io(operation: "cannot rename \(temporary) to", path: destination, errno: errno))
        }
        renamed = true
        syncDirectory(of: destination)
        return summary
    }

    /// Makes the rename durable; a failure here loses nothing already written, so it is not reported.
    private static func syncDirectory(of path: String) {
        var directory = "."
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        }
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = fsync(fd)
            _ = Glibc.close(fd)
        }
    }
}

/// A file descriptor with reads and writes that retry `EINTR` and short writes, and errors naming the path.
struct RawFile {
    let fd: Int32
    let path: String

    init(path: String, flags: Int32, mode: mode_t = 0, operation: String) throws(CompressionError) {
        let fd = open(path, flags, mode)
        guard fd >= 0 else { throw CompressionError(.io(operation: operation, path: path, errno: errno)) }
        self.fd = fd
        self.path = path
    }

    func close() { _ = Glibc.close(fd) }

    func error(_ operation: String) -> CompressionError {
        CompressionError(.io(operation: operation, path: path, errno: errno))
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw error("cannot read") }
        }
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws(CompressionError) {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw error("cannot write")
            }
            offset += count
        }
    }
}
