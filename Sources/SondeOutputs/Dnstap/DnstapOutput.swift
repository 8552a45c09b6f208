#if canImport(Glibc)
import Glibc
#endif
public import SondeCore
public import SondeDNS
import SondeFrameStreams

/// Writes events as dnstap: to a file (unidirectional Frame Streams, readable by `dnstap -r` and `sonde read`), or
/// forwarded to a dnstap receiver over TCP, TLS or a unix socket (see ``DnstapForwarder``).
///
/// `--output dnstap+tcp://collector:6000`, `dnstap+unix:///run/collector.sock`, `dnstap+tls://host:6443`,
/// `dnstap:///var/log/sonde/events.dnstap` (a file); or `kind: dnstap` with `path:` or `forward:`.
public final class DnstapOutput: OutputComponent {
    public static let kind = "dnstap"
    public static let schemes = ["dnstap", "dnstap+file", "dnstap+tcp", "dnstap+tls", "dnstap+unix"]
    public static let reference = ComponentReference("""
        - kind: dnstap           # events as dnstap; events from captures become CLIENT_QUERY / CLIENT_RESPONSE
          path: <none>           # a dnstap file (Frame Streams), or ...     flag --write-dnstap FILE
          forward: <none>        # ... a receiver: tcp://host:port, tls://host:port, unix:///path   flag --forward URL
                                 # (bidirectional handshake; reconnects with back-off)
                                 # --output dnstap+tcp://host:6000, dnstap+unix:///path, dnstap:///path/file.dnstap
          identity: <unchanged>  # replaces the identity of every frame     flag --dnstap-identity
          buffer_frames: 100000  # frames held while the receiver is away; beyond, dropped and counted
          tls_certificate: <none> # forward: client certificate and key (PEM)
          tls_key: <none>
          tls_ca: <none>         # forward: CA to check the receiver against (default: the system's)
          tls_verify: true
        """)


    public let path: String?
    public let endpoint: SocketEndpoint?
    public let tls: SocketTLSConfiguration
    /// Replaces the identity of every frame.
    public let identity: String?
    let defaultIdentity: String
    /// Frames held while the receiver is away; beyond, dropped and counted.
    public let bufferFrames: Int

    public static func settings(from url: ComponentURL) throws(SondeError) -> [(String, String)] {
        switch url.scheme {
        case "dnstap", "dnstap+file":
            guard !url.path.isEmpty else { throw SondeError("\(url.redacted): give the file's path (dnstap:///var/log/x.dnstap)") }
            return [("path", url.path)] + url.query
        case "dnstap+unix":
            return [("forward", "unix://" + url.path)] + url.query
        default:
            let target = url.scheme == "dnstap+tls" ? "tls" : "tcp"
            guard let host = url.hosts.first else { throw SondeError("\(url.redacted): no host:port") }
            return [("forward", "\(target)://\(host)")] + url.query
        }
    }

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        path = s.string("path")
        var endpoint: SocketEndpoint?
        if let text = s.string("forward") {
            do { endpoint = try SocketEndpoint(parsing: text) } catch { s.report("forward", error.description) }
        }
        self.endpoint = endpoint
        var tls = SocketTLSConfiguration()
        tls.certificate = s.string("tls_certificate")
        tls.key = s.string("tls_key")
        tls.ca = s.string("tls_ca")
        if let v = s.bool("tls_verify") { tls.verify = v }
        self.tls = tls
        identity = s.string("identity")
        defaultIdentity = context.identity
        bufferFrames = s.int("buffer_frames", 0...100_000_000) ?? 100_000
        if (path == nil) == (endpoint == nil) && !s.has("forward") {
            s.report(nil, "a dnstap output needs exactly one of `path` (a file) and `forward` (a receiver URL)")
            return nil
        }
    }

    public var writesMessageBytes: Bool { true }

    public var summary: String { path.map { "dnstap file \($0)" } ?? "dnstap to \(endpoint.map { "\($0)" } ?? "?")" }

    public func makeEncoder() -> any EventEncoder {
        DnstapFrameEncoder(writer: DnstapFrameWriter(identity: identity, captureIdentity: defaultIdentity, version: "sonde \(SondeVersion.string)"))
    }

    public func check() throws {
        if let path {
            let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw SondeError("dnstap output: cannot create \(path): \(String(cString: strerror(errno)))") }
            close(fd)
        }
    }

    public func makeWriter(context: ComponentContext) throws -> any ChunkWriter {
        if let path { return try DnstapFileWriter(path: path) }
        return DnstapForwardWriter(forwarder: try DnstapForwarder(endpoint: endpoint!, tls: tls, bufferFrames: bufferFrames, log: context.log))
    }
}

/// Encodes events as Frame Streams data frames.
struct DnstapFrameEncoder: EventEncoder {
    let writer: DnstapFrameWriter

    mutating func encode(_ rows: borrowing EventRows, into out: inout OutputBuffer, sink: inout ChunkSink) {
        for i in 0..<rows.count {
            writer.write(rows.event(i).pointee, rows.message(i), into: &out)
            sink.eventWritten(&out)
        }
    }
}

/// A dnstap file: START, the frames, STOP.
final class DnstapFileWriter: ChunkWriter {
    let path: String
    var fd: Int32

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SondeError("dnstap output: cannot create \(path): \(String(cString: strerror(errno)))") }
        try put(FrameStreamControl(.start, contentTypes: [FrameStreamControl.dnstapContentType]).encoded())
    }

    func write(_ chunk: EncodedChunk) throws {
        let bytes = chunk.bytes
        let e = bytes.writeAll(to: fd)
        if e != 0 { throw SondeError("dnstap output: cannot write \(path): \(String(cString: strerror(e)))") }
    }

    private func put(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write(EncodedChunk(bytes: $0, events: 0)) } }

    func close() throws {
        guard fd >= 0 else { return }
        defer {
            Glibc.close(fd)
            fd = -1
        }
        try put(FrameStreamControl(.stop).encoded())
    }
}

/// Frames forwarded to a receiver.
final class DnstapForwardWriter: ChunkWriter {
    let forwarder: DnstapForwarder

    init(forwarder: DnstapForwarder) { self.forwarder = forwarder }

    func write(_ chunk: EncodedChunk) throws {
        let dropped = forwarder.send(chunk.bytes, frames: chunk.events)
        if dropped > 0 {
            throw SondeError("dnstap output: \(forwarder.endpoint) unreachable and \(forwarder.bufferFrames) frames already waiting: \(dropped) frames dropped")
        }
    }

    var undelivered: Int { Int(forwarder.droppedAtEnd) }

    func close() throws {
        forwarder.finish()
        if forwarder.droppedFrames > 0 {
            throw SondeError("\(forwarder.droppedFrames) dnstap frames dropped while \(forwarder.endpoint) was unreachable")
        }
    }
}
