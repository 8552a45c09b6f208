/// The LZ4 frame (LZ4F) decompression functions Sonde calls, from `liblz4.so.1` (1.8.0 or later).
///
/// The context is opaque; `LZ4F_decompress` takes the sizes by pointer (capacity in, bytes used out) and
/// returns 0 at the end of a frame, a hint of the input it wants next, or an error code.
final class LZ4FrameLibrary: @unchecked Sendable {
    /// `LZ4F_VERSION`: the API version the caller was written for.
    static let apiVersion: UInt32 = 100

    typealias CreateContext = @convention(c) (UnsafeMutablePointer<OpaquePointer?>?, UInt32) -> Int
    typealias FreeContext = @convention(c) (OpaquePointer?) -> Int
    typealias Decompress = @convention(c) (
        OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?, UnsafeRawPointer?,
        UnsafeMutablePointer<Int>?, UnsafeRawPointer?
    ) -> Int
    typealias IsError = @convention(c) (Int) -> UInt32
    typealias ErrorName = @convention(c) (Int) -> UnsafePointer<CChar>?

    let createContext: CreateContext
    let freeContext: FreeContext
    let decompress: Decompress
    let isError: IsError
    let errorName: ErrorName

    private init() throws(CompressionError) {
        let library = try SharedLibrary(for: .lz4)
        createContext = try library.function("LZ4F_createDecompressionContext", as: CreateContext.self)
        freeContext = try library.function("LZ4F_freeDecompressionContext", as: FreeContext.self)
        decompress = try library.function("LZ4F_decompress", as: Decompress.self)
        isError = try library.function("LZ4F_isError", as: IsError.self)
        errorName = try library.function("LZ4F_getErrorName", as: ErrorName.self)
    }

    private static let shared = loadOnce { () throws(CompressionError) in try LZ4FrameLibrary() }

    /// The loaded library, or the error that loading it gave.
    static func load() throws(CompressionError) -> LZ4FrameLibrary { try shared.get() }

    /// Throws if `code` is an LZ4F error code.
    func check(_ code: Int) throws(CompressionError) {
        guard isError(code) != 0 else { return }
        let name = errorName(code).map { String(cString: $0) } ?? "error \(code)"
        if name.contains("allocation") { throw CompressionError(.outOfMemory, codec: .lz4) }
        throw CompressionError(.corrupt(name), codec: .lz4)
    }
}
