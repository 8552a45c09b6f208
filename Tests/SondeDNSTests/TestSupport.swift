import SondeDNS
import XCTest

/// A name from its presentation form; a test bug if it does not parse.
func dnsName(_ text: String) -> DNSName {
    do {
        return try DNSName(parsing: text)
    } catch {
        fatalError("bad test name \(text): \(error)")
    }
}

/// The uncompressed wire form of a name.
func wire(_ text: String) -> [UInt8] { dnsName(text).wireBytes }

/// Big-endian bytes of a 16-bit value.
func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }

/// Big-endian bytes of a 32-bit value.
func be32(_ v: UInt32) -> [UInt8] { be16(UInt16(v >> 16)) + be16(UInt16(v & 0xFFFF)) }

/// A `<character-string>`.
func characterString(_ text: String) -> [UInt8] { [UInt8(text.utf8.count)] + Array(text.utf8) }

/// A 12-byte header with the given counts.
func headerBytes(id: UInt16 = 0x1234, flags: UInt16 = 0x0100, qd: UInt16 = 0, an: UInt16 = 0, ns: UInt16 = 0,
                 ar: UInt16 = 0) -> [UInt8] {
    be16(id) + be16(flags) + be16(qd) + be16(an) + be16(ns) + be16(ar)
}

/// Type codes used in the tests.
enum RRType {
    static let a: UInt16 = 1, ns: UInt16 = 2, md: UInt16 = 3, mf: UInt16 = 4, cname: UInt16 = 5, soa: UInt16 = 6
    static let mb: UInt16 = 7, mg: UInt16 = 8, mr: UInt16 = 9, ptr: UInt16 = 12, minfo: UInt16 = 14, mx: UInt16 = 15
    static let txt: UInt16 = 16, rp: UInt16 = 17, afsdb: UInt16 = 18, rt: UInt16 = 21, sig: UInt16 = 24
    static let px: UInt16 = 26, aaaa: UInt16 = 28, nxt: UInt16 = 30, srv: UInt16 = 33, naptr: UInt16 = 35
    static let kx: UInt16 = 36, dname: UInt16 = 39, opt: UInt16 = 41, ds: UInt16 = 43, rrsig: UInt16 = 46
    static let nsec: UInt16 = 47, https: UInt16 = 65
}

/// Decodes, failing the test (and returning nil) on error.
func decodeOrFail(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> DNSMessage? {
    do {
        return try DNSMessage(decoding: bytes)
    } catch {
        XCTFail("decode failed: \(error)", file: file, line: line)
        return nil
    }
}

/// The decoding error, or nil if the bytes decode.
func decodingError(_ bytes: [UInt8]) -> DNSDecodingError? {
    do {
        _ = try DNSMessage(decoding: bytes)
        return nil
    } catch {
        return error
    }
}

/// A small deterministic generator (SplitMix64) so that failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
