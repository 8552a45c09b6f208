/// A component given on the command line as a URL: `--output 'file:///var/log/dns.jsonl?format=json&keep=10'`,
/// `--output stdout:json`, `--output dnstap+tcp://collector:6000`, `kafka://b1:9092,b2:9092/topic`.
///
/// Parsed by hand (the forms are few and Foundation's URL rejects host lists and `stdout:json`): scheme, an optional
/// opaque part (`json` in `stdout:json`), user and password, a comma-separated list of hosts, a path and the
/// query, whose keys are written with `-` or `_` alike (`max-size` is the setting `max_size`).
public struct ComponentURL: Sendable, Equatable {
    /// The URL as given (shown in errors, with the password hidden).
    public var text: String
    /// `file`, `stdout`, `dnstap+tcp`, ...
    public var scheme: String
    /// What follows `scheme:` when there is no `//` (`json` in `stdout:json`).
    public var opaque: String?
    public var user: String?
    public var password: String?
    /// `host:port` items (IPv6 hosts keep their brackets).
    public var hosts: [String] = []
    /// The path, percent-decoded (`/var/log/sonde/dns.jsonl`), empty when absent.
    public var path: String = ""
    /// Query items in order, keys with `-` turned into `_`, values percent-decoded.
    public var query: [(String, String)] = []

    public static func == (a: ComponentURL, b: ComponentURL) -> Bool { a.text == b.text }

    /// Parses `text`.
    public init(parsing text: String) throws(SondeError) {
        self.text = text
        guard let colon = text.firstIndex(of: ":"), colon > text.startIndex else {
            throw SondeError("\"\(text)\" is not a URL (expected scheme://..., such as file:///path or stdout:json)")
        }
        scheme = text[..<colon].lowercased()
        var rest = text[text.index(after: colon)...]
        var queryText: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let slash = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = rest[..<slash]
            path = try Self.decode(String(rest[slash...]), in: text)
            if let at = authority.lastIndex(of: "@") {
                let info = authority[..<at]
                authority = authority[authority.index(after: at)...]
                if let c = info.firstIndex(of: ":") {
                    user = try Self.decode(String(info[..<c]), in: text)
                    password = try Self.decode(String(info[info.index(after: c)...]), in: text)
                } else {
                    user = try Self.decode(String(info), in: text)
                }
            }
            hosts = authority.split(separator: ",").map(String.init)
        } else {
            opaque = rest.isEmpty ? nil : try Self.decode(String(rest), in: text)
        }
        for item in queryText.split(separator: "&") where !item.isEmpty {
            let eq = item.firstIndex(of: "=") ?? item.endIndex
            let key = String(item[..<eq]).replacingDashes
            let value = eq == item.endIndex ? "true" : String(item[item.index(after: eq)...])
            query.append((key, try Self.decode(value, in: text)))
        }
    }

    /// The URL without its password, for messages.
    public var redacted: String {
        guard let password, !password.isEmpty else { return text }
        return text.replacingFirst(":" + password + "@", with: ":***@")
    }

    /// The first host's name and port (`port` when none is given).
    public func hostAndPort(defaultPort port: Int) throws(SondeError) -> (host: String, port: Int) {
        guard let first = hosts.first, !first.isEmpty else { throw SondeError("\(redacted): no host") }
        return try Self.split(first, defaultPort: port, in: redacted)
    }

    /// `host:port`, `[v6]:port` or `host` alone.
    public static func split(_ item: String, defaultPort: Int, in text: String) throws(SondeError) -> (host: String, port: Int) {
        var host = Substring(item)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw SondeError("\(text): \"\(item)\" lacks its closing bracket") }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") { portText = after.dropFirst() }
        } else if let c = host.lastIndex(of: ":") {
            portText = host[host.index(after: c)...]
            host = host[..<c]
        }
        guard let portText else { return (String(host), defaultPort) }
        guard let p = Int(portText), (1...65535).contains(p) else { throw SondeError("\(text): \"\(portText)\" is not a port (1-65535)") }
        return (String(host), p)
    }

    static func decode(_ s: String, in text: String) throws(SondeError) -> String {
        guard s.contains("%") || s.contains("+") else { return s }
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%") {
                guard bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else {
                    throw SondeError("\"\(text)\": bad percent escape in \"\(s)\"")
                }
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// `max-size` → `max_size`: URL query keys and flags may use dashes.
    var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }

    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return String(self[..<r.lowerBound]) + replacement + String(self[r.upperBound...])
    }

    /// The range of the first occurrence of `target` (no Foundation here).
    func range(of target: String) -> Range<String.Index>? {
        guard !target.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
