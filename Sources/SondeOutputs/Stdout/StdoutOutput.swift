#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import SondeCore
import SondeDNS

/// Writes events to standard output (or any open file descriptor) in one of the ``OutputFormat``s.
///
/// Events are formatted into one buffer and written with a single `write(2)` per ~128 KiB, never per event. The
/// buffer is written out in the middle of a batch too, so it stays small enough to stay in the cache: a batch of
/// 512 JSON events is about 400 KiB.
/// When the reader goes away (a closed pipe, as with `| head`), the output stops quietly and says so with
/// ``isClosed`` instead of failing the run.
public final class StdoutOutput: EventOutput {
    /// Options of the output.
    public struct Configuration: Sendable {
        /// The format.
        public var format: OutputFormat
        /// The descriptor to write to.
        public var fileDescriptor: Int32

        public init(format: OutputFormat = .text, fileDescriptor: Int32 = 1) {
            self.format = format
            self.fileDescriptor = fileDescriptor
        }
    }

    /// The component kind.
    public static let kind = "stdout"
    public var kind: String { Self.kind }

    private var formatter: BatchFormatter
    private var buffer = OutputBuffer(capacity: 1 << 18)
    private let fd: Int32
    private var headerWritten = false
    /// Whether the reader has gone away.
    public private(set) var isClosed = false
    public var isGone: Bool { isClosed }
    /// Bytes written.
    public private(set) var bytesWritten: UInt64 = 0

    static let flushThreshold = 1 << 17

    public init(configuration: Configuration) {
        formatter = BatchFormatter(format: configuration.format)
        fd = configuration.fileDescriptor
    }

    public func write(_ batch: borrowing EventBatch) throws {
        guard !isClosed else { return }
        if !headerWritten {
            formatter.writeHeader(into: &buffer)
            headerWritten = true
        }
        try formatter.write(batch, into: &buffer, drainingAt: Self.flushThreshold) { try drain(&$0) }
    }

    public func finish() throws {
        if !headerWritten && !isClosed {
            formatter.writeHeader(into: &buffer)
            headerWritten = true
        }
        try writeBuffer()
    }

    public func flush() throws { try writeBuffer() }

    private func writeBuffer() throws { try drain(&buffer) }

    /// Writes and empties `b` (the buffer, passed in so it can be drained while a batch is being formatted into it).
    private func drain(_ b: inout OutputBuffer) throws {
        defer { b.removeAll() }
        guard !isClosed else { return }
        let count = b.count
        switch b.write(toFileDescriptor: fd) {
        case 0: bytesWritten += UInt64(count)
        case EPIPE: isClosed = true
        case let e: throw SondeError("cannot write to standard output: \(String(cString: strerror(e)))")
        }
    }
}
