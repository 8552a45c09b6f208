/// Where a dnstap socket is: `tcp://host:port`, `tls://host:port` or `unix:///path`.
public enum SocketEndpoint: Sendable, Equatable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case tls(host: String, port: Int)
    case unix(path: String)

    /// A metrics address: `host:port`, `[::1]:port` or `tcp://host:port`.
    public init(metricsAddress text: String) throws(SondeError) {
        self = try SocketEndpoint(parsing: text.contains("://") ? text : "tcp://" + text)
        guard case .tcp = self else { throw SondeError("\"\(text)\": metrics are served over plain TCP (host:port)") }
    }

    /// Parses the URL form; `host` may be an IPv6 address in brackets (`tcp://[::1]:6000`).
    public init(parsing text: String) throws(SondeError) {
        func hostPort(_ rest: Substring) throws(SondeError) -> (String, Int) {
            let host: Substring
            let portText: Substring
            if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix(":") else {
                    throw SondeError("\"\(text)\": an IPv6 address needs brackets and a port: tcp://[::1]:6000")
                }
                host = rest[rest.index(after: rest.startIndex)..<close]
                portText = rest[rest.index(close, offsetBy: 2)...]
            } else {
                guard let colon = rest.lastIndex(of: ":") else { throw SondeError("\"\(text)\" has no port (host:port)") }
                host = rest[..<colon]
                portText = rest[rest.index(after: colon)...]
            }
            guard let port = Int(portText), (0...65535).contains(port) else {
                throw SondeError("\"\(text)\": \"\(portText)\" is not a port (0-65535)")
            }
            return (host.isEmpty ? "0.0.0.0" : String(host), port)
        }
        if text.hasPrefix("tcp://") {
            let (h, p) = try hostPort(text.dropFirst(6))
            self = .tcp(host: h, port: p)
        } else if text.hasPrefix("tls://") {
            let (h, p) = try hostPort(text.dropFirst(6))
            self = .tls(host: h, port: p)
        } else if text.hasPrefix("unix://") || text.hasPrefix("unix:") {
            let path = String(text.hasPrefix("unix://") ? text.dropFirst(7) : text.dropFirst(5))
            guard path.hasPrefix("/") else { throw SondeError("\"\(text)\": a unix socket path must be absolute (unix:///run/sonde.sock)") }
            self = .unix(path: path)
        } else {
            throw SondeError("\"\(text)\" is not an endpoint (expected tcp://host:port, tls://host:port or unix:///path)")
        }
    }

    public var description: String {
        switch self {
        case .tcp(let h, let p): return "tcp://\(h.contains(":") ? "[\(h)]" : h):\(p)"
        case .tls(let h, let p): return "tls://\(h.contains(":") ? "[\(h)]" : h):\(p)"
        case .unix(let path): return "unix://\(path)"
        }
    }
}

/// TLS files of a socket input or output (PEM).
public struct SocketTLSConfiguration: Sendable, Equatable {
    /// Sonde's certificate chain and key (required to listen with TLS; optional client certificate when dialling).
    public var certificate: String?
    public var key: String?
    /// CA bundle: when listening, clients must present a certificate it signed; when dialling, the server's
    /// certificate is checked against it (default: the system's trust store).
    public var ca: String?
    /// When dialling: check the server's certificate and name (default true).
    public var verify = true

    public init() {}
}

/// One dnstap input (`inputs:` with `kind: dnstap`).
public struct DnstapInputConfiguration: Sendable, Equatable {
    /// Listen for senders (server mode) or dial a sender that listens for collectors (client mode).
    public enum Mode: String, Sendable, Equatable { case listen, connect }

    public var mode: Mode
    public var endpoint: SocketEndpoint
    public var tls = SocketTLSConfiguration()
    /// Permissions of a unix socket Sonde creates.
    public var unixMode: UInt16 = 0o660
    /// Connections served at once; more are refused and counted.
    public var maxConnections = 1024
    /// The longest data frame; longer frames are skipped and counted.
    public var maxFrameSize = 1 << 20
    /// Seconds without a byte before a connection is closed (0: never).
    public var idleTimeout = 300
    /// Client networks allowed to connect (CIDR); empty allows all.
    public var allow: [String] = []
    /// Client mode: first and longest wait between connection attempts, in seconds.
    public var retryInitial = 1.0
    public var retryMaximum = 30.0

    public init(mode: Mode = .listen, endpoint: SocketEndpoint = .tcp(host: "0.0.0.0", port: 6000)) {
        self.mode = mode
        self.endpoint = endpoint
    }
}
