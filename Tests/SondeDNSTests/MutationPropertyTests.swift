import SondeDNS
import XCTest

/// Random damage to real messages: decoding never traps, and whatever decodes round-trips
/// (the property of hickory-dns's `fuzz/fuzz_targets/message.rs`).
final class MutationPropertyTests: XCTestCase {
    static let iterations = 20_000
    static let seed: UInt64 = 0x5EED_D0D0

    func testMutatedMessagesRoundTrip() throws {
        var seeds = PcapWalker.corpusPayloads() ?? []
        if seeds.isEmpty {
            print("MutationPropertyTests: corpus not found; mutating hand-built messages only")
        }
        seeds += [fullMessage().encode(compress: true), fullMessage().encode(compress: false)]
        var rng = SplitMix64(seed: Self.seed)
        var decoded = 0
        for iteration in 0..<Self.iterations {
            var bytes = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<(Bool.random(using: &rng) ? 1 : Int.random(in: 2...4, using: &rng)) { Self.mutate(&bytes, using: &rng) }
            guard let first = try? DNSMessage(decoding: bytes) else { continue }
            decoded += 1
            let compress = iteration % 2 == 0
            let second = try? DNSMessage(decoding: first.encode(compress: compress))
            if second != first {
                XCTFail("iteration \(iteration) (seed \(Self.seed)), compress \(compress): \(bytes)")
                return
            }
        }
        print("MutationPropertyTests: \(Self.iterations) mutations, \(decoded) decoded and round-tripped")
        XCTAssertGreaterThan(decoded, Self.iterations / 20, "enough mutants decode for the property to mean something")
    }

    /// One random change: flip bits, set a byte (often a pointer or length octet), truncate, insert, or delete.
    static func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
        guard !bytes.isEmpty else {
            bytes.append(UInt8.random(in: 0...255, using: &rng))
            return
        }
        let at = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
        case 1:
            bytes[at] = [0x00, 0xC0, 0x3F, 0x40, 0xFF, 0x01].randomElement(using: &rng)!
        case 2:
            bytes[at] = UInt8.random(in: 0...255, using: &rng)
        case 3:
            bytes.removeSubrange(at...)
        case 4:
            let count = Int.random(in: 1...8, using: &rng)
            bytes.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
        default:
            bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...4, using: &rng)))
        }
    }
}
