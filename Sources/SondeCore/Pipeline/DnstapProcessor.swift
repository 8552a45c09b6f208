public import SondeDNS
public import SondeDnstap
public import SondePacket

/// Turns dnstap frames into events: decodes the protobuf in place, then the DNS message it carries. Shared by
/// every dnstap input (files, servers, clients).
public struct DnstapProcessor: Sendable {
    /// What was seen.
    public var counters = DnstapCounters()

    public init() {}

    /// Decodes `frame` and appends its event to `batch`; an invalid frame is counted and skipped.
    ///
    /// - Parameter receivedAt: nanoseconds since the epoch, used when the message carries no time.
    @inlinable
    public mutating func process(frame: UnsafeRawBufferPointer, receivedAt: Int64, into batch: inout EventBatch) {
        counters.frames &+= 1
        counters.bytes &+= UInt64(frame.count)
        let d: DnstapLayout
        do {
            d = try DnstapLayout(decoding: frame)
        } catch {
            counters.invalidFrames &+= 1
            return
        }
        counters.events &+= 1
        var e = DNSEvent(
            timestamp: receivedAt, input: .dnstap, transport: Self.transport(d.socketProtocol),
            source: .unspecifiedIPv4, destination: .unspecifiedIPv4, sourcePort: 0, destinationPort: 0)
        let v6 = d.socketFamily == 2
        let queryAddress = Self.address(d.queryAddress.bytes(in: frame), v6: v6)
        let responseAddress = Self.address(d.responseAddress.bytes(in: frame), v6: v6)
        let queryTime = d.queryTime
        let responseTime = d.responseTime
        if d.isQuery {
            e.source = queryAddress
            e.destination = responseAddress
            e.sourcePort = UInt16(truncatingIfNeeded: d.queryPort)
            e.destinationPort = UInt16(truncatingIfNeeded: d.responsePort)
            e.timestamp = queryTime ?? responseTime ?? receivedAt
        } else {
            e.source = responseAddress
            e.destination = queryAddress
            e.sourcePort = UInt16(truncatingIfNeeded: d.responsePort)
            e.destinationPort = UInt16(truncatingIfNeeded: d.queryPort)
            e.timestamp = responseTime ?? queryTime ?? receivedAt
            if let q = queryTime, let r = responseTime, r >= q { e.latency = r - q }
        }
        let message = d.dnsMessage
        if message.isPresent {
            e.layout = MessageLayout(decoding: message.bytes(in: frame))
        } else {
            e.markers.insert(.noMessage)
            counters.withoutMessage &+= 1
        }
        e.dnstap = d
        batch.append(e, frame: frame, message: message)
    }

    /// `SocketProtocol` 1…7 are the transports Sonde names in the same order; anything else reads as UDP.
    @inlinable
    static func transport(_ p: UInt32) -> TransportProtocol {
        (p >= 1 && p <= 7) ? TransportProtocol(rawValue: UInt8(p - 1))! : .udp
    }

    /// An address field: 4 octets IPv4, 16 octets IPv6; absent or another length reads as the unspecified
    /// address of the socket family.
    @inlinable
    static func address(_ b: UnsafeRawBufferPointer, v6: Bool) -> IPAddress {
        if b.count == 4 {
            return IPAddress(ipv4: UInt32(bigEndian: b.loadUnaligned(as: UInt32.self)))
        }
        if b.count == 16 {
            return IPAddress(
                ipv6High: UInt64(bigEndian: b.loadUnaligned(as: UInt64.self)),
                low: UInt64(bigEndian: b.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        return v6 ? IPAddress(ipv6High: 0, low: 0) : .unspecifiedIPv4
    }
}
