public import SondeCore
public import SondeDNS
import SondeDnstap
import SondePacket

/// Turns events into dnstap frames (Frame Streams data frames), whatever input they came from.
///
/// An event from dnstap is copied verbatim, or with its `Message` copied under a new identity. An event from a
/// capture becomes `CLIENT_QUERY` or `CLIENT_RESPONSE` (the view of a server's own traffic, as other collectors
/// do), with addresses, ports, times (the query time of a matched response is its time minus the latency) and
/// the message.
public struct DnstapFrameWriter: Sendable {
    /// Replaces the identity of every frame when set.
    public var identity: [UInt8]?
    /// Identity of frames made from capture events when `identity` is not set.
    public var captureIdentity: [UInt8]
    public var version: [UInt8]

    public init(identity: String?, captureIdentity: String, version: String) {
        self.identity = identity.map { Array($0.utf8) }
        self.captureIdentity = Array(captureIdentity.utf8)
        self.version = Array(version.utf8)
    }

    /// Appends one frame per event; returns the number of frames.
    @discardableResult
    public func write(_ batch: borrowing EventBatch, into out: inout OutputBuffer) -> Int {
        batch.forEach { e, message in write(e, message, into: &out) }
        return batch.count
    }

    @inline(__always)
    public func write(_ e: DNSEvent, _ message: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        if e.hasDnstap && !e.markers.contains(.rewritten) {
            let frame = e.dnstapFrame(message)
            let d = e.dnstap
            guard let identity else {
                out.reserve(frame.count + 4)
                let n = UInt32(frame.count)
                out.uncheckedAppend(UInt8(truncatingIfNeeded: n >> 24))
                out.uncheckedAppend(UInt8(truncatingIfNeeded: n >> 16))
                out.uncheckedAppend(UInt8(truncatingIfNeeded: n >> 8))
                out.uncheckedAppend(UInt8(truncatingIfNeeded: n))
                out.append(frame)
                return
            }
            identity.withUnsafeBytes { id in
                DnstapEncoder.writeFrame(
                    identity: id, version: d.version.isPresent ? d.version.bytes(in: frame) : nil,
                    extra: d.extra.isPresent ? d.extra.bytes(in: frame) : nil, messageSize: Int(d.message.length), into: &out
                ) { $0.append(d.message.bytes(in: frame)) }
            }
            return
        }
        // A capture's event, or a dnstap event whose addresses a transform changed: the frame is written anew.
        let fromDnstap = e.hasDnstap
        let response = fromDnstap ? !e.dnstap.isQuery : e.layout.isResponse
        var m = DnstapEncoder.Message(type: fromDnstap ? e.dnstap.messageType : response ? 6 : 5)
        m.socketFamily = e.source.family == .v6 ? 2 : 1
        m.socketProtocol = UInt32(e.transport.rawValue) + 1
        var src = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var dst = src
        let srcCount = withUnsafeMutableBytes(of: &src) { e.source.writeNetworkBytes(to: $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        let dstCount = withUnsafeMutableBytes(of: &dst) { e.destination.writeNetworkBytes(to: $0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
        withUnsafeBytes(of: &src) { srcBytes in
            withUnsafeBytes(of: &dst) { dstBytes in
                let s = UnsafeRawBufferPointer(rebasing: srcBytes[0..<srcCount])
                let d = UnsafeRawBufferPointer(rebasing: dstBytes[0..<dstCount])
                if response {
                    m.queryAddress = d
                    m.responseAddress = s
                    m.queryPort = UInt32(e.destinationPort)
                    m.responsePort = UInt32(e.sourcePort)
                    m.responseTime = e.timestamp
                    if e.latency >= 0 { m.queryTime = e.timestamp - e.latency }
                    if fromDnstap { m.queryTime = e.dnstap.queryTime }
                    m.responseMessage = e.markers.contains(.noMessage) ? nil : message
                } else {
                    m.queryAddress = s
                    m.responseAddress = d
                    m.queryPort = UInt32(e.sourcePort)
                    m.responsePort = UInt32(e.destinationPort)
                    m.queryTime = e.timestamp
                    if fromDnstap { m.responseTime = e.dnstap.responseTime }
                    m.queryMessage = e.markers.contains(.noMessage) ? nil : message
                }
                let id = identity ?? captureIdentity
                id.withUnsafeBytes { idBytes in
                    version.withUnsafeBytes { v in
                        DnstapEncoder.writeFrame(identity: idBytes, version: v, message: m, into: &out)
                    }
                }
            }
        }
    }
}
