import FuzzSupport

/// A Frame Streams stream of dnstap frames: the framer whole and in chunks, the reader's state machine, then each
/// data frame (and the whole input as one frame) through DnstapLayout and DnstapEncoder's round trip (see
/// DnstapCheck.swift, a link to Tests/SondeDnstapTests/FuzzRegressionTests.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    do {
        try DnstapFuzzCheck.run(UnsafeRawBufferPointer(start: start, count: count))
    } catch {
        fatalError("FuzzDnstap: \(error)")
    }
    return 0
}

@main
enum Main {
    static func main() {
        FuzzDriver.main { data, count in fuzz(UnsafeRawPointer(data) ?? UnsafeRawPointer(bitPattern: 1)!, count) }
    }
}
