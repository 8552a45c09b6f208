import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SondeCore

/// Fetches lists and databases given by http(s) URL (domain lists, as dnsmonster allows), with the shared
/// AsyncHTTPClient: redirects followed, TLS checked against the system's trust store, a time limit and a size
/// limit. It runs on the reload thread, never on a producer's.
enum URLFetcher {
    static let limit = 256 << 20

    static func fetch(_ url: String) throws -> [UInt8] {
        var request = try HTTPClient.Request(url: url)
        request.headers.add(name: "User-Agent", value: "sonde/\(SondeVersion.string)")
        let response = try HTTPClient.shared.execute(request: request, deadline: .now() + .seconds(60)).wait()
        guard (200..<300).contains(response.status.code) else {
            throw SondeError("\(url): HTTP \(response.status.code) \(response.status.reasonPhrase)")
        }
        guard var body = response.body else { return [] }
        guard body.readableBytes <= limit else { throw SondeError("\(url): larger than \(limit) octets") }
        return body.readBytes(length: body.readableBytes) ?? []
    }
}
