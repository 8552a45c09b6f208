#if canImport(Glibc)
import Glibc
import SondeCore

/// One classic BPF instruction (`struct sock_filter` / `struct bpf_insn`).
public struct BPFInstruction: Sendable, Equatable {
    public var code: UInt16
    public var jumpTrue: UInt8
    public var jumpFalse: UInt8
    public var k: UInt32

    public init(code: UInt16, jumpTrue: UInt8, jumpFalse: UInt8, k: UInt32) {
        self.code = code
        self.jumpTrue = jumpTrue
        self.jumpFalse = jumpFalse
        self.k = k
    }
}

/// Compiles tcpdump-style filter expressions with libpcap, loaded when a capture starts: the build needs no C
/// library, and a machine without libpcap gets an error naming the package to install.
public enum BPFCompiler {
    /// The sonames tried, newest first.
    static let libraries = ["libpcap.so.0.8", "libpcap.so.1", "libpcap.so"]

    // `struct bpf_program`: u_int bf_len; struct bpf_insn *bf_insns.
    struct Program {
        var length: UInt32 = 0
        var instructions: UnsafeMutableRawPointer? = nil
    }

    typealias OpenDead = @convention(c) (Int32, Int32) -> OpaquePointer?
    typealias Compile = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int32, UInt32) -> Int32
    typealias GetError = @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>?
    typealias FreeCode = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias Close = @convention(c) (OpaquePointer?) -> Void

    /// Set (to anything) in the environment, libpcap is never loaded, as on a machine without it: the built-in
    /// default filter still works, a `--filter` expression is an error. For tests that prove the default capture
    /// needs no libpcap.
    static let disableVariable = "SONDE_NO_LIBPCAP"

    /// Compiles `expression` for frames of `linkType` (`LINKTYPE_ETHERNET` 1 or `LINKTYPE_RAW` 101; a cooked
    /// capture on `any` hands the filter the IP header, so it uses raw IP too).
    public static func compile(_ expression: String, linkType: UInt32) throws -> [BPFInstruction] {
        if getenv(disableVariable) != nil {
            throw SondeError("a --filter expression is compiled by libpcap, which is switched off (\(disableVariable) is set); without --filter Sonde uses its own filter")
        }
        var handle: UnsafeMutableRawPointer? = nil
        for name in libraries {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else {
            throw SondeError("BPF filters are compiled by libpcap, which is not installed: `apt-get install libpcap0.8` (Debian/Ubuntu) or `dnf install libpcap` (Fedora)")
        }
        defer { dlclose(handle) }
        func symbol<T>(_ name: String, _: T.Type) throws -> T {
            guard let s = dlsym(handle, name) else { throw SondeError("libpcap lacks \(name)") }
            return unsafeBitCast(s, to: T.self)
        }
        let openDead = try symbol("pcap_open_dead", OpenDead.self)
        let compile = try symbol("pcap_compile", Compile.self)
        let getError = try symbol("pcap_geterr", GetError.self)
        let freeCode = try symbol("pcap_freecode", FreeCode.self)
        let close = try symbol("pcap_close", Close.self)

        // pcap_open_dead takes a DLT_ value: DLT_EN10MB is 1; raw IP is DLT_RAW, 12 on Linux.
        let dlt: Int32 = linkType == 101 ? 12 : Int32(linkType)
        guard let pcap = openDead(dlt, 262_144) else { throw SondeError("libpcap could not start a compiler") }
        defer { close(pcap) }
        var program = Program()
        let status = expression.withCString { e in
            withUnsafeMutableBytes(of: &program) { compile(pcap, $0.baseAddress, e, 1, 0xFFFF_FFFF) }
        }
        guard status == 0 else {
            let message = getError(pcap).map { String(cString: $0) } ?? "unknown error"
            throw SondeError("bad filter \"\(expression)\": \(message)")
        }
        defer { withUnsafeMutableBytes(of: &program) { freeCode($0.baseAddress) } }
        guard let base = program.instructions else { return [] }
        var out: [BPFInstruction] = []
        out.reserveCapacity(Int(program.length))
        for i in 0..<Int(program.length) {
            let p = base + i * 8
            out.append(
                BPFInstruction(
                    code: p.load(as: UInt16.self), jumpTrue: p.load(fromByteOffset: 2, as: UInt8.self),
                    jumpFalse: p.load(fromByteOffset: 3, as: UInt8.self), k: p.load(fromByteOffset: 4, as: UInt32.self)))
        }
        return out
    }
}
#endif
