import Foundation
import XCTest

/// Live capture against a real DNS server: two network namespaces joined by a veth pair (`scripts/netns/`),
/// Unbound serving in one, `dig` asking from the other, Sonde capturing in the server's namespace. Every query and
/// answer must come out as an event, the same as `tcpdump -w` recorded on the same interface, including TCP and an
/// IP-fragmented answer; filters, sampling and deduplication are checked against their counters.
final class LiveCaptureTests: XCTestCase {
    static let scripts = Integration.repo.appendingPathComponent("scripts/netns")
    /// A short prefix: interface names are `${prefix}a0`/`${prefix}b0` (15 characters at most).
    let prefix = "sit\(getpid() % 10_000)"
    var serverNamespace: String { "\(prefix)-b" }
    var serverInterface: String { "\(prefix)b0" }
    var work: URL!
    var environment: [String: String] { ["NETNS_PREFIX": prefix] }

    override func setUpWithError() throws {
        guard getuid() == 0 else {
            if ProcessInfo.processInfo.environment["CI"] != nil { throw TestError("live capture tests need root") }
            throw XCTSkip("live capture tests need root (network namespaces, CAP_NET_RAW)")
        }
        _ = try Integration.tool("unbound", package: "unbound")
        _ = try Integration.tool("dig", package: "bind9-dnsutils")
        _ = try Integration.tool("tcpdump", package: "tcpdump")
        work = try Integration.temporaryDirectory()
        try script("up.sh")
        try script("unbound.sh", ["start", work.appendingPathComponent("unbound").path])
    }

    override func tearDownWithError() throws {
        guard let work else { return }
        _ = try? Integration.run("/bin/bash", [Self.scripts.appendingPathComponent("unbound.sh").path, "stop", work.appendingPathComponent("unbound").path], environment: environment)
        _ = try? Integration.run("/bin/bash", [Self.scripts.appendingPathComponent("down.sh").path], environment: environment)
        try? FileManager.default.removeItem(at: work)
    }

    @discardableResult
    func script(_ name: String, _ arguments: [String] = []) throws -> Integration.Output {
        let out = try Integration.run(
            "/bin/bash", [Self.scripts.appendingPathComponent(name).path] + arguments, timeout: 90, environment: environment)
        guard out.status == 0 else { throw TestError("\(name) \(arguments) failed: \(out.stdout)\(out.stderr)") }
        return out
    }

    /// `proto qname qtype rcode` lines of `queries.sh` (proto udp4, tcp4, udp6, tcp6).
    func sendQueries() throws -> [[String]] {
        try script("queries.sh").stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }

    func events(_ sonde: SondeRun) -> [[String: Any]] { jsonLines(sonde.eventLines) }

    /// Waits until the capture counters `names` (`received`, `kernel_drops`, …) of the server interface, summed, reach
    /// `count` in Sonde's `/metrics` at `url` (true), or 20 s pass (false).
    @discardableResult
    func waitForCapture(_ sonde: SondeRun, url: String, _ names: [String], toReach count: Int) -> Bool {
        sonde.background.wait(timeout: 20) {
            names.map { Integration.metric("sonde_capture_\($0)_total{interface=\"\(serverInterface)\"}", from: url, namespace: serverNamespace) ?? 0 }
                .reduce(0, +) >= count
        }
    }

    /// The fields two decodes of one packet share (times differ: tcpdump's socket stamps its copy separately,
    /// in microseconds).
    static func key(_ e: [String: Any]) -> String {
        ["src_ip", "src_port", "dst_ip", "dst_port", "protocol", "id", "response", "qname", "qtype", "rcode", "size", "an_count"]
            .map { "\(e[$0] ?? "-")" }.joined(separator: "|")
    }

    func testEveryQueryAndAnswerOnTheVethMatchesTcpdump() throws {
        let pcap = work.appendingPathComponent("tcpdump.pcap").path
        let tcpdump = try Background(
            "/usr/sbin/ip",
            ["netns", "exec", serverNamespace, "tcpdump", "-n", "-U", "--immediate-mode", "-i", serverInterface, "-w", pcap,
             "port 53 or (ip[6:2] & 0x1fff != 0) or (ip6[6] == 44)"])
        XCTAssertTrue(tcpdump.wait(timeout: 10) { tcpdump.stderr.contains("listening on") }, tcpdump.stderr)
        let sonde = try SondeRun(
            ["--interface", serverInterface, "-f", "json", "--summary-format", "json", "--identity", "live-test"],
            namespace: serverNamespace)
        let queries = try sendQueries()
        XCTAssertEqual(queries.count, 10)
        sonde.waitForEvents(2 * queries.count)
        usleep(300_000)
        let summary = sonde.stop()
        // tcpdump writes a packet (-U) only once it has read it from its ring, and on SIGINT it exits without
        // reading what is left there. Without --immediate-mode libpcap uses TPACKET_V3, whose block the kernel hands
        // over only after tcpdump's 1 s timeout: stopped within that second, tcpdump wrote nothing ("0 packets
        // captured, 40 packets received by filter"). Even with it, stop tcpdump only once its file holds every
        // message dig exchanged.
        func recorded() -> (Integration.Output, [[String: Any]]) {
            let read = (try? Integration.run(Integration.binary.path, ["read", pcap, "-f", "json", "--no-summary"])) ?? .init(status: -1, stdout: "", stderr: "")
            return (read, jsonLines(read.stdout.split(separator: "\n")))
        }
        let written = tcpdump.wait(timeout: 20) { recorded().1.count >= 2 * queries.count }
        _ = tcpdump.stop(signal: SIGINT)
        let live = events(sonde)
        XCTAssertEqual(live.count, 2 * queries.count, sonde.background.stderr)

        // Each query once as a query and once answered, with the right family, transport and rcode.
        for q in queries {
            let (proto, qname, qtype, rcode) = (q[0], q[1], q[2], q[3])
            let family = proto.hasSuffix("6") ? "INET6" : "INET"
            let transport = proto.hasPrefix("tcp") ? "TCP" : "UDP"
            let server = family == "INET" ? "198.18.0.2" : "2001:db8:53::2"
            let matching = live.filter {
                $0["qname"] as? String == qname + "." && $0["qtype"] as? String == qtype && $0["family"] as? String == family
                    && $0["protocol"] as? String == transport
            }
            let asked = matching.filter { $0["response"] as? Bool == false }
            let answered = matching.filter { $0["response"] as? Bool == true }
            XCTAssertEqual(asked.count, 1, "\(q)")
            XCTAssertEqual(answered.count, 1, "\(q)")
            XCTAssertEqual(asked.first?["dst_ip"] as? String, server, "\(q)")
            XCTAssertEqual(asked.first?["dst_port"] as? Int, 53, "\(q)")
            XCTAssertEqual(answered.first?["rcode"] as? String, rcode, "\(q)")
            XCTAssertEqual(answered.first?["input"] as? String, "live")
            XCTAssertEqual(answered.first?["identity"] as? String, "live-test")
            XCTAssertNotNil(answered.first?["latency"], "\(q): matched to its query")
            if qtype == "TXT" {
                XCTAssertEqual(answered.first?["ip_defragmented"] as? Bool, true, "\(q): the ~3.2 kB answer came in fragments")
                XCTAssertEqual(answered.first?["an_count"] as? Int, 12)
            }
        }

        // The same messages as Sonde reading what tcpdump wrote.
        let (read, recorded) = recorded()
        XCTAssertEqual(read.status, 0, read.stderr)
        XCTAssertEqual(recorded.count, live.count, "all written before SIGINT: \(written); tcpdump: \(tcpdump.stderr)")
        XCTAssertEqual(live.map(Self.key).sorted(), recorded.map(Self.key).sorted())

        // Accounting: everything the kernel accepted was read, nothing dropped; off-port datagrams never got in.
        let capture = try XCTUnwrap(summary["capture"] as? [String: Any], sonde.background.stderr)
        XCTAssertEqual(capture["kernel_drops"] as? Int, 0)
        XCTAssertEqual(capture["kernel_packets"] as? Int, capture["received"] as? Int)
        XCTAssertEqual(capture["received"] as? Int, capture["decoded"] as? Int)
        XCTAssertEqual(summary["not_dns"] as? Int, 0, "the default filter keeps off-port traffic in the kernel")
        XCTAssertEqual(summary["malformed_packets"] as? Int, 0)
        XCTAssertEqual(summary["answered"] as? Int, queries.count)
        XCTAssertEqual(summary["interfaces"] as? [String], [serverInterface])
    }

    func testLoopbackSeesEachPacketOnce() throws {
        let sonde = try SondeRun(["--interface", "lo", "-f", "json", "--summary-format", "json"], namespace: serverNamespace)
        // Inside the server's namespace, traffic to its own address goes over lo.
        for (qname, tcp) in [("a.sonde.test", false), ("aaaa.sonde.test", false), ("a.sonde.test", true)] {
            let dig = try Integration.run(
                "/usr/sbin/ip",
                ["netns", "exec", serverNamespace, "dig", "+time=2", "+tries=1", tcp ? "+tcp" : "+notcp", "@198.18.0.2", qname, "A"])
            XCTAssertEqual(dig.status, 0, dig.stdout + dig.stderr)
        }
        sonde.waitForEvents(6)
        usleep(300_000)
        let summary = sonde.stop()
        let all = events(sonde)
        XCTAssertEqual(all.count, 6, sonde.background.stderr)
        XCTAssertEqual(all.filter { $0["response"] as? Bool == true }.count, 3)
        let capture = try XCTUnwrap(summary["capture"] as? [String: Any])
        let received = try XCTUnwrap(capture["received"] as? Int)
        XCTAssertEqual(capture["loopback_copies"] as? Int, received / 2, "every loopback packet is seen leaving and arriving")
    }

    func testTwoInterfacesAtOnce() throws {
        let sonde = try SondeRun(
            ["--interface", serverInterface, "--interface", "lo", "-f", "json", "--summary-format", "json"], namespace: serverNamespace)
        // Over the veth from the client side, and over lo from the server's own namespace.
        let queries = try sendQueries()
        let dig = try Integration.run(
            "/usr/sbin/ip", ["netns", "exec", serverNamespace, "dig", "+time=2", "+tries=1", "@198.18.0.2", "lo.sonde.test", "A"])
        XCTAssertEqual(dig.status, 0, dig.stdout + dig.stderr)
        sonde.waitForEvents(2 * queries.count + 2)
        usleep(300_000)
        let summary = sonde.stop()
        let all = events(sonde)
        XCTAssertEqual(all.count, 2 * queries.count + 2, sonde.background.stderr)
        XCTAssertEqual(all.filter { $0["qname"] as? String == "lo.sonde.test." }.count, 2)
        XCTAssertEqual(summary["interfaces"] as? [String], [serverInterface, "lo"])
        XCTAssertEqual(summary["answered"] as? Int, queries.count + 1)
    }

    func testTheFilterKeepsOnlyWhatItSays() throws {
        // Only the off-port datagrams to 9999 (3 over IPv4, 3 over IPv6): none of the DNS traffic reaches Sonde.
        let sonde = try SondeRun(
            ["--interface", serverInterface, "--filter", "udp dst port 9999", "--metrics-listen", "127.0.0.1:0", "-f", "json",
             "--summary-format", "json"],
            namespace: serverNamespace)
        let url = try XCTUnwrap(sonde.metricsURL(), sonde.background.stderr)
        _ = try sendQueries()
        waitForCapture(sonde, url: url, ["received"], toReach: 6)
        let summary = sonde.stop()
        XCTAssertEqual(events(sonde).count, 0)
        let capture = try XCTUnwrap(summary["capture"] as? [String: Any], sonde.background.stderr)
        XCTAssertEqual(capture["kernel_packets"] as? Int, 6, sonde.background.stderr)
        XCTAssertEqual(summary["not_dns"] as? Int, 6)
        XCTAssertTrue(sonde.background.stderr.contains("filter \"udp dst port 9999\""))

        let bad = try Integration.run(
            "/usr/sbin/ip", ["netns", "exec", serverNamespace, Integration.binary.path, "run", "-i", serverInterface, "--filter", "port fifty"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("bad filter \"port fifty\""), bad.stderr)
        let missing = try Integration.run(Integration.binary.path, ["run", "-i", "nosuchif0"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no network interface named \"nosuchif0\""), missing.stderr)
    }

    /// Sends `count` distinct queries to port 5353 (where nothing answers), each `repeat` times, from the client side.
    func sendFrames(_ count: Int = 50, repeat times: Int) throws {
        let out = try Integration.run(
            "/usr/sbin/ip",
            ["netns", "exec", "\(prefix)-a", "python3", Self.scripts.appendingPathComponent("send-frames.py").path, "\(prefix)a0", "\(count)", "\(times)"])
        XCTAssertEqual(out.status, 0, out.stderr)
    }

    /// A Sonde that stops reading (SIGSTOP) while a burst arrives: its small ring overflows, and every packet is
    /// either an event or a kernel drop, none unaccounted.
    func testRingOverflowIsCountedPacketForPacket() throws {
        let sonde = try SondeRun(
            ["--interface", serverInterface, "--port", "5353", "--ring-block-size", "4096", "--ring-blocks", "4",
             "--ring-timeout", "10", "--metrics-listen", "127.0.0.1:0", "-f", "json", "--summary-format", "json"],
            namespace: serverNamespace)
        let url = try XCTUnwrap(sonde.metricsURL(), sonde.background.stderr)
        kill(sonde.background.process.processIdentifier, SIGSTOP)
        try sendFrames(3_000, repeat: 1)
        kill(sonde.background.process.processIdentifier, SIGCONT)
        waitForCapture(sonde, url: url, ["received", "kernel_drops"], toReach: 3_000)
        let summary = sonde.stop()
        let c = try XCTUnwrap(summary["capture"] as? [String: Any], sonde.background.stderr)
        let received = try XCTUnwrap(c["received"] as? Int)
        let drops = try XCTUnwrap(c["kernel_drops"] as? Int)
        XCTAssertGreaterThan(drops, 0, "a 16 KB ring cannot hold 3,000 packets: \(c)")
        XCTAssertEqual(received + drops, 3_000, "\(c)")
        XCTAssertEqual(c["kernel_packets"] as? Int, 3_000, "\(c)")
        XCTAssertEqual(events(sonde).count, received)
    }

    func testDeduplicationDropsRepeatsAndSaysSo() throws {
        let sonde = try SondeRun(
            ["--interface", serverInterface, "--port", "5353", "--dedup", "100", "--metrics-listen", "127.0.0.1:0", "-f", "json",
             "--summary-format", "json"],
            namespace: serverNamespace)
        let url = try XCTUnwrap(sonde.metricsURL(), sonde.background.stderr)
        try sendFrames(repeat: 2)
        waitForCapture(sonde, url: url, ["received"], toReach: 100)
        let summary = sonde.stop()
        XCTAssertEqual(events(sonde).count, 50, sonde.background.stderr)
        let c = try XCTUnwrap(summary["capture"] as? [String: Any])
        XCTAssertEqual(c["received"] as? Int, 100, "\(c)")
        XCTAssertEqual(c["duplicates"] as? Int, 50, "\(c)")
        XCTAssertEqual(c["decoded"] as? Int, 50, "\(c)")
    }

    func testMetricsAgreeWithTheSummary() throws {
        let sonde = try SondeRun(
            ["--interface", serverInterface, "--port", "5353", "--dedup", "100", "--metrics-listen", "127.0.0.1:0", "-f", "json",
             "--summary-format", "json"],
            namespace: serverNamespace)
        let url = try XCTUnwrap(sonde.metricsURL(), sonde.background.stderr)
        try sendFrames(repeat: 2)
        XCTAssertTrue(sonde.waitForEvents(50))
        waitForCapture(sonde, url: url, ["received"], toReach: 100)
        let scrape = try Integration.run("/usr/sbin/ip", ["netns", "exec", serverNamespace, "curl", "-sf", url])
        XCTAssertEqual(scrape.status, 0, scrape.stderr)
        let labels = "{interface=\"\(serverInterface)\"}"
        for expected in [
            "sonde_events_total 50", "sonde_capture_kernel_packets_total\(labels) 100", "sonde_capture_received_total\(labels) 100",
            "sonde_capture_duplicates_total\(labels) 50", "sonde_capture_kernel_drops_total\(labels) 0",
            "sonde_capture_packets_total{interface=\"\(serverInterface)\",outcome=\"dns\"} 50",
        ] {
            XCTAssertTrue(scrape.stdout.contains(expected + "\n"), "no \(expected) in\n\(scrape.stdout)")
        }
        let missing = try Integration.run("/usr/sbin/ip", ["netns", "exec", serverNamespace, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url + "x"])
        XCTAssertEqual(missing.stdout, "404")
        sonde.stop()
    }

    /// The interface goes down under Sonde and comes back: it says so, does not spin, and captures again.
    func testTheInterfaceGoingDownAndUp() throws {
        let sonde = try SondeRun(
            ["--interface", serverInterface, "--port", "5353", "-f", "json", "--summary-format", "json"], namespace: serverNamespace)
        try sendFrames(repeat: 1)
        XCTAssertTrue(sonde.waitForEvents(50))
        let link = ["netns", "exec", serverNamespace, "ip", "link", "set", serverInterface]
        XCTAssertEqual(try Integration.run("/usr/sbin/ip", link + ["down"]).status, 0)
        XCTAssertTrue(sonde.background.wait(timeout: 5) { sonde.background.stderr.contains("Network is down") }, sonde.background.stderr)
        // Idle while down: well under a tenth of a core (a socket error left pending would make every poll return).
        let pid = sonde.background.process.processIdentifier
        func cpuTicks() -> Int {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
            return fields.count > 13 ? Int(fields[11])! + Int(fields[12])! : 0
        }
        let before = cpuTicks()
        sleep(2)
        XCTAssertLessThan(cpuTicks() - before, 20, "CPU ticks in 2 s while the interface was down")
        XCTAssertEqual(try Integration.run("/usr/sbin/ip", link + ["up"]).status, 0)
        // The carrier comes back asynchronously (the kernel's link watch): send once both ends say the link is up
        // rather than after a fixed second (it took 11-25 ms here, with both cores busy too).
        let bothUp = sonde.background.wait(timeout: 20) {
            [("\(prefix)-a", "\(prefix)a0"), (serverNamespace, serverInterface)].allSatisfy { ns, interface in
                (try? Integration.run("/usr/sbin/ip", ["-n", ns, "link", "show", interface]))?.stdout.contains("state UP") ?? false
            }
        }
        XCTAssertTrue(bothUp, "the veth did not come back up")
        try sendFrames(repeat: 1)
        XCTAssertTrue(sonde.waitForEvents(100), sonde.background.stderr)
        XCTAssertTrue(sonde.background.stderr.contains("\(serverInterface): capturing again"))
        sonde.stop()
    }

    /// `sonde run … | head -3` ends by itself once head has its lines, as tcpdump does.
    func testAReaderThatGoesAwayEndsTheRun() throws {
        let pipeline = try Background(
            "/bin/bash",
            ["-c", "ip netns exec \(serverNamespace) \(Integration.binary.path) run -i \(serverInterface) -p 5353 -f json | head -3"])
        XCTAssertTrue(pipeline.wait(timeout: 10) { pipeline.stderr.contains("capturing on") }, pipeline.stderr)
        // Sonde learns that head has gone from its next write after head exits; head exits once it has read its
        // lines, which may be after a second burst has been written into the pipe. Send bursts until Sonde ends.
        var ended = false
        for _ in 0..<10 where !ended {
            try sendFrames(repeat: 1)
            ended = pipeline.wait(timeout: 2) { !pipeline.process.isRunning }
        }
        XCTAssertTrue(ended, "still running: \(pipeline.stderr)")
        XCTAssertEqual(pipeline.stop(), 0)
        XCTAssertEqual(pipeline.stdout.split(separator: "\n").count, 3)
        XCTAssertTrue(pipeline.stderr.contains("the output's reader has gone; stopping"), pipeline.stderr)
    }

    func testWithoutDeduplicationRepeatsAreEvents() throws {
        let sonde = try SondeRun(["--interface", serverInterface, "--port", "5353", "-f", "json"], namespace: serverNamespace)
        try sendFrames(repeat: 2)
        XCTAssertTrue(sonde.waitForEvents(100))
        sonde.stop()
    }

    func testSamplingKeepsAOfEveryB() throws {
        let sonde = try SondeRun(
            ["--interface", serverInterface, "--port", "5353", "--sample", "1:4", "--metrics-listen", "127.0.0.1:0", "-f", "json",
             "--summary-format", "json"],
            namespace: serverNamespace)
        let url = try XCTUnwrap(sonde.metricsURL(), sonde.background.stderr)
        try sendFrames(repeat: 2)
        waitForCapture(sonde, url: url, ["received"], toReach: 100)
        let summary = sonde.stop()
        let c = try XCTUnwrap(summary["capture"] as? [String: Any])
        XCTAssertEqual(c["received"] as? Int, 100, "\(c)")
        XCTAssertEqual(c["sampled_out"] as? Int, 75, "\(c)")
        XCTAssertEqual(events(sonde).count, 25)
    }

    /// dnsperf load from the client side, with two capture threads sharing the interface: every completed query
    /// is one query event and one answered response, and the kernel dropped nothing.
    func testDnsperfLoadWithFanout() throws {
        let dnsperf = try Integration.tool("dnsperf", package: "dnsperf")
        let list = work.appendingPathComponent("queries.txt")
        try "a.sonde.test A\naaaa.sonde.test AAAA\nnx.sonde.test A\n".write(to: list, atomically: true, encoding: .utf8)
        let sonde = try SondeRun(
            ["--interface", serverInterface, "--fanout", "2", "-f", "json", "--summary-format", "json"], namespace: serverNamespace)
        let load = try Integration.run(
            "/usr/sbin/ip",
            ["netns", "exec", "\(prefix)-a", dnsperf, "-s", "198.18.0.2", "-d", list.path, "-l", "4", "-Q", "2000", "-c", "4"],
            timeout: 60)
        XCTAssertEqual(load.status, 0, load.stderr)
        let completed = try XCTUnwrap(
            load.stdout.split(separator: "\n").first { $0.contains("Queries completed:") }
                .flatMap { Int($0.split(separator: " ").dropFirst(2).first ?? "") }, load.stdout)
        XCTAssertGreaterThan(completed, 4_000)
        sonde.waitForEvents(2 * completed, timeout: 30)
        usleep(300_000)
        let summary = sonde.stop()
        let all = events(sonde)
        XCTAssertEqual(all.filter { $0["response"] as? Bool == false }.count, completed, "queries")
        XCTAssertEqual(all.filter { $0["response"] as? Bool == true }.count, completed, "responses")
        XCTAssertEqual(summary["answered"] as? Int, completed, "each flow stays on one thread, so every answer finds its query")
        let c = try XCTUnwrap(summary["capture"] as? [String: Any])
        XCTAssertEqual(c["kernel_drops"] as? Int, 0)
        XCTAssertTrue(sonde.background.stderr.contains("(2 threads)"), sonde.background.stderr)
    }

    /// Without CAP_NET_RAW the error says what to do; with the capability on the binary an ordinary user captures.
    func testPrivileges() throws {
        let capsh = try Integration.tool("capsh", package: "libcap2-bin")
        let setcap = try Integration.tool("setcap", package: "libcap2-bin")
        let denied = try Integration.run(capsh, ["--drop=cap_net_raw", "--", "-c", "\(Integration.binary.path) run -i lo"])
        XCTAssertEqual(denied.status, 1)
        XCTAssertTrue(denied.stderr.contains("capturing needs the CAP_NET_RAW capability"), denied.stderr)
        XCTAssertTrue(denied.stderr.contains("setcap cap_net_raw,cap_net_admin=eip"), denied.stderr)

        // A copy of the binary with the capabilities, run as nobody (the documented way to run without root).
        let dir = work.appendingPathComponent("unprivileged")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        chmod(work.path, 0o755)
        let copy = dir.appendingPathComponent("sonde").path
        try FileManager.default.copyItem(atPath: Integration.binary.path, toPath: copy)
        chmod(copy, 0o755)
        let granted = try Integration.run(setcap, ["cap_net_raw,cap_net_admin=eip", copy])
        XCTAssertEqual(granted.status, 0, granted.stderr)
        let user = try Background(
            "/usr/sbin/ip",
            ["netns", "exec", serverNamespace, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", copy, "run",
             "-i", serverInterface, "-f", "json"])
        XCTAssertTrue(user.wait(timeout: 15) { user.stderr.contains("capturing on") || !user.process.isRunning }, user.stderr)
        _ = try sendQueries()
        XCTAssertTrue(user.wait(timeout: 10) { user.stdout.split(separator: "\n").count >= 20 }, user.stderr)
        XCTAssertEqual(user.stop(), 0, user.stderr)
    }
}
