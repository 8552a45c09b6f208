import FuzzSupport

/// TCP segment streams for TCPReassembler (see TCPReassemblyCheck.swift); each message of a conversation goes
/// through FuzzDNSMessage's checks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    do {
        try TCPReassemblyFuzzCheck.run(UnsafeRawBufferPointer(start: start, count: count), dns: DNSMessageFuzzCheck.run)
    } catch {
        fatalError("FuzzTCPReassembly: \(error)")
    }
    return 0
}

@main
enum Main {
    static func main() {
        FuzzDriver.main { data, count in fuzz(UnsafeRawPointer(data) ?? UnsafeRawPointer(bitPattern: 1)!, count) }
    }
}
