/// libbz2's `bz_stream` on LP64 Linux (80 bytes):
///
/// ```
/// offset  field
///      0  char *next_in          8  unsigned avail_in   12  total_in_lo32   16  total_in_hi32
///     24  char *next_out        32  unsigned avail_out  36  total_out_lo32  40  total_out_hi32
///     48  void *state           56  bzalloc             64  bzfree          72  void *opaque
/// ```
///
/// libbz2 checks that its state points back at the stream, so a stream lives at one heap address.
struct Bzip2Stream {
    var nextIn: UnsafeMutablePointer<CChar>? = nil
    var availIn: UInt32 = 0
    var totalInLow: UInt32 = 0
    var totalInHigh: UInt32 = 0
    var nextOut: UnsafeMutablePointer<CChar>? = nil
    var availOut: UInt32 = 0
    var totalOutLow: UInt32 = 0
    var totalOutHigh: UInt32 = 0
    var state: UnsafeMutableRawPointer? = nil
    // Null allocator functions select libbz2's malloc/free.
    var bzalloc: UnsafeMutableRawPointer? = nil
    var bzfree: UnsafeMutableRawPointer? = nil
    var opaque: UnsafeMutableRawPointer? = nil
}

/// The libbz2 decompression functions Sonde calls, from `libbz2.so.1.0`.
final class Bzip2Library: @unchecked Sendable {
    // bzlib.h return codes.
    static let ok: Int32 = 0
    static let streamEnd: Int32 = 4
    static let memoryError: Int32 = -3
    static let dataError: Int32 = -4
    static let dataErrorMagic: Int32 = -5

    typealias DecompressInit = @convention(c) (UnsafeMutableRawPointer?, Int32, Int32) -> Int32
    typealias StreamCall = @convention(c) (UnsafeMutableRawPointer?) -> Int32

    let decompressInit: DecompressInit
    let decompress: StreamCall
    let decompressEnd: StreamCall

    private init() throws(CompressionError) {
        try checkLayout(Bzip2Stream.self, size: 80, codec: .bzip2, name: "bz_stream")
        guard MemoryLayout<Bzip2Stream>.offset(of: \Bzip2Stream.state) == 48 else {
            throw CompressionError(.unsupportedPlatform("bz_stream fields are not at their C offsets"), codec: .bzip2)
        }
        let library = try SharedLibrary(for: .bzip2)
        decompressInit = try library.function("BZ2_bzDecompressInit", as: DecompressInit.self)
        decompress = try library.function("BZ2_bzDecompress", as: StreamCall.self)
        decompressEnd = try library.function("BZ2_bzDecompressEnd", as: StreamCall.self)
    }

    private static let shared = loadOnce { () throws(CompressionError) in try Bzip2Library() }

    /// The loaded library, or the error that loading it gave.
    static func load() throws(CompressionError) -> Bzip2Library { try shared.get() }
}
