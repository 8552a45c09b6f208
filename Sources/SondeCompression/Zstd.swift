/// `ZSTD_inBuffer`: `{ const void *src; size_t size; size_t pos; }`, 24 bytes.
struct ZstdInBuffer {
    var source: UnsafeRawPointer?
    var size: Int
    var position: Int
}

/// `ZSTD_outBuffer`: `{ void *dst; size_t size; size_t pos; }`, 24 bytes.
struct ZstdOutBuffer {
    var destination: UnsafeMutableRawPointer?
    var size: Int
    var position: Int
}

/// The libzstd streaming functions Sonde calls, from `libzstd.so.1` (1.4.0 or later for `ZSTD_compressStream2`).
///
/// A `ZSTD_CStream` is a `ZSTD_CCtx` and a `ZSTD_DStream` a `ZSTD_DCtx` since 1.3.0, so the parameter
/// functions take the stream handles directly.
final class ZstdLibrary: @unchecked Sendable {
    // zstd.h enum values (stable API).
    static let compressionLevelParameter: Int32 = 100  // ZSTD_c_compressionLevel
    static let checksumFlagParameter: Int32 = 201  // ZSTD_c_checksumFlag
    static let windowLogMaxParameter: Int32 = 100  // ZSTD_d_windowLogMax
    static let endContinue: Int32 = 0  // ZSTD_e_continue
    static let endFlush: Int32 = 1  // ZSTD_e_flush
    static let endFrame: Int32 = 2  // ZSTD_e_end
    static let resetSessionOnly: Int32 = 1  // ZSTD_reset_session_only

    typealias Create = @convention(c) () -> OpaquePointer?
    typealias Free = @convention(c) (OpaquePointer?) -> Int
    typealias SetParameter = @convention(c) (OpaquePointer?, Int32, Int32) -> Int
    typealias Reset = @convention(c) (OpaquePointer?, Int32) -> Int
    typealias CompressStream2 = @convention(c) (
        OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int32
    ) -> Int
    typealias DecompressStream = @convention(c) (
        OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?
    ) -> Int
    typealias IsError = @convention(c) (Int) -> UInt32
    typealias ErrorName = @convention(c) (Int) -> UnsafePointer<CChar>?
    typealias Level = @convention(c) () -> Int32

    let createCStream: Create
    let freeCStream: Free
    let setCompressionParameter: SetParameter
    let resetCompression: Reset
    let compressStream2: CompressStream2
    let createDStream: Create
    let freeDStream: Free
    let setDecompressionParameter: SetParameter
    let decompressStream: DecompressStream
    let isError: IsError
    let errorName: ErrorName
    let minLevel: Int32
    let maxLevel: Int32

    private init() throws(CompressionError) {
        let library = try SharedLibrary(for: .zstd)
        createCStream = try library.function("ZSTD_createCStream", as: Create.self)
        freeCStream = try library.function("ZSTD_freeCStream", as: Free.self)
        setCompressionParameter = try library.function("ZSTD_CCtx_setParameter", as: SetParameter.self)
        resetCompression = try library.function("ZSTD_CCtx_reset", as: Reset.self)
        compressStream2 = try library.function("ZSTD_compressStream2", as: CompressStream2.self)
        createDStream = try library.function("ZSTD_createDStream", as: Create.self)
        freeDStream = try library.function("ZSTD_freeDStream", as: Free.self)
        setDecompressionParameter = try library.function("ZSTD_DCtx_setParameter", as: SetParameter.self)
        decompressStream = try library.function("ZSTD_decompressStream", as: DecompressStream.self)
        isError = try library.function("ZSTD_isError", as: IsError.self)
        errorName = try library.function("ZSTD_getErrorName", as: ErrorName.self)
        minLevel = try library.function("ZSTD_minCLevel", as: Level.self)()
        maxLevel = try library.function("ZSTD_maxCLevel", as: Level.self)()
    }

    private static let shared = loadOnce { () throws(CompressionError) in try ZstdLibrary() }

    /// The loaded library, or the error that loading it gave.
    static func load() throws(CompressionError) -> ZstdLibrary { try shared.get() }

    /// Throws if `code` is a zstd error code; `memoryLimit` names the limit in a window-too-large error.
    func check(_ code: Int, memoryLimit: Int? = nil) throws(CompressionError) {
        guard isError(code) != 0 else { return }
        let name = errorName(code).map { String(cString: $0) } ?? "error \(code)"
        // zstd's messages for ZSTD_error_frameParameter_windowTooLarge and ZSTD_error_memory_allocation.
        if let memoryLimit, name.contains("too much memory") {
            throw CompressionError(.memoryLimitExceeded(limit: memoryLimit), codec: .zstd)
        }
        if name.contains("llocation") { throw CompressionError(.outOfMemory, codec: .zstd) }
        throw CompressionError(.corrupt(name), codec: .zstd)
    }
}
