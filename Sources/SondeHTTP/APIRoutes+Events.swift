import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import SondeCore

/// `GET /api/v1/events`: the live event tail as server-sent events.
///
/// Each event is `data: <the event's JSON line>`; events a slow reader could not take (its buffer was full) are
/// dropped for it alone and reported to it as `event: dropped` with `{"dropped": N}`; the end of the stream (its
/// `limit` or `timeout` reached, or Sonde stopping) is `event: end` with what was sent and dropped. Without
/// `timeout` the stream lasts until the client goes away; a comment every 10 s keeps proxies from closing it.
extension APIRoutes {
    /// How often the reader looks for new events, and how long a silent stream waits before a keep-alive comment.
    static let tailPoll: Duration = .milliseconds(100)  // keep in step with the 0.1 below
    static let keepAliveSeconds = 10.0

    static func addEvents(to router: Router<APIRequestContext>, content: APIContent) {
        router.get("/api/v1/events") { request, context in
            let channel = context.channel
            guard let tail = content.pipeline?.tail else { throw APIError(.notFound, "no event tail here") }
            let q = try TailQuery(request, compile: content.filter)
            guard let subscription = tail.subscribe(filter: q.filter, limit: q.limit) else {
                throw APIError(.serviceUnavailable, "\(tail.maxSubscribers) event tails are open already: try again later")
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-store"
            // nginx would otherwise hold the events back in its buffer.
            headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
            // Hummingbird keeps a connection whose client closed its side half-open, so only a watcher in front of
            // the pipeline learns at once that the client has gone (a write would tell only at the next keep-alive).
            let watcher = ClientGoneWatcher()
            try await channel.pipeline.addHandler(watcher, position: .first).get()
            let body = ResponseBody { writer in
                defer {
                    tail.unsubscribe(subscription)
                    channel.pipeline.removeHandler(watcher, promise: nil)
                }
                let start = SondeThread.now()
                let deadline = q.timeout.map { start + $0 } ?? .infinity
                // Sent at once, so the client sees the stream open before the first event.
                try await writer.write(ByteBuffer(string: ": sonde event tail\n\n"))
                var lastWrite = start
                var reason = "timeout"
                while true {
                    let (bytes, dropped, finished) = subscription.take()
                    var out = ByteBuffer()
                    if dropped > 0 { out.writeString("event: dropped\ndata: {\"dropped\":\(dropped)}\n\n") }
                    out.writeBytes(bytes)
                    let now = SondeThread.now()
                    if out.readableBytes == 0 && now - lastWrite >= keepAliveSeconds { out.writeString(": keep-alive\n\n") }
                    if out.readableBytes > 0 {
                        try await writer.write(out)
                        lastWrite = now
                    }
                    if finished {
                        reason = q.limit != nil && subscription.counts.events >= UInt64(q.limit!) ? "limit" : "shutdown"
                        break
                    }
                    if now >= deadline { break }
                    if watcher.gone || !channel.isActive {
                        reason = "gone"
                        break
                    }
                    // No later than the deadline (an infinite one, without `timeout`, leaves the poll as it is).
                    let left = deadline - now
                    try await Task.sleep(for: left < 0.1 ? .milliseconds(max(1, Int(left * 1000))) : tailPoll)
                }
                let c = subscription.counts
                guard reason != "gone" else { return }
                try await writer.write(
                    ByteBuffer(string: "event: end\ndata: {\"reason\":\"\(reason)\",\"events\":\(c.events),\"dropped\":\(c.dropped)}\n\n"))
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: headers, body: body)
        }
    }

    /// The tail's query parameters, checked.
    struct TailQuery {
        var filter: (any EventPredicate)?
        var limit: Int?
        var timeout: Double?

        init(_ request: Request, compile: (@Sendable (String) throws -> any EventPredicate)?) throws {
            let p = request.uri.queryParameters
            // A misspelt `limit` or `timeout` would otherwise stream until the client gives up.
            for (name, _) in p where !["filter", "limit", "timeout"].contains(String(name)) {
                throw APIError(.badRequest, "unknown parameter \(name) (expected filter, limit, timeout)")
            }
            if let text = p["filter"].map(String.init), !text.isEmpty {
                guard let compile else { throw APIError(.badRequest, "filters are not available here") }
                do { filter = try compile(text) } catch { throw APIError(.badRequest, "\(error)") }
            }
            if let text = p["limit"].map(String.init) {
                guard let n = Int(text), (1...1_000_000).contains(n) else { throw APIError(.badRequest, "limit: a number of events from 1 to 1000000") }
                limit = n
            }
            if let text = p["timeout"].map(String.init) {
                guard let s = Double(text), s.isFinite, s > 0, s <= 86_400 else {
                    throw APIError(.badRequest, "timeout: seconds, more than 0 and at most 86400")
                }
                timeout = s
            }
        }
    }
}

/// Notes that the client closed its side of the connection (or the connection closed), passing every event on.
final class ClientGoneWatcher: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny
    private let flag = NIOLockedValueBox(false)

    var gone: Bool { flag.withLockedValue { $0 } }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .some(ChannelEvent.inputClosed) = event as? ChannelEvent { flag.withLockedValue { $0 = true } }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        flag.withLockedValue { $0 = true }
        context.fireChannelInactive()
    }
}
