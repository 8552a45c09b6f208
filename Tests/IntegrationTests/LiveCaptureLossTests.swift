import Foundation
import XCTest

/// Live capture on lossy and mixed links, in the namespaces of `scripts/netns/` with Unbound serving: TCP streams
/// whose capture lost segments (a lossy copy of the link, `scripts/netns/loss.sh`), `--interface any` across two
/// interfaces, the built-in filter with libpcap switched off, and VLAN tags.
final class LiveCaptureLossTests: XCTestCase {
    static let scripts = Integration.repo.appendingPathComponent("scripts/netns")
    static let cutSegments = Integration.repo.appendingPathComponent("Tests/SondeCoreTests/Resources/TCPGaps/cut-segments.py")
    let prefix = "sil\(getpid() % 10_000)"
    var serverNamespace: String { "\(prefix)-b" }
    var clientNamespace: String { "\(prefix)-a" }
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
        _ = try Integration.tool("tc", package: "iproute2")
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

    /// tcpdump on `interface` of the server's namespace, writing `name`.pcap; running once it says it listens.
    func tcpdump(_ interface: String, _ name: String, filter: String = "tcp port 53") throws -> (Background, String) {
        let pcap = work.appendingPathComponent("\(name).pcap").path
        let t = try Background("/usr/sbin/ip", ["netns", "exec", serverNamespace, "tcpdump", "-n", "-U", "--immediate-mode", "-i", interface, "-w", pcap, filter])
        XCTAssertTrue(t.wait(timeout: 10) { t.stderr.contains("listening on") }, t.stderr)
        return (t, pcap)
    }

    /// `tcp-client.py` from the client's namespace: `count` questions on one connection, `pipeline` in flight.
    func tcpClient(_ count: Int, pipeline: Int, idBase: Int) throws -> Integration.Output {
        try Integration.run(
            "/usr/sbin/ip",
            ["netns", "exec", clientNamespace, "python3", Self.scripts.appendingPathComponent("tcp-client.py").path, "198.18.0.2", "\(count)",
             "--pipeline", "\(pipeline)", "--id-base", "\(idBase)", "--timeout", "60"],
            timeout: 120)
    }

    /// The message key both sides can name.
    static func key(_ src: Any?, _ sport: Any?, _ dst: Any?, _ dport: Any?, _ id: Any?, _ response: Any?) -> String {
        "\(src ?? "-") \(sport ?? "-") > \(dst ?? "-") \(dport ?? "-") id \(id ?? "-") \(response as? Bool == true ? "R" : "Q")"
    }

    /// A copy of the server's link that misses 10% of the packets (the server and the client got them: holes that
    /// never fill, declared lost on the other side's acknowledgment), on a link that also loses 10% of the client's
    /// packets before anything sees them (TCP retransmits: holes that fill late). Sonde captures the copy; every
    /// message whose bytes all reached it (worked out from tcpdump on the copy and on the link itself) comes out, and
    /// the holes are counted.
    func testTCPThroughALossyTapLosesOnlyWhatTheHolesHeld() throws {
        try script("loss.sh", ["tap", "10", "10"])
        let tap = "\(prefix)m1"
        let (full, fullPcap) = try tcpdump(serverInterface, "full")
        let (partial, partialPcap) = try tcpdump(tap, "partial")
        let sonde = try SondeRun(
            ["--interface", tap, "-f", "json", "--summary-format", "json"], namespace: serverNamespace)
        var answered = 0
        for (i, pipeline) in [1, 4, 8].enumerated() {
            let out = try tcpClient(40, pipeline: pipeline, idBase: 0x1000 * (i + 1))
            answered += out.stdout.split(separator: "\n").filter { !$0.hasPrefix("done") }.count
        }
        XCTAssertEqual(answered, 120, "TCP got every answer through the losses")
        // Past the hole timeout, with the FINs seen; then both tcpdumps hold what they will.
        usleep(500_000)
        let summary = sonde.stop()
        _ = full.stop(signal: SIGINT)
        _ = partial.stop(signal: SIGINT)

        let analysis = try Integration.run("/usr/bin/python3", [Self.cutSegments.path, "--whole", fullPcap, partialPcap])
        XCTAssertEqual(analysis.status, 0, analysis.stderr)
        let messages = try XCTUnwrap(
            (try JSONSerialization.jsonObject(with: Data(analysis.stdout.utf8)) as? [String: Any])?["messages"] as? [[String: Any]])
        let whole = messages.filter { $0["whole"] as? Bool == true }.map { Self.key($0["src"], $0["sport"], $0["dst"], $0["dport"], $0["id"], $0["response"]) }
        let all = Set(messages.map { Self.key($0["src"], $0["sport"], $0["dst"], $0["dport"], $0["id"], $0["response"]) })
        let events = jsonLines(sonde.eventLines).map { Self.key($0["src_ip"], $0["src_port"], $0["dst_ip"], $0["dst_port"], $0["id"], $0["response"]) }
        XCTAssertEqual(messages.count, 240, "the full capture holds every question and answer")
        XCTAssertEqual(Set(whole).subtracting(events).sorted(), [], "messages captured whole that Sonde missed")
        XCTAssertEqual(Set(events).subtracting(all).sorted(), [], "events that are no message of the streams")
        XCTAssertEqual(events.count, Set(events).count, "each message once")
        let holes = try XCTUnwrap(summary["tcp_holes"] as? Int, sonde.background.stderr)
        XCTAssertGreaterThan(holes, 0, "the copy missed segments")
        XCTAssertGreaterThan(summary["tcp_hole_bytes"] as? Int ?? 0, 0)
        XCTAssertLessThan(whole.count, messages.count, "some messages were cut by holes")
        print("lossy tap: \(messages.count) messages, \(whole.count) reached the capture whole, Sonde \(events.count); holes \(holes) (\(summary["tcp_hole_bytes"] ?? 0) bytes)")
    }

    /// `--interface any`: one cooked socket on every interface; each event names the one its packet came in on.
    func testAnyCapturesEveryInterfaceAndNamesIt() throws {
        let sonde = try SondeRun(["--interface", "any", "-f", "json", "--summary-format", "json"], namespace: serverNamespace)
        // Over the veth from the client side (UDP and TCP), and over lo inside the server's namespace.
        let veth = try Integration.run(
            "/usr/sbin/ip", ["netns", "exec", clientNamespace, "dig", "+time=2", "+tries=1", "@198.18.0.2", "a.sonde.test", "A"])
        XCTAssertEqual(veth.status, 0, veth.stderr)
        let vethTCP = try tcpClient(4, pipeline: 1, idBase: 0x5000)
        XCTAssertEqual(vethTCP.status, 0, vethTCP.stderr)
        let lo = try Integration.run(
            "/usr/sbin/ip", ["netns", "exec", serverNamespace, "dig", "+time=2", "+tries=1", "@198.18.0.2", "lo.sonde.test", "A"])
        XCTAssertEqual(lo.status, 0, lo.stderr)
        XCTAssertTrue(sonde.waitForEvents(12), sonde.background.stderr)
        usleep(300_000)
        let summary = sonde.stop()
        let events = jsonLines(sonde.eventLines)
        XCTAssertEqual(events.count, 12, "2 over UDP on the veth, 8 over TCP on it, 2 on lo (seen once: its outgoing copies are skipped)")
        for e in events {
            let expected = e["qname"] as? String == "lo.sonde.test." ? "lo" : serverInterface
            XCTAssertEqual(e["interface"] as? String, expected, "\(e)")
        }
        XCTAssertEqual(summary["interfaces"] as? [String], ["any"])
        XCTAssertTrue(sonde.background.stderr.contains("capturing on any"), sonde.background.stderr)
    }

    /// With libpcap switched off (as on a machine without it) the default capture works, on a named interface and on
    /// `any`: the filter is Sonde's own; only a filter expression needs libpcap, and then the error says so.
    func testTheDefaultCaptureNeedsNoLibpcap() throws {
        for interface in [serverInterface, "any"] {
            let sonde = try Background(
                "/usr/sbin/ip",
                ["netns", "exec", serverNamespace, "/usr/bin/env", "SONDE_NO_LIBPCAP=1", Integration.binary.path, "run", "-i", interface,
                 "-f", "json", "--summary-format", "json"])
            XCTAssertTrue(sonde.wait(timeout: 15) { sonde.stderr.contains("capturing on") || !sonde.process.isRunning }, sonde.stderr)
            XCTAssertTrue(sonde.stderr.contains("built-in filter (no libpcap)"), sonde.stderr)
            let dig = try Integration.run(
                "/usr/sbin/ip", ["netns", "exec", clientNamespace, "dig", "+time=2", "+tries=1", "+tcp", "@198.18.0.2", "a.sonde.test", "A"])
            XCTAssertEqual(dig.status, 0, dig.stderr)
            XCTAssertTrue(sonde.wait(timeout: 20) { sonde.stdout.split(separator: "\n").count >= 2 }, sonde.stderr)
            // Off-port traffic stays in the kernel.
            _ = try Integration.run(
                "/usr/sbin/ip", ["netns", "exec", clientNamespace, "python3", Self.scripts.appendingPathComponent("send-frames.py").path, "\(prefix)a0", "5", "1"])
            usleep(300_000)
            XCTAssertEqual(sonde.stop(), 0, sonde.stderr)
            let events = jsonLines(sonde.stdout.split(separator: "\n"))
            XCTAssertEqual(events.count, 2, "\(interface): \(sonde.stdout)")
            let summary = sonde.stderr.split(separator: "\n").last { $0.hasPrefix("{") }.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            XCTAssertEqual(summary?["not_dns"] as? Int, 0, "\(interface): the filter let nothing else in")
        }
        let refused = try Integration.run(
            "/usr/sbin/ip",
            ["netns", "exec", serverNamespace, "/usr/bin/env", "SONDE_NO_LIBPCAP=1", Integration.binary.path, "run", "-i", serverInterface,
             "--filter", "udp port 53"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("libpcap"), refused.stderr)
    }

    /// 802.1Q-tagged DNS on the server's link: the kernel takes the tag off into the ring's metadata, and the event
    /// says `vlan`; with two tags (QinQ) the inner one stays in the frame and is the event's `vlan` (the innermost).
    /// Through a VLAN interface where the kernel has them (CONFIG_VLAN_8021Q), else as tagged frames sent raw.
    func testVLANTaggedTrafficCarriesItsVLAN() throws {
        let vlanInterface = try? Integration.run(
            "/usr/sbin/ip", ["-n", clientNamespace, "link", "add", "link", "\(prefix)a0", "name", "\(prefix)a0.10", "type", "vlan", "id", "10"])
        let haveVLANInterfaces = vlanInterface?.status == 0
        for interface in [serverInterface, "any"] {
            let sonde = try SondeRun(["--interface", interface, "--port", "5353", "-f", "json"], namespace: serverNamespace)
            var expected: [Int] = []
            if haveVLANInterfaces {
                // A VLAN interface on the client side, its address on the server's link's VLAN: the queries go tagged.
                _ = try Integration.run("/usr/sbin/ip", ["-n", clientNamespace, "addr", "add", "198.18.10.1/24", "dev", "\(prefix)a0.10"])
                _ = try Integration.run("/usr/sbin/ip", ["-n", clientNamespace, "link", "set", "\(prefix)a0.10", "up"])
                _ = try Integration.run(
                    "/usr/sbin/ip",
                    ["netns", "exec", clientNamespace, "dig", "+time=1", "+tries=1", "-p", "5353", "@198.18.10.2", "vlan.sonde.test", "A"])
                expected.append(10)
            }
            for tags in ["10", "20,30"] {
                let sent = try Integration.run(
                    "/usr/sbin/ip",
                    ["netns", "exec", clientNamespace, "python3", Self.scripts.appendingPathComponent("send-frames.py").path, "\(prefix)a0", "3", "1", tags])
                XCTAssertEqual(sent.status, 0, sent.stderr)
                expected += Array(repeating: tags == "10" ? 10 : 30, count: 3)
            }
            // Untagged, for contrast.
            _ = try Integration.run(
                "/usr/sbin/ip",
                ["netns", "exec", clientNamespace, "python3", Self.scripts.appendingPathComponent("send-frames.py").path, "\(prefix)a0", "2", "1"])
            sonde.waitForEvents(expected.count + 2)
            usleep(300_000)
            sonde.stop()
            let events = jsonLines(sonde.eventLines)
            XCTAssertEqual(events.compactMap { $0["vlan"] as? Int }.sorted(), expected.sorted(), "\(interface): \(sonde.eventLines)")
            XCTAssertEqual(events.filter { $0["vlan"] == nil }.count, 2, "\(interface): untagged frames carry no vlan")
            XCTAssertTrue(events.allSatisfy { $0["interface"] as? String == serverInterface }, "\(interface)")
        }
        if !haveVLANInterfaces { print("this kernel has no VLAN interfaces (CONFIG_VLAN_8021Q): tagged frames were sent raw") }
    }
}
