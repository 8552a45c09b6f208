import FuzzSupport

/// A captured frame: 2 bytes of link type, 2 bytes of snap-length cut, the frame (see PacketCheck.swift, a link to
/// Tests/SondePacketTests/FuzzRegressionTests.swift); each DNS message in it goes through FuzzDNSMessage's checks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    do {
        try PacketFuzzCheck.runFrame(UnsafeRawBufferPointer(start: start, count: count), dns: DNSMessageFuzzCheck.run)
    } catch {
        fatalError("FuzzPacket: \(error)")
    }
    return 0
}

@main
enum Main {
    static func main() {
        FuzzDriver.main { data, count in fuzz(UnsafeRawPointer(data) ?? UnsafeRawPointer(bitPattern: 1)!, count) }
    }
}
