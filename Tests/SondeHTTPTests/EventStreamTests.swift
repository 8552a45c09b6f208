import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import SondeCore
import SondeTransforms
import XCTest

@testable import SondeHTTP

/// `GET /api/v1/events` over a real socket: server-sent events with the pipeline's filter expressions, the limit
/// and the timeout ending the stream, drops reported to the slow reader, the bound on tails, and errors.
final class EventStreamTests: XCTestCase {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let key = "k-3f9a1c7e"
    var server: APIServer!
    var pipeline: Pipeline!
    var client: HTTPClient!

    func start(tail: EventTail = EventTail()) throws {
        let stats = StatsStore(capacity: 64, maxStreams: 4)
        pipeline = Pipeline(global: [], outputs: [], reloads: ReloadHub(), stats: nil, tail: tail)
        let content = APIContent(
            stats: stats, pipeline: pipeline, metrics: MetricsExporter { [] }, filter: { try FilterExpression(parsing: $0) }
        ) { (true, "") }
        server = try APIServer(
            host: "127.0.0.1", port: 0, content: content, credentials: APICredentials(keys: [Self.key]),
            eventLoopGroup: Self.group, logger: Logger(label: "test"))
        client = HTTPClient(eventLoopGroupProvider: .shared(Self.group))
    }

    override func tearDownWithError() throws {
        server?.stop()
        try client?.syncShutdown()
    }

    func request(_ query: String, key: String? = key) throws -> EventLoopFuture<HTTPClient.Response> {
        var r = try HTTPClient.Request(url: "http://\(server.localAddress)/api/v1/events\(query)")
        if let key { r.headers.add(name: "X-API-Key", value: key) }
        return client.execute(request: r)
    }

    /// Waits until `n` tails are open.
    func waitForSubscribers(_ n: Int) {
        let deadline = Date().addingTimeInterval(5)
        while pipeline.tail.subscribers != n && Date() < deadline { usleep(10_000) }
        XCTAssertEqual(pipeline.tail.subscribers, n)
    }

    /// The stream's events: (event name, data).
    func parse(_ body: String) -> [(String, String)] {
        body.components(separatedBy: "\n\n").compactMap { block in
            var name = "message", data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            return data.map { (name, $0) }
        }
    }

    func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    func testFilteredEventsUntilTheLimitThenTheEnd() throws {
        try start()
        let future = try request("?filter=rcode%20%3D%20NXDOMAIN&limit=3&timeout=10")
        waitForSubscribers(1)
        let producer = pipeline.makeProducer()
        // Two NXDOMAIN responses per batch.
        for _ in 0..<2 {
            var batch = try APIServerTests.batch()
            producer.consume(&batch)
        }
        let r = try future.wait()
        XCTAssertEqual(r.status.code, 200)
        XCTAssertEqual(r.headers.first(name: "Content-Type"), "text/event-stream")
        let events = parse(r.body.map { String(buffer: $0) } ?? "")
        let data = events.filter { $0.0 == "message" }.map { object($0.1) }
        XCTAssertEqual(data.count, 3, "\(events)")
        XCTAssertTrue(data.allSatisfy { $0["rcode"] as? String == "NXDOMAIN" }, "\(data)")
        XCTAssertEqual(data.first?["qname"] as? String, "b.test.")
        let end = try XCTUnwrap(events.last)
        XCTAssertEqual(end.0, "end")
        XCTAssertEqual(object(end.1)["reason"] as? String, "limit")
        XCTAssertEqual(object(end.1)["events"] as? Int, 3)
        waitForSubscribers(0)
        XCTAssertFalse(pipeline.tail.isActive)
    }

    func testTheTimeoutEndsAQuietStream() throws {
        try start()
        let began = Date()
        let r = try request("?timeout=0.5").wait()
        XCTAssertEqual(r.status.code, 200)
        XCTAssertLessThan(Date().timeIntervalSince(began), 3)
        let events = parse(r.body.map { String(buffer: $0) } ?? "")
        XCTAssertEqual(events.map(\.0), ["end"])
        XCTAssertEqual(object(events[0].1)["reason"] as? String, "timeout")
    }

    func testWithoutATimeoutTheStreamLastsUntilTheServerStops() throws {
        try start()
        let future = try request("?filter=response")
        waitForSubscribers(1)
        var batch = try APIServerTests.batch()
        pipeline.makeProducer().consume(&batch)
        usleep(300_000)
        server.stop()
        server = nil
        let events = parse(try future.wait().body.map { String(buffer: $0) } ?? "")
        XCTAssertEqual(events.filter { $0.0 == "message" }.count, 10)
        XCTAssertEqual(events.last.flatMap { object($0.1)["reason"] as? String }, "shutdown")
    }

    func testAClientThatGoesAwayFreesItsTailAtOnce() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else { throw XCTSkip("curl is not installed") }
        try start(tail: EventTail(maxSubscribers: 1))
        // curl gives up after half a second, without a word to the server, which never writes in between.
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-sN", "--max-time", "0.5", "-H", "X-API-Key: \(Self.key)", "http://\(server.localAddress)/api/v1/events"]
        curl.standardOutput = FileHandle.nullDevice
        try curl.run()
        curl.waitUntilExit()
        let deadline = Date().addingTimeInterval(1)
        while pipeline.tail.subscribers != 0 && Date() < deadline { usleep(10_000) }
        XCTAssertEqual(pipeline.tail.subscribers, 0, "the tail is freed within a second, not at the next keep-alive")
        XCTAssertEqual(try request("?timeout=0.1").wait().status.code, 200)
    }

    func testASlowReaderIsToldWhatItMissed() throws {
        try start(tail: EventTail(maxSubscribers: 8, bufferBytes: 2048))
        let future = try request("?timeout=1")
        waitForSubscribers(1)
        let producer = pipeline.makeProducer()
        // 100 events at once: more than the buffer holds before the reader's next look.
        for _ in 0..<5 {
            var batch = try APIServerTests.batch()
            producer.consume(&batch)
        }
        let r = try future.wait()
        let events = parse(r.body.map { String(buffer: $0) } ?? "")
        let delivered = events.filter { $0.0 == "message" }.count
        let dropped = events.filter { $0.0 == "dropped" }.map { object($0.1)["dropped"] as? Int ?? 0 }.reduce(0, +)
        XCTAssertGreaterThan(dropped, 0, "\(events.map(\.0))")
        XCTAssertEqual(delivered + dropped, 100)
        XCTAssertEqual(object(events.last?.1 ?? "")["dropped"] as? Int, dropped)
        XCTAssertEqual(pipeline.tail.eventsDropped, UInt64(dropped))
    }

    func testTailsAreBoundedAndRequestsChecked() throws {
        try start(tail: EventTail(maxSubscribers: 1))
        let open = try request("?timeout=3")
        waitForSubscribers(1)
        let busy = try request("?timeout=1").wait()
        XCTAssertEqual(busy.status.code, 503)
        for (query, status) in [
            ("?filter=rcode%20%3D", 400), ("?filter=nosuchfield%20%3D%201", 400), ("?limit=0", 400), ("?limit=x", 400),
            ("?timeout=0", 400), ("?limt=5", 400), ("?timeout=-1", 400), ("?timeout=nan", 400), ("?timeout=90000", 400),
        ] {
            let r = try request(query).wait()
            XCTAssertEqual(r.status.code, UInt(status), query)
            XCTAssertEqual(r.headers.first(name: "Content-Type"), "application/json", query)
        }
        XCTAssertEqual(try request("?timeout=1", key: nil).wait().status.code, 401)
        XCTAssertEqual(try request("?timeout=1", key: "wrong").wait().status.code, 401)
        // Stopping the server ends the open tail at once.
        let began = Date()
        server.stop()
        server = nil
        let r = try open.wait()
        XCTAssertLessThan(Date().timeIntervalSince(began), 2.5)
        XCTAssertEqual(parse(r.body.map { String(buffer: $0) } ?? "").last.flatMap { object($0.1)["reason"] as? String }, "shutdown")
    }
}
