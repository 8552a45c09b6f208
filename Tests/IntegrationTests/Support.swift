import Foundation
import XCTest

/// Paths and processes shared by the integration tests, which run the built `sonde` binary against real
/// software (fstrm tools, the golang dnstap tool, DNS servers). `scripts/test.sh` installs that software; a test
/// whose tool is missing is skipped on a user's machine and fails the run in CI (the script fails on any skip).
enum Integration {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let corpus: URL? = {
        let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
    }()

    /// The `sonde` binary of this build.
    static let binary: URL = {
        var dir = Bundle(for: Marker.self).bundleURL
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("sonde").path) {
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        return dir.appendingPathComponent("sonde")
    }()

    final class Marker {}

    /// A corpus dnstap file, or a skip on a user's clone.
    static func corpusFile(_ name: String) throws -> String {
        guard let corpus else { throw XCTSkip("../shared/corpus is not here (a user's clone)") }
        return corpus.appendingPathComponent("dnstap/\(name)").path
    }

    /// The full path of a tool, or a skip naming the Debian package.
    static func tool(_ name: String, package: String) throws -> String {
        for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("\(name) is not installed (Debian package \(package); scripts/test.sh installs it)")
    }

    /// A fresh directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program to completion (killed after `timeout` seconds).
    ///
    /// It uses posix_spawn and waitpid rather than Foundation's Process, which on Linux notices an exit only when
    /// every inherited descriptor has closed: a script that leaves a daemon running (the emitter scripts) would
    /// look alive for as long as the daemon.
    @discardableResult
    static func run(_ path: String, _ arguments: [String], timeout: Double = 60, environment: [String: String] = [:]) throws -> Output {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out").path, err = dir.appendingPathComponent("err").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        let env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SONDE_") }.merging(environment) { $1 }
            .map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for e in env { free(e) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, env)
        guard rc == 0 else { throw TestError("cannot start \(path): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                XCTFail("\(path) \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
                break
            }
            usleep(5_000)
        }
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(
            status: exit, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}

extension Integration {
    /// Waits until something listens on TCP `port` of 127.0.0.1, or on the unix socket `path` (true), or 10 s pass.
    @discardableResult
    static func waitForListener(port: Int? = nil, path: String? = nil, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let path, FileManager.default.fileExists(atPath: path) { return true }
            if let port, let ss = try? run("/usr/bin/ss", ["-Hltn", "sport = :\(port)"]), !ss.stdout.isEmpty { return true }
            usleep(50_000)
        }
        return false
    }

    /// The value of the metric `name` (with its labels, as `/metrics` prints them) served at `url`, read with curl
    /// (inside the network namespace `namespace` when one is given); nil when the scrape fails or has no such line.
    static func metric(_ name: String, from url: String, curl: String = "/usr/bin/curl", namespace: String? = nil) -> Int? {
        let scrape =
            if let namespace { try? run("/usr/sbin/ip", ["netns", "exec", namespace, curl, "-sf", url]) } else { try? run(curl, ["-sf", url]) }
        guard let scrape, scrape.status == 0 else { return nil }
        let line = scrape.stdout.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Double($0.dropFirst(name.count + 1)) }.map { Int($0) }
    }

    /// A CA (`ca.pem`), a server certificate for 127.0.0.1 and localhost (`server.pem`/`server.key`) and a client
    /// certificate (`client.pem`/`client.key`), made by openssl in `dir`.
    static func makeCertificates(in dir: URL) throws {
        let openssl = try tool("openssl", package: "openssl")
        func run(_ args: [String]) throws {
            let r = try Integration.run(openssl, args)
            XCTAssertEqual(r.status, 0, r.stderr)
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
}

/// A program running in the background, its output going to files.
final class Background {
    let process = Process()
    let dir: URL
    var stdoutURL: URL { dir.appendingPathComponent("stdout") }
    var stderrURL: URL { dir.appendingPathComponent("stderr") }

    init(_ path: String, _ arguments: [String]) throws {
        dir = try Integration.temporaryDirectory()
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SONDE_") }
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Waits until `condition` holds (true) or `timeout` passes (false).
    func wait(timeout: Double = 10, until condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// Sends `signal` and waits for the exit.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: Double = 20) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            XCTFail("\(process.executableURL!.path) did not stop within \(timeout) s")
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: dir)
    }
}

/// `sonde run` in the background, with its listening address.
final class SondeRun {
    let background: Background
    /// `tcp://127.0.0.1:PORT` or `unix:///path`, as Sonde printed it.
    let address: String

    /// Starts `sonde run arguments`, inside the network namespace `namespace` when one is given.
    init(_ arguments: [String], namespace: String? = nil) throws {
        let background =
            if let namespace {
                try Background("/usr/sbin/ip", ["netns", "exec", namespace, Integration.binary.path, "run"] + arguments)
            } else {
                try Background(Integration.binary.path, ["run"] + arguments)
            }
        self.background = background
        var found: String?
        _ = background.wait(timeout: 15) {
            if let line = background.stderr.split(separator: "\n").first(where: { $0.contains("listening on") || $0.contains("connecting to") || $0.contains("capturing on") }) {
                found = String(line.split(separator: " ").last!)
                return true
            }
            return !background.process.isRunning
        }
        guard let found else { throw TestError("sonde run did not start: \(background.stderr)") }
        address = found
    }

    var port: Int { Int(address.split(separator: ":").last!)! }

    /// The URL of `/metrics`, once Sonde has said where it serves them (started after the inputs).
    func metricsURL(timeout: Double = 10) -> String? {
        var found: String?
        _ = background.wait(timeout: timeout) {
            found = background.stderr.split(separator: "\n").first { $0.contains("metrics on http://") }
                .map { String($0.split(separator: " ").last!) }
            return found != nil
        }
        return found
    }

    /// Waits until `n` event lines have been written (or the timeout passes).
    @discardableResult
    func waitForEvents(_ n: Int, timeout: Double = 20) -> Bool {
        background.wait(timeout: timeout) { eventLines.count >= n }
    }

    var eventLines: [Substring] { background.stdout.split(separator: "\n") }

    /// Stops with SIGTERM; returns the JSON summary when `--summary-format json` was given.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> [String: Any] {
        let status = background.stop(signal: signal)
        XCTAssertEqual(status, 0, background.stderr)
        let last = background.stderr.split(separator: "\n").last { $0.hasPrefix("{") }
        return last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
    }
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Parses JSON lines.
func jsonLines<S: StringProtocol>(_ lines: [S]) -> [[String: Any]] {
    lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
}

/// A plain TCP or unix-socket client for playing hostile or careful peers byte by byte.
final class RawClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { close(fd); throw TestError("connect: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            off += n
        }
    }

    /// Reads what comes within the timeout; empty when the peer closed (or nothing came).
    func receive(_ max: Int = 4096) -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: max)
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, max, 0) }
        return n > 0 ? Array(buf[0..<n]) : []
    }

    /// Whether the peer closed the connection (reads end-of-file within the timeout).
    func closedByPeer() -> Bool {
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 4096, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    deinit { close(fd) }
}
