import Foundation
import SondeCore
import SondeDNS
import SondePacket
import XCTest
import Yams

/// Every format stays well-formed whatever the wire holds.
final class FormatTests: XCTestCase {
    /// Formats the events of a corpus file.
    func format(_ file: String, _ format: OutputFormat) throws -> String {
        let (events, _) = try decodeFrames(try Corpus.pcap(file))
        var batch = EventBatch(identity: "id \"quoted\" \\ ü")
        for f in events { f.message.withUnsafeBytes { batch.append(f.event, message: $0) } }
        var formatter = BatchFormatter(format: format)
        var out = OutputBuffer()
        formatter.writeHeader(into: &out)
        formatter.write(batch, into: &out)
        return out.makeString()
    }

    func testEveryJSONLineOfEveryCorpusCaptureIsValidJSON() throws {
        for file in ["lo-mixed.pcap", "edge-malformed.pcap", "edge-compression-loop.pcap", "edge-vlan.pcap", "gen-sample.pcap"] {
            let text = try format(file, .json)
            var n = 0
            for line in text.split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                XCTAssertNotNil(object, "\(file): \(line)")
                XCTAssertEqual(object?["identity"] as? String, "id \"quoted\" \\ ü")
                n += 1
            }
            XCTAssertGreaterThan(n, 0)
        }
    }

    func testHandWrittenJSONMatchesTheGenericSerializer() throws {
        for file in ["lo-mixed.pcap", "edge-malformed.pcap", "edge-compression-loop.pcap", "gen-sample.pcap"] {
            let (events, _) = try decodeFrames(try Corpus.pcap(file))
            var batch = EventBatch(identity: "x\"y")
            for (i, f) in events.enumerated() {
                var e = f.event
                if i % 3 == 0 { e.latency = Int64(i) * 1_234_567 }
                if i % 7 == 0 { e.markers = [.tcpReassembled, .captureTruncated] }
                f.message.withUnsafeBytes { batch.append(e, message: $0) }
            }
            let a = handWrittenJSON(batch).split(separator: "\n")
            let b = genericJSON(batch).split(separator: "\n")
            XCTAssertEqual(a.count, b.count)
            for (x, y) in zip(a, b) where x != y {
                XCTFail("\(file):\n\(x)\n\(y)")
                break
            }
        }
    }

    /// Names with quotes, backslashes, spaces and \DDD octets in the RDATA of the types whose names the JSON
    /// writer escapes as it writes them (CNAME, MX, SRV, PTR, NS, SOA), beside a TXT that goes through the
    /// escaping pass: the same line as the generic serializer, valid JSON, and the presentation text back intact.
    func testRecordNamesWithEscapesMatchTheGenericSerializer() throws {
        func name(_ labels: [[UInt8]]) -> [UInt8] { labels.flatMap { [UInt8($0.count)] + $0 } + [0] }
        func rr(_ type: UInt16, _ rdata: [UInt8]) -> [UInt8] {
            [0xC0, 0x0C, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1, 0, 0, 0x0E, 0x10, 0, UInt8(rdata.count)] + rdata
        }
        let odd = name([Array(#"we"ird"#.utf8), Array("x y".utf8), [0x00, 0xFF, 0x5C], Array("example-long-label-17".utf8)])
        let txt = Array(#"say "hi" \ ok"#.utf8)
        // Quoted strings long enough for the eight-at-a-time copy, with a quote, a backslash, a control and a
        // high byte inside a word.
        let long = Array(#"0123456789abcdef"ghij"#.utf8) + [0x01] + Array(#"klmnop\qrstuv"#.utf8) + [0xFF]
        let plain = Array("plain words of more than sixteen bytes".utf8)
        var m: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 12, 0, 1, 0, 0]
        m += name([Array(#"q"1"#.utf8), Array("example".utf8)]) + [0, 1, 0, 1]
        m += rr(5, odd)
        m += rr(15, [0, 10] + name([Array("mx@a".utf8), Array("b;c".utf8)]))
        m += rr(33, [0, 1, 0, 2, 0, 3] + name([Array("srv$".utf8), Array("(x)".utf8)]))
        m += rr(12, name([Array("ptr'q".utf8), Array("z.z".utf8)]))
        m += rr(2, [3] + Array("ns1".utf8) + [0xC0, 0x0C])
        m += rr(16, [UInt8(txt.count)] + txt)
        m += rr(1, [192, 0, 2, 1])
        m += rr(16, [UInt8(long.count)] + long + [UInt8(plain.count)] + plain)
        m += rr(13, [3] + Array(#"a"b"#.utf8) + [2] + Array(#"c\"#.utf8))
        m += rr(257, [0, 5] + Array("issue".utf8) + Array(#"ca"x;\\y"#.utf8))
        m += rr(256, [0, 1, 0, 2] + Array(#"https://x/"q\"#.utf8))
        m += rr(35, [0, 1, 0, 2, 1] + Array("S".utf8) + [4] + Array(#"SIP""#.utf8) + [3] + Array(#"a\b"#.utf8)
            + name([Array("_sip".utf8), Array("x".utf8)]))
        m += rr(6, name([Array(#"m"n"#.utf8)]) + name([Array(#"host\master"#.utf8)]) + [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5])
        var batch = EventBatch()
        m.withUnsafeBytes { b in
            let e = DNSEvent(
                timestamp: 0, input: .pcap, transport: .udp, source: IPAddress(ipv4: 1), destination: IPAddress(ipv4: 2),
                sourcePort: 53, destinationPort: 1, layout: MessageLayout(decoding: b))
            XCTAssertFalse(e.layout.isMalformed)
            batch.append(e, message: b)
        }
        let line = handWrittenJSON(batch)
        XCTAssertEqual(line, genericJSON(batch))
        let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let rdata = try XCTUnwrap(o["answers"] as? [[String: Any]]).compactMap { $0["rdata"] as? String }
        XCTAssertEqual(rdata.count, 12)
        XCTAssertTrue(rdata.contains(#""0123456789abcdef\"ghij\001klmnop\\qrstuv\255" "plain words of more than sixteen bytes""#), "\(rdata)")
        XCTAssertTrue(rdata.contains(#""a\"b" "c\\""#), "\(rdata)")
        XCTAssertTrue(rdata.contains(#"0 issue "ca\"x;\\\\y""#), "\(rdata)")
        XCTAssertTrue(rdata.contains(#"1 2 "https://x/\"q\\""#), "\(rdata)")
        XCTAssertTrue(rdata.contains(#"1 2 "S" "SIP\"" "a\\b" _sip.x."#), "\(rdata)")
        XCTAssertEqual(rdata.first, #"we\"ird.x\ y.\000\255\\.example-long-label-17."#)
        XCTAssertTrue(rdata.contains(#"10 mx\@a.b\;c."#), "\(rdata)")
        XCTAssertTrue(rdata.contains(#"1 2 3 srv\$.\(x\)."#), "\(rdata)")
        XCTAssertTrue(rdata.contains(#"ptr\'q.z\.z."#), "\(rdata)")
        XCTAssertTrue(rdata.contains(#""say \"hi\" \\ ok""#), "\(rdata)")
        let soa = try XCTUnwrap((o["authority"] as? [[String: Any]])?.first?["rdata"] as? String)
        XCTAssertEqual(soa, #"m\"n. host\\master. 1 2 3 4 5"#)
    }

    func testNamesWithOddBytesArePrintableAndRoundTrip() throws {
        let text = try format("lo-mixed.pcap", .json)
        let names = text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["qname"] as? String
        }
        XCTAssertTrue(names.contains("with\\ space.wild.example.test."), "a space is escaped in presentation form")
        XCTAssertTrue(names.contains { $0.hasPrefix("\\000\\001bin\\255.") }, "control and high bytes as \\DDD")
        XCTAssertTrue(names.allSatisfy { $0.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f } })
        // The presentation form parses back to the same wire name.
        for name in names where name != "." {
            XCTAssertNoThrow(try DNSName(parsing: name), name)
        }
    }

    func testMalformedMessagesSayWhatAndWhere() throws {
        let text = try format("edge-compression-loop.pcap", .json)
        let errors = text.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["error"] as? String
        }
        XCTAssertTrue(errors.contains { $0.contains("compression pointer") && $0.contains("at offset") }, "\(errors)")
    }

    /// An OPT record outside its place is an ordinary record: printed, counted, and nothing past it is read
    /// (fuzzing found trailing bytes printed as an A record).
    func testStrayOPTRecordsAreWrittenAndNothingPastTheCountIsRead() throws {
        let inputs = [
            "123481800001000100000000076578616d706c6503636f6d000001000100002904d000000000000000000100010000012c000406060606",
            "123581800001000000000002076578616d706c6503636f6d000001000100002904d000000000000000002904d000000000000000000100010000012c000406060606",
        ]
        for hex in inputs {
            var bytes: [UInt8] = []
            var it = hex.makeIterator()
            while let a = it.next(), let b = it.next() { bytes.append(UInt8(String([a, b]), radix: 16)!) }
            var batch = EventBatch()
            bytes.withUnsafeBytes { m in
                let e = DNSEvent(
                    timestamp: 0, input: .pcap, transport: .udp, source: IPAddress(ipv4: 1), destination: IPAddress(ipv4: 2),
                    sourcePort: 53, destinationPort: 1, layout: MessageLayout(decoding: m))
                batch.append(e, message: m)
            }
            for format in [OutputFormat.json, .yaml] {
                var formatter = BatchFormatter(format: format)
                var out = OutputBuffer()
                formatter.write(batch, into: &out)
                let text = out.makeString()
                XCTAssertFalse(text.contains("6.6.6.6"), text)
                if format == .json {
                    let o = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                    let listed = ((o["answers"] as? [Any])?.count ?? 0) + ((o["additional"] as? [Any])?.count ?? 0)
                    XCTAssertEqual(listed, 1, text)
                } else {
                    XCTAssertNoThrow(try Yams.load(yaml: text))
                }
            }
        }
    }

    func testYAMLOfTheCorpusParses() throws {
        let docs = try Array(Yams.load_all(yaml: try format("edge-vlan.pcap", .yaml)))
        XCTAssertEqual(docs.count, 32)
    }

    func testTimestampsAreRFC3339WithNanoseconds() {
        var w = TimestampWriter()
        var out = OutputBuffer()
        w.write(1_795_303_528_492_651_123, into: &out)
        out.append(UInt8(ascii: " "))
        w.write(0, into: &out)
        out.append(UInt8(ascii: " "))
        w.write(951_782_400_000_000_001, into: &out)  // 2000-02-29
        out.append(UInt8(ascii: " "))
        w.write(-1, into: &out)
        XCTAssertEqual(
            out.makeString(),
            "2026-11-21T23:25:28.492651123Z 1970-01-01T00:00:00.000000000Z 2000-02-29T00:00:00.000000001Z 1969-12-31T23:59:59.999999999Z")
    }

    func testSnapLengthCutIsDecodedAsFarAsItGoesAndFlagged() throws {
        // A real answer (from the sample capture) recorded with a 100-byte snap length.
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/sample.pcap")
        let (events, _) = try decodeFrames(sample, ports: [53])
        let big = try XCTUnwrap(events.first { $0.event.layout.isResponse && $0.message.count > 100 && $0.event.transport == .udp })
        // Rebuild the frame: Ethernet + IPv4 + UDP + message, then cut it.
        var frame = [UInt8](repeating: 0, count: 12) + [0x08, 0x00]
        let udpLength = 8 + big.message.count
        frame += [0x45, 0, UInt8((20 + udpLength) >> 8), UInt8((20 + udpLength) & 0xff), 0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1]
        frame += [0, 53, 0x30, 0x39, UInt8(udpLength >> 8), UInt8(udpLength & 0xff), 0, 0] + big.message
        let cut = Array(frame.prefix(100))
        var counters = DecodeCounters()
        var batch = EventBatch()
        cut.withUnsafeBytes {
            var processor = PacketProcessor(ports: [53])
        processor.process(
                packet: $0, originalLength: frame.count, linkType: 1, timestamp: 0, into: &batch, counters: &counters)
        }
        XCTAssertEqual(batch.count, 1)
        XCTAssertTrue(batch[0].markers.contains(.captureTruncated))
        XCTAssertTrue(batch[0].isMalformed)
        XCTAssertEqual(batch[0].layout.id, big.event.layout.id)
        XCTAssertEqual(counters.captureTruncated, 1)
        var formatter = BatchFormatter(format: .json)
        var out = OutputBuffer()
        formatter.write(batch, into: &out)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out.makeArray())) as? [String: Any])
        XCTAssertEqual(object["capture_truncated"] as? Bool, true)
        XCTAssertEqual(object["malformed"] as? Bool, true)
    }
}
