#if canImport(Glibc)
import Atomics
import Glibc
import SondeCore

/// A Linux `AF_PACKET` socket with a memory-mapped `TPACKET_V3` receive ring on one interface.
///
/// The kernel fills blocks of packets and marks each one the user's; the reader walks a block's packets in place
/// (no copy, no system call per packet) and hands the block back. Struct layouts are those of
/// `<linux/if_packet.h>`, read at fixed offsets so the build needs no C headers.
final class PacketRing {
    let fd: Int32
    /// The interface's link type and whether it is a loopback.
    let link: Link
    private let ring: UnsafeMutableRawPointer
    private let ringSize: Int
    let blockSize: Int
    let blockCount: Int
    private var next = 0

    // <linux/if_ether.h>, <linux/if_packet.h>, <asm-generic/socket.h>
    static let ethPAll: UInt16 = 0x0003
    static let solPacket: Int32 = 263
    static let packetAddMembership: Int32 = 1
    static let packetRxRing: Int32 = 5
    static let packetStatistics: Int32 = 6
    static let packetVersion: Int32 = 10
    static let packetFanout: Int32 = 18
    static let tpacketV3: Int32 = 2
    static let packetMrPromisc: UInt16 = 1
    static let fanoutHash: Int32 = 0
    static let fanoutFlagDefrag: Int32 = 0x8000
    static let soAttachFilter: Int32 = 26
    static let tpStatusUser: UInt32 = 1
    static let tpStatusVLANValid: UInt32 = 1 << 4
    static let packetOutgoing: UInt8 = 4
    // ARPHRD_ (<linux/if_arp.h>)
    static let arphrdEther: Int = 1
    static let arphrdLoopback: Int = 772
    static let arphrdLoopbackType: UInt16 = 772
    static let arphrdNone: Int = 0xFFFE
    static let arphrdRawIP: Int = 519
    static let arphrdIPGRE: Int = 778

    /// What kind of link an interface is, read once per capture (``link(of:)``).
    struct Link: Sendable {
        /// The capture's link type (`LINKTYPE_…`), from the interface's hardware type; raw IP for `any`.
        var linkType: UInt32
        /// Whether the interface is a loopback (every packet appears twice: leaving and arriving).
        var isLoopback: Bool
        /// Cooked capture (`any`): a `SOCK_DGRAM` socket on every interface, whose frames start at the network
        /// header; the interface, its hardware type and the EtherType of each packet are in its `sockaddr_ll`.
        var isCooked = false

        /// What precedes the IP header in what the kernel filter sees.
        var frame: DNSFilterProgram.Frame { isCooked ? .cooked : linkType == 1 ? .ethernet : .raw }
    }

    /// What the ring says about one packet besides its bytes (`tpacket3_hdr` and its `sockaddr_ll`).
    struct PacketInfo {
        /// Length on the wire.
        var wireLength: Int
        /// Offset of the network header in the frame.
        var network: Int
        /// Capture time, nanoseconds since the epoch.
        var timestamp: Int64
        /// `sll_pkttype`: `PACKET_OUTGOING` (4) for a packet this host sent.
        var packetType: UInt8
        /// `sll_ifindex`, `sll_hatype` and `sll_protocol` (host order): where it came in, on what kind of link,
        /// and its EtherType.
        var interfaceIndex: Int32
        var hardwareType: UInt16
        var etherType: UInt16
        /// The 802.1Q tag control information the kernel took off the frame (`TP_STATUS_VLAN_VALID`), or nil.
        var vlan: UInt16?

        var isOutgoing: Bool { packetType == PacketRing.packetOutgoing }
    }

    /// Opens the socket, binds it to `configuration.interface` (of kind `link`), attaches `filter`, joins the
    /// fanout group `fanoutGroup` when there are several threads, and maps the ring.
    init(configuration c: CaptureConfiguration, link: Link, filter: [BPFInstruction]?, fanoutGroup: UInt16?) throws {
        self.link = link
        // Interface 0 binds to every interface (`any`).
        let index = link.isCooked ? 0 : if_nametoindex(c.interface)
        guard index != 0 || link.isCooked else { throw SondeError("no network interface named \"\(c.interface)\" (`ip link` lists them)") }

        // Protocol 0 receives nothing until bind names the protocol and the interface, after the filter and ring are set.
        // A cooked socket gets frames without their link-layer header, whatever the interface's kind.
        let s = socket(AF_PACKET, Int32(link.isCooked ? SOCK_DGRAM.rawValue : SOCK_RAW.rawValue), 0)
        guard s >= 0 else {
            let e = errno
            if e == EPERM || e == EACCES {
                throw SondeError("capturing needs the CAP_NET_RAW capability: run as root, or give it to the binary once with `sudo setcap cap_net_raw,cap_net_admin=eip \(CommandLine.arguments.first ?? "sonde")` (systemd: AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN)")
            }
            throw SondeError("cannot open a packet socket: \(String(cString: strerror(e)))")
        }
        fd = s
        var cleanup = true
        defer { if cleanup { close(s) } }

        // The filter goes on before bind so no unfiltered packet reaches the ring.
        if let filter { try Self.attach(filter, to: s) }
        var version = Self.tpacketV3
        try Self.check(setsockopt(s, Self.solPacket, Self.packetVersion, &version, 4), "set TPACKET_V3")

        // struct tpacket_req3: block_size, block_nr, frame_size, frame_nr, retire_blk_tov, sizeof_priv, feature_req_word
        let frameSize = 2048
        var request: [UInt32] = [
            UInt32(c.blockSize), UInt32(c.blockCount), UInt32(frameSize), UInt32(c.blockSize / frameSize * c.blockCount),
            UInt32(c.blockTimeout), 0, 0,
        ]
        try Self.check(setsockopt(s, Self.solPacket, Self.packetRxRing, &request, 28), "set up a \(c.blockCount) × \(c.blockSize)-octet ring")
        blockSize = c.blockSize
        blockCount = c.blockCount
        ringSize = c.blockSize * c.blockCount
        guard let mapped = mmap(nil, ringSize, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0), mapped != MAP_FAILED else {
            throw SondeError("cannot map the capture ring (\(ringSize) octets): \(String(cString: strerror(errno))); a smaller ring (--ring-blocks, --ring-block-size) may help")
        }
        ring = mapped
        // Every stored property is set: from here a throw runs deinit, which unmaps the ring and closes the socket.
        cleanup = false

        // struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]
        var address = [UInt8](repeating: 0, count: 20)
        address.withUnsafeMutableBytes { a in
            a.storeBytes(of: UInt16(AF_PACKET), toByteOffset: 0, as: UInt16.self)
            a.storeBytes(of: Self.ethPAll.bigEndian, toByteOffset: 2, as: UInt16.self)
            a.storeBytes(of: Int32(index), toByteOffset: 4, as: Int32.self)
        }
        let bound = address.withUnsafeBytes { a in
            bind(s, a.baseAddress!.assumingMemoryBound(to: sockaddr.self), 20)
        }
        if bound != 0 {
            throw SondeError("cannot bind to \(c.interface): \(String(cString: strerror(errno)))")
        }
        // `any` is no device to make promiscuous (libpcap does not either).
        if c.promiscuous && !link.isCooked {
            // struct packet_mreq: ifindex, type, alen, address[8]
            var request = [UInt8](repeating: 0, count: 16)
            request.withUnsafeMutableBytes { r in
                r.storeBytes(of: Int32(index), toByteOffset: 0, as: Int32.self)
                r.storeBytes(of: Self.packetMrPromisc, toByteOffset: 4, as: UInt16.self)
            }
            if setsockopt(s, Self.solPacket, Self.packetAddMembership, &request, 16) != 0 {
                let e = String(cString: strerror(errno))
                throw SondeError("cannot put \(c.interface) in promiscuous mode: \(e) (--no-promiscuous captures without)")
            }
        }
        if let fanoutGroup {
            // Flows hash to one thread; fragments are reassembled first so a datagram's pieces stay together.
            var argument = Int32(fanoutGroup) | ((Self.fanoutHash | Self.fanoutFlagDefrag) << 16)
            if setsockopt(s, Self.solPacket, Self.packetFanout, &argument, 4) != 0 {
                let e = String(cString: strerror(errno))
                throw SondeError("cannot join fanout group \(fanoutGroup) on \(c.interface): \(e)")
            }
        }
    }

    deinit {
        munmap(ring, ringSize)
        close(fd)
    }

    /// The link of `interface`: Ethernet (loopback included) or raw IP.
    static func link(of interface: String) throws -> Link {
        if interface == "any" {
            // Raw IP once the filter has made sure of the EtherType (see `PacketInfo.etherType`).
            return Link(linkType: 101, isLoopback: false, isCooked: true)
        }
        guard if_nametoindex(interface) != 0 else {
            throw SondeError("no network interface named \"\(interface)\" (`ip link` lists them)")
        }
        let hardware = hardwareType(interface)
        switch hardware {
        case arphrdEther, arphrdLoopback: return Link(linkType: 1, isLoopback: hardware == arphrdLoopback)  // LINKTYPE_ETHERNET
        case arphrdNone, arphrdRawIP, arphrdIPGRE: return Link(linkType: 101, isLoopback: false)  // LINKTYPE_RAW
        default:
            throw SondeError("interface \(interface) has hardware type \(hardware.map(String.init) ?? "unknown"); Sonde captures Ethernet, loopback and raw-IP (tun) interfaces")
        }
    }

    /// The interface's `ARPHRD_` type, from sysfs.
    static func hardwareType(_ interface: String) -> Int? {
        let fd = open("/sys/class/net/\(interface)/type", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = read(fd, &buffer, 16)
        guard n > 0 else { return nil }
        return Int(String(decoding: buffer[..<n], as: UTF8.self).filter(\.isNumber))
    }

    static func check(_ result: Int32, _ what: String) throws {
        if result != 0 { throw SondeError("cannot \(what): \(String(cString: strerror(errno)))") }
    }

    /// Attaches a classic BPF program (`SO_ATTACH_FILTER`).
    static func attach(_ program: [BPFInstruction], to fd: Int32) throws {
        try program.withUnsafeBufferPointer { p in
            // struct sock_fprog: unsigned short len; struct sock_filter *filter
            var fprog = SocketFilterProgram(length: UInt16(p.count), filter: UnsafeRawPointer(p.baseAddress))
            try check(setsockopt(fd, SOL_SOCKET, soAttachFilter, &fprog, socklen_t(MemoryLayout<SocketFilterProgram>.size)), "attach the BPF filter")
        }
    }

    /// Waits up to `timeout` milliseconds for a block; returns it, or nil on timeout. Call ``release(_:)`` after.
    /// A socket error (the interface went down: `ENETDOWN`) is taken and left in ``pendingError``; without taking
    /// it every later poll would return at once.
    func nextBlock(timeout: Int32) -> UnsafeMutableRawPointer? {
        let block = ring + next * blockSize
        if Self.status(block) & Self.tpStatusUser != 0 { return block }
        var p = pollfd(fd: fd, events: Int16(POLLIN | POLLERR), revents: 0)
        _ = poll(&p, 1, timeout)
        if p.revents & Int16(POLLERR) != 0 {
            var error: Int32 = 0
            var length = socklen_t(4)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error != 0 { pendingError = error }
        }
        return Self.status(block) & Self.tpStatusUser != 0 ? block : nil
    }

    /// The last socket error seen by ``nextBlock(timeout:)``, until the caller takes it.
    var pendingError: Int32 = 0

    /// Hands `block` back to the kernel.
    func release(_ block: UnsafeMutableRawPointer) {
        UnsafeAtomic<UInt32>(at: (block + 8).assumingMemoryBound(to: UInt32.AtomicRepresentation.self))
            .store(0, ordering: .releasing)
        next = next + 1 == blockCount ? 0 : next + 1
    }

    /// `tpacket_block_desc.hdr.bh1.block_status`, read with acquire ordering so the packets it covers are visible.
    static func status(_ block: UnsafeMutableRawPointer) -> UInt32 {
        UnsafeAtomic<UInt32>(at: (block + 8).assumingMemoryBound(to: UInt32.AtomicRepresentation.self))
            .load(ordering: .acquiring)
    }

    /// Calls `body` for each packet of `block`: the frame from its link-layer header (from its network header on a
    /// cooked socket) and what the ring says about it.
    @inline(__always)
    static func forEachPacket(
        in block: UnsafeMutableRawPointer, _ body: (_ frame: UnsafeRawBufferPointer, _ info: PacketInfo) -> Void
    ) {
        // struct tpacket_hdr_v1 at 8: block_status, num_pkts, offset_to_first_pkt, ...
        let count = Int(block.load(fromByteOffset: 12, as: UInt32.self))
        var packet = block + Int(block.load(fromByteOffset: 16, as: UInt32.self))
        for _ in 0..<count {
            // struct tpacket3_hdr: next_offset, sec, nsec, snaplen, len, status, mac (u16), net (u16), then
            // hv1: rxhash (u32) at 28, vlan_tci (u32) at 32, vlan_tpid (u16) at 36;
            // struct sockaddr_ll follows at TPACKET_ALIGN(sizeof(tpacket3_hdr)) = 48: family (u16), protocol
            // (u16, network order) at +2, ifindex (i32) at +4, hatype (u16) at +8, pkttype (u8) at +10.
            let nextOffset = Int(packet.load(fromByteOffset: 0, as: UInt32.self))
            let seconds = Int64(packet.load(fromByteOffset: 4, as: UInt32.self))
            let nanoseconds = Int64(packet.load(fromByteOffset: 8, as: UInt32.self))
            let snap = Int(packet.load(fromByteOffset: 12, as: UInt32.self))
            let length = Int(packet.load(fromByteOffset: 16, as: UInt32.self))
            let status = packet.load(fromByteOffset: 20, as: UInt32.self)
            let mac = Int(packet.load(fromByteOffset: 24, as: UInt16.self))
            let net = Int(packet.load(fromByteOffset: 26, as: UInt16.self))
            let info = PacketInfo(
                wireLength: length, network: net - mac, timestamp: seconds &* 1_000_000_000 &+ nanoseconds,
                packetType: packet.load(fromByteOffset: 48 + 10, as: UInt8.self),
                interfaceIndex: packet.load(fromByteOffset: 48 + 4, as: Int32.self),
                hardwareType: packet.load(fromByteOffset: 48 + 8, as: UInt16.self),
                etherType: UInt16(bigEndian: packet.load(fromByteOffset: 48 + 2, as: UInt16.self)),
                vlan: status & tpStatusVLANValid != 0 ? UInt16(truncatingIfNeeded: packet.load(fromByteOffset: 32, as: UInt32.self)) : nil)
            body(UnsafeRawBufferPointer(start: packet + mac, count: snap), info)
            if nextOffset == 0 { break }
            packet += nextOffset
        }
    }

    /// Reads and resets the kernel's counters (`struct tpacket_stats_v3`: packets, drops, freeze_q_cnt).
    func takeStatistics(into counters: inout CaptureCounters) {
        var stats: (UInt32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(12)
        guard getsockopt(fd, Self.solPacket, Self.packetStatistics, &stats, &length) == 0 else { return }
        // tp_packets counts the drops too.
        counters.kernelPackets &+= UInt64(stats.0)
        counters.kernelDrops &+= UInt64(stats.1)
        counters.ringFreezes &+= UInt64(stats.2)
    }
}

/// `struct sock_fprog`.
struct SocketFilterProgram {
    var length: UInt16
    var filter: UnsafeRawPointer?
}
#endif
