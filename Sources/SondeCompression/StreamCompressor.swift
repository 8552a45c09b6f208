/// Compresses a stream of bytes into gzip members or zstd frames, writing into buffers the caller owns.
///
/// The raw-buffer methods do one library call each and report what they consumed and produced; call them
/// again with the rest. The `appendingTo:` methods loop for you through a 64 KiB scratch buffer made once.
/// After ``finish(into:)`` reports done, the next input starts a new member (gzip) or frame (zstd): both
/// formats allow members one after another, and every reader here and the command-line tools read them all.
///
/// One compressor belongs to one thread at a time.
public final class StreamCompressor {
    /// The format written.
    public let codec: Codec
    /// The compression level in use.
    public let level: Int32

    private enum Engine {
        case gzip(ZlibLibrary, UnsafeMutablePointer<ZStream>)
        case zstd(ZstdLibrary, OpaquePointer)
    }

    private enum Mode { case run, flush, end }

    private let engine: Engine
    /// False after a member is finished and before the next input starts another.
    private var memberOpen = true
    private var scratch: UnsafeMutableRawBufferPointer?

    /// Creates a compressor; `level` defaults to ``Codec/defaultLevel``.
    public init(codec: Codec, level: Int32? = nil) throws(CompressionError) {
        let level = level ?? codec.defaultLevel
        let range = try codec.levelRange()
        guard range.contains(level) else { throw CompressionError(.levelOutOfRange(level: level, range: range), codec: codec) }
        self.codec = codec
        self.level = level
        switch codec {
        case .gzip:
            let zlib = try ZlibLibrary.load()
            let stream = UnsafeMutablePointer<ZStream>.allocate(capacity: 1)
            stream.initialize(to: ZStream())
            let code = zlib.deflateInit2(
                stream, level, ZlibLibrary.deflated, ZlibLibrary.gzipWindowBits, ZlibLibrary.defaultMemoryLevel,
                ZlibLibrary.defaultStrategy, zlib.version, Int32(MemoryLayout<ZStream>.size))
            guard code == ZlibLibrary.ok else {
                let error = ZlibLibrary.error(code, stream: stream, function: "deflateInit2_")
                stream.deallocate()
                throw error ?? CompressionError(.libraryFailure(function: "deflateInit2_", code: Int(code)), codec: .gzip)
            }
            engine = .gzip(zlib, stream)
        case .zstd:
            let zstd = try ZstdLibrary.load()
            guard let context = zstd.createCStream() else { throw CompressionError(.outOfMemory, codec: .zstd) }
            do throws(CompressionError) {
                try zstd.check(zstd.setCompressionParameter(context, ZstdLibrary.compressionLevelParameter, level))
                // A content checksum, as the zstd tool writes by default, so that readers detect corruption.
                try zstd.check(zstd.setCompressionParameter(context, ZstdLibrary.checksumFlagParameter, 1))
            } catch {
                _ = zstd.freeCStream(context)
                throw error
            }
            engine = .zstd(zstd, context)
        case .xz, .lz4, .bzip2:
            throw CompressionError(.compressionUnsupported, codec: codec)
        }
    }

    deinit {
        switch engine {
        case .gzip(let zlib, let stream):
            _ = zlib.deflateEnd(stream)
            stream.deallocate()
        case .zstd(let zstd, let context):
            _ = zstd.freeCStream(context)
        }
        scratch?.deallocate()
    }

    // MARK: Raw buffers

    /// Compresses from `input` into `output`; returns how many bytes of each were used. Output may lag input:
    /// the codec keeps a window of data until it has enough to emit.
    public func compress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CompressionError) -> (consumed: Int, produced: Int) {
        let step = try self.step(input, output, .run)
        return (step.consumed, step.produced)
    }

    /// Pushes out everything given so far so that a reader can decompress it (a zlib sync flush, a zstd flush)
    /// without ending the member; `done` is false while `output` was too small to take it all.
    public func flush(into output: UnsafeMutableRawBufferPointer) throws(CompressionError) -> (produced: Int, done: Bool) {
        guard memberOpen else { return (0, true) }
        let step = try self.step(UnsafeRawBufferPointer(start: nil, count: 0), output, .flush)
        return (step.produced, step.done)
    }

    /// Ends the member or frame: writes what is buffered and the trailer; `done` is false while `output` was too
    /// small to take it all, so call again with more room.
    public func finish(into output: UnsafeMutableRawBufferPointer) throws(CompressionError) -> (produced: Int, done: Bool) {
        guard memberOpen else { return (0, true) }
        let step = try self.step(UnsafeRawBufferPointer(start: nil, count: 0), output, .end)
        if step.done { memberOpen = false }
        return (step.produced, step.done)
    }

    // MARK: Arrays

    /// Compresses all of `input`, appending the output produced so far to `output`.
    public func compress(_ input: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(CompressionError) {
        try drive(input, .run, &output)
    }

    /// Compresses all of `input`, appending the output produced so far to `output`.
    public func compress(_ input: [UInt8], appendingTo output: inout [UInt8]) throws(CompressionError) {
        try input.withBytes { (bytes) throws(CompressionError) in try drive(bytes, .run, &output) }
    }

    /// Flushes (see ``flush(into:)``), appending to `output`.
    public func flush(appendingTo output: inout [UInt8]) throws(CompressionError) {
        guard memberOpen else { return }
        try drive(UnsafeRawBufferPointer(start: nil, count: 0), .flush, &output)
    }

    /// Ends the member or frame (see ``finish(into:)``), appending to `output`.
    public func finish(appendingTo output: inout [UInt8]) throws(CompressionError) {
        guard memberOpen else { return }
        try drive(UnsafeRawBufferPointer(start: nil, count: 0), .end, &output)
        memberOpen = false
    }

    private func drive(_ input: UnsafeRawBufferPointer, _ mode: Mode, _ output: inout [UInt8]) throws(CompressionError) {
        let buffer = scratch ?? UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        scratch = buffer
        var rest = input
        while true {
            let step = try self.step(rest, buffer, mode)
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<step.produced]))
            rest = UnsafeRawBufferPointer(rebasing: rest[step.consumed...])
            if rest.isEmpty && (mode == .run || step.done) { return }
            // A full 64 KiB buffer always lets zlib and zstd move on; no progress would be a library bug.
            if step.consumed == 0 && step.produced == 0 {
                throw CompressionError(.libraryFailure(function: "compress (no progress)", code: 0), codec: codec)
            }
        }
    }

    // MARK: One library call

    private func step(
        _ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, _ mode: Mode
    ) throws(CompressionError) -> (consumed: Int, produced: Int, done: Bool) {
        if !memberOpen {
            if mode == .end { return (0, 0, true) }
            if case .gzip(let zlib, let stream) = engine { _ = zlib.deflateReset(stream) }
            memberOpen = true
        }
        switch engine {
        case .gzip(let zlib, let stream):
            // avail_in and avail_out are 32-bit: larger buffers are taken a piece at a time.
            let inCount = UInt32(clamping: input.count)
            let outCount = UInt32(clamping: output.count)
            stream.pointee.nextIn = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
            stream.pointee.availIn = inCount
            stream.pointee.nextOut = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
            stream.pointee.availOut = outCount
            let flush = mode == .run ? ZlibLibrary.noFlush : mode == .flush ? ZlibLibrary.syncFlush : ZlibLibrary.finish
            let code = zlib.deflate(stream, flush)
            if let error = ZlibLibrary.error(code, stream: stream, function: "deflate") { throw error }
            let consumed = Int(inCount - stream.pointee.availIn)
            let produced = Int(outCount - stream.pointee.availOut)
            stream.pointee.nextIn = nil
            stream.pointee.nextOut = nil
            let done: Bool
            switch mode {
            case .run: done = true
            // zlib: a flush is complete once deflate returns with output room to spare.
            case .flush: done = stream.pointee.availOut > 0
            case .end: done = code == ZlibLibrary.streamEnd
            }
            return (consumed, produced, done)
        case .zstd(let zstd, let context):
            var inBuffer = ZstdInBuffer(source: input.baseAddress, size: input.count, position: 0)
            var outBuffer = ZstdOutBuffer(destination: output.baseAddress, size: output.count, position: 0)
            let directive = mode == .run ? ZstdLibrary.endContinue : mode == .flush ? ZstdLibrary.endFlush : ZstdLibrary.endFrame
            let remaining = zstd.compressStream2(context, &outBuffer, &inBuffer, directive)
            try zstd.check(remaining)
            return (inBuffer.position, outBuffer.position, mode == .run || remaining == 0)
        }
    }
}
