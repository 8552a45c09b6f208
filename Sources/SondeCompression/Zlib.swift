/// zlib's `z_stream` on LP64 Linux (x86_64, aarch64), where `uInt` is 32 bits and `uLong` 64:
///
/// ```
/// offset  field                     C type
///      0  next_in                   const Bytef *
///      8  avail_in                  uInt          (4 bytes of padding follow)
///     16  total_in                  uLong
///     24  next_out                  Bytef *
///     32  avail_out                 uInt          (4 bytes of padding follow)
///     40  total_out                 uLong
///     48  msg                       const char *
///     56  state                     struct internal_state *
///     64  zalloc, 72 zfree, 80 opaque
///     88  data_type                 int           (4 bytes of padding follow)
///     96  adler                     uLong
///    104  reserved                  uLong         (112 bytes in all)
/// ```
///
/// zlib keeps a pointer back to the stream in its state, so a stream lives at one heap address from init to end.
struct ZStream {
    var nextIn: UnsafePointer<UInt8>? = nil
    var availIn: UInt32 = 0
    var totalIn: UInt = 0
    var nextOut: UnsafeMutablePointer<UInt8>? = nil
    var availOut: UInt32 = 0
    var totalOut: UInt = 0
    var message: UnsafePointer<CChar>? = nil
    var state: UnsafeMutableRawPointer? = nil
    // Null allocator functions select zlib's malloc/free.
    var zalloc: UnsafeMutableRawPointer? = nil
    var zfree: UnsafeMutableRawPointer? = nil
    var opaque: UnsafeMutableRawPointer? = nil
    var dataType: Int32 = 0
    var adler: UInt = 0
    var reserved: UInt = 0
}

/// The zlib functions Sonde calls, from `libz.so.1`.
final class ZlibLibrary: @unchecked Sendable {
    // zlib.h return codes and flush values.
    static let ok: Int32 = 0
    static let streamEnd: Int32 = 1
    static let needDictionary: Int32 = 2
    static let streamError: Int32 = -2
    static let dataError: Int32 = -3
    static let memoryError: Int32 = -4
    static let bufferError: Int32 = -5
    static let noFlush: Int32 = 0
    static let syncFlush: Int32 = 2
    static let finish: Int32 = 4
    static let deflated: Int32 = 8
    /// 15-bit window plus 16: gzip header and trailer instead of zlib's.
    static let gzipWindowBits: Int32 = 15 + 16
    static let defaultMemoryLevel: Int32 = 8
    static let defaultStrategy: Int32 = 0

    typealias DeflateInit2 = @convention(c) (
        UnsafeMutableRawPointer?, Int32, Int32, Int32, Int32, Int32, UnsafePointer<CChar>?, Int32
    ) -> Int32
    typealias InflateInit2 = @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int32) -> Int32
    typealias Code = @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32
    typealias StreamCall = @convention(c) (UnsafeMutableRawPointer?) -> Int32
    typealias Version = @convention(c) () -> UnsafePointer<CChar>?

    let deflateInit2: DeflateInit2
    let deflate: Code
    let deflateReset: StreamCall
    let deflateEnd: StreamCall
    let inflateInit2: InflateInit2
    let inflate: Code
    let inflateReset: StreamCall
    let inflateEnd: StreamCall
    /// The library's own version string: zlib's init functions compare it with the one the caller was built for.
    let version: UnsafePointer<CChar>?

    private init() throws(CompressionError) {
        try checkLayout(ZStream.self, size: 112, codec: .gzip, name: "z_stream")
        guard MemoryLayout<ZStream>.offset(of: \ZStream.adler) == 96 else {
            throw CompressionError(.unsupportedPlatform("z_stream fields are not at their C offsets"), codec: .gzip)
        }
        let library = try SharedLibrary(for: .gzip)
        deflateInit2 = try library.function("deflateInit2_", as: DeflateInit2.self)
        deflate = try library.function("deflate", as: Code.self)
        deflateReset = try library.function("deflateReset", as: StreamCall.self)
        deflateEnd = try library.function("deflateEnd", as: StreamCall.self)
        inflateInit2 = try library.function("inflateInit2_", as: InflateInit2.self)
        inflate = try library.function("inflate", as: Code.self)
        inflateReset = try library.function("inflateReset", as: StreamCall.self)
        inflateEnd = try library.function("inflateEnd", as: StreamCall.self)
        version = try library.function("zlibVersion", as: Version.self)()
    }

    private static let shared = loadOnce { () throws(CompressionError) in try ZlibLibrary() }

    /// The loaded library, or the error that loading it gave.
    static func load() throws(CompressionError) -> ZlibLibrary { try shared.get() }

    /// Turns a zlib return code into an error (nil for the codes that are not failures).
    static func error(_ code: Int32, stream: UnsafeMutablePointer<ZStream>, function: String) -> CompressionError? {
        switch code {
        case ok, streamEnd, bufferError: return nil
        case dataError:
            let message = stream.pointee.message.map { String(cString: $0) } ?? "invalid deflate data"
            return CompressionError(.corrupt(message), codec: .gzip)
        case needDictionary:
            return CompressionError(.corrupt("the stream needs a preset dictionary"), codec: .gzip)
        case memoryError: return CompressionError(.outOfMemory, codec: .gzip)
        default: return CompressionError(.libraryFailure(function: function, code: Int(code)), codec: .gzip)
        }
    }
}
