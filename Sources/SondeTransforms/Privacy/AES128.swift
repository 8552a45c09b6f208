/// AES-128 encryption of single 16-octet blocks (FIPS-197), with the key expanded once.
///
/// Crypto-PAn encrypts one block per address bit: 32 for IPv4, 128 for IPv6. swift-crypto's only single-block
/// entry point, `AES.permute` in `_CryptoExtras`/`CryptoExtras`, expands the key again on every call and takes a
/// `SymmetricKey` and a generic collection, so this type keeps the expanded key and encrypts from four words.
///
/// It uses the usual four 1 KiB "T-tables" (SubBytes, ShiftRows and MixColumns folded into one lookup per byte).
/// Table lookups indexed by key-dependent data are not constant-time: a process sharing the CPU cache could learn
/// key bits from their timing. Such a process runs on the capture host, where the addresses the key hides pass in
/// clear anyway; do not reuse this type where a key guards anything more.
///
/// Only encryption is provided: Crypto-PAn never decrypts.
package final class AES128: @unchecked Sendable {
    // @unchecked: both pointers are written in init only; afterwards the object is immutable.

    /// The 44 words of the key schedule, big-endian words as FIPS-197 section 5.2 numbers them.
    package let roundKeys: UnsafeMutablePointer<UInt32>
    /// Te0 at 0, Te1 at 256, Te2 at 512, Te3 at 768 (shared by every instance, never freed).
    let te: UnsafePointer<UInt32>

    /// Expands a 16-octet key.
    ///
    /// - Precondition: `key.count == 16`; callers check lengths that come from configuration first.
    package init(key: [UInt8]) {
        precondition(key.count == 16, "AES-128 takes a 16-octet key, got \(key.count)")
        te = AESTables.shared.te
        roundKeys = .allocate(capacity: 44)
        for i in 0..<4 {
            roundKeys[i] = UInt32(key[4 * i]) << 24 | UInt32(key[4 * i + 1]) << 16 | UInt32(key[4 * i + 2]) << 8
                | UInt32(key[4 * i + 3])
        }
        let sbox = AESTables.shared.sbox
        var rcon: UInt32 = 0x0100_0000
        for i in 4..<44 {
            var temp = roundKeys[i - 1]
            if i % 4 == 0 {
                // RotWord then SubWord (FIPS-197 5.2), then the round constant.
                temp = temp << 8 | temp >> 24
                temp = UInt32(sbox[Int(temp >> 24)]) << 24 | UInt32(sbox[Int(temp >> 16 & 0xff)]) << 16
                    | UInt32(sbox[Int(temp >> 8 & 0xff)]) << 8 | UInt32(sbox[Int(temp & 0xff)])
                temp ^= rcon
                rcon = UInt32(AESTables.xtime(UInt8(rcon >> 24))) << 24
            }
            roundKeys[i] = roundKeys[i - 4] ^ temp
        }
    }

    deinit {
        // Round keys are key material: clear them before giving the memory back.
        roundKeys.update(repeating: 0, count: 44)
        roundKeys.deallocate()
    }

    /// Encrypts one block given as four big-endian words (octets 0-3 in `s0`, and so on).
    @inline(__always)
    package func encrypt(
        _ s0: UInt32, _ s1: UInt32, _ s2: UInt32, _ s3: UInt32
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        let (t0, t1, t2, t3) = nineRounds(s0, s1, s2, s3)
        let te = self.te
        let rk = roundKeys + 40
        // The last round has no MixColumns: take the plain S-box byte out of the T-table entry that holds it.
        let o0 =
            (te[512 + Int(t0 >> 24)] & 0xff00_0000) ^ (te[768 + Int(t1 >> 16 & 0xff)] & 0x00ff_0000)
            ^ (te[Int(t2 >> 8 & 0xff)] & 0x0000_ff00) ^ (te[256 + Int(t3 & 0xff)] & 0x0000_00ff) ^ rk[0]
        let o1 =
            (te[512 + Int(t1 >> 24)] & 0xff00_0000) ^ (te[768 + Int(t2 >> 16 & 0xff)] & 0x00ff_0000)
            ^ (te[Int(t3 >> 8 & 0xff)] & 0x0000_ff00) ^ (te[256 + Int(t0 & 0xff)] & 0x0000_00ff) ^ rk[1]
        let o2 =
            (te[512 + Int(t2 >> 24)] & 0xff00_0000) ^ (te[768 + Int(t3 >> 16 & 0xff)] & 0x00ff_0000)
            ^ (te[Int(t0 >> 8 & 0xff)] & 0x0000_ff00) ^ (te[256 + Int(t1 & 0xff)] & 0x0000_00ff) ^ rk[2]
        let o3 =
            (te[512 + Int(t3 >> 24)] & 0xff00_0000) ^ (te[768 + Int(t0 >> 16 & 0xff)] & 0x00ff_0000)
            ^ (te[Int(t1 >> 8 & 0xff)] & 0x0000_ff00) ^ (te[256 + Int(t2 & 0xff)] & 0x0000_00ff) ^ rk[3]
        return (o0, o1, o2, o3)
    }

    /// AddRoundKey, then rounds 1 to 9 (each SubBytes, ShiftRows, MixColumns, AddRoundKey).
    @inline(__always)
    func nineRounds(
        _ s0: UInt32, _ s1: UInt32, _ s2: UInt32, _ s3: UInt32
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var (a0, a1, a2, a3) = (s0 ^ roundKeys[0], s1 ^ roundKeys[1], s2 ^ roundKeys[2], s3 ^ roundKeys[3])
        for round in 1..<10 {
            (a0, a1, a2, a3) = fullRound(a0, a1, a2, a3, roundKeys + 4 * round)
        }
        return (a0, a1, a2, a3)
    }

    /// One middle round: column j takes row r from column j + r (ShiftRows), one T-table per row.
    @inline(__always)
    func fullRound(
        _ a0: UInt32, _ a1: UInt32, _ a2: UInt32, _ a3: UInt32, _ rk: UnsafeMutablePointer<UInt32>
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        let te = self.te
        let b0 =
            te[Int(a0 >> 24)] ^ te[256 + Int(a1 >> 16 & 0xff)] ^ te[512 + Int(a2 >> 8 & 0xff)]
            ^ te[768 + Int(a3 & 0xff)] ^ rk[0]
        let b1 =
            te[Int(a1 >> 24)] ^ te[256 + Int(a2 >> 16 & 0xff)] ^ te[512 + Int(a3 >> 8 & 0xff)]
            ^ te[768 + Int(a0 & 0xff)] ^ rk[1]
        let b2 =
            te[Int(a2 >> 24)] ^ te[256 + Int(a3 >> 16 & 0xff)] ^ te[512 + Int(a0 >> 8 & 0xff)]
            ^ te[768 + Int(a1 & 0xff)] ^ rk[2]
        let b3 =
            te[Int(a3 >> 24)] ^ te[256 + Int(a0 >> 16 & 0xff)] ^ te[512 + Int(a1 >> 8 & 0xff)]
            ^ te[768 + Int(a2 & 0xff)] ^ rk[3]
        return (b0, b1, b2, b3)
    }

    /// Encrypts one 16-octet block in place (for tests and key set-up; the hot path uses the word forms).
    package func encrypt(block: UnsafeMutableRawBufferPointer) {
        precondition(block.count == 16, "AES-128 encrypts 16-octet blocks, got \(block.count)")
        let (o0, o1, o2, o3) = encrypt(
            block.loadUnaligned(fromByteOffset: 0, as: UInt32.self).bigEndian,
            block.loadUnaligned(fromByteOffset: 4, as: UInt32.self).bigEndian,
            block.loadUnaligned(fromByteOffset: 8, as: UInt32.self).bigEndian,
            block.loadUnaligned(fromByteOffset: 12, as: UInt32.self).bigEndian)
        block.storeBytes(of: o0.bigEndian, toByteOffset: 0, as: UInt32.self)
        block.storeBytes(of: o1.bigEndian, toByteOffset: 4, as: UInt32.self)
        block.storeBytes(of: o2.bigEndian, toByteOffset: 8, as: UInt32.self)
        block.storeBytes(of: o3.bigEndian, toByteOffset: 12, as: UInt32.self)
    }

    /// Encrypts one 16-octet block given as an array.
    package func encrypt(_ block: [UInt8]) -> [UInt8] {
        var out = block
        out.withUnsafeMutableBytes { encrypt(block: $0) }
        return out
    }
}
