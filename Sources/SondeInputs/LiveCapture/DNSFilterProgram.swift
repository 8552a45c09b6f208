#if canImport(Glibc)
import SondeCore

/// The default capture filter — the DNS ports, and IP fragments (which carry no port) — written by Sonde itself as
/// a classic BPF program, so the common case needs no libpcap. It keeps what libpcap's
/// `(port 53 or …) or (ip[6:2] & 0x1fff != 0) or (ip6[6] == 44)` keeps, and also frames whose VLAN tags are still in
/// them (up to two; the kernel takes the outer one off into the ring's metadata before the filter runs):
///
/// - IPv4: a fragment other than the first (offset ≠ 0); else TCP, UDP or SCTP with either port in the list.
/// - IPv6: a Fragment header next (44); else TCP, UDP or SCTP next with either port in the list. Like libpcap's
///   `port` (which takes SCTP too), other extension headers are not followed.
///
/// The program depends on where the IP header is in what the kernel hands the filter:
///
///     link (Frame)               first bytes                                  IP header at
///     .ethernet                  dst(6) src(6) type(2) [tag(4) …]             14, 18, 22
///     .raw (tun, ARPHRD_NONE)    the IP header; version in the first nibble   0
///     .cooked (SOCK_DGRAM, any)  the IP header, or TCI(2) type(2) of an inner tag the kernel left (when it may
///                                say IP already); the EtherType comes from the socket buffer
///                                (`ld [SKF_AD_OFF + SKF_AD_PROTOCOL]`)                                    0, 4
///     .null (BSD loopback)       address family (4, either byte order)        4
enum DNSFilterProgram {
    /// What precedes the IP header in the packets the filter sees.
    enum Frame: Sendable, Equatable {
        case ethernet, raw, cooked, null
    }

    /// What an accepted packet may keep (libpcap's default snapshot length).
    static let snapLength: UInt32 = 262_144
    /// Ports beyond this make jumps longer than classic BPF's 255 instructions: `--filter` is the way then.
    static let maxPorts = 100
    /// `SKF_AD_OFF + SKF_AD_PROTOCOL` (<linux/filter.h>): the socket buffer's protocol, host order.
    static let protocolLoad: UInt32 = 0xFFFF_F000
    static let vlanTPIDs: [UInt32] = [0x8100, 0x88A8, 0x9100]

    /// The program for packets on `ports` framed as `frame`.
    static func make(ports: [UInt16], frame: Frame) throws -> [BPFInstruction] {
        let ports = Array(Set(ports)).sorted()
        guard !ports.isEmpty else { throw SondeError("the built-in capture filter needs at least one port") }
        guard ports.count <= maxPorts else {
            throw SondeError("the built-in capture filter takes at most \(maxPorts) ports (\(ports.count) given); give a --filter expression instead")
        }
        var b = BPFProgramBuilder()
        var blocks: [(BPFProgramBuilder.Label, Int, Bool)] = []  // label, IP header offset, IPv6
        func ip(_ offset: Int, v6: Bool) -> BPFProgramBuilder.Label {
            if let found = blocks.first(where: { $0.1 == offset && $0.2 == v6 }) { return found.0 }
            let label = b.newLabel()
            blocks.append((label, offset, v6))
            return label
        }
        switch frame {
        case .ethernet:
            // EtherType (or tag protocol identifier) at 12, then after each of up to two tags.
            var tagged = b.newLabel()
            b.load(.half, at: 12)
            do {
                let target = ip(14, v6: false)
                b.dispatch(0x0800, to: target)
            }
            do {
                let target = ip(14, v6: true)
                b.dispatch(0x86DD, to: target)
            }
            for tpid in vlanTPIDs { b.dispatch(tpid, to: tagged) }
            b.ret(0)
            for (depth, typeAt) in [(1, 16), (2, 20)] {
                b.place(tagged)
                tagged = b.newLabel()
                b.load(.half, at: UInt32(typeAt))
                do {
                    let target = ip(typeAt + 2, v6: false)
                    b.dispatch(0x0800, to: target)
                }
                do {
                    let target = ip(typeAt + 2, v6: true)
                    b.dispatch(0x86DD, to: target)
                }
                if depth == 1 { for tpid in vlanTPIDs { b.dispatch(tpid, to: tagged) } }
                b.ret(0)
            }
        case .raw:
            b.load(.byte, at: 0)
            b.and(0xF0)
            do {
                let target = ip(0, v6: false)
                b.dispatch(0x40, to: target)
            }
            do {
                let target = ip(0, v6: true)
                b.dispatch(0x60, to: target)
            }
            b.ret(0)
        case .cooked:
            // The EtherType comes from the socket buffer. With two tags the kernel leaves the inner one in the data
            // (its TCI, then the EtherType) and may give the protocol as IP already: an IP header is recognised by
            // its first byte, else the data is read as an inner tag.
            let v4 = b.newLabel(), v6 = b.newLabel(), tagged = b.newLabel()
            b.load(.word, at: protocolLoad)
            b.dispatch(0x0800, to: v4)
            b.dispatch(0x86DD, to: v6)
            for tpid in vlanTPIDs { b.dispatch(tpid, to: tagged) }
            b.ret(0)
            b.place(v4)
            b.load(.byte, at: 0)
            // Version 4 and a header length of at least 20 bytes: 0x45 ... 0x4f.
            b.jumpIfGreaterOrEqual(0x45, then: nil, else: tagged)
            b.jumpIfGreaterOrEqual(0x50, then: tagged, else: nil)
            do {
                let target = ip(0, v6: false)
                b.jumpAlways(to: target)
            }
            b.place(v6)
            b.load(.byte, at: 0)
            b.and(0xF0)
            b.jumpIfEqual(0x60, then: nil, else: tagged)
            do {
                let target = ip(0, v6: true)
                b.jumpAlways(to: target)
            }
            b.place(tagged)
            b.load(.half, at: 2)
            do {
                let target = ip(4, v6: false)
                b.dispatch(0x0800, to: target)
            }
            do {
                let target = ip(4, v6: true)
                b.dispatch(0x86DD, to: target)
            }
            b.ret(0)
        case .null:
            // AF_INET is 2 everywhere; AF_INET6 24, 28 or 30; in the capturing host's byte order.
            b.load(.word, at: 0)
            let v4 = ip(4, v6: false), v6 = ip(4, v6: true)
            for family: UInt32 in [2, 2 << 24] { b.dispatch(family, to: v4) }
            for family: UInt32 in [24, 28, 30, 24 << 24, 28 << 24, 30 << 24] { b.dispatch(family, to: v6) }
            b.ret(0)
        }
        var index = 0
        while index < blocks.count {
            let (label, offset, v6) = blocks[index]
            b.place(label)
            if v6 { ipv6(&b, at: UInt32(offset), ports) } else { ipv4(&b, at: UInt32(offset), ports) }
            index += 1
        }
        return try b.finish()
    }

    /// IPv4 at `l`: non-first fragments, or TCP/UDP/SCTP with a port in `ports`.
    static func ipv4(_ b: inout BPFProgramBuilder, at l: UInt32, _ ports: [UInt16]) {
        let accept = b.newLabel(), reject = b.newLabel(), transport = b.newLabel()
        b.load(.half, at: l + 6)
        b.jumpIfSet(0x1FFF, then: accept, else: nil)
        b.load(.byte, at: l + 9)
        b.jumpIfEqual(6, then: transport, else: nil)
        b.jumpIfEqual(17, then: transport, else: nil)
        b.jumpIfEqual(132, then: transport, else: reject)
        b.place(transport)
        // X = the IPv4 header length: 4 * IHL.
        b.loadHeaderLength(at: l)
        for portAt in [l, l + 2] {
            b.loadIndexed(.half, at: portAt)
            for port in ports { b.jumpIfEqual(UInt32(port), then: accept, else: nil) }
        }
        b.place(reject)
        b.ret(0)
        b.place(accept)
        b.ret(snapLength)
    }

    /// IPv6 at `l`: a Fragment header next, or TCP/UDP/SCTP next with a port in `ports`.
    static func ipv6(_ b: inout BPFProgramBuilder, at l: UInt32, _ ports: [UInt16]) {
        let accept = b.newLabel(), reject = b.newLabel(), transport = b.newLabel()
        b.load(.byte, at: l + 6)
        b.jumpIfEqual(44, then: accept, else: nil)
        b.jumpIfEqual(6, then: transport, else: nil)
        b.jumpIfEqual(17, then: transport, else: nil)
        b.jumpIfEqual(132, then: transport, else: reject)
        b.place(transport)
        for portAt in [l + 40, l + 42] {
            b.load(.half, at: portAt)
            for port in ports { b.jumpIfEqual(UInt32(port), then: accept, else: nil) }
        }
        b.place(reject)
        b.ret(0)
        b.place(accept)
        b.ret(snapLength)
    }
}

/// Writes classic BPF with forward labels. Conditional jumps reach 255 instructions at most, so they stay inside one
/// block; `dispatch` reaches any block through an unconditional jump (32-bit offset).
struct BPFProgramBuilder {
    struct Label: Equatable { var id: Int }
    enum Size: UInt16 { case word = 0x00, half = 0x08, byte = 0x10 }
    enum Field { case jumpTrue, jumpFalse, k }

    var code: [BPFInstruction] = []
    var places: [Int?] = []
    var fixups: [(at: Int, label: Label, field: Field)] = []

    mutating func newLabel() -> Label {
        places.append(nil)
        return Label(id: places.count - 1)
    }

    mutating func place(_ label: Label) { places[label.id] = code.count }

    mutating func emit(_ code: UInt16, _ k: UInt32 = 0) {
        self.code.append(BPFInstruction(code: code, jumpTrue: 0, jumpFalse: 0, k: k))
    }

    /// `ld{,h,b} [k]` (BPF_LD | size | BPF_ABS).
    mutating func load(_ size: Size, at k: UInt32) { emit(0x00 | size.rawValue | 0x20, k) }
    /// `ld{,h,b} [x + k]` (BPF_IND).
    mutating func loadIndexed(_ size: Size, at k: UInt32) { emit(0x00 | size.rawValue | 0x40, k) }
    /// `ldxb 4 * ([k] & 0xf)` (BPF_LDX | BPF_B | BPF_MSH).
    mutating func loadHeaderLength(at k: UInt32) { emit(0x01 | 0x10 | 0xA0, k) }
    /// `and #k` (BPF_ALU | BPF_AND | BPF_K).
    mutating func and(_ k: UInt32) { emit(0x04 | 0x50, k) }
    /// `ret #k`.
    mutating func ret(_ k: UInt32) { emit(0x06, k) }

    mutating func jump(_ code: UInt16, _ k: UInt32, then: Label?, else other: Label?) {
        emit(code, k)
        if let then { fixups.append((self.code.count - 1, then, .jumpTrue)) }
        if let other { fixups.append((self.code.count - 1, other, .jumpFalse)) }
    }

    /// `jeq #k` (BPF_JMP | BPF_JEQ | BPF_K); a nil label falls through.
    mutating func jumpIfEqual(_ k: UInt32, then: Label?, else other: Label?) { jump(0x05 | 0x10, k, then: then, else: other) }
    /// `jge #k`.
    mutating func jumpIfGreaterOrEqual(_ k: UInt32, then: Label?, else other: Label?) { jump(0x05 | 0x30, k, then: then, else: other) }
    /// `ja label`, however far.
    mutating func jumpAlways(to label: Label) {
        emit(0x05)
        fixups.append((code.count - 1, label, .k))
    }
    /// `jset #k`.
    mutating func jumpIfSet(_ k: UInt32, then: Label?, else other: Label?) { jump(0x05 | 0x40, k, then: then, else: other) }

    /// `A == k`: go to `label`, however far (`jeq #k, 0, 1; ja label`).
    mutating func dispatch(_ k: UInt32, to label: Label) {
        code.append(BPFInstruction(code: 0x05 | 0x10, jumpTrue: 0, jumpFalse: 1, k: k))
        emit(0x05)  // BPF_JMP | BPF_JA
        fixups.append((code.count - 1, label, .k))
    }

    /// The program, every label resolved.
    func finish() throws -> [BPFInstruction] {
        var out = code
        for f in fixups {
            guard let target = places[f.label.id], target > f.at else {
                throw SondeError("internal error: a BPF jump to an unplaced or earlier label")
            }
            let distance = target - f.at - 1
            switch f.field {
            case .k: out[f.at].k = UInt32(distance)
            case .jumpTrue, .jumpFalse:
                guard distance <= 255 else { throw SondeError("internal error: a BPF jump of \(distance) instructions") }
                if f.field == .jumpTrue { out[f.at].jumpTrue = UInt8(distance) } else { out[f.at].jumpFalse = UInt8(distance) }
            }
        }
        guard out.count <= 4096 else { throw SondeError("the capture filter has \(out.count) instructions; the kernel takes 4096") }
        return out
    }
}
#endif
