// TEMPORARY stubs until the RDATA work lands.
public enum RDataWriter {
    public static func write(type: UInt16, message: UnsafeRawBufferPointer, offset: Int, length: Int, into out: inout OutputBuffer) -> Bool { false }
    public static func writeUnknown(message: UnsafeRawBufferPointer, offset: Int, length: Int, into out: inout OutputBuffer) {
        out.append("\\# "); out.appendDecimal(length)
        if length > 0 { out.append(UInt8(ascii: " ")); out.appendHex(UnsafeRawBufferPointer(rebasing: message[offset..<offset+length])) }
    }
    public static func validate(type: UInt16, message: UnsafeRawBufferPointer, offset: Int, length: Int) -> Bool { true }
}
public enum DNSType { public static func write(_ code: UInt16, into out: inout OutputBuffer) { out.append("TYPE"); out.appendDecimal(UInt64(code)) } }
public enum DNSClass { public static func write(_ code: UInt16, into out: inout OutputBuffer) { out.append("CLASS"); out.appendDecimal(UInt64(code)) } }
public enum DNSRcode { public static func write(_ code: UInt16, into out: inout OutputBuffer) { out.append("RCODE"); out.appendDecimal(UInt64(code)) } }
public enum DNSOpcode { public static func write(_ code: UInt8, into out: inout OutputBuffer) { out.append("OPCODE"); out.appendDecimal(UInt64(code)) } }
public enum EDNSOptionWriter {
    public static func writeName(code: UInt16, into out: inout OutputBuffer) { out.append("OPT"); out.appendDecimal(UInt64(code)) }
    public static func writeValue(code: UInt16, data: UnsafeRawBufferPointer, into out: inout OutputBuffer) -> Bool { false }
}
