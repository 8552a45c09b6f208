#if canImport(Glibc)
import Glibc
#endif

/// A C library opened with `dlopen`.
///
/// Why dlopen: Sonde builds with the Swift toolchain alone, with no C headers or libraries at build time, so
/// that `swift build` works on any machine; the codecs are needed only by the users who turn compression on.
/// Handles are never closed: each library is opened once per process and its functions stay valid for the
/// streams that are still using them.
struct SharedLibrary {
    let handle: UnsafeMutableRawPointer
    let soname: String

    /// Opens the first of the codec's sonames that loads.
    init(for codec: Codec) throws(CompressionError) {
        #if !(os(Linux) && (arch(x86_64) || arch(arm64)))
        // The structs in this module are declared for LP64 Linux (unsigned long is 64 bits).
        throw CompressionError(.unsupportedPlatform("the C structs are declared for x86_64 and aarch64 Linux"), codec: codec)
        #else
        let (sonames, package) = codec.library
        var lastMessage = "not found"
        for name in sonames {
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) {
                self.handle = handle
                self.soname = name
                return
            }
            if let message = dlerror() { lastMessage = String(cString: message) }
        }
        throw CompressionError(
            .libraryMissing(sonames: sonames, debianPackage: package, loaderMessage: lastMessage), codec: codec)
        #endif
    }

    /// The function `name`, cast to its declared C type.
    func function<T>(_ name: String, as type: T.Type) throws(CompressionError) -> T {
        guard let symbol = dlsym(handle, name) else {
            throw CompressionError(.symbolMissing(soname: soname, symbol: name))
        }
        return unsafeBitCast(symbol, to: type)
    }
}

/// Loads a library's functions once per process and remembers a failure too, so that every later use reports
/// the same error without retrying `dlopen`.
func loadOnce<T>(_ body: () throws(CompressionError) -> T) -> Result<T, CompressionError> {
    do throws(CompressionError) {
        return .success(try body())
    } catch {
        return .failure(error)
    }
}

/// Checks that a Swift mirror of a C struct has the C size, since Swift does not promise C layout.
func checkLayout<T>(_ type: T.Type, size: Int, codec: Codec, name: String) throws(CompressionError) {
    guard MemoryLayout<T>.size == size else {
        throw CompressionError(
            .unsupportedPlatform("\(name) is \(MemoryLayout<T>.size) bytes here, the C library expects \(size)"),
            codec: codec)
    }
}
