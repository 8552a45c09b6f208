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
    /// Where the packet being processed was captured: its interface (``InterfaceNames`` index, 0 unknown) and the
    /// VLAN tag the kernel took off it (`vlanTagged` set), stamped on its events.
    var interface: UInt16 = 0
    var strippedVLAN: UInt16 = 0
    var strippedVLANValid = false

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
        interface = 0
        strippedVLANValid = false
        processPacket(packet, originalLength, linkType, timestamp, &batch, &counters)
    }

    /// Decodes one packet of a live capture and appends its DNS messages to `batch`: `interface` is the
    /// ``InterfaceNames`` index of the interface it came in on, `vlan` the 802.1Q tag control information the
    /// kernel stripped from it (the ring's metadata), if any.
    public mutating func process(
        packet: UnsafeRawBufferPointer, originalLength: Int, linkType: UInt32, timestamp: Int64, interface: UInt16,
        vlan: UInt16?, into batch: inout EventBatch, counters: inout DecodeCounters
    ) {
        self.interface = interface
        strippedVLANValid = vlan != nil
        strippedVLAN = (vlan ?? 0) & 0x0fff
        processPacket(packet, originalLength, linkType, timestamp, &batch, &counters)
    }

    @inline(__always)
    mutating func processPacket(
        _ packet: UnsafeRawBufferPointer, _ originalLength: Int, _ linkType: UInt32, _ timestamp: Int64,
        _ batch: inout EventBatch, _ counters: inout DecodeCounters
    ) {
        counters.packets &+= 1
        counters.bytes &+= UInt64(packet.count)
        packetsSinceExpiry &+= 1
        if packetsSinceExpiry >= 4096 {
            packetsSinceExpiry = 0
            tcp.expire(now: timestamp)
            fragments.expire(now: timestamp)
            takeFlushed(&batch)
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
            let vlanTag = p.vlanTagCount
            let vlanID = p.vlanID
            fragments.process(p, bytes: packet, timestamp: timestamp) { payload, ipProtocol in
                datagram = Array(payload)
                upper = ipProtocol
            }
            guard let datagram else { return }
            datagram.withUnsafeBytes { payload in
                var d = decoder.decodeDatagram(
                    family: p.family, source: p.source, destination: p.destination, ipProtocol: upper, payload: payload)
                // The last fragment's tags stand for the datagram's.
                d.vlanTagCount = vlanTag
                d.vlanID = vlanID
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
        event.interface = interface
        // The innermost tag: one left in the frame is inside the one the kernel stripped.
        if p.vlanTagCount > 0 {
            event.vlan = p.vlanID
            event.markers.insert(.vlanTagged)
        } else if strippedVLANValid {
            event.vlan = strippedVLAN
            event.markers.insert(.vlanTagged)
        }
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
        // The flow keeps where its last segment was captured, for messages it delivers later (`takeFlushed`).
        let tag = UInt32(event.interface) << 16 | (event.markers.contains(.vlanTagged) ? 0x8000 | UInt32(event.vlan) : 0)
        tcp.process(
            source: p.source, sourcePort: p.sourcePort, destination: p.destination, destinationPort: p.destinationPort,
            sequence: p.tcpSequence, acknowledgment: p.tcpFlags.contains(.ack) ? p.tcpAcknowledgment : nil,
            flags: p.tcpFlags, payload: payload, timestamp: timestamp, tag: tag
        ) { message, reassembled in
            var e = event
            if reassembled { e.markers.insert(.tcpReassembled) }
            e.layout = MessageLayout(decoding: message)
            batch.append(e, message: message)
            found &+= 1
        }
        if timestamp >= tcp.holeDeadline { tcp.expireHoles(now: timestamp) }
        if tcp.hasFlushedMessages { takeFlushed(&batch) }
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

    /// Appends the messages the TCP reassembler delivered outside their own flow's segments (a hole declared lost
    /// by the other direction's acknowledgment or by its timeout, a flow evicted, timed out or ended), each with its
    /// flow's addresses and the time and capture point of the flow's last segment.
    mutating func takeFlushed(_ batch: inout EventBatch) {
        let input = self.input
        tcp.takeFlushedMessages { message, flow in
            var e = DNSEvent(
                timestamp: flow.timestamp, input: input, transport: .tcp, markers: .tcpReassembled, source: flow.source,
                destination: flow.destination, sourcePort: flow.sourcePort, destinationPort: flow.destinationPort)
            e.interface = UInt16(truncatingIfNeeded: flow.tag >> 16)
            if flow.tag & 0x8000 != 0 {
                e.vlan = UInt16(truncatingIfNeeded: flow.tag) & 0x0fff
                e.markers.insert(.vlanTagged)
            }
            e.layout = MessageLayout(decoding: message)
            batch.append(e, message: message)
        }
    }

    /// The end of the input: every TCP flow delivers the messages it holds whole (its holes declared lost, counted)
    /// into `batch`, and is forgotten. Call once, after the last packet.
    public mutating func flush(into batch: inout EventBatch) {
        tcp.finish()
        takeFlushed(&batch)
    }

    /// Time passed with no packet (a live capture waiting on a quiet link): flows idle and holes waiting for longer
    /// than their timeouts as of `now` (capture time) deliver what they hold into `batch`.
    public mutating func expire(now: Int64, into batch: inout EventBatch) {
        tcp.expire(now: now)
        fragments.expire(now: now)
        takeFlushed(&batch)
    }

    /// Copies the reassemblers' counters into `counters` (at the end of a run, or for a report).
    public func finish(counters: inout DecodeCounters) {
        let t = tcp.counters
        counters.tcpMessagesReassembled = UInt64(t.messagesReassembled)
        counters.tcpBytesSkipped = UInt64(t.bytesSkipped + t.bytesDroppedLimit + t.bytesDiscarded)
        counters.tcpMessagesDropped = UInt64(t.messagesDroppedLimit)
        counters.tcpFlowsEvicted = UInt64(t.flowsEvicted)
        counters.tcpFlowsTimedOut = UInt64(t.flowsTimedOut)
        counters.tcpHoles = UInt64(t.gapsSkipped)
        counters.tcpHoleBytes = UInt64(t.gapBytesSkipped)
        let f = fragments.counters
        counters.ipDatagramsReassembled = UInt64(f.datagramsReassembled)
        counters.ipDatagramsTimedOut = UInt64(f.datagramsTimedOut)
        counters.ipDatagramsDiscarded = UInt64(
            f.datagramsEvicted + f.overlapsDiscarded + f.invalid + f.datagramsTooManyFragments + f.datagramsDroppedMemory)
    }
}
