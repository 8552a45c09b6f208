#if canImport(Glibc)
import Glibc
#endif

/// Compression or decompression failed: what went wrong, with which codec, and where.
public struct CompressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var reason: Reason
    /// The codec at fault, when one is.
    public var codec: Codec?
    /// For decompression, how many compressed bytes had been consumed when the fault was found.
    public var offset: Int?

    /// Creates an error.
    public init(_ reason: Reason, codec: Codec? = nil, offset: Int? = nil) {
        self.reason = reason
        self.codec = codec
        self.offset = offset
    }

    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// The codec's shared library is not installed.
        case libraryMissing(sonames: [String], debianPackage: String, loaderMessage: String)
        /// The library was found but lacks a function Sonde calls.
        case symbolMissing(soname: String, symbol: String)
        /// This machine's C struct layout is not the one declared here (only x86_64 and aarch64 Linux are).
        case unsupportedPlatform(String)
        /// Sonde only reads this format.
        case compressionUnsupported
        /// The level is outside what the codec accepts.
        case levelOutOfRange(level: Int32, range: ClosedRange<Int32>)
        /// The compressed bytes are wrong; the library's own message.
        case corrupt(String)
        /// The input ended inside a member or frame, or held no member at all.
        case truncated
        /// Bytes follow the last member that do not start another one.
        case trailingData
        /// The stream needs more memory than the limit given to the decompressor.
        case memoryLimitExceeded(limit: Int)
        /// The whole output would exceed the limit given to a one-shot decompression.
        case outputLimitExceeded(limit: Int)
        /// The library could not allocate memory.
        case outOfMemory
        /// A library call failed in a way that is a misuse, not bad data (a Sonde bug).
        case libraryFailure(function: String, code: Int)
        /// A system call on a file failed.
        case io(operation: String, path: String, errno: Int32)
    }

    /// One line: codec, what, and where.
    public var description: String {
        let prefix = codec.map { "\($0): " } ?? ""
        let place = offset.map { " (near compressed byte \($0))" } ?? ""
        return prefix + what + place
    }

    private var what: String {
        switch reason {
        case .libraryMissing(let sonames, let package, let message):
            return "\(sonames[0]) could not be loaded (\(message)): install it with `apt-get install \(package)`"
        case .symbolMissing(let soname, let symbol):
            return "\(soname) has no function \(symbol); the installed version is too old"
        case .unsupportedPlatform(let detail):
            return "unsupported platform: \(detail)"
        case .compressionUnsupported:
            return "Sonde can only read this format; write gzip or zstd"
        case .levelOutOfRange(let level, let range):
            return "compression level \(level) is outside \(range.lowerBound)...\(range.upperBound)"
        case .corrupt(let message):
            return "corrupt data: \(message)"
        case .truncated:
            return "the input ends before the end of the compressed stream"
        case .trailingData:
            return "bytes after the end of the compressed stream are not another member"
        case .memoryLimitExceeded(let limit):
            return "the stream needs more than the \(limit)-byte memory limit"
        case .outputLimitExceeded(let limit):
            return "decompressed data is larger than the \(limit)-byte limit"
        case .outOfMemory:
            return "out of memory"
        case .libraryFailure(let function, let code):
            return "\(function) failed with code \(code)"
        case .io(let operation, let path, let code):
            return "\(operation) \(path): \(String(cString: strerror(code)))"
        }
    }
}
