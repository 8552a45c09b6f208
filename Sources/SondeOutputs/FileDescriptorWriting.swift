#if canImport(Glibc)
import Glibc
#endif
import SondeDNS

extension OutputBuffer {
    /// Writes the whole buffer to `fd`, retrying short writes and EINTR; returns the `errno` that stopped it, or 0.
    func write(toFileDescriptor fd: Int32) -> Int32 {
        withBytes { $0.writeAll(to: fd) }
    }
}

extension UnsafeRawBufferPointer {
    /// Writes all the bytes to `fd`, retrying short writes and EINTR; returns the `errno` that stopped it, or 0.
    func writeAll(to fd: Int32) -> Int32 {
        var offset = 0
        while offset < count {
            let n = Glibc.write(fd, baseAddress! + offset, count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += n
        }
        return 0
    }
}
