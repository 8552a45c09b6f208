import SondeDNS
import XCTest

/// Real traffic from the shared corpus: every message that decodes must round-trip.
final class CorpusRoundTripTests: XCTestCase {
    func testRealMessagesRoundTrip() throws {
        guard let payloads = PcapWalker.corpusPayloads() else {
            print("CorpusRoundTripTests: corpus not found (<repo>/../shared/corpus/pcap, /work/shared/corpus/pcap); skipped")
            return
        }
        XCTAssertGreaterThan(payloads.count, 1000, "the walker found the UDP DNS payloads")
        var decoded = 0
        var identical = 0
        var failures: [DNSDecodingError.Reason: Int] = [:]
        for (index, payload) in payloads.enumerated() {
            let message: DNSMessage
            do {
                message = try DNSMessage(decoding: payload)
            } catch {
                failures[error.reason, default: 0] += 1
                continue
            }
            decoded += 1
            if message.encode() == payload { identical += 1 }
            for compress in [true, false] {
                let again = try? DNSMessage(decoding: message.encode(compress: compress))
                XCTAssertEqual(again, message, "payload \(index), compress: \(compress)")
            }
            XCTAssertLessThanOrEqual(message.encode(compress: true).count, message.encode(compress: false).count)
        }
        let failed = payloads.count - decoded
        print("CorpusRoundTripTests: \(payloads.count) UDP payloads, \(decoded) decode, \(failed) throw: \(failures); "
            + "\(identical) re-encode byte for byte")
        XCTAssertGreaterThanOrEqual(Double(decoded), Double(payloads.count) * 0.95)
    }
}
