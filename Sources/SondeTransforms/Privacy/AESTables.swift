/// The AES S-box and T-tables, computed once per process from their definitions rather than typed in, so no
/// transcribed constant can be wrong (the FIPS-197 test vectors check the result).
final class AESTables: @unchecked Sendable {
    // @unchecked: the tables are written in init only, then only read.

    /// The process's tables, built on first use.
    static let shared = AESTables()

    /// SubBytes (FIPS-197 5.1.1): 256 octets.
    let sbox: UnsafePointer<UInt8>
    /// Te0..Te3, 256 words each. Te0[x] holds the column (2·S[x], S[x], S[x], 3·S[x]) as a big-endian word, and
    /// Te1, Te2, Te3 are it rotated right by 8, 16 and 24 bits: one lookup does SubBytes and MixColumns for the
    /// octet in row 0, 1, 2, 3. Te2's top octet and Te3's second octet are S[x] alone, which the last round uses.
    let te: UnsafePointer<UInt32>

    private init() {
        // Powers and logarithms of the generator 3 in GF(2^8) give multiplicative inverses without a search.
        var power = [UInt8](repeating: 0, count: 256)
        var log = [UInt8](repeating: 0, count: 256)
        var x: UInt8 = 1
        for i in 0..<255 {
            power[i] = x
            log[Int(x)] = UInt8(i)
            x ^= Self.xtime(x)  // x · 3 = x · 2 + x
        }
        let sbox = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for v in 0..<256 {
            let inverse: UInt8 = v == 0 ? 0 : power[(255 - Int(log[v])) % 255]
            // The affine transformation of FIPS-197 5.1.1, written with rotations.
            sbox[v] = inverse ^ inverse.rotatedLeft(1) ^ inverse.rotatedLeft(2) ^ inverse.rotatedLeft(3)
                ^ inverse.rotatedLeft(4) ^ 0x63
        }
        let te = UnsafeMutablePointer<UInt32>.allocate(capacity: 1024)
        for v in 0..<256 {
            let s = sbox[v]
            let word = UInt32(Self.xtime(s)) << 24 | UInt32(s) << 16 | UInt32(s) << 8 | UInt32(Self.xtime(s) ^ s)
            te[v] = word
            te[256 + v] = word >> 8 | word << 24
            te[512 + v] = word >> 16 | word << 16
            te[768 + v] = word >> 24 | word << 8
        }
        self.sbox = UnsafePointer(sbox)
        self.te = UnsafePointer(te)
    }

    /// Multiplication by 2 in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2.1).
    static func xtime(_ b: UInt8) -> UInt8 {
        (b << 1) ^ (b & 0x80 == 0 ? 0 : 0x1b)
    }
}

extension UInt8 {
    /// The octet rotated left by `n` bits, `n` in 1...7.
    fileprivate func rotatedLeft(_ n: Int) -> UInt8 {
        self << UInt8(n) | self >> UInt8(8 - n)
    }
}
