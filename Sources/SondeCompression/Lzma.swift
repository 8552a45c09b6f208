/// liblzma's `lzma_stream` on LP64 Linux (136 bytes; all zero is `LZMA_STREAM_INIT`):
///
/// ```
/// offset  field
///      0  const uint8_t *next_in        8  size_t avail_in       16  uint64_t total_in
///     24  uint8_t *next_out            32  size_t avail_out      40  uint64_t total_out
///     48  const lzma_allocator *allocator                        56  lzma_internal *internal
///     64  void *reserved_ptr1..4 (to 96)                          96  uint64_t seek_pos
///    104  uint64_t reserved_int2      112  size_t reserved_int3 120  size_t reserved_int4
///    128  lzma_reserved_enum reserved_enum1, 132 reserved_enum2 (C enums, 4 bytes)
/// ```
struct LzmaStream {
    var nextIn: UnsafePointer<UInt8>? = nil
    var availIn: Int = 0
    var totalIn: UInt64 = 0
    var nextOut: UnsafeMutablePointer<UInt8>? = nil
    var availOut: Int = 0
    var totalOut: UInt64 = 0
    var allocator: UnsafeRawPointer? = nil
    var `internal`: UnsafeMutableRawPointer? = nil
    var reservedPointers: (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) =
        (nil, nil, nil, nil)
    var seekPosition: UInt64 = 0
    var reservedInt2: UInt64 = 0
    var reservedInt3: Int = 0
    var reservedInt4: Int = 0
    var reservedEnum1: UInt32 = 0
    var reservedEnum2: UInt32 = 0
}

/// The liblzma functions Sonde calls, from `liblzma.so.5`.
final class LzmaLibrary: @unchecked Sendable {
    // lzma/base.h: lzma_ret and lzma_action values.
    static let ok: Int32 = 0
    static let streamEnd: Int32 = 1
    static let memoryError: Int32 = 5
    static let memoryLimitError: Int32 = 6
    static let formatError: Int32 = 7
    static let optionsError: Int32 = 8
    static let dataError: Int32 = 9
    static let bufferError: Int32 = 10
    static let run: Int32 = 0
    static let finish: Int32 = 3
    /// lzma/container.h: decode .xz streams one after another, as `xz -d` does.
    static let concatenated: UInt32 = 0x08

    typealias StreamDecoder = @convention(c) (UnsafeMutableRawPointer?, UInt64, UInt32) -> Int32
    typealias Code = @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32
    typealias End = @convention(c) (UnsafeMutableRawPointer?) -> Void

    let streamDecoder: StreamDecoder
    let code: Code
    let end: End

    private init() throws(CompressionError) {
        try checkLayout(LzmaStream.self, size: 136, codec: .xz, name: "lzma_stream")
        guard MemoryLayout<LzmaStream>.offset(of: \LzmaStream.seekPosition) == 96 else {
            throw CompressionError(.unsupportedPlatform("lzma_stream fields are not at their C offsets"), codec: .xz)
        }
        let library = try SharedLibrary(for: .xz)
        streamDecoder = try library.function("lzma_stream_decoder", as: StreamDecoder.self)
        code = try library.function("lzma_code", as: Code.self)
        end = try library.function("lzma_end", as: End.self)
    }

    private static let shared = loadOnce { () throws(CompressionError) in try LzmaLibrary() }

    /// The loaded library, or the error that loading it gave.
    static func load() throws(CompressionError) -> LzmaLibrary { try shared.get() }
}
