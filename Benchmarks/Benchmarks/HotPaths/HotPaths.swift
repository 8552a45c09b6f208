import Benchmark
import Foundation
import SondeCore
import SondeDNS
import SondePacket

/// The packets of the bundled sample, decoded once: every benchmark runs over the same real messages.
struct Workload {
    var frames: [[UInt8]] = []
    var messages: [[UInt8]] = []

    init() {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples/sample.pcap")
        let data = (try? Data(contentsOf: url)) ?? Data()
        let decoder = PacketDecoder(ports: [53])
        data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            var file = CaptureFileDecoder()
            var offset = 0
            while offset < all.count, let step = try? file.next(UnsafeRawBufferPointer(rebasing: all[offset...])) {
                let rest = UnsafeRawBufferPointer(rebasing: all[offset...])
                switch step {
                case .record(let r):
                    let packet = r.packet(in: rest)
                    frames.append(Array(packet))
                    let p = decoder.decode(linkType: r.linkType, packet: packet, originalLength: r.originalLength)
                    if case .dns = p.kind, p.transport == .udp {
                        messages.append(Array(packet[p.payloadOffset..<(p.payloadOffset + p.payloadLength)]))
                    }
                    offset += r.consumed
                case .skip(let n): offset += n
                case .needMoreData: return
                }
            }
        }
    }
}

let workload = Workload()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(2))

    Benchmark("Packet decode (link to UDP/TCP), 66 sample frames", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let decoder = PacketDecoder(ports: [53])
        for _ in benchmark.scaledIterations {
            for f in workload.frames {
                f.withUnsafeBytes { blackHole(decoder.decode(linkType: 1, packet: $0, originalLength: $0.count)) }
            }
        }
    }

    Benchmark("DNS layout decode, 34 sample messages", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            for m in workload.messages { m.withUnsafeBytes { blackHole(MessageLayout(decoding: $0)) } }
        }
    }

    Benchmark("JSON format, 34 sample messages", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var batch = EventBatch(identity: "bench")
        for m in workload.messages {
            m.withUnsafeBytes { bytes in
                let e = DNSEvent(
                    timestamp: 1_795_303_528_492_651_000, input: .pcap, transport: .udp,
                    source: IPAddress(ipv4: 0x7F00_0001), destination: IPAddress(ipv4: 0x7F00_0001), sourcePort: 53,
                    destinationPort: 40000, layout: MessageLayout(decoding: bytes))
                batch.append(e, message: bytes)
            }
        }
        var formatter = BatchFormatter(format: .json)
        var out = OutputBuffer(capacity: 1 << 20)
        for _ in benchmark.scaledIterations {
            out.removeAll()
            formatter.write(batch, into: &out)
        }
        blackHole(out.count)
    }

    Benchmark("Summary counting, 34 sample messages", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var batch = EventBatch(identity: "bench")
        for m in workload.messages {
            m.withUnsafeBytes { bytes in
                let e = DNSEvent(
                    timestamp: 0, input: .pcap, transport: .udp, source: IPAddress(ipv4: 1), destination: IPAddress(ipv4: 2),
                    sourcePort: 53, destinationPort: 40000, layout: MessageLayout(decoding: bytes))
                batch.append(e, message: bytes)
            }
        }
        let store = StatsStore()
        let shard = store.makeShard()
        for _ in benchmark.scaledIterations { shard.add(batch) }
        blackHole(store.snapshot().counters.messages)
    }

    transformBenchmarks()
}
