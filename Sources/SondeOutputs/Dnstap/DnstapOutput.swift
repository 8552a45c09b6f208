#if canImport(Glibc)
import Glibc
#endif
public import SondeCore
import SondeDNS
import SondeFrameStreams

/// Writes events as dnstap: to a file (unidirectional Frame Streams, readable by `dnstap -r` and
/// `sonde read`), or forwarded to a dnstap receiver over TCP, TLS or a unix socket (see ``DnstapForwarder``).
public final class DnstapOutput: EventOutput {
    /// The component kind.
    public static let kind = "dnstap"
    public var kind: String { Self.kind }

    private let writer: DnstapFrameWriter
    private var buffer = OutputBuffer(capacity: 1 << 19)
    private var fd: Int32 = -1
    private let path: String?
    private let forwarder: DnstapForwarder?
    static let flushThreshold = 1 << 18

    /// Frames dropped by the forwarder while the receiver was away (0 for a file).
    public var droppedFrames: UInt64 { forwarder?.droppedFrames ?? 0 }

    public init(configuration c: OutputConfiguration, defaultIdentity: String) throws {
        writer = DnstapFrameWriter(identity: c.identity, captureIdentity: defaultIdentity, version: "sonde \(SondeVersion.string)")
        if let path = c.path {
            self.path = path
            forwarder = nil
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw SondeError("dnstap output: cannot create \(path): \(String(cString: strerror(errno)))") }
            let start = FrameStreamControl(.start, contentTypes: [FrameStreamControl.dnstapContentType]).encoded()
            start.withUnsafeBytes { buffer.append($0) }
        } else if let endpoint = c.endpoint {
            path = nil
            forwarder = try DnstapForwarder(endpoint: endpoint, tls: c.tls, bufferFrames: c.bufferFrames)
        } else {
            throw SondeError("dnstap output: give `path` (a file) or `forward` (tcp://, tls:// or unix:// receiver)")
        }
    }

    public func write(_ batch: borrowing EventBatch) throws {
        let frames = writer.write(batch, into: &buffer)
        if let forwarder {
            forwarder.send(&buffer, frames: frames)
        } else if buffer.count >= Self.flushThreshold {
            try writeFile()
        }
    }

    public func flush() throws {
        if forwarder == nil { try writeFile() }
    }

    public func finish() throws {
        if let forwarder {
            forwarder.finish()
            if forwarder.droppedFrames > 0 {
                throw SondeError("\(forwarder.droppedFrames) dnstap frames dropped while \(forwarder.endpoint) was unreachable")
            }
            return
        }
        let stop = FrameStreamControl(.stop).encoded()
        stop.withUnsafeBytes { buffer.append($0) }
        try writeFile()
        close(fd)
        fd = -1
    }

    private func writeFile() throws {
        defer { buffer.removeAll() }
        let e = buffer.write(toFileDescriptor: fd)
        if e != 0 { throw SondeError("dnstap output: cannot write \(path ?? ""): \(String(cString: strerror(e)))") }
    }
}
