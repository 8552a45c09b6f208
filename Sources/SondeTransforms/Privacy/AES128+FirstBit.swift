/// What Crypto-PAn needs of AES: the first bit of the ciphertext, and nothing else.
extension AES128 {
    /// The most significant bit of the ciphertext (0 or 1) of the block (s0, s1, s2, s3).
    ///
    /// That bit comes from octet 0 of the last round's input alone, so round 9 computes one column instead of four
    /// and round 10 one S-box lookup instead of sixteen: 133 table lookups instead of 160.
    ///
    /// Tried and dropped, as no faster on x86-64: interleaving two blocks, and redoing only the changed octet's
    /// part of round 1 between Crypto-PAn's inputs. The rounds are bound by instruction throughput, and the extra
    /// live state of either spills registers.
    @inline(__always)
    package func firstBit(_ s0: UInt32, _ s1: UInt32, _ s2: UInt32, _ s3: UInt32) -> UInt32 {
        var (a0, a1, a2, a3) = (s0 ^ roundKeys[0], s1 ^ roundKeys[1], s2 ^ roundKeys[2], s3 ^ roundKeys[3])
        for round in 1..<9 {
            (a0, a1, a2, a3) = fullRound(a0, a1, a2, a3, roundKeys + 4 * round)
        }
        let t0 =
            te[Int(a0 >> 24)] ^ te[256 + Int(a1 >> 16 & 0xff)] ^ te[512 + Int(a2 >> 8 & 0xff)]
            ^ te[768 + Int(a3 & 0xff)] ^ roundKeys[36]
        // Te2's top octet is S[x] alone (see AESTables).
        return (te[512 + Int(t0 >> 24)] ^ roundKeys[40]) >> 31
    }
}
