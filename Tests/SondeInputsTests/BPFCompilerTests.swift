#if canImport(Glibc)
import Glibc
import SondeCore
import XCTest

@testable import SondeInputs

/// The filters libpcap compiles for the kernel, run here by a classic BPF interpreter on hand-made frames: the
/// default filter keeps DNS ports and fragments and nothing else, and a bad expression is a clear error.
final class BPFCompilerTests: XCTestCase {
    func compileOrSkip(_ expression: String, linkType: UInt32 = 1) throws -> [BPFInstruction] {
        do { return try BPFCompiler.compile(expression, linkType: linkType) } catch let e as SondeError
        where e.description.contains("not installed") {
            if ProcessInfo.processInfo.environment["CI"] != nil { throw e }
            throw XCTSkip("libpcap is not installed (apt-get install libpcap0.8)")
        }
    }

    func testTheDefaultFilterKeepsDNSPortsAndFragmentsOnly() throws {
        let program = try compileOrSkip(CaptureConfiguration.defaultFilter(ports: [53, 5353]))
        XCTAssertFalse(program.isEmpty)
        XCTAssertTrue(BPF.run(program, Frames.ethernet(Frames.ipv4(.udp, source: 40000, destination: 53))))
        XCTAssertTrue(BPF.run(program, Frames.ethernet(Frames.ipv4(.udp, source: 53, destination: 40000))))
        XCTAssertTrue(BPF.run(program, Frames.ethernet(Frames.ipv4(.tcp, source: 40000, destination: 53))))
        XCTAssertTrue(BPF.run(program, Frames.ethernet(Frames.ipv4(.udp, source: 40000, destination: 5353))))
        XCTAssertTrue(BPF.run(program, Frames.ethernet(Frames.ipv6(.udp, source: 40000, destination: 53), type: 0x86DD)))
        XCTAssertTrue(BPF.run(program, Frames.ethernet(Frames.ipv6Fragment(), type: 0x86DD)))
        XCTAssertTrue(BPF.run(program, Frames.ethernet(Frames.ipv4(.udp, source: 1, destination: 2, fragmentOffset: 185))))
        XCTAssertFalse(BPF.run(program, Frames.ethernet(Frames.ipv4(.udp, source: 40000, destination: 80))))
        XCTAssertFalse(BPF.run(program, Frames.ethernet(Frames.ipv4(.tcp, source: 443, destination: 40000))))
        XCTAssertFalse(BPF.run(program, Frames.ethernet(Frames.ipv6(.udp, source: 40000, destination: 9999), type: 0x86DD)))
        XCTAssertFalse(BPF.run(program, Frames.ethernet([UInt8](repeating: 0, count: 28), type: 0x0806)))  // ARP
    }

    func testRawIPInterfacesGetTheirOwnProgram() throws {
        let program = try compileOrSkip("udp port 53", linkType: 101)
        XCTAssertTrue(BPF.run(program, Frames.ipv4(.udp, source: 40000, destination: 53)))
        XCTAssertFalse(BPF.run(program, Frames.ipv4(.udp, source: 40000, destination: 54)))
    }

    func testABadExpressionIsAClearError() throws {
        _ = try compileOrSkip("udp")
        XCTAssertThrowsError(try BPFCompiler.compile("port fifty-three", linkType: 1)) { error in
            XCTAssertTrue("\(error)".hasPrefix("bad filter \"port fifty-three\": "), "\(error)")
        }
    }

    func testTheInstructionLayoutIsTheKernels() {
        XCTAssertEqual(MemoryLayout<BPFInstruction>.stride, 8)
        XCTAssertEqual(MemoryLayout<BPFInstruction>.offset(of: \.k), 4)
        XCTAssertEqual(MemoryLayout<SocketFilterProgram>.size, 16)
        XCTAssertEqual(MemoryLayout<SocketFilterProgram>.offset(of: \.filter), 8)
    }
}

/// A classic BPF interpreter (the kernel's semantics: an out-of-range load rejects the packet).
enum BPF {
    /// Runs `program` on `packet`; `protocol` is what an ancillary load of the socket buffer's protocol gives
    /// (`SKF_AD_PROTOCOL`, the EtherType: a cooked socket's filter reads it there).
    static func run(_ program: [BPFInstruction], _ packet: [UInt8], protocol etherType: UInt16 = 0) -> Bool {
        var a: UInt32 = 0
        var x: UInt32 = 0
        var memory = [UInt32](repeating: 0, count: 16)
        var pc = 0
        func load(_ offset: Int, _ size: Int) -> UInt32? {
            guard offset >= 0, offset + size <= packet.count else { return nil }
            var v: UInt32 = 0
            for i in 0..<size { v = v << 8 | UInt32(packet[offset + i]) }
            return v
        }
        while pc < program.count {
            let i = program[pc]
            pc += 1
            let size = [0x00: 4, 0x08: 2, 0x10: 1][Int(i.code & 0x18)] ?? 4
            switch i.code & 0x07 {
            case 0x00, 0x01:  // LD, LDX
                var v: UInt32
                switch i.code & 0xE0 {
                case 0x00: v = i.k
                case 0x20 where i.k >= 0xFFFF_F000:
                    // Ancillary data (<linux/filter.h> SKF_AD_OFF + n): only the protocol is used.
                    guard i.k == 0xFFFF_F000 else { return false }
                    v = UInt32(etherType)
                case 0x20: guard let l = load(Int(i.k), size) else { return false }; v = l
                case 0x40: guard let l = load(Int(x) + Int(i.k), size) else { return false }; v = l
                case 0x60: v = memory[Int(i.k)]
                case 0x80: v = UInt32(packet.count)
                case 0xA0: guard let l = load(Int(i.k), 1) else { return false }; v = (l & 0x0F) << 2
                default: return false
                }
                if i.code & 0x07 == 0 { a = v } else { x = v }
            case 0x02: memory[Int(i.k)] = a
            case 0x03: memory[Int(i.k)] = x
            case 0x04:  // ALU
                let operand = i.code & 0x08 != 0 ? x : i.k
                switch i.code & 0xF0 {
                case 0x00: a = a &+ operand
                case 0x10: a = a &- operand
                case 0x20: a = a &* operand
                case 0x30: guard operand != 0 else { return false }; a /= operand
                case 0x40: a |= operand
                case 0x50: a &= operand
                case 0x60: a = a << operand
                case 0x70: a = a >> operand
                case 0x80: a = 0 &- a
                case 0x90: guard operand != 0 else { return false }; a %= operand
                case 0xA0: a ^= operand
                default: return false
                }
            case 0x05:  // JMP
                let operand = i.code & 0x08 != 0 ? x : i.k
                let taken: Bool
                switch i.code & 0xF0 {
                case 0x00: pc += Int(i.k); continue
                case 0x10: taken = a == operand
                case 0x20: taken = a > operand
                case 0x30: taken = a >= operand
                case 0x40: taken = a & operand != 0
                default: return false
                }
                pc += Int(taken ? i.jumpTrue : i.jumpFalse)
            case 0x06: return (i.code & 0x18 == 0x10 ? a : i.k) != 0
            case 0x07: if i.code & 0xF8 == 0 { x = a } else { a = x }
            default: return false
            }
        }
        return false
    }
}

/// Hand-made frames.
enum Frames {
    enum Transport: UInt8 { case tcp = 6, udp = 17 }

    static func ethernet(_ payload: [UInt8], type: UInt16 = 0x0800) -> [UInt8] {
        [UInt8](repeating: 0x02, count: 12) + [UInt8(type >> 8), UInt8(type & 0xFF)] + payload
    }

    static func transport(_ t: Transport, _ source: UInt16, _ destination: UInt16) -> [UInt8] {
        let ports = [UInt8(source >> 8), UInt8(source & 0xFF), UInt8(destination >> 8), UInt8(destination & 0xFF)]
        if t == .udp { return ports + [0, 20, 0, 0] + [UInt8](repeating: 0xAB, count: 12) }
        return ports + [0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0] + [UInt8](repeating: 0xAB, count: 12)
    }

    static func ipv4(_ t: Transport, source: UInt16, destination: UInt16, fragmentOffset: UInt16 = 0, ttl: UInt8 = 64) -> [UInt8] {
        let body = transport(t, source, destination)
        let total = UInt16(20 + body.count)
        return [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0x12, 0x34, UInt8(fragmentOffset >> 8), UInt8(fragmentOffset & 0xFF),
                ttl, t.rawValue, 0xBE, 0xEF, 198, 18, 0, 1, 198, 18, 0, 2] + body
    }

    static func ipv6(_ t: Transport, source: UInt16, destination: UInt16, hopLimit: UInt8 = 64) -> [UInt8] {
        let body = transport(t, source, destination)
        return [0x60, 0, 0, 0, 0, UInt8(body.count), t.rawValue, hopLimit]
            + [UInt8](repeating: 0x20, count: 15) + [1] + [UInt8](repeating: 0x20, count: 15) + [2] + body
    }

    static func ipv6Fragment() -> [UInt8] {
        let body: [UInt8] = [17, 0, 0x05, 0x00, 0, 0, 0, 7] + [UInt8](repeating: 0xCD, count: 24)
        return [0x60, 0, 0, 0, 0, UInt8(body.count), 44, 64]
            + [UInt8](repeating: 0x20, count: 15) + [1] + [UInt8](repeating: 0x20, count: 15) + [2] + body
    }
}
#endif
