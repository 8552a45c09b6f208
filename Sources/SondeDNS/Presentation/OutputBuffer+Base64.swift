/// The RFC 4648 §4 alphabet.
let base64Alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/// The RFC 4648 §7 "extended hex" alphabet, upper case as `dig` prints NSEC3 hashes.
let base32HexAlphabet: StaticString = "0123456789ABCDEFGHIJKLMNOPQRSTUV"

extension OutputBuffer {
    /// Appends `bytes` in base64 (RFC 4648 §4) with `=` padding and no line breaks, as keys and signatures are
    /// presented in DNSKEY, RRSIG and friends.
    public mutating func appendBase64(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        reserve((n &+ 2) / 3 &* 4)
        let a = base64Alphabet.utf8Start
        var i = 0
        // Whole 3-byte groups first, so the loop body has no tail tests.
        while i &+ 3 <= n {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i &+ 1]) << 8 | UInt32(bytes[i &+ 2])
            uncheckedAppend(a[Int(v >> 18)])
            uncheckedAppend(a[Int((v >> 12) & 0x3F)])
            uncheckedAppend(a[Int((v >> 6) & 0x3F)])
            uncheckedAppend(a[Int(v & 0x3F)])
            i &+= 3
        }
        switch n &- i {
        case 1:
            let v = UInt32(bytes[i]) << 16
            uncheckedAppend(a[Int(v >> 18)])
            uncheckedAppend(a[Int((v >> 12) & 0x3F)])
            uncheckedAppend(UInt8(ascii: "="))
            uncheckedAppend(UInt8(ascii: "="))
        case 2:
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i &+ 1]) << 8
            uncheckedAppend(a[Int(v >> 18)])
            uncheckedAppend(a[Int((v >> 12) & 0x3F)])
            uncheckedAppend(a[Int((v >> 6) & 0x3F)])
            uncheckedAppend(UInt8(ascii: "="))
        default:
            break
        }
    }

    /// Appends `bytes` in base32hex (RFC 4648 §7), upper case and without padding, the form of the NSEC3 next
    /// hashed owner name (RFC 5155 §3.3).
    public mutating func appendBase32Hex(_ bytes: UnsafeRawBufferPointer) {
        reserve((bytes.count &* 8 &+ 4) / 5)
        let a = base32HexAlphabet.utf8Start
        // At most 4 + 8 bits wait in `bits` between bytes, so a UInt32 never overflows.
        var bits: UInt32 = 0
        var pending = 0
        for b in bytes {
            bits = bits << 8 | UInt32(b)
            pending &+= 8
            while pending >= 5 {
                pending &-= 5
                uncheckedAppend(a[Int((bits >> UInt32(pending)) & 0x1F)])
            }
            bits &= (1 << UInt32(pending)) &- 1
        }
        if pending > 0 {
            uncheckedAppend(a[Int((bits << UInt32(5 &- pending)) & 0x1F)])
        }
    }
}
