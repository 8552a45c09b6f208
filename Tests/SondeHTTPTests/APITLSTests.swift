import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import SondeCore
import XCTest

@testable import SondeHTTP

/// The API over HTTPS (`api.tls_certificate`, `api.tls_key`, and `tls_ca` for client certificates), with
/// certificates openssl makes here: a client that trusts the CA gets the counters; plain HTTP gets nothing.
final class APITLSTests: XCTestCase {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var dir: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else { throw XCTSkip("openssl is not installed") }
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-api-tls-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Self.makeCertificates(in: dir)
    }

    override func tearDownWithError() throws { if let dir { try? FileManager.default.removeItem(at: dir) } }

    /// A CA, and a server (127.0.0.1, localhost) and a client certificate it signed, as the integration tests make.
    static func makeCertificates(in dir: URL) throws {
        func run(_ args: [String]) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw SondeError("openssl \(args.first ?? ""): status \(p.terminationStatus)") }
        }
        let p = dir.path
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                 "-subj", "/CN=sonde test CA", "-keyout", "\(p)/ca.key", "-out", "\(p)/ca.pem"])
        for name in ["server", "client"] {
            try run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=\(name)",
                     "-keyout", "\(p)/\(name).key", "-out", "\(p)/\(name).csr"])
            try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: "\(p)/\(name).ext", atomically: true, encoding: .utf8)
            try run(["x509", "-req", "-in", "\(p)/\(name).csr", "-CA", "\(p)/ca.pem", "-CAkey", "\(p)/ca.key",
                     "-CAcreateserial", "-days", "2", "-extfile", "\(p)/\(name).ext", "-out", "\(p)/\(name).pem"])
        }
    }

    func serve(clientCA: Bool = false) throws -> APIServer {
        var tls = SocketTLSConfiguration()
        tls.certificate = dir.appendingPathComponent("server.pem").path
        tls.key = dir.appendingPathComponent("server.key").path
        if clientCA { tls.ca = dir.appendingPathComponent("ca.pem").path }
        let content = APIContent(stats: StatsStore(capacity: 64), pipeline: nil, metrics: MetricsExporter { [] }) { (true, "") }
        return try APIServer(
            host: "127.0.0.1", port: 0, content: content, credentials: APICredentials(keys: ["k-3f9a1c7e"]), tls: tls,
            eventLoopGroup: Self.group, logger: Logger(label: "test"))
    }

    func fetch(_ url: String, clientCertificate: Bool = false) throws -> (status: UInt, body: String) {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(dir.appendingPathComponent("ca.pem").path)
        if clientCertificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(dir.appendingPathComponent("client.pem").path).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: dir.appendingPathComponent("client.key").path, format: .pem))
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(5))
        let client = HTTPClient(eventLoopGroupProvider: .shared(Self.group), configuration: configuration)
        defer { try? client.syncShutdown() }
        var request = try HTTPClient.Request(url: url)
        request.headers.add(name: "X-API-Key", value: "k-3f9a1c7e")
        let r = try client.execute(request: request).wait()
        return (r.status.code, r.body.map { String(buffer: $0) } ?? "")
    }

    func testHTTPSServesTheAPIAndPlainHTTPGetsNothing() throws {
        let server = try serve()
        defer { server.stop() }
        XCTAssertTrue(server.usesTLS)
        let r = try fetch("https://\(server.localAddress)/api/v1/counters")
        XCTAssertEqual(r.status, 200)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [String: Any])
        XCTAssertEqual(try fetch("https://localhost:\(server.localAddress.split(separator: ":").last!)/health").status, 200)
        XCTAssertThrowsError(try fetch("http://\(server.localAddress)/api/v1/counters"), "plain HTTP to the TLS listener")
    }

    func testWithACAClientsMustPresentACertificateItSigned() throws {
        let server = try serve(clientCA: true)
        defer { server.stop() }
        XCTAssertEqual(try fetch("https://\(server.localAddress)/api/v1/counters", clientCertificate: true).status, 200)
        XCTAssertThrowsError(try fetch("https://\(server.localAddress)/api/v1/counters"), "no client certificate")
    }

    func testUnreadableFilesAreAClearError() throws {
        var tls = SocketTLSConfiguration()
        tls.certificate = dir.appendingPathComponent("missing.pem").path
        tls.key = dir.appendingPathComponent("server.key").path
        XCTAssertThrowsError(try APIServer.tlsConfiguration(tls)) { error in
            XCTAssertTrue("\(error)".contains("missing.pem"), "\(error)")
        }
    }
}
