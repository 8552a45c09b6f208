import Foundation
public import Hummingbird
import HTTPTypes

/// Who may call the API: API keys (`X-API-Key`) and one user with a password (HTTP Basic), as dnstap-receiver's
/// API allows both.
public struct APICredentials: Sendable {
    public var keys: [String]
    public var user: String?
    public var password: String?
    /// Serve without credentials: only when told it is a demo (`api: {demo: true}` / `--api-demo`).
    public var demo: Bool

    public init(keys: [String] = [], user: String? = nil, password: String? = nil, demo: Bool = false) {
        self.keys = keys
        self.user = user
        self.password = password
        self.demo = demo
    }

    /// Secrets nobody should run with: the defaults of many tools, and a few more.
    public static let wellKnown: Set<String> = [
        "changeme", "change-me", "admin", "password", "secret", "default", "sonde", "test", "123456", "12345678",
        "letmein", "root", "guest", "apikey", "api-key", "token",
    ]

    /// Why these credentials may not be used (nil: fine). Empty or well-known secrets are refused unless `demo`.
    public func problem() -> String? {
        if demo { return nil }
        let secrets = keys + (password.map { [$0] } ?? [])
        if secrets.isEmpty {
            return "the API needs credentials: api_key or user and password in the api section (or SONDE_API_KEY, SONDE_API_PASSWORD, api_key_file, password_file); demo: true serves it open"
        }
        if keys.contains(where: \.isEmpty) || password == "" { return "an API key or password is empty" }
        for s in secrets where Self.wellKnown.contains(s.lowercased()) {
            return "the API secret is a well-known default (\"\(s.prefix(3))…\"): choose another, or demo: true"
        }
        if password != nil && (user ?? "").isEmpty { return "a password needs a user" }
        return nil
    }

    /// Whether a request's headers carry valid credentials.
    func accepts(_ headers: HTTPFields) -> Bool {
        if demo { return true }
        if let key = headers[HTTPField.Name("X-API-Key")!] {
            // Every key is compared in full, so the time taken says nothing about which one nearly matched.
            var ok = false
            for k in keys where Self.equal(k, key) { ok = true }
            if ok { return true }
        }
        if let user, let password, let auth = headers[.authorization], auth.lowercased().hasPrefix("basic ") {
            let encoded = auth.dropFirst(6).trimmingCharacters(in: .whitespaces)
            guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8),
                let colon = text.firstIndex(of: ":")
            else { return false }
            let u = Self.equal(user, String(text[..<colon]))
            let p = Self.equal(password, String(text[text.index(after: colon)...]))
            return u && p
        }
        return false
    }

    /// Compares two strings in time that depends on their lengths only.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }
}

/// Answers 401, with nothing else said, to a request without valid credentials; `/health` and `/ready` are open
/// (load balancers and systemd ask them), and so is `/`, the dashboard's page, which holds no data: it asks the
/// API, with the key it is given.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let credentials: APICredentials
    let open: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if open.contains(request.uri.path) || credentials.accepts(request.headers) {
            return try await next(request, context)
        }
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Basic realm=\"sonde\""
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "unauthorized\n")))
    }
}

/// Answers 405 Method Not Allowed, with the `Allow` header, to a method a known route does not take (the router
/// alone would say 404, as if the path did not exist).
struct MethodMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: [String: [HTTPRequest.Method]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let methods = routes[request.uri.path], !methods.contains(request.method), !(request.method == .head && methods.contains(.get)) {
            var headers = HTTPFields()
            headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
            headers[.contentType] = "application/json"
            return Response(status: .methodNotAllowed, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"error":"method not allowed"}"#)))
        }
        return try await next(request, context)
    }
}
