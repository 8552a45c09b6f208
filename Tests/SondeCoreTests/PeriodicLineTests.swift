import SondeCore
import XCTest

/// The periodic statistics line: the log's form, and the statistics file's two windows (counts since start, or of
/// the last interval only).
final class PeriodicLineTests: XCTestCase {
    /// A run 60 s after another reading: every counter grew by a known amount.
    func samples() -> (before: PeriodicSample, now: PeriodicSample) {
        var before = PeriodicSample()
        before.events = 1000
        var d = DnstapCounters()
        d.connectionsRefused = 2
        d.invalidFrames = 1
        before.dnstap = d
        var c = StatsCounters()
        c.queries = 400
        c.responses = 390
        c.family[0] = 700
        c.family[1] = 90
        before.stats = c
        var o = OutputCounters()
        o.written = 900
        o.dropped = 10
        before.outputs = [("file-0", o)]

        var now = before
        now.events = 7000
        d.connectionsRefused = 5
        d.invalidFrames = 1
        now.dnstap = d
        now.openConnections = 3
        c.queries = 3400
        c.responses = 3290
        c.family[0] = 6000
        c.family[1] = 690
        now.stats = c
        now.clients = 42
        now.domains = 77
        o.written = 6800
        o.dropped = 110
        o.pending = 5
        now.outputs = [("file-0", o)]
        return (before, now)
    }

    func testTheLogLineKeepsItsForm() {
        let (before, now) = samples()
        XCTAssertEqual(
            PeriodicLine.log.text(now, since: before, seconds: 60),
            "60 s: 6,000 events (100/s), 7,000 in all; connections open 3, refused 5, evicted 0, protocol errors 0, idle timeouts 0, lost 0 (closed connections: invalid frames 1, oversized 0); queries 3,000 (50/s), responses 2,900, clients ~42, domains ~77, INET 5,300, INET6 600; file-0: written 6,800, dropped 110, failed 0, queued 5")
    }

    func testCumulativeCountsSinceStart() {
        let (before, now) = samples()
        XCTAssertEqual(
            PeriodicLine(window: .cumulative).text(now, since: before, seconds: 60),
            "60 s: 6,000 events (100/s), 7,000 in all; connections open 3, refused 5, evicted 0, protocol errors 0, idle timeouts 0, lost 0 (closed connections: invalid frames 1, oversized 0); queries 3,400 (50/s), responses 3,290, clients ~42, domains ~77, INET 6,000, INET6 690; file-0: written 6,800, dropped 110, failed 0, queued 5")
    }

    func testIntervalCountsTheLastIntervalOnly() {
        let (before, now) = samples()
        XCTAssertEqual(
            PeriodicLine(window: .interval).text(now, since: before, seconds: 60),
            "60 s: 6,000 events (100/s), 7,000 in all; connections open 3, refused 3, evicted 0, protocol errors 0, idle timeouts 0, lost 0 (closed connections: invalid frames 0, oversized 0); queries 3,000 (50/s), responses 2,900, clients ~42, domains ~77, INET 5,300, INET6 600; file-0: written 5,900, dropped 100, failed 0, queued 5")
        // The first line of a run counts from zero in both windows.
        let first = PeriodicLine(window: .interval).text(before, since: PeriodicSample(), seconds: 60)
        XCTAssertEqual(first, PeriodicLine(window: .cumulative).text(before, since: PeriodicSample(), seconds: 60))
        XCTAssertTrue(first.contains("queries 400 (6/s)") && first.contains("written 900, dropped 10"), first)
    }

    func testTheCaptureCountsFollowTheWindow() {
        var before = PeriodicSample()
        var c = CaptureCounters()
        c.kernelPackets = 100
        c.received = 100
        before.capture = c
        before.decode.dnsPackets = 100
        var now = before
        c.kernelPackets = 250
        c.received = 240
        c.kernelDrops = 10
        now.capture = c
        now.decode.dnsPackets = 240
        let interval = PeriodicLine(window: .interval).text(now, since: before, seconds: 10)
        XCTAssertTrue(interval.contains("kernel seen 150, kernel dropped 10 (ring full), received 140"), interval)
        XCTAssertTrue(interval.contains("(DNS 140,"), interval)
        let cumulative = PeriodicLine(window: .cumulative).text(now, since: before, seconds: 10)
        XCTAssertTrue(cumulative.contains("kernel seen 250, kernel dropped 10 (ring full), received 240"), cumulative)
    }
}
