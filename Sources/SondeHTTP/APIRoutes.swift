public import Hummingbird
import NIOCore
import SondeCore

/// The API's routes (documented in ``OpenAPIDocument``, whose paths the tests compare with these).
enum APIRoutes {
    /// Every route and its methods (``MethodMiddleware`` answers 405 for others).
    static let methods: [String: [HTTPRequest.Method]] = [
        "/health": [.get], "/ready": [.get], "/metrics": [.get], "/openapi.yaml": [.get], "/": [.get],
        "/api/v1/counters": [.get], "/api/v1/tables": [.get], "/api/v1/streams": [.get], "/api/v1/outputs": [.get],
        "/api/v1/reset": [.delete], "/api/v1/events": [.get],
    ]

    static func add(to router: Router<APIRequestContext>, content: APIContent) {
        router.get("/health") { _, _ in json(#"{"status":"ok"}"#) }
        router.get("/ready") { _, _ in
            let (ready, why) = content.ready()
            var o = StatsJSON.Object()
            o.string("status", ready ? "ready" : "starting")
            if !ready { o.string("detail", why) }
            return json(o.finished(), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            response(content.metrics.render(), type: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/openapi.yaml") { _, _ in response(Array(OpenAPIDocument.text.utf8), type: "application/yaml") }
        router.get("/") { _, _ in response(Array(Dashboard.html.utf8), type: "text/html; charset=utf-8") }
        router.get("/api/v1/counters") { request, _ in
            let q = try Query(request, content.stats)
            let s = content.stats.snapshot(stream: q.stream, window: q.window)
            let rates = q.stream == nil && q.window == .total ? content.stats.rate : nil
            return json(StatsJSON.counters(s, stream: q.stream, window: q.windowName, rates: rates.map { ($0.queries, $0.responses, $0.peakQueries, $0.peakResponses) }))
        }
        router.get("/api/v1/tables") { request, _ in
            let q = try Query(request, content.stats)
            let s = content.stats.snapshot(stream: q.stream, window: q.window)
            return json(StatsJSON.tables(s, n: q.n, stream: q.stream, window: q.windowName, only: q.table))
        }
        router.get("/api/v1/streams") { _, _ in json(StatsJSON.streams(content.stats)) }
        router.get("/api/v1/outputs") { _, _ in json(StatsJSON.outputs(content.pipeline)) }
        addEvents(to: router, content: content)
        router.delete("/api/v1/reset") { request, _ in
            let q = try Query(request, content.stats)
            content.stats.reset(stream: q.stream)
            var o = StatsJSON.Object()
            o.string("reset", q.stream ?? "all")
            return json(o.finished())
        }
    }

    /// The query parameters the statistics routes share, checked.
    struct Query {
        var stream: String?
        var window: StatsStore.Window = .total
        var windowName = "total"
        var n = 10
        var table: String?

        init(_ request: Request, _ stats: StatsStore) throws {
            let p = request.uri.queryParameters
            if let s = p["stream"].map(String.init), !s.isEmpty {
                guard stats.streams.contains(s) else { throw APIError(.notFound, "no stream named \(s) (see /api/v1/streams)") }
                stream = s
            }
            if let w = p["window"].map(String.init) {
                switch w {
                case "total": window = .total
                case "current": window = .current
                case "last": window = .last(1)
                default:
                    guard w.hasPrefix("last:"), let k = Int(w.dropFirst(5)), k >= 1, k <= 9999 else {
                        throw APIError(.badRequest, "window: total, current, last or last:N (N from 1 to 9999)")
                    }
                    // More intervals than are kept: all that are kept.
                    window = .last(min(k, stats.keptIntervals))
                }
                if stream != nil && window != .total { throw APIError(.badRequest, "a stream's statistics are kept since start only (window=total)") }
                windowName = w
            }
            if let text = p["n"].map(String.init) {
                guard let v = Int(text), v >= 1, v <= stats.capacity else { throw APIError(.badRequest, "n: a number from 1 to \(stats.capacity)") }
                n = v
            }
            if let t = p["table"].map(String.init) {
                guard StatsJSON.tableNames.contains(t) else { throw APIError(.badRequest, "table: one of \(StatsJSON.tableNames.joined(separator: ", "))") }
                table = t
            }
        }
    }

    static func json(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        response(Array(body.utf8), type: "application/json", status: status)
    }

    static func response(_ body: [UInt8], type: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// Hummingbird's basic context, with the connection: the event tail ends when its client has gone, which it would
/// otherwise learn only at its next write.
struct APIRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// A request the API refuses, with its reason as JSON (`{"error": "..."}`).
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var o = StatsJSON.Object()
        o.string("error", message)
        return APIRoutes.json(o.finished(), status: status)
    }
}
