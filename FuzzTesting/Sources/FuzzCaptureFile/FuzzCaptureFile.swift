import FuzzSupport

/// A pcap or pcapng file, read whole and in chunks (see PacketCheck.swift, a link to
/// Tests/SondePacketTests/FuzzRegressionTests.swift); each record is decoded as FuzzPacket decodes a frame.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    do {
        try PacketFuzzCheck.runCaptureFile(UnsafeRawBufferPointer(start: start, count: count), dns: DNSMessageFuzzCheck.run)
    } catch {
        fatalError("FuzzCaptureFile: \(error)")
    }
    return 0
}

@main
enum Main {
    static func main() {
        FuzzDriver.main { data, count in fuzz(UnsafeRawPointer(data) ?? UnsafeRawPointer(bitPattern: 1)!, count) }
    }
}
