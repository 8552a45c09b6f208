/// zstd frames through `ZSTD_decompressStream`, which goes on to the next frame (or skippable frame) by itself.
final class ZstdDecoder: DecompressionEngine {
    private let zstd: ZstdLibrary
    private let context: OpaquePointer
    private let memoryLimit: Int
    /// The last call returned 0: a frame ended and its output was all delivered.
    private var atFrameEnd = true
    private var sawFrame = false

    init(memoryLimit: Int) throws(CompressionError) {
        zstd = try ZstdLibrary.load()
        guard let context = zstd.createDStream() else { throw CompressionError(.outOfMemory, codec: .zstd) }
        self.context = context
        self.memoryLimit = memoryLimit
        // The window is the decoder's memory; a frame asking for more than the limit is refused, not allocated.
        // zstd accepts window logs 10...31 here (ZSTD_WINDOWLOG_ABSOLUTEMIN, ZSTD_WINDOWLOG_MAX_64).
        let windowLog = Int32(min(31, max(10, Int.bitWidth - 1 - max(memoryLimit, 1).leadingZeroBitCount)))
        let code = zstd.setDecompressionParameter(context, ZstdLibrary.windowLogMaxParameter, windowLog)
        if zstd.isError(code) != 0 {
            _ = zstd.freeDStream(context)
            throw CompressionError(.libraryFailure(function: "ZSTD_DCtx_setParameter", code: code), codec: .zstd)
        }
    }

    deinit { _ = zstd.freeDStream(context) }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, endOfInput: Bool
    ) throws(CompressionError) -> DecodeStep {
        if input.isEmpty && atFrameEnd {
            return DecodeStep(consumed: 0, produced: 0, finished: endOfInput && sawFrame)
        }
        var inBuffer = ZstdInBuffer(source: input.baseAddress, size: input.count, position: 0)
        var outBuffer = ZstdOutBuffer(destination: output.baseAddress, size: output.count, position: 0)
        let code = zstd.decompressStream(context, &outBuffer, &inBuffer)
        var step = DecodeStep(consumed: inBuffer.position, produced: outBuffer.position, finished: false)
        do throws(CompressionError) {
            try zstd.check(code, memoryLimit: memoryLimit)
        } catch {
            step.failure = error
            return step
        }
        atFrameEnd = code == 0
        if atFrameEnd { sawFrame = true }
        return step
    }
}

/// LZ4 frames through `LZ4F_decompress`, which starts the next frame after one returns 0.
final class LZ4FrameDecoder: DecompressionEngine {
    private let lz4: LZ4FrameLibrary
    private let context: OpaquePointer
    private var atFrameEnd = true
    private var sawFrame = false

    init() throws(CompressionError) {
        lz4 = try LZ4FrameLibrary.load()
        var context: OpaquePointer? = nil
        let code = lz4.createContext(&context, LZ4FrameLibrary.apiVersion)
        guard lz4.isError(code) == 0, let context else { throw CompressionError(.outOfMemory, codec: .lz4) }
        // Memory is bounded by the format: blocks are at most 4 MiB, plus a 64 KiB history (lz4 frame spec).
        self.context = context
    }

    deinit { _ = lz4.freeContext(context) }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, endOfInput: Bool
    ) throws(CompressionError) -> DecodeStep {
        if input.isEmpty && atFrameEnd {
            return DecodeStep(consumed: 0, produced: 0, finished: endOfInput && sawFrame)
        }
        var inCount = input.count
        var outCount = output.count
        let code = lz4.decompress(context, output.baseAddress, &outCount, input.baseAddress, &inCount, nil)
        var step = DecodeStep(consumed: inCount, produced: outCount, finished: false)
        do throws(CompressionError) {
            try lz4.check(code)
        } catch {
            step.failure = error
            return step
        }
        atFrameEnd = code == 0
        if atFrameEnd { sawFrame = true }
        return step
    }
}

/// .xz streams through liblzma's stream decoder with `LZMA_CONCATENATED`, which reads streams and stream
/// padding one after another and reports the end only once told that no input follows (`LZMA_FINISH`).
final class XzDecoder: DecompressionEngine {
    private let lzma: LzmaLibrary
    private let stream: UnsafeMutablePointer<LzmaStream>
    private let memoryLimit: Int

    init(memoryLimit: Int) throws(CompressionError) {
        lzma = try LzmaLibrary.load()
        self.memoryLimit = memoryLimit
        stream = .allocate(capacity: 1)
        stream.initialize(to: LzmaStream())
        // liblzma refuses, with LZMA_MEMLIMIT_ERROR, a stream whose dictionary needs more than the limit.
        let code = lzma.streamDecoder(stream, UInt64(max(memoryLimit, 1)), LzmaLibrary.concatenated)
        guard code == LzmaLibrary.ok else {
            stream.deallocate()
            throw code == LzmaLibrary.memoryError
                ? CompressionError(.outOfMemory, codec: .xz)
                : CompressionError(.libraryFailure(function: "lzma_stream_decoder", code: Int(code)), codec: .xz)
        }
    }

    deinit {
        lzma.end(stream)
        stream.deallocate()
    }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, endOfInput: Bool
    ) throws(CompressionError) -> DecodeStep {
        stream.pointee.nextIn = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.availIn = input.count
        stream.pointee.nextOut = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.availOut = output.count
        let code = lzma.code(stream, endOfInput ? LzmaLibrary.finish : LzmaLibrary.run)
        var step = DecodeStep(
            consumed: input.count - stream.pointee.availIn, produced: output.count - stream.pointee.availOut,
            finished: code == LzmaLibrary.streamEnd)
        stream.pointee.nextIn = nil
        stream.pointee.nextOut = nil
        switch code {
        // LZMA_BUF_ERROR is liblzma's "no progress possible": the driver decides whether that is truncation.
        case LzmaLibrary.ok, LzmaLibrary.streamEnd, LzmaLibrary.bufferError: break
        case LzmaLibrary.memoryLimitError: step.failure = CompressionError(.memoryLimitExceeded(limit: memoryLimit), codec: .xz)
        case LzmaLibrary.formatError: step.failure = CompressionError(.corrupt("not in the .xz format"), codec: .xz)
        case LzmaLibrary.optionsError: step.failure = CompressionError(.corrupt("unsupported filter or option"), codec: .xz)
        case LzmaLibrary.dataError: step.failure = CompressionError(.corrupt("compressed data is corrupt"), codec: .xz)
        case LzmaLibrary.memoryError: step.failure = CompressionError(.outOfMemory, codec: .xz)
        default: step.failure = CompressionError(.libraryFailure(function: "lzma_code", code: Int(code)), codec: .xz)
        }
        return step
    }
}
