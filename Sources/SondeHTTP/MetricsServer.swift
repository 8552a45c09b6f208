public import NIOCore
import NIOHTTP1
import NIOPosix
public import SondeCore

/// Serves `GET /metrics` (Prometheus) on a TCP address, on the given event loop group.
public final class MetricsServer: Sendable {
    private let channel: any Channel
    /// The address it listens on (port 0 becomes the port the system chose).
    public var localAddress: String {
        guard let a = channel.localAddress else { return "?" }
        let host = a.ipAddress ?? "?"
        return "\(host.contains(":") ? "[\(host)]" : host):\(a.port ?? 0)"
    }

    /// Binds `endpoint` (`tcp://host:port`) and starts serving.
    public init(endpoint: SocketEndpoint, exporter: MetricsExporter, group: any EventLoopGroup) throws {
        guard case .tcp(let host, let port) = endpoint else {
            throw SondeError("metrics listen on tcp://host:port, not \(endpoint)")
        }
        channel = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(MetricsHandler(exporter: exporter))
                }
            }
            .bind(host: host, port: port).wait()
    }

    public func stop() { try? channel.close().wait() }
}

/// Answers every request: `/metrics` with the exposition, anything else 404.
final class MetricsHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let exporter: MetricsExporter

    init(exporter: MetricsExporter) { self.exporter = exporter }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let request) = unwrapInboundIn(data) else { return }
        let found = request.method == .GET && (request.uri == "/metrics" || request.uri.hasPrefix("/metrics?"))
        let body = found ? exporter.render() : Array("not found: Sonde serves /metrics\n".utf8)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
        headers.add(name: "Content-Length", value: "\(body.count)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: request.version, status: found ? .ok : .notFound, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolatedUnsafeUnchecked().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
