public import SondeDNS
public import SondePacket

/// Turns captured packets into DNS events: link, IP and transport decoding, IP defragmentation, DNS-over-TCP
/// stream reassembly, then the DNS layout of every whole message. Shared by every packet input.
///
/// Each packet ends in exactly one ``DecodeCounters`` outcome, so nothing disappears uncounted; the reassemblers'
/// own counters (and what their limits discarded) are copied in by ``finish(counters:)``.
public struct PacketProcessor {
    /// The packet decoder (DNS ports live here).
    public var decoder: PacketDecoder
    /// The input kind stamped on events.
    public var input: InputKind
    /// DNS-over-TCP streams.
    public var tcp: TCPReassembler
    /// IPv4 and IPv6 fragments.
    public var fragments: IPDefragmenter
    /// Whether TCP streams and IP fragments are reassembled; without, only messages whole in one segment are
    /// read and fragments are counted (to measure what reassembly costs, or to save its memory).
    public var reassemble: Bool
    var packetsSinceExpiry = 0

    /// A processor for packets on `ports`.
    public init(
        ports: PortSet, input: InputKind = .pcap, reassemble: Bool = true, tcp: TCPReassembler.Configuration = .init(),
        fragments: IPDefragmenter.Configuration = .init()
    ) {
        self.decoder = PacketDecoder(ports: ports)
        self.input = input
        self.reassemble = reassemble
        self.tcp = TCPReassembler(configuration: tcp)
        self.fragments = IPDefragmenter(configuration: fragments)
    }

    /// Decodes one packet and appends its DNS messages to `batch`.
    public mutating func process(
        packet: UnsafeRawBufferPointer, originalLength: Int, linkType: UInt32, timestamp: Int64,
        into batch: inout EventBatch, counters: inout DecodeCounters
    ) {
        counters.packets &+= 1
        counters.bytes &+= UInt64(packet.count)
        packetsSinceExpiry &+= 1
        if packetsSinceExpiry >= 4096 {
            packetsSinceExpiry = 0
            tcp.expire(now: timestamp)
            fragments.expire(now: timestamp)
        }
        let p = decoder.decode(linkType: linkType, packet: packet, originalLength: originalLength)
        switch p.kind {
        case .dns:
            handleDNS(p, packet, timestamp, [], &batch, &counters)
        case .notDNS(let reason):
            if reason == .unsupportedLinkType { counters.unsupportedLinkType &+= 1 } else { counters.notDNS &+= 1 }
        case .icmpQuotedDNS:
            counters.icmpQuotedDNS &+= 1
        case .ipFragment:
            counters.ipFragments &+= 1
            guard reassemble else { return }
            // A completed datagram is rare: copying it out of the defragmenter keeps the two state machines apart.
            var datagram: [UInt8]? = nil
            var upper: UInt8 = 0
            fragments.process(p, bytes: packet, timestamp: timestamp) { payload, ipProtocol in
                datagram = Array(payload)
                upper = ipProtocol
            }
            guard let datagram else { return }
            datagram.withUnsafeBytes { payload in
                let d = decoder.decodeDatagram(
                    family: p.family, source: p.source, destination: p.destination, ipProtocol: upper, payload: payload)
                switch d.kind {
                case .dns: handleDNS(d, payload, timestamp, .ipDefragmented, &batch, &counters)
                case .icmpQuotedDNS: counters.icmpQuotedDNS &+= 1
                case .malformed: counters.malformedPackets &+= 1
                default: counters.notDNS &+= 1
                }
            }
        case .malformed:
            counters.malformedPackets &+= 1
        }
    }

    /// The DNS messages of one UDP datagram or TCP segment (`bytes` holds `p`'s payload at its offsets).
    mutating func handleDNS(
        _ p: DecodedPacket, _ bytes: UnsafeRawBufferPointer, _ timestamp: Int64, _ markers: EventMarkers,
        _ batch: inout EventBatch, _ counters: inout DecodeCounters
    ) {
        let payload = UnsafeRawBufferPointer(rebasing: bytes[p.payloadOffset..<(p.payloadOffset + p.payloadLength)])
        var event = DNSEvent(
            timestamp: timestamp, input: input, transport: p.transport == .tcp ? .tcp : .udp,
            markers: p.captureTruncated ? markers.union(.captureTruncated) : markers,
            source: p.source, destination: p.destination, sourcePort: p.sourcePort, destinationPort: p.destinationPort)
        if p.transport == .udp {
            counters.dnsPackets &+= 1
            if p.captureTruncated { counters.captureTruncated &+= 1 }
            event.layout = MessageLayout(decoding: payload)
            batch.append(event, message: payload)
            return
        }
        guard payload.count > 0 || !p.tcpFlags.isDisjoint(with: [.syn, .fin, .rst]) else {
            counters.tcpControl &+= 1
            return
        }
        if p.captureTruncated || !reassemble {
            // The snap length cut the segment (its bytes cannot join the stream), or reassembly is off: decode
            // what it holds, as far as it goes, from the message boundary it starts with (RFC 7766 §8 framing).
            if p.captureTruncated { counters.captureTruncated &+= 1 }
            decodeCutSegment(payload, event, &batch, &counters)
            return
        }
        var found = 0
        tcp.process(
            source: p.source, sourcePort: p.sourcePort, destination: p.destination, destinationPort: p.destinationPort,
            sequence: p.tcpSequence, flags: p.tcpFlags, payload: payload, timestamp: timestamp
        ) { message, reassembled in
            var e = event
            if reassembled { e.markers.insert(.tcpReassembled) }
            e.layout = MessageLayout(decoding: message)
            batch.append(e, message: message)
            found &+= 1
        }
        if found > 0 {
            counters.dnsPackets &+= 1
        } else if payload.count > 0 {
            counters.tcpIncomplete &+= 1
        } else {
            counters.tcpControl &+= 1
        }
    }

    func decodeCutSegment(
        _ payload: UnsafeRawBufferPointer, _ event: DNSEvent, _ batch: inout EventBatch, _ counters: inout DecodeCounters
    ) {
        var e = event
        var framer = DNSOverTCPFramer(payload)
        var found = 0
        while let m = framer.next() {
            let message = UnsafeRawBufferPointer(rebasing: payload[m.offset..<(m.offset + m.length)])
            e.layout = MessageLayout(decoding: message)
            batch.append(e, message: message)
            found += 1
        }
        // A message cut by the snap length is decoded as far as it goes; without the cut it waits for reassembly.
        if event.markers.contains(.captureTruncated), framer.partialMessageLength != nil {
            let message = UnsafeRawBufferPointer(rebasing: payload[(framer.consumed + 2)...])
            e.layout = MessageLayout(decoding: message)
            batch.append(e, message: message)
            found += 1
        }
        if found > 0 { counters.dnsPackets &+= 1 } else { counters.tcpIncomplete &+= 1 }
    }

    /// Copies the reassemblers' counters into `counters` (at the end of a run, or for a report).
    public func finish(counters: inout DecodeCounters) {
        let t = tcp.counters
        counters.tcpMessagesReassembled = UInt64(t.messagesReassembled)
        counters.tcpBytesSkipped = UInt64(t.bytesSkipped + t.bytesDroppedLimit + t.bytesDiscarded)
        counters.tcpMessagesDropped = UInt64(t.messagesDroppedLimit)
        counters.tcpFlowsEvicted = UInt64(t.flowsEvicted)
        counters.tcpFlowsTimedOut = UInt64(t.flowsTimedOut)
        let f = fragments.counters
        counters.ipDatagramsReassembled = UInt64(f.datagramsReassembled)
        counters.ipDatagramsTimedOut = UInt64(f.datagramsTimedOut)
        counters.ipDatagramsDiscarded = UInt64(
            f.datagramsEvicted + f.overlapsDiscarded + f.invalid + f.datagramsTooManyFragments + f.datagramsDroppedMemory)
    }
}
