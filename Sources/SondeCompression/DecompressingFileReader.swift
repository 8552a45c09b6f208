#if canImport(Glibc)
import Glibc
#endif

/// Reads a file that may be compressed, giving its decompressed bytes the way `read(2)` gives a plain file's.
///
/// The format is recognised from the magic number (``Codec/detect(_:)``); a file with none is read as it is.
/// This is how capture files such as `dns.pcap.zst` are opened.
public final class DecompressingFileReader {
    /// The file read.
    public let path: String
    /// The format found, or nil for a file read as it is.
    public let codec: Codec?

    private let file: RawFile
    private let decompressor: StreamDecompressor?
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var atEndOfFile = false

    /// Opens `path` and reads enough of it to recognise the format.
    public init(path: String, memoryLimit: Int = StreamDecompressor.defaultMemoryLimit) throws(CompressionError) {
        self.path = path
        file = try RawFile(path: path, flags: O_RDONLY | O_CLOEXEC, operation: "cannot open")
        buffer = .allocate(byteCount: 128 << 10, alignment: 16)
        var found: Codec?
        do throws(CompressionError) {
            // Enough bytes for the longest magic number, unless the file is shorter.
            while end < Codec.longestMagic {
                let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
                if count == 0 { break }
                end += count
            }
            found = Codec.detect(UnsafeRawBufferPointer(rebasing: buffer[..<end]))
            if let found {
                decompressor = try StreamDecompressor(codec: found, memoryLimit: memoryLimit, inputCapacity: 16)
            } else {
                decompressor = nil
            }
        } catch {
            buffer.deallocate()
            file.close()
            throw error
        }
        codec = found
    }

    deinit {
        buffer.deallocate()
        file.close()
    }

    /// Reads up to `output.count` decompressed bytes; 0 only at the end of the data. A compressed file that
    /// stops short or is corrupt throws, with the compressed offset in the error.
    public func read(into output: UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int {
        guard !output.isEmpty else { return 0 }
        guard let decompressor else {
            if start < end {
                let count = min(output.count, end - start)
                output.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: count)
                start += count
                return count
            }
            return atEndOfFile ? 0 : try file.read(into: output)
        }
        while true {
            if start == end && !atEndOfFile { try fill() }
            let (consumed, produced) = try decompressor.decompress(
                UnsafeRawBufferPointer(rebasing: buffer[start..<end]), into: output, endOfInput: atEndOfFile)
            start += consumed
            if produced > 0 { return produced }
            if decompressor.isFinished { return 0 }
            // The decoder wants more bytes than are buffered (a magic number split across reads).
            try fill()
        }
    }

    /// Appends the next read to the buffer, first moving unread bytes to the front.
    private func fill() throws(CompressionError) {
        if start > 0 {
            let unread = end - start
            if unread > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: unread) }
            start = 0
            end = unread
        }
        guard end < buffer.count else { return }
        let count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if count == 0 { atEndOfFile = true }
        end += count
    }
}
