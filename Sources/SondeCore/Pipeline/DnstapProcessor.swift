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
    /// The event is built in the batch's own storage, and the protobuf decoded straight into it, from the batch's
    /// copy of the frame.
    /// - Parameter receivedAt: nanoseconds since the epoch, used when the message carries no time.
    @inlinable
    public mutating func process(frame: UnsafeRawBufferPointer, receivedAt: Int64, into batch: inout EventBatch) {
        counters.frames &+= 1
        counters.bytes &+= UInt64(frame.count)
        var failed = false
        var withoutMessage = false
        batch.appendDnstap(frame: frame, receivedAt: receivedAt) { e, frame in
            do {
                try e.dnstap.decode(frame)
            } catch {
                failed = true
                return nil
            }
            e.transport = Self.transport(e.dnstap.socketProtocol)
            let v6 = e.dnstap.socketFamily == 2
            let queryAddress = Self.address(e.dnstap.queryAddress.bytes(in: frame), v6: v6)
            let responseAddress = Self.address(e.dnstap.responseAddress.bytes(in: frame), v6: v6)
            let queryTime = e.dnstap.queryTime
            let responseTime = e.dnstap.responseTime
            let queryPort = UInt16(truncatingIfNeeded: e.dnstap.queryPort)
            let responsePort = UInt16(truncatingIfNeeded: e.dnstap.responsePort)
            let message = e.dnstap.dnsMessage
            if e.dnstap.isQuery {
                e.source = queryAddress
                e.destination = responseAddress
                e.sourcePort = queryPort
                e.destinationPort = responsePort
                e.timestamp = queryTime ?? responseTime ?? receivedAt
            } else {
                e.source = responseAddress
                e.destination = queryAddress
                e.sourcePort = responsePort
                e.destinationPort = queryPort
                e.timestamp = responseTime ?? queryTime ?? receivedAt
                if let q = queryTime, let r = responseTime, r >= q { e.latency = r - q }
            }
            if message.isPresent {
                e.layout = MessageLayout(decoding: message.bytes(in: frame))
            } else {
                e.markers.insert(.noMessage)
                withoutMessage = true
            }
            return message
        }
        if failed {
            counters.invalidFrames &+= 1
            return
        }
        counters.events &+= 1
        if withoutMessage { counters.withoutMessage &+= 1 }
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
