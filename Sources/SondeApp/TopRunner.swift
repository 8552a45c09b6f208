import AsyncHTTPClient
import CoreFoundation  // termios and winsize members (Glibc's types, seen through CoreFoundation's import)
import Foundation
import NIOCore
import NIOHTTP1
import SondeCore

/// `sonde top`: a live terminal view of a running Sonde, in the spirit of dnstop and htop, read from its API:
/// rates, counts, latency, rcodes, drops, and one top table at a time. Keys: `t`/Tab next table, `s` next stream,
/// `r` reset (asks first), `q` quits.
public enum TopRunner {
    public struct Options: Sendable {
        public var url: String
        public var key: String?
        public var user: String?
        public var password: String?
        public var interval: Double
        /// Print one frame and exit (scripts; no terminal needed).
        public var once: Bool
        public var rows: Int

        public init(url: String, key: String?, user: String?, password: String?, interval: Double, once: Bool, rows: Int) {
            self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
            self.key = key
            self.user = user
            self.password = password
            self.interval = interval
            self.once = once
            self.rows = rows
        }
    }

    static let tables: [(key: String, title: String)] = [
        ("domains", "domains"), ("nxdomain", "NXDOMAIN domains"), ("servfail", "SERVFAIL domains"), ("refused", "REFUSED domains"),
        ("clients", "clients by queries"), ("clients_by_bytes", "clients by bytes"), ("tlds", "TLDs"),
        ("registered_domains", "registered domains"), ("slowest", "slowest domains (µs)"), ("qtypes", "qtypes"), ("rcodes", "rcodes"),
    ]

    struct State {
        var table = 0
        var stream: String?
        var streams: [String] = []
        var message = ""
        var confirmReset = false
    }

    /// `sonde top --interface …` or `--dnstap …`: Sonde's own capture or dnstap listener, shown at once. It runs
    /// `sonde run` as a child (this binary, the API on a loopback port the kernel picks, a key made up for it and
    /// passed in its environment, the events themselves discarded) and shows that; the child stops with the view.
    /// A child rather than the pipeline in this process: the view's terminal handling and the capture's threads
    /// and signals stay apart, and the child's errors (no permission to capture, a port in use) are its own.
    public static func runOwn(inputs: [String], _ o: Options) throws -> Int32 {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-top-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("run.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        var generator = SystemRandomNumberGenerator()
        let key = (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        child.arguments = ["run"] + inputs + ["--api", "127.0.0.1:0", "--no-summary", "--stats-interval", "0", "-f", "json"]
        var environment = ProcessInfo.processInfo.environment
        environment["SONDE_API_KEY"] = key
        child.environment = environment
        child.standardInput = FileHandle.nullDevice
        child.standardOutput = FileHandle.nullDevice
        child.standardError = try FileHandle(forWritingTo: log)
        try child.run()
        defer {
            if child.isRunning {
                child.terminate()
                child.waitUntilExit()
            }
        }
        func logText() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        // The API's address, from the child's log line "… dashboard on http://127.0.0.1:PORT/ …".
        let deadline = Date().addingTimeInterval(15)
        var base: String?
        while base == nil {
            base = logText().split(separator: "\n").first { $0.contains("dashboard on http://") }
                .flatMap { $0.split(separator: " ").first { $0.hasPrefix("http://") } }
                .map { String($0.hasSuffix("/") ? $0.dropLast() : $0[...]) }
            if base != nil { break }
            guard child.isRunning else { throw SondeError("sonde run stopped: \(logText().split(separator: "\n").suffix(5).joined(separator: "\n"))") }
            guard Date() < deadline else { throw SondeError("sonde run did not start its API within 15 s: \(logText())") }
            usleep(50_000)
        }
        var own = o
        own.url = base!
        own.key = key
        own.user = nil
        return try run(own)
    }

    public static func run(_ o: Options) throws -> Int32 {
        let client = HTTPClient.shared
        var state = State()
        if o.once {
            let text = try frame(o, client, &state, width: 100, height: 40)
            emit(isatty(1) == 1 ? text : plain(text))
            return 0
        }
        guard isatty(0) == 1, isatty(1) == 1 else { throw SondeError("sonde top needs a terminal (or --once)") }
        var saved = termios()
        tcgetattr(0, &saved)
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON)
        tcsetattr(0, TCSANOW, &raw)
        emit("\u{1b}[?1049h\u{1b}[?25l")
        defer {
            emit("\u{1b}[?25h\u{1b}[?1049l")
            tcsetattr(0, TCSANOW, &saved)
        }
        while true {
            var size = winsize()
            _ = ioctl(1, UInt(TIOCGWINSZ), &size)
            let width = max(Int(size.ws_col), 60), height = max(Int(size.ws_row), 20)
            let text: String
            do { text = try frame(o, client, &state, width: width, height: height) } catch {
                text = "sonde top: \(o.url): \(error)\n(retrying; q quits)\n"
            }
            emit("\u{1b}[H\u{1b}[2J" + text)
            var p = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(o.interval * 1000)) > 0 else { continue }
            var c: UInt8 = 0
            guard read(0, &c, 1) == 1 else { continue }
            state.message = ""
            if state.confirmReset {
                state.confirmReset = false
                if c == UInt8(ascii: "y") {
                    _ = try? request(o, client, "/api/v1/reset" + (state.stream.map { "?stream=\(escape($0))" } ?? ""), method: .DELETE)
                    state.message = "reset \(state.stream ?? "all")"
                }
                continue
            }
            switch c {
            case UInt8(ascii: "q"), 3: return 0
            case UInt8(ascii: "t"), 9: state.table = (state.table + 1) % tables.count
            case UInt8(ascii: "T"): state.table = (state.table + tables.count - 1) % tables.count
            case UInt8(ascii: "s"):
                let all: [String?] = [nil] + state.streams
                let i = all.firstIndex(of: state.stream) ?? 0
                state.stream = all[(i + 1) % all.count]
            case UInt8(ascii: "r"):
                state.confirmReset = true
                state.message = "reset the statistics of \(state.stream ?? "all traffic")? y/n"
            default: break
            }
        }
    }

    /// Writes to standard output at once (a screen is one write, so the terminal does not flicker).
    static func emit(_ text: String) {
        var bytes = Array(text.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { return }
            done += n
        }
    }

    /// Text without the terminal's escape sequences.
    static func plain(_ s: String) -> String {
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "\u{1b}", let end = s[i...].firstIndex(where: { $0.isLetter && $0 != "[" }) {
                i = s.index(after: end)
                continue
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }

    static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }

    static func request(_ o: Options, _ client: HTTPClient, _ path: String, method: HTTPMethod = .GET) throws -> [String: Any] {
        var r = try HTTPClient.Request(url: o.url + path, method: method)
        if let key = o.key { r.headers.add(name: "X-API-Key", value: key) }
        if let user = o.user, let password = o.password {
            r.headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        }
        let response = try client.execute(request: r, deadline: .now() + .seconds(5)).wait()
        let body = response.body.map { String(buffer: $0) } ?? ""
        if response.status == .unauthorized { throw SondeError("401: give the API key (SONDE_API_KEY or --key-file) or user and password") }
        guard response.status == .ok else { throw SondeError("HTTP \(response.status.code): \(body.prefix(200))") }
        guard let o = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { throw SondeError("not a JSON object") }
        return o
    }

    /// One screen: the figures, then the chosen table.
    static func frame(_ o: Options, _ client: HTTPClient, _ state: inout State, width: Int, height: Int) throws -> String {
        let q = state.stream.map { "?stream=\(escape($0))" } ?? ""
        let c = try request(o, client, "/api/v1/counters" + q)
        let table = tables[state.table]
        let n = max(1, min(o.rows, height - 14))
        let t = try request(o, client, "/api/v1/tables" + (q.isEmpty ? "?" : q + "&") + "n=\(n)&table=\(table.key)")
        state.streams = ((try? request(o, client, "/api/v1/streams"))?["streams"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        let outputs = (try? request(o, client, "/api/v1/outputs"))?["outputs"] as? [[String: Any]] ?? []
        func int(_ d: [String: Any]?, _ k: String) -> Int { (d?[k] as? Int) ?? Int((d?[k] as? Double) ?? 0) }
        func num(_ d: [String: Any]?, _ k: String) -> Double { (d?[k] as? Double) ?? Double((d?[k] as? Int) ?? 0) }
        func g(_ v: Int) -> String { SummaryReport.grouped(UInt64(max(v, 0))) }
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? String(s.prefix(w)) : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        func ms(_ v: Double) -> String { v < 1 ? String(format: "%.3f", v) : v < 100 ? String(format: "%.1f", v) : String(Int(v)) }
        func pairs(_ k: String, _ limit: Int) -> String {
            let d = c[k] as? [String: Int] ?? [:]
            let list = d.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(limit)
            return list.isEmpty ? "-" : list.map { "\($0.key) \(g($0.value))" }.joined(separator: "  ")
        }
        let bold = "\u{1b}[1m", dim = "\u{1b}[2m", red = "\u{1b}[31m", reset = "\u{1b}[0m"
        var lines: [String] = []
        lines.append("\(bold)sonde top\(reset)  \(o.url)  stream: \(bold)\(state.stream ?? "all")\(reset)  \(dim)\(Date().formatted(date: .omitted, time: .standard))\(reset)")
        lines.append("")
        let latency = c["latency"] as? [String: Any]
        lines.append(
            "\(bold)\(lpad(g(Int(num(c, "queries_per_second").rounded())), 9))\(reset) queries/s  \(bold)\(lpad(g(Int(num(c, "responses_per_second").rounded())), 9))\(reset) responses/s  "
                + "\(dim)peak\(reset) \(g(Int(num(c, "peak_queries_per_second").rounded())))/\(g(Int(num(c, "peak_responses_per_second").rounded())))")
        lines.append(
            "queries \(g(int(c, "queries")))  responses \(g(int(c, "responses")))  clients ~\(g(int(c, "clients")))  domains ~\(g(int(c, "domains")))  malformed \(g(int(c, "malformed")))  unanswered \(g(int(c, "unanswered")))")
        if int(latency, "answered") > 0 {
            lines.append(
                "latency  p50 \(ms(num(latency, "p50_ms"))) ms  p90 \(ms(num(latency, "p90_ms"))) ms  p99 \(ms(num(latency, "p99_ms"))) ms  p99.9 \(ms(num(latency, "p999_ms"))) ms  max \(ms(num(latency, "max_ms"))) ms")
        } else {
            lines.append("latency  -")
        }
        lines.append("rcodes   " + pairs("rcode", 6))
        lines.append("qtypes   " + pairs("qtype", 8))
        lines.append("protocol " + pairs("protocol", 6) + "   family " + pairs("family", 2))
        var trouble: [String] = []
        for out in outputs {
            let dropped = int(out, "dropped"), failed = int(out, "failed")
            let name = out["name"] as? String ?? "?"
            if dropped > 0 || failed > 0 || (out["state"] as? String) != "running" {
                trouble.append("\(red)\(name): dropped \(g(dropped)), failed \(g(failed))\(reset)")
            } else {
                trouble.append("\(name) ok (\(g(int(out, "written"))) written, \(g(int(out, "pending"))) queued)")
            }
        }
        lines.append("outputs  " + (trouble.isEmpty ? "-" : trouble.joined(separator: "  ")))
        lines.append("")
        let entries = (t["tables"] as? [String: Any])?[table.key] as? [[String: Any]] ?? []
        let total = max(1, entries.reduce(0) { $0 + int($1, "count") })
        lines.append("\(bold)top \(table.title)\(reset)  \(dim)(\(state.table + 1)/\(tables.count))\(reset)")
        let keyWidth = max(20, width - 30)
        for e in entries {
            let count = int(e, "count"), error = int(e, "error")
            lines.append(
                "\(pad(e["key"] as? String ?? "?", keyWidth)) \(lpad(g(count), 12)) \(lpad(String(format: "%.1f%%", 100 * Double(count) / Double(total)), 6))\(error > 0 ? " \(dim)±\(g(error))\(reset)" : "")")
        }
        if entries.isEmpty { lines.append("\(dim)nothing yet\(reset)") }
        lines.append("")
        lines.append(state.message.isEmpty ? "\(dim)t/Tab next table  T previous  s next stream  r reset  q quit\(reset)" : "\(bold)\(state.message)\(reset)")
        return lines.map { $0 + "\u{1b}[K" }.joined(separator: "\n") + "\n"
    }
}
