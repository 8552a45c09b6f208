import Foundation
import SondeDNS
import SondeDnstap
import SondeFrameStreams
import XCTest

final class DnstapEncoderTests: XCTestCase {
    /// Encodes `fields`, checks the frame's length prefix and that the protobuf is byte for byte what the test
    /// writer makes of the same fields, and returns what the decoder reads back.
    func roundTrip(_ fields: FrameFields, file: StaticString = #filePath, line: UInt = #line) throws -> FrameFields {
        let frame = fields.encoded()
        XCTAssertGreaterThanOrEqual(frame.count, 4, file: file, line: line)
        XCTAssertEqual(Array(frame.prefix(4)), be32(UInt32(frame.count - 4)), "the frame length is what follows it", file: file, line: line)
        let protobuf = Array(frame.dropFirst(4))
        XCTAssertEqual(protobuf, fields.protobuf(), "the encoder and the test writer disagree", file: file, line: line)
        return try decode(protobuf)
    }

    static func everyField(_ payload: Int = 3) -> FrameFields {
        var m = MessageFields(type: 6)
        m.socketFamily = 1
        m.socketProtocol = 2
        m.queryAddress = [192, 0, 2, 1]
        m.responseAddress = [192, 0, 2, 53]
        m.queryPort = 65535
        m.responsePort = 53
        m.queryTime = 1_700_000_000_000_000_001
        m.queryMessage = [UInt8](repeating: 0xAA, count: payload)
        m.queryZone = [7] + Array("example".utf8) + [0]
        m.responseTime = 1_700_000_000_999_999_999
        m.responseMessage = [UInt8](repeating: 0xBB, count: payload)
        m.policy = PolicyFields(type: Array("RPZ".utf8), rule: Array("r".utf8), action: 6, match: 5, value: [1, 2])
        m.httpProtocol = 3
        return FrameFields(identity: Array("sonde".utf8), version: Array("1.0".utf8), extra: [0xFF], message: m)
    }

    func testMinimalFrame() throws {
        let fields = FrameFields(message: MessageFields(type: 5))
        XCTAssertEqual(try roundTrip(fields), fields)
        // 4 (length) + 0x72 len [0x08 0x05] + 0x78 0x01.
        XCTAssertEqual(fields.encoded(), be32(6) + [0x72, 0x02, 0x08, 0x05, 0x78, 0x01])
    }

    func testEveryField() throws {
        let fields = Self.everyField()
        XCTAssertEqual(try roundTrip(fields), fields)
        var withoutExtra = fields
        withoutExtra.extra = nil
        XCTAssertEqual(try roundTrip(withoutExtra), withoutExtra)
    }

    func testEachOptionalFieldAlone() throws {
        let all = Self.everyField().message
        let setters: [(String, (inout MessageFields) -> Void)] = [
            ("socketFamily", { $0.socketFamily = all.socketFamily }),
            ("socketProtocol", { $0.socketProtocol = all.socketProtocol }),
            ("queryAddress", { $0.queryAddress = all.queryAddress }),
            ("responseAddress", { $0.responseAddress = all.responseAddress }),
            ("queryPort", { $0.queryPort = all.queryPort }),
            ("responsePort", { $0.responsePort = all.responsePort }),
            ("queryTime", { $0.queryTime = all.queryTime }),
            ("queryMessage", { $0.queryMessage = all.queryMessage }),
            ("queryZone", { $0.queryZone = all.queryZone }),
            ("responseTime", { $0.responseTime = all.responseTime }),
            ("responseMessage", { $0.responseMessage = all.responseMessage }),
            ("policy", { $0.policy = all.policy }),
            ("httpProtocol", { $0.httpProtocol = all.httpProtocol }),
        ]
        for (name, set) in setters {
            var m = MessageFields(type: 1)
            set(&m)
            for (identity, version) in [(nil, nil), (Array("id".utf8), nil), (nil, Array("v".utf8))] as [([UInt8]?, [UInt8]?)] {
                let fields = FrameFields(identity: identity, version: version, message: m)
                XCTAssertEqual(try roundTrip(fields), fields, name)
            }
        }
    }

    func testEmptyByteFieldsStayPresent() throws {
        var m = MessageFields(type: 2)
        m.queryAddress = []
        m.responseMessage = []
        m.policy = PolicyFields()
        let fields = FrameFields(identity: [], version: [], extra: [], message: m)
        XCTAssertEqual(try roundTrip(fields), fields)
    }

    func testExtremeScalars() throws {
        var m = MessageFields(type: UInt32.max)
        m.socketFamily = 0
        m.socketProtocol = UInt32.max
        m.queryPort = 0
        m.responsePort = UInt32.max
        m.httpProtocol = 0x80
        m.queryTime = 0
        m.responseTime = 9_000_000_000_999_999_999
        m.policy = PolicyFields(action: UInt32.max, match: 0)
        let fields = FrameFields(message: m)
        XCTAssertEqual(try roundTrip(fields), fields)
    }

    func testTimes() throws {
        func decoded(_ t: Int64) throws -> Int64? {
            var m = MessageFields(type: 1)
            m.queryTime = t
            return try decode(Array(FrameFields(message: m).encoded().dropFirst(4))).message.queryTime
        }
        for t: Int64 in [0, 1, 999_999_999, 1_000_000_000, 1_000_000_001, 1_700_000_000_123_456_789, 9_000_000_000_999_999_999] {
            XCTAssertEqual(try decoded(t), t)
        }
        // Before 1970 is written as the epoch; past 2255 (9e9 s) the decoder clamps: neither traps.
        XCTAssertEqual(try decoded(-1), 0)
        XCTAssertEqual(try decoded(Int64.min), 0)
        XCTAssertEqual(try decoded(Int64.max), 9_000_000_000_854_775_807)
    }

    /// Seconds at every varint length boundary and at random (the five-octet ones, 2004 to 2514, are read in one
    /// load): the query time last in its message, the response time with the message after it.
    func testSecondsOfEveryVarintLength() throws {
        var seconds: [Int64] = []
        for k in 1...5 {
            let b = Int64(1) << (7 * k)
            seconds += [b - 1, b, b + 1]
        }
        var rng = SplitMix64(seed: 5)
        for _ in 0..<2000 { seconds.append(Int64.random(in: 0...9_000_000_000, using: &rng)) }
        for s in seconds where s <= 9_000_000_000 {
            var m = MessageFields(type: 2)
            m.queryTime = s * 1_000_000_000 + 7
            m.responseTime = (9_000_000_000 - s) * 1_000_000_000 + 999_999_999
            m.responseMessage = [1, 2, 3]
            let back = try decode(Array(FrameFields(message: m).encoded().dropFirst(4))).message
            XCTAssertEqual(back.queryTime, m.queryTime)
            XCTAssertEqual(back.responseTime, m.responseTime)
        }
    }

    // MARK: Varint boundaries

    func testByteFieldLengthsAtVarintBoundaries() throws {
        for n in [0, 1, 127, 128, 16383, 16384, 2_097_151, 2_097_152] {
            var m = MessageFields(type: 6)
            m.responseMessage = [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: n)
            let fields = FrameFields(identity: [UInt8](repeating: 0x69, count: n), message: m)
            XCTAssertEqual(try roundTrip(fields), fields, "length \(n)")
        }
    }

    func testMessageAndFrameSizesAtVarintBoundaries() throws {
        for target in [127, 128, 16383, 16384] {
            // A query message length that makes Message exactly `target` octets.
            let found = (0..<(target + 1)).first { n in
                var m = MessageFields(type: 5)
                m.queryMessage = [UInt8](repeating: 0, count: n)
                return m.encoderMessage(Arena()).size == target
            }
            guard let n = found else {
                XCTFail("no query length gives a Message of \(target) octets")
                continue
            }
            var m = MessageFields(type: 5)
            m.queryMessage = [UInt8](repeating: 0x51, count: n)
            let fields = FrameFields(message: m)
            let frame = fields.encoded()
            let d = try layout(Array(frame.dropFirst(4)))
            XCTAssertEqual(Int(d.message.length), target)
            // Tag, then a length varint of one octet below 128 and of two from 128 (three from 16384).
            XCTAssertEqual(Int(d.message.offset), 1 + (target < 128 ? 1 : target < 16384 ? 2 : 3))
            XCTAssertEqual(try roundTrip(fields), fields)
        }
        for target in [127, 128, 16383, 16384] {
            // An identity length that makes the whole Dnstap protobuf exactly `target` octets.
            let found = (0..<(target + 1)).first { n in
                FrameFields(identity: [UInt8](repeating: 0, count: n), message: MessageFields(type: 5)).encoded().count == target + 4
            }
            guard let n = found else {
                XCTFail("no identity length gives a frame of \(target) octets")
                continue
            }
            let fields = FrameFields(identity: [UInt8](repeating: 0x49, count: n), message: MessageFields(type: 5))
            XCTAssertEqual(Array(fields.encoded().prefix(4)), be32(UInt32(target)))
            XCTAssertEqual(try roundTrip(fields), fields)
        }
    }

    func testMessageSizeIsWhatWriteWrites() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let m = randomMessage(&rng)
            let arena = Arena()
            let e = m.encoderMessage(arena)
            var out = OutputBuffer(capacity: 64)
            e.write(into: &out)
            XCTAssertEqual(out.count, e.size)
            var w = ProtobufWriter()
            m.write(into: &w)
            XCTAssertEqual(out.makeArray(), w.bytes)
        }
    }

    // MARK: Several frames, and a Message copied verbatim

    func testFramesBackToBackAreWalkedByTheirLengths() throws {
        var rng = SplitMix64(seed: 99)
        let all = (0..<50).map { _ in randomFrame(&rng) }
        var out = OutputBuffer(capacity: 64)
        let arena = Arena()
        for f in all {
            DnstapEncoder.writeFrame(
                identity: arena.keep(f.identity), version: arena.keep(f.version), extra: arena.keep(f.extra),
                messageSize: f.message.encoderMessage(arena).size, into: &out
            ) { f.message.encoderMessage(arena).write(into: &$0) }
        }
        let stream = out.makeArray()
        var decoder = FrameStreamDecoder()
        var found: [FrameFields] = []
        try exactCopy(stream) { buffer in
            var offset = 0
            while let frame = try decoder.next(buffer, from: &offset) {
                guard case .data(let range) = frame else { return XCTFail("\(frame)") }
                found.append(FrameFields(try DnstapLayout(decoding: UnsafeRawBufferPointer(rebasing: buffer[range])),
                                         in: UnsafeRawBufferPointer(rebasing: buffer[range])))
            }
            XCTAssertEqual(offset, buffer.count)
        }
        XCTAssertEqual(found, all)
    }

    func testVerbatimMessageUnderANewIdentity() throws {
        // What DnstapFrameWriter does with an identity override: the Message's bytes copied as they came.
        let original = Self.everyField()
        let protobuf = original.protobuf()
        try exactCopy(protobuf) { frame in
            let d = try DnstapLayout(decoding: frame)
            var out = OutputBuffer(capacity: 64)
            let identity = Array("relabelled".utf8)
            identity.withUnsafeBytes { id in
                DnstapEncoder.writeFrame(
                    identity: id, version: d.version.bytes(in: frame), extra: nil, messageSize: Int(d.message.length), into: &out
                ) { $0.append(d.message.bytes(in: frame)) }
            }
            var expected = original
            expected.identity = identity
            expected.extra = nil
            XCTAssertEqual(try roundTrip(expected), expected)
            XCTAssertEqual(out.makeArray(), expected.encoded())
        }
    }

    // MARK: Property

    func randomBytes(_ rng: inout SplitMix64, _ maxCount: Int) -> [UInt8]? {
        guard rng.next() % 3 != 0 else { return nil }
        // Mostly short, now and then past a varint boundary.
        let count = rng.next() % 16 == 0 ? Int(rng.next() % 300) : Int(rng.next() % UInt64(maxCount + 1))
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    func randomScalar(_ rng: inout SplitMix64) -> UInt32? {
        switch rng.next() % 5 {
        case 0: return nil
        case 1: return UInt32(rng.next() % 16)
        case 2: return UInt32(truncatingIfNeeded: rng.next())
        case 3: return [0, 127, 128, 16383, 16384, UInt32.max][Int(rng.next() % 6)]
        default: return UInt32(rng.next() % 70000)
        }
    }

    func randomTime(_ rng: inout SplitMix64) -> Int64? {
        switch rng.next() % 4 {
        case 0: return nil
        case 1: return Int64(rng.next() % 9_000_000_001_000_000_000)
        case 2: return [0, 999_999_999, 1_000_000_000, 9_000_000_000_999_999_999][Int(rng.next() % 4)]
        default: return 1_700_000_000_000_000_000 + Int64(rng.next() % 100_000_000_000_000_000)
        }
    }

    func randomMessage(_ rng: inout SplitMix64) -> MessageFields {
        var m = MessageFields(type: randomScalar(&rng) ?? UInt32(1 + rng.next() % 14))
        m.socketFamily = randomScalar(&rng)
        m.socketProtocol = randomScalar(&rng)
        m.queryAddress = randomBytes(&rng, 16)
        m.responseAddress = randomBytes(&rng, 16)
        m.queryPort = randomScalar(&rng)
        m.responsePort = randomScalar(&rng)
        m.queryTime = randomTime(&rng)
        m.queryMessage = randomBytes(&rng, 100)
        m.queryZone = randomBytes(&rng, 30)
        m.responseTime = randomTime(&rng)
        m.responseMessage = randomBytes(&rng, 200)
        if rng.next() % 3 == 0 {
            m.policy = PolicyFields(
                type: randomBytes(&rng, 8), rule: randomBytes(&rng, 40), action: randomScalar(&rng),
                match: randomScalar(&rng), value: randomBytes(&rng, 20))
        }
        m.httpProtocol = randomScalar(&rng)
        return m
    }

    func randomFrame(_ rng: inout SplitMix64) -> FrameFields {
        FrameFields(identity: randomBytes(&rng, 40), version: randomBytes(&rng, 20), extra: randomBytes(&rng, 10),
                    message: randomMessage(&rng))
    }

    func testRandomFramesRoundTrip() throws {
        var rng = SplitMix64(seed: 0xD75_7A9)
        for i in 0..<2000 {
            let fields = randomFrame(&rng)
            let back = try roundTrip(fields)
            if back != fields {
                XCTFail("iteration \(i): \(fields)\n  came back as \(back)")
                return
            }
        }
    }

    // MARK: The reference reader

    /// A DNS query for example.com A, as a resolver would log it.
    static let query: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        + [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0, 0, 1, 0, 1]

    func testGolangDnstapToolReadsAnEncodedFile() throws {
        let tool = "/usr/bin/dnstap"
        guard FileManager.default.isExecutableFile(atPath: tool) else { throw XCTSkip("\(tool) is not installed") }
        var frames: [FrameFields] = []
        for type in UInt32(1)...14 {
            var m = MessageFields(type: type)
            m.socketFamily = type % 2 == 0 ? 2 : 1
            m.socketProtocol = (type - 1) % 7 + 1
            m.queryAddress = type % 2 == 0 ? [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [UInt8(type)] : [192, 0, 2, UInt8(type)]
            m.responseAddress = type % 2 == 0 ? [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 12) : [198, 51, 100, 53]
            m.queryPort = 40000 + type
            m.responsePort = 53
            m.queryTime = 1_700_000_000_000_000_000 + Int64(type) * 1_000_000_000 + 123_456_000
            m.queryMessage = Self.query
            if type % 2 == 0 { m.queryZone = [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0] }
            frames.append(FrameFields(identity: Array("sonde-test".utf8), version: Array("v\(type)".utf8), message: m))
        }
        var file = FrameStreamControl(.start, contentTypes: [FrameStreamControl.dnstapContentType]).encoded()
        for f in frames { file += f.encoded() }
        file += FrameStreamControl(.stop).encoded()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-encoder-\(getpid()).dnstap")
        try Data(file).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-r", path.path, "-j"]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, errors)
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, frames.count, errors)
        let typeNames = ["AUTH", "RESOLVER", "CLIENT", "FORWARDER", "STUB", "TOOL", "UPDATE"]
        let protocols = ["UDP", "TCP", "DOT", "DOH", "DNSCryptUDP", "DNSCryptTCP", "DOQ"]
        for (line, f) in zip(lines, frames) {
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let m = try XCTUnwrap(json["message"] as? [String: Any])
            let type = f.message.type
            XCTAssertEqual(json["type"] as? String, "MESSAGE")
            XCTAssertEqual(json["identity"] as? String, "sonde-test")
            XCTAssertEqual(json["version"] as? String, "v\(type)")
            XCTAssertEqual(m["type"] as? String, typeNames[Int(type - 1) / 2] + (type % 2 == 1 ? "_QUERY" : "_RESPONSE"))
            XCTAssertEqual(m["socket_family"] as? String, type % 2 == 0 ? "INET6" : "INET")
            let proto = m["socket_protocol"] as? String
            // Older releases of the tool predate the DoT/DoH/DNSCrypt/DoQ names and print the number.
            XCTAssert(proto == protocols[Int(type - 1) % 7] || proto == "\((type - 1) % 7 + 1)", "\(proto ?? "nil")")
            XCTAssertEqual(m["query_address"] as? String, type % 2 == 0 ? "2001:db8::\(String(type, radix: 16))" : "192.0.2.\(type)")
            XCTAssertEqual(m["response_address"] as? String, type % 2 == 0 ? "2001:db8::" : "198.51.100.53")
            XCTAssertEqual(m["query_port"] as? Int, Int(40000 + type))
            XCTAssertEqual(m["response_port"] as? Int, 53)
            XCTAssertEqual(m["query_time"] as? String, "2023-11-14T22:13:\(20 + type).123456Z")
            let text = try XCTUnwrap(m["query_message"] as? String)
            XCTAssert(text.contains("id: 4660") && text.contains("example.com."), text)
            if type % 2 == 0 { XCTAssertEqual(m["query_zone"] as? String, "example.com.") }
        }
    }
}
