@testable import SondePacket
import XCTest

/// A small deterministic generator (SplitMix64), so that failures replay.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

enum DNSLike {
    /// A message that passes `DNSMessageBoundary.isPlausible`: a header with one question and
    /// `answers` records, then random bytes, `length` bytes in all.
    static func message(length: Int, answers: UInt16 = 0, filler: UInt8? = nil, using rng: inout SeededGenerator) -> [UInt8] {
        precondition(length >= 17 + 11 * Int(answers))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        bytes += [UInt8.random(in: 0...255, using: &rng), UInt8.random(in: 0...255, using: &rng)]
        bytes += [Bool.random(using: &rng) ? 0x81 : 0x01, 0x00]  // QR?, opcode QUERY, RD
        bytes += [0, 1, UInt8(answers >> 8), UInt8(answers & 0xff), 0, 0, 0, 0]
        bytes.append(UInt8.random(in: 1...63, using: &rng))  // the question name's first label length
        while bytes.count < length { bytes.append(filler ?? UInt8.random(in: 0...255, using: &rng)) }
        return bytes
    }

    /// A random message of a random length, now and then a large one.
    static func randomMessage(using rng: inout SeededGenerator, maxLength: Int = 1500) -> [UInt8] {
        let length = Int.random(in: 0..<10, using: &rng) == 0 ? Int.random(in: 17...maxLength, using: &rng) : Int.random(in: 17...200, using: &rng)
        return message(length: length, using: &rng)
    }

    /// Messages with their 2-byte length prefixes, back to back.
    static func stream(_ messages: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for message in messages {
            out += [UInt8(message.count >> 8), UInt8(message.count & 0xff)]
            out += message
        }
        return out
    }

    /// Cuts `bytes` at random points into pieces of 1 ... `maxPiece` bytes.
    static func split(_ bytes: [UInt8], maxPiece: Int, using rng: inout SeededGenerator) -> [(offset: Int, bytes: [UInt8])] {
        var pieces: [(Int, [UInt8])] = []
        var position = 0
        while position < bytes.count {
            let size = min(bytes.count - position, Int.random(in: 1...maxPiece, using: &rng))
            pieces.append((position, Array(bytes[position..<(position + size)])))
            position += size
        }
        return pieces
    }
}

/// A reassembler with one client and one server, collecting what it emits.
struct TCPHarness {
    var reassembler: TCPReassembler
    var messages: [[UInt8]] = []
    var reassembledFlags: [Bool] = []
    var client = IPAddress(ipv4: 0x0a00_0001)
    var server = IPAddress(ipv4: 0x0a00_0002)

    init(_ configuration: TCPReassembler.Configuration = .init()) {
        reassembler = TCPReassembler(configuration: configuration)
    }

    /// Sends a client-to-server segment.
    mutating func send(
        _ bytes: [UInt8], seq: UInt32, flags: TCPFlags = [.ack, .psh], port: UInt16 = 40_000, time: Int64 = 0
    ) {
        var collected: [[UInt8]] = []
        var flagsSeen: [Bool] = []
        bytes.withUnsafeBytes { payload in
            reassembler.process(
                source: client, sourcePort: port, destination: server, destinationPort: 53,
                sequence: seq, flags: flags, payload: payload, timestamp: time
            ) { message, reassembled in
                collected.append(Array(message))
                flagsSeen.append(reassembled)
            }
        }
        messages += collected
        reassembledFlags += flagsSeen
        XCTAssertLessThanOrEqual(reassembler.bufferedBytes, reassembler.configuration.maxTotalBytes)
    }

    /// Sends the SYN of a connection whose first data byte is `isn + 1`.
    mutating func syn(_ isn: UInt32, port: UInt16 = 40_000, time: Int64 = 0) {
        send([], seq: isn, flags: [.syn], port: port, time: time)
    }
}

/// Raw IPv4/IPv6 packets with UDP, for the defragmenter.
enum IPWire {
    static func udp(sourcePort: UInt16, destinationPort: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let length = 8 + payload.count
        return [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xff), UInt8(destinationPort >> 8), UInt8(destinationPort & 0xff),
                UInt8(length >> 8 & 0xff), UInt8(length & 0xff), 0, 0] + payload
    }

    /// An IPv4 packet (20-byte header) carrying `data` at fragment offset `offset` (bytes).
    static func ipv4(id: UInt16, protocol proto: UInt8 = 17, offset: Int, more: Bool, _ data: [UInt8],
                     source: UInt32 = 0xc000_0201, destination: UInt32 = 0xc000_0202) -> [UInt8] {
        let total = 20 + data.count
        let flags = UInt16(offset / 8) | (more ? 0x2000 : 0)
        var header: [UInt8] = [0x45, 0, UInt8(total >> 8 & 0xff), UInt8(total & 0xff), UInt8(id >> 8), UInt8(id & 0xff),
                               UInt8(flags >> 8), UInt8(flags & 0xff), 64, proto, 0, 0]
        for address in [source, destination] {
            header += [UInt8(address >> 24), UInt8(address >> 16 & 0xff), UInt8(address >> 8 & 0xff), UInt8(address & 0xff)]
        }
        return header + data
    }

    /// An IPv6 packet with a Fragment header (next header `nextHeader`) carrying `data` at `offset`.
    static func ipv6(id: UInt32, nextHeader: UInt8 = 17, offset: Int, more: Bool, _ data: [UInt8], sourceLow: UInt8 = 1) -> [UInt8] {
        let payloadLength = 8 + data.count
        var packet: [UInt8] = [0x60, 0, 0, 0, UInt8(payloadLength >> 8), UInt8(payloadLength & 0xff), 44, 64]
        packet += [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [sourceLow]
        packet += [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [2]
        let field = UInt16(offset / 8) << 3 | (more ? 1 : 0)
        packet += [nextHeader, 0, UInt8(field >> 8), UInt8(field & 0xff),
                   UInt8(id >> 24), UInt8(id >> 16 & 0xff), UInt8(id >> 8 & 0xff), UInt8(id & 0xff)]
        return packet + data
    }

    /// Cuts `datagram` into fragments of `size` bytes (a multiple of 8), the last one shorter.
    static func cut(_ datagram: [UInt8], size: Int) -> [(offset: Int, more: Bool, data: [UInt8])] {
        var out: [(Int, Bool, [UInt8])] = []
        var offset = 0
        while offset < datagram.count {
            let end = min(datagram.count, offset + size)
            out.append((offset, end < datagram.count, Array(datagram[offset..<end])))
            offset = end
        }
        return out
    }
}

/// A defragmenter fed raw IP packets through `PacketDecoder`, collecting what completes.
struct DefragHarness {
    var defragmenter: IPDefragmenter
    var decoder = PacketDecoder(ports: [53])
    var completed: [(payload: [UInt8], ipProtocol: UInt8)] = []

    init(_ configuration: IPDefragmenter.Configuration = .init()) {
        defragmenter = IPDefragmenter(configuration: configuration)
    }

    mutating func feed(_ packet: [UInt8], time: Int64 = 0) {
        var collected: [([UInt8], UInt8)] = []
        packet.withUnsafeBytes { bytes in
            let decoded = decoder.decode(linkType: LinkType.raw, packet: bytes, originalLength: bytes.count)
            XCTAssertEqual(decoded.kind, .ipFragment)
            defragmenter.process(decoded, bytes: bytes, timestamp: time) { payload, ipProtocol in
                collected.append((Array(payload), ipProtocol))
            }
        }
        completed += collected.map { (payload: $0.0, ipProtocol: $0.1) }
        XCTAssertLessThanOrEqual(defragmenter.bufferedBytes, defragmenter.configuration.maxBytes)
        XCTAssertLessThanOrEqual(defragmenter.datagramCount, defragmenter.configuration.maxDatagrams)
    }
}
