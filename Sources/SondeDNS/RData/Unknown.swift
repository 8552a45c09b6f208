extension RDataWriter {
    /// Writes the RFC 3597 §5 generic form of one RDATA: `\# <length> <hex>`, lower-case hex without spaces,
    /// or `\# 0` when the RDATA is empty.
    ///
    /// This is the form for types Sonde has no presentation for, and the fallback when the bytes do not fit
    /// their type: it loses nothing and reads back as the same RDATA. A range that is not inside the message is
    /// clipped to the bytes that are, so the length printed is always the number of hex pairs that follow.
    public static func writeUnknown(
        message: UnsafeRawBufferPointer, offset: Int, length: Int, into out: inout OutputBuffer
    ) {
        let lo = min(max(offset, 0), message.count)
        let hi = lo &+ min(max(length, 0), message.count &- lo)
        out.append("\\# ")
        out.appendDecimal(UInt64(hi &- lo))
        if hi > lo {
            out.append(UInt8(ascii: " "))
            out.appendHex(UnsafeRawBufferPointer(rebasing: message[lo ..< hi]))
        }
    }
}
