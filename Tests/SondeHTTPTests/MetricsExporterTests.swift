import XCTest

@testable import SondeHTTP

/// The exporter turns Sonde's running totals into Prometheus counters that move by the difference at each scrape.
final class MetricsExporterTests: XCTestCase {
    final class Source: @unchecked Sendable {
        var received: UInt64 = 0
        var open: UInt64 = 0
    }

    func testCountersFollowTheTotalsAndGaugesTheirValue() {
        let source = Source()
        let exporter = MetricsExporter {
            [
                .init("sonde_capture_received_total", source.received, labels: [("interface", "eth0")], help: "Packets read."),
                .init("sonde_dnstap_connections_open", source.open, help: "Open.", gauge: true),
            ]
        }
        source.received = 10
        source.open = 3
        var text = String(decoding: exporter.render(), as: UTF8.self)
        XCTAssertTrue(text.contains("# TYPE sonde_capture_received_total counter\n"), text)
        XCTAssertTrue(text.contains("sonde_capture_received_total{interface=\"eth0\"} 10\n"), text)
        XCTAssertTrue(text.contains("sonde_dnstap_connections_open 3.0\n"), text)
        source.received = 25
        source.open = 1
        text = String(decoding: exporter.render(), as: UTF8.self)
        XCTAssertTrue(text.contains("sonde_capture_received_total{interface=\"eth0\"} 25\n"), text)
        XCTAssertTrue(text.contains("sonde_dnstap_connections_open 1.0\n"), text)
        source.received = 25
        text = String(decoding: exporter.render(), as: UTF8.self)
        XCTAssertTrue(text.contains("sonde_capture_received_total{interface=\"eth0\"} 25\n"), text)
    }
}
