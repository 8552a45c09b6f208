// The bodies of the FuzzPacket and FuzzCaptureFile fuzz targets, and their replay over the committed seeds and
// crashers.
//
// This one file is compiled twice: here, by the normal test suite, and into FuzzTesting's FuzzPacket and
// FuzzCaptureFile targets (symbolic links there point at this file; the fuzz targets define SONDE_FUZZ_TARGET,
// which leaves the XCTest part out). The fuzz targets also hand every DNS payload to the FuzzDNSMessage checks,
// which this test target cannot import; here the payloads are only located and framed.
import SondePacket

#if !SONDE_FUZZ_TARGET
import Foundation
import XCTest

final class FuzzRegressionTests: XCTestCase {
    func testFuzzPacketInputs() throws {
        try replay("FuzzPacket") { try PacketFuzzCheck.runFrame($0, dns: { _ in }) }
    }

    func testFuzzCaptureFileInputs() throws {
        try replay("FuzzCaptureFile") { try PacketFuzzCheck.runCaptureFile($0, dns: { _ in }) }
    }

    /// Every seed and every crasher ever found by the target still passes the target's checks.
    func replay(_ target: String, _ check: (UnsafeRawBufferPointer) throws -> Void) throws {
        let seeds = try inputs(in: "Seeds/" + target)
        XCTAssertFalse(seeds.isEmpty, "FuzzTesting/Seeds/\(target) holds no seed")
        for (name, bytes) in try seeds + inputs(in: "Regressions/" + target) {
            do {
                try bytes.withUnsafeBytes { try check($0) }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }

    /// The files of `<repo>/FuzzTesting/<folder>` (none when the folder is absent), dot files left out.
    func inputs(in folder: String) throws -> [(name: String, bytes: [UInt8])] {
        // Walk up from this file (it is also reached through FuzzTesting's links) to the folder that holds FuzzTesting.
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("FuzzTesting/Seeds").path) {
            guard directory.path != "/" else { throw CocoaError(.fileNoSuchFile) }
            directory.deleteLastPathComponent()
        }
        let folder = directory.appendingPathComponent("FuzzTesting").appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            (folder.lastPathComponent + "/" + name, Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }
}
#endif

/// Checks frames and capture files the way the pipeline reads them; throws the first broken property.
enum PacketFuzzCheck {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Failure(description: message()) }
    }

    /// The link types PacketDecoder reads.
    static let linkTypes: [UInt32] = [
        LinkType.null, LinkType.ethernet, LinkType.rawDLT12, LinkType.rawDLT14, LinkType.raw, LinkType.loop,
        LinkType.linuxSLL, LinkType.ipv4, LinkType.ipv6, LinkType.linuxSLL2,
    ]

    /// Runs `body` on a copy of `bytes` in memory of exactly that size, so that AddressSanitizer sees a read past
    /// the end (a slice of a larger buffer would hide it).
    static func withExactCopy<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyMemory(from: bytes)
        return try body(UnsafeRawBufferPointer(copy))
    }

    /// FuzzPacket input: a 2-byte little-endian link type (a LINKTYPE_ value PacketDecoder reads, else an index
    /// into `linkTypes`), 2 bytes little-endian added to the frame's length for its length on the wire (a snap
    /// length cut), then the frame.
    static func runFrame(_ input: UnsafeRawBufferPointer, dns: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count >= 4 else { return }
        let selector = UInt32(input[0]) | UInt32(input[1]) << 8
        let linkType = linkTypes.contains(selector) ? selector : linkTypes[Int(selector) % linkTypes.count]
        let cut = Int(input[2]) | Int(input[3]) << 8
        try withExactCopy(UnsafeRawBufferPointer(rebasing: input[4...])) { frame in
            try checkFrame(linkType: linkType, frame, originalLength: frame.count + cut, dns: dns)
        }
    }

    /// Decodes one frame; offsets must lie inside it, and each DNS message it carries goes to `dns`.
    static func checkFrame(
        linkType: UInt32, _ frame: UnsafeRawBufferPointer, originalLength: Int, dns: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let decoder = PacketDecoder(ports: [53])
        let d = decoder.decode(linkType: linkType, packet: frame, originalLength: originalLength)
        try require(d == decoder.decode(linkType: linkType, packet: frame, originalLength: originalLength), "decode is not deterministic")
        try checkBounds(d, frame.count)
        var text = [UInt8](repeating: 0, count: IPAddress.maxPresentationLength)
        for address in [d.source, d.destination] {
            let n = text.withUnsafeMutableBufferPointer { address.writePresentation(to: $0.baseAddress!) }
            try require((1...IPAddress.maxPresentationLength).contains(n), "address text of \(n) bytes")
        }
        let payload = UnsafeRawBufferPointer(rebasing: frame[d.payloadOffset..<(d.payloadOffset + d.payloadLength)])
        switch d.kind {
        case .dns:
            try require(d.sourcePort == 53 || d.destinationPort == 53, "DNS on ports \(d.sourcePort) > \(d.destinationPort)")
            try require(d.payloadOffset >= d.ipPayloadOffset && d.payloadOffset + d.payloadLength <= d.ipPayloadOffset + d.ipPayloadLength,
                        "the transport payload is not inside the IP payload: \(d)")
            try checkTransportPayload(d, payload, dns: dns)
        case .ipFragment:
            // Hand the first fragment to the datagram decoder as if it were the whole datagram.
            guard d.fragmentOffset == 0 else { break }
            let datagram = try withExactCopy(payload) { data in
                let inner = decoder.decodeDatagram(family: d.family, source: d.source, destination: d.destination, ipProtocol: d.ipProtocol, payload: data)
                try checkBounds(inner, data.count)
                if inner.isDNS {
                    try checkTransportPayload(inner, UnsafeRawBufferPointer(rebasing: data[inner.payloadOffset..<(inner.payloadOffset + inner.payloadLength)]), dns: dns)
                }
                return inner
            }
            try require(datagram.source == d.source && datagram.ipPayloadLength == d.payloadLength, "decodeDatagram lost the addresses or length")
        default:
            break
        }
    }

    /// Every offset and length in a result lies inside the bytes it was decoded from.
    static func checkBounds(_ d: DecodedPacket, _ count: Int) throws {
        for (name, offset, length) in [("payload", d.payloadOffset, d.payloadLength), ("IP payload", d.ipPayloadOffset, d.ipPayloadLength)] {
            try require(offset >= 0 && length >= 0 && offset <= count - length, "\(name) \(offset)+\(length) outside \(count) bytes: \(d)")
        }
        try require(d.networkOffset >= 0 && d.networkOffset <= count, "network offset \(d.networkOffset) outside \(count) bytes")
    }

    /// A UDP payload is one DNS message; a TCP payload is framed by 2-byte lengths.
    static func checkTransportPayload(_ d: DecodedPacket, _ payload: UnsafeRawBufferPointer, dns: (UnsafeRawBufferPointer) throws -> Void) throws {
        switch d.transport {
        case .udp:
            try withExactCopy(payload, dns)
        case .tcp:
            var framer = DNSOverTCPFramer(payload)
            var messages = 0
            while let message = framer.next() {
                try require(message.offset >= 2 && message.offset + message.length <= payload.count, "framed message outside the segment")
                try withExactCopy(UnsafeRawBufferPointer(rebasing: payload[message.offset..<(message.offset + message.length)]), dns)
                messages += 1
                try require(messages <= payload.count / 2, "the framer does not advance")
            }
            try require(framer.consumed + framer.remainingBytes == payload.count, "framer consumed + remaining != segment")
        case .none:
            throw Failure(description: "a DNS verdict without a transport: \(d)")
        }
    }

    // MARK: Capture files

    /// One record as the pipeline sees it.
    struct Record: Equatable {
        var data: [UInt8]
        var originalLength: Int, timestamp: Int64, linkType: UInt32, interfaceID: UInt32
    }

    /// What reading a whole input gives: the records, then the error that stopped it (nil for a clean end).
    struct Reading: Equatable {
        var records: [Record] = []
        var error: CaptureFileError?
        var format: CaptureFormat?
        var interfaces: [CaptureInterface] = []
    }

    /// FuzzCaptureFile input: a pcap or pcapng file. It is read all at once and in chunks whose sizes come from
    /// the bytes' own hash; both readings must give the same records and the same error, and every record is
    /// decoded as a frame.
    static func runCaptureFile(_ file: UnsafeRawBufferPointer, dns: (UnsafeRawBufferPointer) throws -> Void) throws {
        let whole = try read(file, chunkSizes: { file.count })
        // FNV-1a of the bytes seeds SplitMix64: the same input always gets the same chunking.
        var state = file.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        func random() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        let largest = [1, 3, 16, 100, 1500][Int(random() % 5)]
        var split = try read(file, chunkSizes: { 1 + Int(random() % UInt64(largest)) })
        // Where a cut file is reported to end depends on how much of a skipped block was passed over already;
        // that it is cut does not.
        if case .truncatedFile? = whole.error?.reason, case .truncatedFile? = split.error?.reason { split.error = whole.error }
        try require(whole == split, "chunks of at most \(largest) bytes read differently:\n  whole: \(whole)\n  split: \(split)")
        for record in whole.records {
            try record.data.withUnsafeBytes { frame in
                try checkFrame(linkType: record.linkType, frame, originalLength: record.originalLength, dns: dns)
            }
        }
    }

    /// Plays the caller of CaptureFileDecoder: keeps the unconsumed bytes and adds a chunk when asked for more.
    static func read(_ file: UnsafeRawBufferPointer, chunkSizes: () -> Int) throws -> Reading {
        var decoder = CaptureFileDecoder()
        var reading = Reading()
        var pending: [UInt8] = []
        var start = 0
        var fed = 0
        var steps = 0
        loop: while true {
            steps += 1
            try require(steps <= 3 * file.count + 10, "the decoder makes no progress")
            let unconsumed = pending.count - start
            let step: CaptureFileDecoder.Step
            do {
                step = try pending.withUnsafeBytes { all in
                    try withExactCopy(UnsafeRawBufferPointer(rebasing: all[start...])) { buffer in
                        let step = try decoder.next(buffer)
                        if case .record(let r) = step {
                            try require(r.consumed > 0 && r.consumed <= buffer.count && r.dataOffset >= 0
                                        && r.capturedLength >= 0 && r.dataOffset + r.capturedLength <= r.consumed,
                                        "record \(r) does not fit the \(buffer.count) bytes given")
                            reading.records.append(Record(
                                data: Array(r.packet(in: buffer)), originalLength: r.originalLength,
                                timestamp: r.timestampNanoseconds, linkType: r.linkType, interfaceID: r.interfaceID))
                        }
                        return step
                    }
                }
            } catch let error as CaptureFileError {
                reading.error = error
                break loop
            }
            switch step {
            case .record(let r):
                start += r.consumed
            case .skip(let consumed):
                try require(consumed > 0 && consumed <= unconsumed, "skip(\(consumed)) with \(unconsumed) bytes given")
                start += consumed
            case .needMoreData(let atLeast):
                try require(atLeast > unconsumed, "needMoreData(atLeast: \(atLeast)) with \(unconsumed) bytes given")
                guard fed < file.count else {
                    do { try decoder.finish(unconsumedBytes: unconsumed) } catch { reading.error = error }
                    break loop
                }
                let n = min(max(chunkSizes(), 1), file.count - fed)
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: file[fed..<(fed + n)]))
                fed += n
            }
        }
        reading.format = decoder.format
        reading.interfaces = Array(decoder.interfaces)
        return reading
    }
}
