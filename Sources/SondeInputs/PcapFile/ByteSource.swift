import SondeCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file (or standard input, for `-`) in large chunks into a buffer that keeps unconsumed bytes, so a
/// framer can look at whole records without copying each one.
final class ByteSource {
    let path: String
    private let fd: Int32
    private let ownsFD: Bool
    private var mapped: UnsafeMutableRawPointer?
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    /// Bytes consumed so far (the file offset of the first unconsumed byte).
    private(set) var consumedTotal: Int = 0
    /// Whether the source has no more bytes to read.
    private(set) var atEOF = false
    /// The file's size, when known (regular files), for progress.
    let size: Int?

    static let chunkSize = 4 << 20

    init(path: String) throws {
        self.path = path
        if path == "-" {
            fd = 0
            ownsFD = false
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw SondeError("cannot open \(path): \(String(cString: strerror(errno)))")
            }
            ownsFD = true
        }
        // Only a regular file can seek (a pipe or terminal fails with ESPIPE); `stat` is avoided because its
        // struct is declared by two modules once NIO is linked, which breaks release builds.
        let fileEnd = lseek(fd, 0, SEEK_END)
        if fileEnd >= 0 && lseek(fd, 0, SEEK_SET) == 0 { size = Int(fileEnd) } else { size = nil }
        // A regular file is mapped: the kernel pages it in and nothing is copied. Pipes and empty files are read.
        if let size, size > 0, let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED {
            _ = madvise(map, size, MADV_SEQUENTIAL)
            mapped = map
            storage = map
            capacity = size
            end = size
            atEOF = true
        } else {
            capacity = Self.chunkSize * 2
            storage = .allocate(byteCount: capacity, alignment: 16)
        }
    }

    deinit {
        if let mapped, let size { munmap(mapped, size) } else { storage.deallocate() }
        if ownsFD { close(fd) }
    }

    /// The unconsumed bytes.
    var available: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage + start, count: end - start) }

    /// Marks `n` bytes as used.
    func consume(_ n: Int) {
        start += n
        consumedTotal += n
        // Give back the pages of a mapped file behind the reader, so memory stays flat on a large capture.
        if let mapped, start - released >= Self.releaseStep {
            let upTo = start & ~(Self.releaseStep - 1)
            _ = madvise(mapped + released, upTo - released, MADV_DONTNEED)
            released = upTo
        }
    }

    /// Mapped bytes are released in steps of this size (a multiple of any page size).
    static let releaseStep = 16 << 20
    private var released = 0

    /// Reads more bytes, keeping the unconsumed ones; `minimum` asks for room for a record of that size.
    /// Returns false at end of input.
    func fill(minimum: Int = 0) throws -> Bool {
        if mapped != nil { return false }
        let pending = end - start
        if pending > 0 && start > 0 { memmove(storage, storage + start, pending) }
        start = 0
        end = pending
        let wanted = max(minimum, pending + Self.chunkSize)
        if wanted > capacity {
            let newStorage = UnsafeMutableRawPointer.allocate(byteCount: wanted, alignment: 16)
            newStorage.copyMemory(from: storage, byteCount: pending)
            storage.deallocate()
            storage = newStorage
            capacity = wanted
        }
        var readAny = false
        while end < capacity {
            let n = read(fd, storage + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw SondeError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 {
                atEOF = true
                break
            }
            end += n
            readAny = true
            if end - pending >= Self.chunkSize { break }
        }
        return readAny
    }
}

