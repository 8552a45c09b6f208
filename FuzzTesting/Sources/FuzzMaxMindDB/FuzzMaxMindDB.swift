import FuzzSupport
import SondeTransforms

/// A MaxMind DB file: opened, then looked up through the tree, the field extractor, the generic decoder and a
/// lookup cache (see fuzzMaxMindDB in Sources/SondeTransforms/GeoIP/MaxMindDatabase+Fuzz.swift). Any input may
/// be refused; none may crash or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    fuzzMaxMindDB(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}

@main
enum Main {
    static func main() {
        FuzzDriver.main { data, count in fuzz(UnsafeRawPointer(data) ?? UnsafeRawPointer(bitPattern: 1)!, count) }
    }
}
