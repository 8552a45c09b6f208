/// A compression format Sonde reads, and for gzip and zstd also writes.
///
/// Each codec is backed by the system's C library, loaded with `dlopen` the first time it is used (see
/// `SharedLibrary`): the build needs no C library, and a machine that lacks one gets an error naming the Debian
/// package to install. We do not use compress-nio because it links zlib at build time and knows only
/// gzip/deflate, while Sonde also writes zstd and reads xz, lz4 and bzip2 captures.
public enum Codec: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// gzip (RFC 1952) through zlib.
    case gzip
    /// Zstandard (RFC 8878) through libzstd.
    case zstd
    /// The .xz container (LZMA2) through liblzma; read only.
    case xz
    /// The LZ4 frame format through liblz4; read only.
    case lz4
    /// bzip2 through libbz2; read only.
    case bzip2

    /// The name used in configuration and messages.
    public var description: String { rawValue }

    /// The usual file-name extension, without the dot.
    public var fileExtension: String {
        switch self {
        case .gzip: "gz"
        case .zstd: "zst"
        case .xz: "xz"
        case .lz4: "lz4"
        case .bzip2: "bz2"
        }
    }

    /// Whether Sonde can write this format (it only reads the others).
    public var canCompress: Bool { self == .gzip || self == .zstd }

    /// The level used when none is given: the command-line tools' defaults (gzip -6, zstd -3).
    public var defaultLevel: Int32 {
        switch self {
        case .gzip: 6
        case .zstd: 3
        case .xz: 6
        case .lz4: 1
        case .bzip2: 9
        }
    }

    /// The most bytes ``detect(_:)`` looks at.
    public static let longestMagic = 6

    /// Recognises a format by the magic number at the start of a file, or returns nil.
    ///
    /// gzip `1f 8b`, zstd frame `28 b5 2f fd`, xz `fd 37 7a 58 5a 00`, LZ4 frame `04 22 4d 18`, bzip2 `BZh`. A
    /// prefix shorter than a format's magic number never matches that format.
    public static func detect(_ prefix: some Collection<UInt8>) -> Codec? {
        // Called once per file, so a small array is fine here.
        let head = Array(prefix.prefix(longestMagic))
        for (codec, magic) in magicNumbers where head.starts(with: magic) { return codec }
        return nil
    }

    static let magicNumbers: [(Codec, [UInt8])] = [
        (.gzip, [0x1F, 0x8B]),
        (.zstd, [0x28, 0xB5, 0x2F, 0xFD]),
        (.xz, [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]),
        (.lz4, [0x04, 0x22, 0x4D, 0x18]),
        (.bzip2, [0x42, 0x5A, 0x68]),
    ]

    /// Loads the codec's library now, so that a missing package is reported when the configuration is checked
    /// rather than when the first file rotates.
    public func checkAvailable() throws(CompressionError) {
        switch self {
        case .gzip: _ = try ZlibLibrary.load()
        case .zstd: _ = try ZstdLibrary.load()
        case .xz: _ = try LzmaLibrary.load()
        case .lz4: _ = try LZ4FrameLibrary.load()
        case .bzip2: _ = try Bzip2Library.load()
        }
    }

    /// The levels this codec accepts when compressing.
    public func levelRange() throws(CompressionError) -> ClosedRange<Int32> {
        switch self {
        case .gzip: return 0...9
        case .zstd:
            let zstd = try ZstdLibrary.load()
            return zstd.minLevel...zstd.maxLevel
        case .xz, .lz4, .bzip2: throw CompressionError(.compressionUnsupported, codec: self)
        }
    }

    /// The shared library and Debian package behind this codec.
    var library: (sonames: [String], package: String) {
        switch self {
        case .gzip: (["libz.so.1", "libz.so"], "zlib1g")
        case .zstd: (["libzstd.so.1", "libzstd.so"], "libzstd1")
        case .xz: (["liblzma.so.5", "liblzma.so"], "liblzma5")
        case .lz4: (["liblz4.so.1", "liblz4.so"], "liblz4-1")
        case .bzip2: (["libbz2.so.1.0", "libbz2.so.1", "libbz2.so"], "libbz2-1.0")
        }
    }
}
