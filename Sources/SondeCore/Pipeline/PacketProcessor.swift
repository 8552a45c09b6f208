public import SondeDNS
public import SondePacket

/// Turns captured packets into DNS events: link, IP and transport decoding, then the DNS layout of every whole
/// message in the payload. Shared by every packet input (files, live capture).
///
/// Each packet ends in exactly one ``DecodeCounters`` outcome, so nothing disappears uncounted.
public struct PacketProcessor: Sendable {
    /// The packet decoder (DNS ports live here).
    public var decoder: PacketDecoder
    /// The input kind stamped on events.
    public var input: InputKind

    /// A processor for packets on `ports`.
    public init(ports: PortSet, input: InputKind = .pcap) {
        self.decoder = PacketDecoder(ports: ports)
        self.input = input
    }

    /// Decodes one packet and appends its DNS messages to `batch`.
    public func process(
        packet: UnsafeRawBufferPointer, originalLength: Int, linkType: UInt32, timestamp: Int64,
        into batch: inout EventBatch, counters: inout DecodeCounters
    ) {
        counters.packets &+= 1
        counters.bytes &+= UInt64(packet.count)
        let p = decoder.decode(linkType: linkType, packet: packet, originalLength: originalLength)
        switch p.kind {
        case .dns:
            break
        case .notDNS(let reason):
            if reason == .unsupportedLinkType { counters.unsupportedLinkType &+= 1 } else { counters.notDNS &+= 1 }
            return
        case .icmpQuotedDNS:
            counters.icmpQuotedDNS &+= 1
            return
        case .ipFragment:
            counters.ipFragments &+= 1
            return
        case .malformed:
            counters.malformedPackets &+= 1
            return
        }
        let payload = UnsafeRawBufferPointer(rebasing: packet[p.payloadOffset..<(p.payloadOffset + p.payloadLength)])
        var event = DNSEvent(
            timestamp: timestamp, input: input, transport: p.transport == .tcp ? .tcp : .udp,
            markers: p.captureTruncated ? .captureTruncated : [],
            source: p.source, destination: p.destination, sourcePort: p.sourcePort, destinationPort: p.destinationPort)
        if p.transport == .udp {
            counters.dnsPackets &+= 1
            if p.captureTruncated { counters.captureTruncated &+= 1 }
            event.layout = MessageLayout(decoding: payload)
            batch.append(event, message: payload)
            return
        }
        // DNS over TCP (RFC 7766 §8): 2-byte length, then the message; whole messages only for now.
        guard payload.count > 0 else {
            counters.tcpControl &+= 1
            return
        }
        var offset = 0
        var found = 0
        while offset + 2 <= payload.count {
            let length = Int(payload.loadBigEndianUInt16(at: offset))
            let start = offset + 2
            if start + length > payload.count {
                // A message cut by the snap length is decoded as far as it goes; otherwise it needs reassembly.
                if p.captureTruncated {
                    let partial = UnsafeRawBufferPointer(rebasing: payload[start...])
                    event.layout = MessageLayout(decoding: partial)
                    batch.append(event, message: partial)
                    counters.captureTruncated &+= 1
                    found += 1
                }
                break
            }
            let message = UnsafeRawBufferPointer(rebasing: payload[start..<(start + length)])
            event.layout = MessageLayout(decoding: message)
            batch.append(event, message: message)
            found += 1
            offset = start + length
        }
        if found > 0 { counters.dnsPackets &+= 1 } else { counters.tcpIncomplete &+= 1 }
    }
}
