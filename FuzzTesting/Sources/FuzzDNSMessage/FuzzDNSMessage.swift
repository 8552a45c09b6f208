import FuzzSupport

/// A DNS message: MessageLayout and the formatter's walk over it, then DNSMessage's round trip
/// (see DNSMessageCheck.swift, a link to Tests/SondeDNSTests/FuzzRegressionTests.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    do {
        try DNSMessageFuzzCheck.run(UnsafeRawBufferPointer(start: start, count: count))
    } catch {
        fatalError("FuzzDNSMessage: \(error)")
    }
    return 0
}

@main
enum Main {
    static func main() {
        FuzzDriver.main { data, count in fuzz(UnsafeRawPointer(data) ?? UnsafeRawPointer(bitPattern: 1)!, count) }
    }
}
