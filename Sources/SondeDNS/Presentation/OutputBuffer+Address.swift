extension OutputBuffer {
    /// Appends the first four bytes of `bytes` as a dotted quad (`192.0.2.1`); nothing when fewer are given.
    public mutating func appendIPv4Address(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 4 else { return }
        reserve(15)
        for i in 0 ..< 4 {
            if i > 0 { uncheckedAppend(UInt8(ascii: ".")) }
            uncheckedAppendSmallDecimal(bytes[i])
        }
    }

    /// Appends the first sixteen bytes of `bytes` as an IPv6 address in the RFC 5952 canonical form; nothing
    /// when fewer are given.
    ///
    /// Lower-case hex without leading zeros, `::` for the longest run of two or more zero groups (the first one
    /// on a tie), and IPv4-mapped addresses as `::ffff:192.0.2.1` (RFC 5952 §5).
    public mutating func appendIPv6Address(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 16 else { return }
        reserve(45)
        @inline(__always) func group(_ i: Int) -> UInt16 { UInt16(bytes[i &* 2]) << 8 | UInt16(bytes[i &* 2 &+ 1]) }

        // Longest run of zero groups; a single zero group stays "0" (RFC 5952 §4.2.2).
        var bestStart = -1
        var bestLength = 1
        var runStart = -1
        for i in 0 ..< 8 {
            if group(i) == 0 {
                if runStart < 0 { runStart = i }
                if i &- runStart &+ 1 > bestLength {
                    bestStart = runStart
                    bestLength = i &- runStart &+ 1
                }
            } else {
                runStart = -1
            }
        }

        if bestStart == 0 && bestLength == 5 && group(5) == 0xFFFF {
            append("::ffff:")
            appendIPv4Address(UnsafeRawBufferPointer(rebasing: bytes[12 ..< 16]))
            return
        }

        var i = 0
        while i < 8 {
            if i == bestStart {
                uncheckedAppend(UInt8(ascii: ":"))
                uncheckedAppend(UInt8(ascii: ":"))
                i &+= bestLength
                continue
            }
            if i > 0 && i != bestStart &+ bestLength { uncheckedAppend(UInt8(ascii: ":")) }
            appendHex(UInt64(group(i)))
            i &+= 1
        }
    }

    /// Appends 0...255 in decimal; room must have been reserved.
    @inline(__always)
    mutating func uncheckedAppendSmallDecimal(_ v: UInt8) {
        if v >= 100 { uncheckedAppend(0x30 &+ v / 100) }
        if v >= 10 { uncheckedAppend(0x30 &+ (v / 10) % 10) }
        uncheckedAppend(0x30 &+ v % 10)
    }
}
