import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SondeCore
import SondeDNS
import SondePacket
import XCTest

@testable import SondeHTTP

/// The API over a real socket: authentication, the statistics routes against what was counted, errors.
final class APIServerTests: XCTestCase {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var server: APIServer!
    var stats: StatsStore!
    var client: HTTPClient!

    override func setUpWithError() throws {
        stats = StatsStore(capacity: 64, maxStreams: 4)
        stats.makeShard().add(try Self.batch())
        let content = APIContent(stats: stats, pipeline: nil, metrics: MetricsExporter { [] }) { (true, "") }
        server = try APIServer(
            host: "127.0.0.1", port: 0, content: content,
            credentials: APICredentials(keys: ["k-3f9a1c7e"], user: "oncall", password: "p-8d2b6e0f"),
            eventLoopGroup: Self.group, logger: Logger(label: "test"))
        client = HTTPClient(eventLoopGroupProvider: .shared(Self.group))
    }

    override func tearDownWithError() throws {
        server.stop()
        try client.syncShutdown()
    }

    /// Ten queries for a.test. and b.test. from two clients, and their responses (two NXDOMAIN).
    static func batch() throws -> EventBatch {
        var batch = EventBatch(identity: "resolver-1")
        for i in 0..<20 {
            let response = i >= 10
            let name = i % 5 == 0 ? "b.test." : "a.test."
            var m: [UInt8] = [0, UInt8(i % 10), response ? 0x81 : 0x01, response ? (i % 5 == 0 ? 0x83 : 0x80) : 0, 0, 1, 0, 0, 0, 0, 0, 0]
            for label in name.split(separator: ".") {
                m.append(UInt8(label.utf8.count))
                m += label.utf8
            }
            m += [0, 0, 1, 0, 1]
            let client = IPAddress(ipv4: i % 2 == 0 ? 0x0A00_0001 : 0x0A00_0002)
            let server = IPAddress(ipv4: 0x0A00_0035)
            m.withUnsafeBytes { bytes in
                var e = DNSEvent(
                    timestamp: 1_700_000_000_000_000_000 + Int64(i), input: .pcap, transport: .udp, source: response ? server : client,
                    destination: response ? client : server, sourcePort: response ? 53 : 40000, destinationPort: response ? 40000 : 53,
                    layout: MessageLayout(decoding: bytes))
                if response { e.latency = 2_000_000 }
                batch.append(e, message: bytes)
            }
        }
        return batch
    }

    func get(_ path: String, method: HTTPMethod = .GET, headers: [(String, String)] = [("X-API-Key", "k-3f9a1c7e")]) throws -> (status: Int, body: String, type: String?) {
        var request = try HTTPClient.Request(url: "http://\(server.localAddress)\(path)", method: method)
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        let r = try client.execute(request: request).wait()
        let body = r.body.map { String(buffer: $0) } ?? ""
        return (Int(r.status.code), body, r.headers.first(name: "Content-Type"))
    }

    func json(_ path: String) throws -> [String: Any] {
        let r = try get(path)
        XCTAssertEqual(r.status, 200, r.body)
        return try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as! [String: Any]
    }

    func testWithoutCredentialsEveryRouteButHealthIs401AndSaysNothing() throws {
        for path in ["/api/v1/counters", "/api/v1/tables", "/api/v1/streams", "/api/v1/outputs", "/metrics", "/openapi.yaml", "/nowhere"] {
            for headers in [[], [("X-API-Key", "wrong")], [("Authorization", "Basic " + Data("oncall:wrong".utf8).base64EncodedString())],
                [("Authorization", "Basic " + Data("other:p-8d2b6e0f".utf8).base64EncodedString())], [("Authorization", "Basic !!!")]]
            {
                let r = try get(path, headers: headers)
                XCTAssertEqual(r.status, 401, "\(path) \(headers)")
                XCTAssertEqual(r.body, "unauthorized\n")
            }
        }
        XCTAssertEqual(try get("/api/v1/reset", method: .DELETE, headers: []).status, 401)
        XCTAssertEqual(stats.snapshot().counters.messages, 20, "an unauthorised reset did nothing")
        XCTAssertEqual(try get("/health", headers: []).status, 200)
        XCTAssertEqual(try get("/ready", headers: []).status, 200)
        XCTAssertEqual(try get("/", headers: []).status, 200, "the dashboard's page holds no data")
    }

    func testAKeyOrBasicCredentialsAreAccepted() throws {
        XCTAssertEqual(try get("/api/v1/counters").status, 200)
        let basic = "Basic " + Data("oncall:p-8d2b6e0f".utf8).base64EncodedString()
        XCTAssertEqual(try get("/api/v1/counters", headers: [("Authorization", basic)]).status, 200)
    }

    func testCountersAreWhatWasCounted() throws {
        let c = try json("/api/v1/counters")
        XCTAssertEqual(c["messages"] as? Int, 20)
        XCTAssertEqual(c["queries"] as? Int, 10)
        XCTAssertEqual(c["responses"] as? Int, 10)
        XCTAssertEqual(c["clients"] as? Int, 2)
        XCTAssertEqual(c["domains"] as? Int, 2)
        XCTAssertEqual(c["rcode"] as? [String: Int], ["NOERROR": 8, "NXDOMAIN": 2])
        XCTAssertEqual(c["qtype"] as? [String: Int], ["A": 10])
        XCTAssertEqual((c["protocol"] as? [String: Int])?["udp"], 20)
        let latency = c["latency"] as! [String: Any]
        XCTAssertEqual((latency["buckets"] as? [String: Int])?["1_10ms"], 10)
        XCTAssertEqual(latency["answered"] as? Int, 10)
        XCTAssertEqual(latency["p50_ms"] as? Double ?? 0, 2, accuracy: 0.01)
        XCTAssertEqual(c["since"] as? String, "2023-11-14T22:13:20.000000000Z")
    }

    func testTablesStreamsAndReset() throws {
        let t = try json("/api/v1/tables?n=1")
        let tables = t["tables"] as! [String: [[String: Any]]]
        XCTAssertEqual(tables["domains"]?.count, 1)
        XCTAssertEqual(tables["domains"]?.first?["key"] as? String, "a.test.")
        XCTAssertEqual(tables["domains"]?.first?["count"] as? Int, 16)
        XCTAssertEqual(tables["nxdomain"]?.first?["key"] as? String, "b.test.")
        XCTAssertEqual(tables["clients"]?.first?["count"] as? Int, 5)
        let only = try json("/api/v1/tables?table=rcodes&n=5")["tables"] as! [String: Any]
        XCTAssertEqual(Array(only.keys), ["rcodes"])
        let streams = try json("/api/v1/streams")["streams"] as! [[String: Any]]
        XCTAssertEqual(streams.first?["name"] as? String, "resolver-1")
        XCTAssertEqual(try json("/api/v1/counters?stream=resolver-1")["messages"] as? Int, 20)
        XCTAssertEqual(try get("/api/v1/reset?stream=resolver-1", method: .DELETE).status, 200)
        XCTAssertEqual(try json("/api/v1/counters?stream=resolver-1")["messages"] as? Int, 0)
        XCTAssertEqual(try json("/api/v1/counters")["messages"] as? Int, 20, "a stream's reset leaves the totals")
        XCTAssertEqual(try get("/api/v1/reset", method: .DELETE).status, 200)
        XCTAssertEqual(try json("/api/v1/counters")["messages"] as? Int, 0)
    }

    func testBadParametersAreClearErrors() throws {
        for (path, status) in [
            ("/api/v1/tables?n=0", 400), ("/api/v1/tables?n=abc", 400), ("/api/v1/tables?n=100000", 400),
            ("/api/v1/tables?table=nope", 400), ("/api/v1/counters?window=yesterday", 400), ("/api/v1/counters?window=last:99999", 400),
            ("/api/v1/counters?stream=nope", 404), ("/api/v1/counters?stream=resolver-1&window=current", 400),
        ] {
            let r = try get(path)
            XCTAssertEqual(r.status, status, path)
            XCTAssertEqual(r.type, "application/json", path)
            XCTAssertNotNil((try? JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any])?["error"], path)
        }
        XCTAssertEqual(try get("/api/v1/counters?window=last:2").status, 200)
        XCTAssertEqual(try get("/api/v1/counters?window=last:99").status, 200, "more intervals than kept: those kept")
        // A known route with a method it does not take: 405 and what it takes.
        let put = try get("/api/v1/counters", method: .PUT)
        XCTAssertEqual(put.status, 405)
        XCTAssertEqual(try get("/api/v1/reset", method: .GET).status, 405)
        XCTAssertEqual(try get("/api/v1/nowhere").status, 404)
        XCTAssertEqual(try get("/api/v1/counters?window=current").status, 200)
    }

    func testTheDashboardAndTheOpenAPIDocumentAreServed() throws {
        let page = try get("/")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.body.contains("<title>Sonde</title>"))
        XCTAssertFalse(page.body.contains("http://") || page.body.contains("https://"), "the page loads nothing from elsewhere")
        let doc = try get("/openapi.yaml")
        XCTAssertEqual(doc.status, 200)
        // Every route the server answers is in the document, and every path of the document is answered.
        let paths = doc.body.split(separator: "\n").filter { $0.hasPrefix("  /") }.map { String($0.dropFirst(2).dropLast()) }
        XCTAssertEqual(
            Set(paths), ["/health", "/ready", "/metrics", "/openapi.yaml", "/", "/api/v1/counters", "/api/v1/tables", "/api/v1/streams", "/api/v1/outputs", "/api/v1/reset",
                "/api/v1/events",
            ])
        // The event tail needs a pipeline, which this server has not: EventStreamTests has one.
        for p in paths where p != "/api/v1/reset" && p != "/api/v1/events" { XCTAssertEqual(try get(p).status, 200, p) }
    }

    func testEmptyAndWellKnownSecretsAreRefused() {
        XCTAssertNotNil(APICredentials().problem())
        XCTAssertNil(APICredentials(demo: true).problem())
        XCTAssertNotNil(APICredentials(keys: ["changeme"]).problem())
        XCTAssertNotNil(APICredentials(keys: [""]).problem())
        XCTAssertNotNil(APICredentials(user: "admin", password: "admin").problem())
        XCTAssertNotNil(APICredentials(user: "x", password: "").problem())
        XCTAssertNotNil(APICredentials(password: "s3cr3t-long").problem(), "a password needs a user")
        XCTAssertNil(APICredentials(keys: ["k-3f9a1c7e"]).problem())
        XCTAssertTrue(APICredentials.equal("abc", "abc"))
        XCTAssertFalse(APICredentials.equal("abc", "abd"))
        XCTAssertFalse(APICredentials.equal("abc", "abcd"))
    }
}
