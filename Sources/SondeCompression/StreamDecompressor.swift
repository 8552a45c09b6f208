/// Decompresses gzip, zstd, xz, LZ4-frame or bzip2 data that arrives in pieces.
///
/// Output never grows on its own: each call writes at most the room in the caller's buffer, so a small file
/// that expands to terabytes (a decompression bomb) costs time, not memory. The codec's own memory is capped by
/// `memoryLimit` where the format lets a file choose it (the zstd window, the xz dictionary); gzip (32 KiB),
/// LZ4 (4 MiB blocks) and bzip2 (900 kB blocks) are bounded by their formats.
///
/// Two ways to feed it; use one per decompressor:
/// - ``decompress(_:into:endOfInput:)`` reads straight from the caller's input buffer and says how much it used;
/// - ``push(_:)``, ``endInput()`` and ``pull(into:)`` copy input into a bounded buffer owned here.
///
/// Bytes decoded before a fault are returned first; the call after that throws, and so does every later one.
/// One decompressor belongs to one thread at a time.
public final class StreamDecompressor {
    /// The format read.
    public let codec: Codec
    /// The most memory the codec may allocate for a stream's window or dictionary.
    public let memoryLimit: Int
    /// The memory limit used when none is given: 128 MiB, zstd's own default window limit, and more than the
    /// 65 MiB that `xz -9` files need.
    public static let defaultMemoryLimit = 128 << 20

    /// Every member or frame ended and the input ended with the last one.
    public private(set) var isFinished = false
    /// Compressed bytes consumed so far.
    public private(set) var compressedBytesConsumed = 0
    /// Decompressed bytes produced so far.
    public private(set) var decompressedBytesProduced = 0

    private let engine: any DecompressionEngine
    private var failure: CompressionError?
    private let pending: UnsafeMutableRawBufferPointer
    private var pendingStart = 0
    private var pendingEnd = 0
    private var inputEnded = false
    /// The last pull produced nothing without finishing.
    private var stalled = false

    /// Creates a decompressor; `inputCapacity` bounds the bytes ``push(_:)`` holds.
    public init(
        codec: Codec, memoryLimit: Int = StreamDecompressor.defaultMemoryLimit, inputCapacity: Int = 64 << 10
    ) throws(CompressionError) {
        self.codec = codec
        self.memoryLimit = memoryLimit
        switch codec {
        case .gzip: engine = try GzipDecoder()
        case .zstd: engine = try ZstdDecoder(memoryLimit: memoryLimit)
        case .xz: engine = try XzDecoder(memoryLimit: memoryLimit)
        case .lz4: engine = try LZ4FrameDecoder()
        case .bzip2: engine = try Bzip2Decoder()
        }
        pending = .allocate(byteCount: max(inputCapacity, 16), alignment: 16)
    }

    deinit { pending.deallocate() }

    // MARK: Caller's buffers

    /// Decodes from `input` into `output` until `output` is full, `input` is used up, or the data ends; returns
    /// how many bytes of each were used. Pass the unused input again with more appended. `endOfInput` says no
    /// byte follows `input`: then a stream that stops short throws ``CompressionError/Reason/truncated``.
    ///
    /// Nothing produced and all input consumed means it needs more input (or ``isFinished``).
    public func decompress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, endOfInput: Bool
    ) throws(CompressionError) -> (consumed: Int, produced: Int) {
        if let failure { throw failure }
        if isFinished || output.isEmpty { return (0, 0) }
        var consumed = 0
        var produced = 0
        defer {
            compressedBytesConsumed += consumed
            decompressedBytesProduced += produced
        }
        do throws(CompressionError) {
            while produced < output.count {
                let step = try engine.decode(
                    UnsafeRawBufferPointer(rebasing: input[consumed...]),
                    into: UnsafeMutableRawBufferPointer(rebasing: output[produced...]), endOfInput: endOfInput)
                consumed += step.consumed
                produced += step.produced
                if let failure = step.failure { throw failure }
                if step.finished {
                    isFinished = true
                    break
                }
                if step.consumed == 0 && step.produced == 0 {
                    if endOfInput { throw CompressionError(.truncated, codec: codec) }
                    break
                }
            }
        } catch {
            var located = error
            located.offset = compressedBytesConsumed + consumed
            failure = located
            // Output decoded before the fault is delivered first; the next call throws.
            if consumed == 0 && produced == 0 { throw located }
        }
        return (consumed, produced)
    }

    // MARK: Push and pull

    /// Room left for ``push(_:)``.
    public var freeInputCapacity: Int { pending.count - (pendingEnd - pendingStart) }

    /// Copies as much of `bytes` as fits into the input buffer; returns how many were taken (pull to make room).
    public func push(_ bytes: UnsafeRawBufferPointer) -> Int {
        precondition(!inputEnded, "push after endInput")
        if pendingStart > 0 && pendingEnd + bytes.count > pending.count {
            // Move the unread tail to the front; it is at most one buffer and this happens once per refill.
            let unread = pendingEnd - pendingStart
            if unread > 0 { pending.baseAddress!.copyMemory(from: pending.baseAddress! + pendingStart, byteCount: unread) }
            pendingStart = 0
            pendingEnd = unread
        }
        let taken = min(bytes.count, pending.count - pendingEnd)
        if taken > 0 { (pending.baseAddress! + pendingEnd).copyMemory(from: bytes.baseAddress!, byteCount: taken) }
        pendingEnd += taken
        if taken > 0 { stalled = false }
        return taken
    }

    /// Copies as much of `bytes` as fits into the input buffer; returns how many were taken.
    public func push(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { push($0) }
    }

    /// Says that no more input will be pushed.
    public func endInput() { inputEnded = true }

    /// Whether ``pull(into:)`` can make no progress until more input is pushed: the buffer is empty, or the
    /// last pull stopped on a partial header.
    public var needsInput: Bool { !isFinished && !inputEnded && (stalled || pendingStart == pendingEnd) }

    /// Decodes pushed input into `output`; returns the bytes written, at most `output.count`. Zero means
    /// ``isFinished``, or more input is needed.
    public func pull(into output: UnsafeMutableRawBufferPointer) throws(CompressionError) -> Int {
        let input = UnsafeRawBufferPointer(rebasing: pending[pendingStart..<pendingEnd])
        let (consumed, produced) = try decompress(input, into: output, endOfInput: inputEnded)
        stalled = produced == 0 && !isFinished
        pendingStart += consumed
        if pendingStart == pendingEnd {
            pendingStart = 0
            pendingEnd = 0
        }
        if isFinished && inputEnded && pendingStart != pendingEnd {
            failure = CompressionError(.trailingData, codec: codec, offset: compressedBytesConsumed)
            throw failure!
        }
        return produced
    }

    /// Decodes pushed input, appending at most `maxBytes` to `output`; returns how many were appended.
    public func pull(appendingTo output: inout [UInt8], maxBytes: Int) throws(CompressionError) -> Int {
        let oldCount = output.count
        output.append(contentsOf: repeatElement(0, count: maxBytes))
        var produced = 0
        do throws(CompressionError) {
            produced = try output.withMutableBytes { (bytes) throws(CompressionError) in
                try pull(into: UnsafeMutableRawBufferPointer(rebasing: bytes[oldCount...]))
            }
        } catch {
            output.removeLast(maxBytes)
            throw error
        }
        output.removeLast(maxBytes - produced)
        return produced
    }
}
