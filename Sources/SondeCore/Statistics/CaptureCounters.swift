/// What the live capture saw, from the kernel's ring to the decoder: together with ``DecodeCounters`` every
/// packet the kernel accepted ends in exactly one outcome.
///
/// `kernelPackets = kernelDrops + received`; `received = loopbackCopies + sampledOut + duplicates + decoded`, and
/// `decoded` is `DecodeCounters.packets`.
public struct CaptureCounters: Sendable, Hashable {
    /// Packets that passed the socket's BPF filter (the kernel's `tp_packets`, drops included).
    public var kernelPackets: UInt64 = 0
    /// Packets the kernel could not place because the ring was full (`tp_drops`): Sonde fell behind.
    public var kernelDrops: UInt64 = 0
    /// Times the kernel froze the ring's queue for lack of a free block (`tp_freeze_q_cnt`).
    public var ringFreezes: UInt64 = 0
    /// Packets read from the ring.
    public var received: UInt64 = 0
    /// Outgoing copies on a loopback interface, where every packet is seen leaving and arriving (skipped, as
    /// tcpdump does).
    public var loopbackCopies: UInt64 = 0
    /// Packets left out by sampling (`--sample a:b`).
    public var sampledOut: UInt64 = 0
    /// Packets identical to one seen within the deduplication window (`--dedup`).
    public var duplicates: UInt64 = 0
    /// Ring blocks handed back by the kernel.
    public var blocks: UInt64 = 0

    public init() {}

    /// Packets handed to the decoder.
    public var decoded: UInt64 { received &- loopbackCopies &- sampledOut &- duplicates }

    public mutating func add(_ o: CaptureCounters) {
        kernelPackets += o.kernelPackets
        kernelDrops += o.kernelDrops
        ringFreezes += o.ringFreezes
        received += o.received
        loopbackCopies += o.loopbackCopies
        sampledOut += o.sampledOut
        duplicates += o.duplicates
        blocks += o.blocks
    }

    /// The counters as `name value` pairs, in a fixed order (for the summary and metrics).
    public var fields: [(String, UInt64)] {
        [
            ("kernel_packets", kernelPackets), ("kernel_drops", kernelDrops), ("ring_freezes", ringFreezes),
            ("received", received), ("loopback_copies", loopbackCopies), ("sampled_out", sampledOut),
            ("duplicates", duplicates), ("decoded", decoded), ("blocks", blocks),
        ]
    }
}
