/// The type bit maps field shared by NSEC, NSEC3 and CSYNC (RFC 4034 §4.1.2), presented as type mnemonics
/// separated by spaces (`A NS SOA RRSIG`), unknown types as `TYPE<n>`.
///
/// ```
///     ( Window Block # | Bitmap Length | Bitmap ) ...
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     | Window Block  | Bitmap Length |    Bitmap (1-32 octets)       /
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
/// Window numbers must increase, each bitmap holds 1 to 32 octets, and trailing zero octets must be omitted
/// (so the last octet of every window is non-zero). An empty field (no window at all) is legal.
enum TypeBitmap {
    /// Whether `r[from ..< r.end]` is a well-formed sequence of windows.
    static func validate(_ r: RDataView, from: Int) -> Bool {
        var pos = from
        var lastWindow = -1
        while pos < r.end {
            guard pos &+ 2 <= r.end else { return false }
            let window = Int(r.u8(pos))
            let length = Int(r.u8(pos &+ 1))
            guard window > lastWindow, length >= 1, length <= 32, pos &+ 2 &+ length <= r.end,
                r.u8(pos &+ 1 &+ length) != 0
            else { return false }
            lastWindow = window
            pos &+= 2 &+ length
        }
        return true
    }

    /// Writes a space and then the mnemonic for every type present, in ascending order.
    static func write(_ r: RDataView, from: Int, into out: inout OutputBuffer) {
        var pos = from
        while pos &+ 2 <= r.end {
            let window = Int(r.u8(pos))
            let length = min(Int(r.u8(pos &+ 1)), 32)
            var octet = 0
            while octet < length {
                let bits = r.u8(pos &+ 2 &+ octet)
                // Skip empty octets without testing eight bits.
                if bits != 0 {
                    for bit in 0 ..< 8 where bits & (0x80 >> UInt8(bit)) != 0 {
                        out.append(UInt8(ascii: " "))
                        DNSType.write(UInt16(window << 8 | octet << 3 | bit), into: &out)
                    }
                }
                octet &+= 1
            }
            pos &+= 2 &+ length
        }
    }
}
