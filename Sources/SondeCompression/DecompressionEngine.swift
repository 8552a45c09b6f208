/// What one library call did.
struct DecodeStep {
    var consumed: Int
    var produced: Int
    /// The whole input has been decoded: every member or frame ended, and no input is left or will come.
    var finished: Bool
    /// The library found bad data after producing the bytes counted here, which are still good to deliver.
    var failure: CompressionError? = nil
}

/// One codec's decoder. ``StreamDecompressor`` drives it and adds offsets and the truncation check.
///
/// Each engine follows members one after another (concatenated gzip members, bzip2 streams, zstd and LZ4
/// frames, xz streams), as the command-line tools do.
protocol DecompressionEngine: AnyObject {
    /// Makes one library call: decodes from `input` into `output` (never empty). `endOfInput` says no byte will
    /// follow `input`. No progress at all means the engine needs more input.
    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, endOfInput: Bool
    ) throws(CompressionError) -> DecodeStep
}

/// Checks the magic number before each member of a format whose library stops at the end of a member
/// (zlib's inflate, libbz2), so that stray bytes after the last member are reported rather than decoded.
struct MemberBoundary {
    let magic: [UInt8]
    let codec: Codec
    private(set) var inMember = false
    private(set) var members = 0

    init(magic: [UInt8], codec: Codec) {
        self.magic = magic
        self.codec = codec
    }

    /// Between members: returns nil to go on decoding, or the step to return without calling the library.
    /// `restart` is called before every member but the first.
    mutating func enter(
        _ input: UnsafeRawBufferPointer, endOfInput: Bool, restart: () throws(CompressionError) -> Void
    ) throws(CompressionError) -> DecodeStep? {
        if inMember { return nil }
        if input.isEmpty {
            // No member at all is a truncated file; the driver reports it when no progress is made.
            return DecodeStep(consumed: 0, produced: 0, finished: endOfInput && members > 0)
        }
        let available = min(input.count, magic.count)
        for i in 0..<available where input[i] != magic[i] {
            if members == 0 { throw CompressionError(.corrupt("no \(codec) magic number at the start"), codec: codec) }
            throw CompressionError(.trailingData, codec: codec)
        }
        if available < magic.count {
            if endOfInput {
                throw CompressionError(members == 0 ? .truncated : .trailingData, codec: codec)
            }
            return DecodeStep(consumed: 0, produced: 0, finished: false)
        }
        if members > 0 { try restart() }
        inMember = true
        members += 1
        return nil
    }

    /// The library reported the end of the member.
    mutating func memberEnded() { inMember = false }
}

/// gzip members through zlib's inflate.
final class GzipDecoder: DecompressionEngine {
    private let zlib: ZlibLibrary
    private let stream: UnsafeMutablePointer<ZStream>
    private var boundary = MemberBoundary(magic: [0x1F, 0x8B], codec: .gzip)

    init() throws(CompressionError) {
        zlib = try ZlibLibrary.load()
        stream = .allocate(capacity: 1)
        stream.initialize(to: ZStream())
        // Only the gzip wrapper (window bits + 16); the 32 KiB window is inflate's whole memory.
        let code = zlib.inflateInit2(stream, ZlibLibrary.gzipWindowBits, zlib.version, Int32(MemoryLayout<ZStream>.size))
        guard code == ZlibLibrary.ok else {
            let error = ZlibLibrary.error(code, stream: stream, function: "inflateInit2_")
            stream.deallocate()
            throw error ?? CompressionError(.libraryFailure(function: "inflateInit2_", code: Int(code)), codec: .gzip)
        }
    }

    deinit {
        _ = zlib.inflateEnd(stream)
        stream.deallocate()
    }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, endOfInput: Bool
    ) throws(CompressionError) -> DecodeStep {
        let zlib = self.zlib
        let stream = self.stream
        if let step = try boundary.enter(input, endOfInput: endOfInput, restart: { () throws(CompressionError) in
            let code = zlib.inflateReset(stream)
            if code != ZlibLibrary.ok {
                throw CompressionError(.libraryFailure(function: "inflateReset", code: Int(code)), codec: .gzip)
            }
        }) {
            return step
        }
        let inCount = UInt32(clamping: input.count)
        let outCount = UInt32(clamping: output.count)
        stream.pointee.nextIn = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.availIn = inCount
        stream.pointee.nextOut = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.availOut = outCount
        let code = zlib.inflate(stream, ZlibLibrary.noFlush)
        var step = DecodeStep(
            consumed: Int(inCount - stream.pointee.availIn), produced: Int(outCount - stream.pointee.availOut),
            finished: false)
        stream.pointee.nextIn = nil
        stream.pointee.nextOut = nil
        step.failure = ZlibLibrary.error(code, stream: stream, function: "inflate")
        if code == ZlibLibrary.streamEnd { boundary.memberEnded() }
        return step
    }
}

/// bzip2 streams through libbz2; a stream ends at `BZ_STREAM_END` and the next needs a fresh decoder.
final class Bzip2Decoder: DecompressionEngine {
    private let bzip2: Bzip2Library
    private let stream: UnsafeMutablePointer<Bzip2Stream>
    private var boundary = MemberBoundary(magic: [0x42, 0x5A, 0x68], codec: .bzip2)

    init() throws(CompressionError) {
        bzip2 = try Bzip2Library.load()
        stream = .allocate(capacity: 1)
        stream.initialize(to: Bzip2Stream())
        // verbosity 0, small 0: the fast decoder, at most about 3.7 MB for 900 kB blocks (bzip2 manual, 2.2).
        let code = bzip2.decompressInit(stream, 0, 0)
        guard code == Bzip2Library.ok else {
            stream.deallocate()
            throw code == Bzip2Library.memoryError
                ? CompressionError(.outOfMemory, codec: .bzip2)
                : CompressionError(.libraryFailure(function: "BZ2_bzDecompressInit", code: Int(code)), codec: .bzip2)
        }
    }

    deinit {
        _ = bzip2.decompressEnd(stream)
        stream.deallocate()
    }

    func decode(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, endOfInput: Bool
    ) throws(CompressionError) -> DecodeStep {
        let bzip2 = self.bzip2
        let stream = self.stream
        if let step = try boundary.enter(input, endOfInput: endOfInput, restart: { () throws(CompressionError) in
            _ = bzip2.decompressEnd(stream)
            stream.pointee = Bzip2Stream()
            let code = bzip2.decompressInit(stream, 0, 0)
            if code != Bzip2Library.ok {
                throw CompressionError(.libraryFailure(function: "BZ2_bzDecompressInit", code: Int(code)), codec: .bzip2)
            }
        }) {
            return step
        }
        let inCount = UInt32(clamping: input.count)
        let outCount = UInt32(clamping: output.count)
        // libbz2 declares next_in as char * but does not write through it.
        stream.pointee.nextIn = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: CChar.self))
        stream.pointee.availIn = inCount
        stream.pointee.nextOut = output.baseAddress?.assumingMemoryBound(to: CChar.self)
        stream.pointee.availOut = outCount
        let code = bzip2.decompress(stream)
        var step = DecodeStep(
            consumed: Int(inCount - stream.pointee.availIn), produced: Int(outCount - stream.pointee.availOut),
            finished: false)
        stream.pointee.nextIn = nil
        stream.pointee.nextOut = nil
        switch code {
        case Bzip2Library.ok: break
        case Bzip2Library.streamEnd: boundary.memberEnded()
        case Bzip2Library.dataError:
            step.failure = CompressionError(.corrupt("a block fails its integrity check"), codec: .bzip2)
        case Bzip2Library.dataErrorMagic:
            step.failure = CompressionError(.corrupt("bad stream magic number"), codec: .bzip2)
        case Bzip2Library.memoryError: step.failure = CompressionError(.outOfMemory, codec: .bzip2)
        default:
            step.failure = CompressionError(.libraryFailure(function: "BZ2_bzDecompress", code: Int(code)), codec: .bzip2)
        }
        return step
    }
}
