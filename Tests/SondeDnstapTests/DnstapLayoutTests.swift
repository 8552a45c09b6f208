import SondeDNS
import SondeDnstap
import XCTest

final class DnstapLayoutTests: XCTestCase {
    /// A frame with every field of Dnstap, Message and Policy set, each to a distinct value.
    static let everything: [UInt8] = ProtobufWriter.build { w in
        w.bytesField(1, "resolver-1")
        w.bytesField(2, "Unbound 1.19")
        w.bytesField(3, [0xE0, 0xE1])
        w.messageField(14) { m in
            m.varintField(1, 6)  // CLIENT_RESPONSE
            m.varintField(2, 2)  // INET6
            m.varintField(3, 4)  // DOH
            m.bytesField(4, [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1])
            m.bytesField(5, [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2])
            m.varintField(6, 54321)
            m.varintField(7, 443)
            m.varintField(8, 1_700_000_000)
            m.fixed32Field(9, 123_456_789)
            m.bytesField(10, [0xAA, 0xAA])
            m.bytesField(11, [7, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 0])
            m.varintField(12, 1_700_000_001)
            m.fixed32Field(13, 987_654_321)
            m.bytesField(14, [0xBB, 0xBB, 0xBB])
            m.messageField(15) { p in
                p.bytesField(1, "RPZ")
                p.bytesField(2, "rpz.example.")
                p.varintField(3, 1)  // NXDOMAIN
                p.varintField(4, 2)  // CLIENT_IP
                p.bytesField(5, [0xCC])
            }
            m.varintField(16, 2)  // HTTP2
        }
        w.varintField(15, 1)
    }

    func testEveryField() throws {
        try exactCopy(Self.everything) { frame in
            let d = try DnstapLayout(decoding: frame)
            func text(_ f: DnstapField) -> String { String(decoding: f.bytes(in: frame), as: UTF8.self) }
            func bytes(_ f: DnstapField) -> [UInt8] { Array(f.bytes(in: frame)) }
            // Dnstap.
            XCTAssertEqual(text(d.identity), "resolver-1")
            XCTAssertEqual(text(d.version), "Unbound 1.19")
            XCTAssertEqual(bytes(d.extra), [0xE0, 0xE1])
            XCTAssertEqual(d.type, 1)
            XCTAssertTrue(d.message.isPresent)
            // Message.
            XCTAssertEqual(d.messageType, 6)
            XCTAssertEqual(d.socketFamily, 2)
            XCTAssertEqual(d.socketProtocol, 4)
            XCTAssertEqual(bytes(d.queryAddress), [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1])
            XCTAssertEqual(bytes(d.responseAddress), [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2])
            XCTAssertEqual(d.queryPort, 54321)
            XCTAssertEqual(d.responsePort, 443)
            XCTAssertEqual(d.queryTimeSeconds, 1_700_000_000)
            XCTAssertEqual(d.queryTimeNanoseconds, 123_456_789)
            XCTAssertEqual(bytes(d.queryMessage), [0xAA, 0xAA])
            XCTAssertEqual(bytes(d.queryZone), [7, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 0])
            XCTAssertEqual(d.responseTimeSeconds, 1_700_000_001)
            XCTAssertEqual(d.responseTimeNanoseconds, 987_654_321)
            XCTAssertEqual(bytes(d.responseMessage), [0xBB, 0xBB, 0xBB])
            XCTAssertTrue(d.policy.isPresent)
            XCTAssertEqual(d.httpProtocol, 2)
            // Policy.
            XCTAssertEqual(text(d.policyType), "RPZ")
            XCTAssertEqual(text(d.policyRule), "rpz.example.")
            XCTAssertEqual(d.policyAction, 1)
            XCTAssertEqual(d.policyMatch, 2)
            XCTAssertEqual(bytes(d.policyValue), [0xCC])
            XCTAssertEqual(d.present, [
                .message, .queryPort, .responsePort, .queryTime, .responseTime, .policy, .policyAction, .policyMatch,
                .socketFamily, .socketProtocol, .httpProtocol,
            ])
            // Derived values.
            XCTAssertEqual(d.queryTime, 1_700_000_000_123_456_789)
            XCTAssertEqual(d.responseTime, 1_700_000_001_987_654_321)
            XCTAssertFalse(d.isQuery)
            XCTAssertEqual(d.dnsMessage, d.responseMessage)
            // The sub-message ranges hold exactly the sub-messages.
            let inner = try DnstapLayout(decoding: frame)
            XCTAssertEqual(bytes(inner.message).first, 0x08, "Message starts with its type field")
            XCTAssertEqual(bytes(d.policy), PolicyFields(type: Array("RPZ".utf8), rule: Array("rpz.example.".utf8),
                                                         action: 1, match: 2, value: [0xCC]).encoded)
            XCTAssertEqual(d.message.offset + d.message.length, Int32(frame.count - 2), "Message ends before type")
        }
    }

    func testMinimalFrame() throws {
        // Only Message.type: every other field absent, every presence bit clear but `message`.
        let d = try layout(ProtobufWriter.build { w in w.messageField(14) { $0.varintField(1, 5) } })
        XCTAssertEqual(d.present, [.message])
        XCTAssertEqual(d.type, 0)
        XCTAssertEqual(d.messageType, 5)
        for f in [d.identity, d.version, d.extra, d.queryAddress, d.responseAddress, d.queryMessage, d.queryZone,
                  d.responseMessage, d.policy, d.policyType, d.policyRule, d.policyValue] {
            XCTAssertEqual(f, .absent)
            XCTAssertFalse(f.isPresent)
        }
        XCTAssertNil(d.queryTime)
        XCTAssertNil(d.responseTime)
        XCTAssertEqual(DnstapField.absent.bytes(in: UnsafeRawBufferPointer(start: nil, count: 0)).count, 0)
        // An empty Message is still a Message.
        XCTAssertEqual(try layout([0x72, 0x00]).present, [.message])
        XCTAssertEqual(try layout([0x72, 0x00]).messageType, 0)
    }

    func testEmptyByteFieldsArePresent() throws {
        let frame = ProtobufWriter.build { w in
            w.bytesField(1, [])
            w.messageField(14) { m in
                m.varintField(1, 1)
                m.bytesField(10, [])
                m.messageField(15) { _ in }
            }
        }
        let d = try layout(frame)
        XCTAssertTrue(d.identity.isPresent)
        XCTAssertEqual(d.identity.length, 0)
        XCTAssertTrue(d.queryMessage.isPresent)
        XCTAssertEqual(d.dnsMessage, d.queryMessage)
        XCTAssertTrue(d.present.contains(.policy))
        XCTAssertEqual(d.policy.length, 0)
        XCTAssertFalse(d.policyType.isPresent)
    }

    func testEveryMessageType() throws {
        for type in UInt32(1)...14 {
            let frame = ProtobufWriter.build { w in
                w.messageField(14) { m in
                    m.varintField(1, UInt64(type))
                    m.bytesField(10, [1])
                    m.bytesField(14, [2])
                }
            }
            let d = try layout(frame)
            XCTAssertEqual(d.messageType, type)
            XCTAssertEqual(d.isQuery, type % 2 == 1, "type \(type)")
            let expectedName = ["AUTH", "RESOLVER", "CLIENT", "FORWARDER", "STUB", "TOOL", "UPDATE"][Int(type - 1) / 2]
                + (type % 2 == 1 ? "_QUERY" : "_RESPONSE")
            XCTAssertEqual(DnstapNames.messageType(type).map { "\($0)" }, expectedName)
            XCTAssertEqual(DnstapNames.messageType(named: expectedName), type)
            // The DNS message the event is about: the query for *_QUERY, the response for *_RESPONSE.
            try exactCopy(frame) { bytes in
                XCTAssertEqual(Array(try DnstapLayout(decoding: bytes).dnsMessage.bytes(in: bytes)), type % 2 == 1 ? [1] : [2])
            }
        }
        // A type the schema does not name is kept, not rejected.
        let d = try layout(ProtobufWriter.build { w in w.messageField(14) { $0.varintField(1, 15) } })
        XCTAssertEqual(d.messageType, 15)
        XCTAssertNil(DnstapNames.messageType(15))
        XCTAssertNil(DnstapNames.messageType(0))
        XCTAssertNil(DnstapNames.messageType(named: "QUERY"))
    }

    func testDnsMessageAbsentWhenTheSenderLeftItOut() throws {
        // A response frame carrying only the query: the event's message is absent, not the query.
        let d = try layout(ProtobufWriter.build { w in
            w.messageField(14) { m in
                m.varintField(1, 6)
                m.bytesField(10, [1])
            }
        })
        XCTAssertEqual(d.dnsMessage, .absent)
    }

    func testEverySocketProtocolAndFamily() throws {
        let names = ["UDP", "TCP", "DOT", "DOH", "DNSCryptUDP", "DNSCryptTCP", "DOQ"]
        for (i, name) in names.enumerated() {
            let value = UInt32(i + 1)
            let d = try layout(ProtobufWriter.build { w in
                w.messageField(14) { m in
                    m.varintField(1, 1)
                    m.varintField(2, UInt64(i % 2 + 1))
                    m.varintField(3, UInt64(value))
                }
            })
            XCTAssertEqual(d.socketProtocol, value)
            XCTAssertEqual(d.socketFamily, UInt32(i % 2 + 1))
            XCTAssertTrue(d.present.isSuperset(of: [.socketProtocol, .socketFamily]))
            XCTAssertEqual(DnstapNames.socketProtocol(value).map { "\($0)" }, name)
        }
        XCTAssertNil(DnstapNames.socketProtocol(8))
    }

    func testHttpProtocol() throws {
        for (value, name) in [(UInt32(1), "HTTP1"), (2, "HTTP2"), (3, "HTTP3")] {
            // Field 16's tag takes two octets (0x80 0x01).
            let frame = ProtobufWriter.build { w in
                w.messageField(14) { m in
                    m.varintField(1, 6)
                    m.varintField(16, UInt64(value))
                }
            }
            XCTAssertEqual(Array(frame.suffix(3)), [0x80, 0x01, UInt8(value)])
            let d = try layout(frame)
            XCTAssertEqual(d.httpProtocol, value)
            XCTAssertTrue(d.present.contains(.httpProtocol))
            XCTAssertEqual(DnstapNames.httpProtocol(value).map { "\($0)" }, name)
        }
        XCTAssertNil(DnstapNames.httpProtocol(4))
    }

    func testEveryPolicyActionAndMatch() throws {
        let actions = ["NXDOMAIN", "NODATA", "PASS", "DROP", "TRUNCATE", "LOCAL_DATA"]
        let matches = ["QNAME", "CLIENT_IP", "RESPONSE_IP", "NS_NAME", "NS_IP"]
        for (i, action) in actions.enumerated() {
            let match = UInt32(i % matches.count + 1)
            let d = try layout(ProtobufWriter.build { w in
                w.messageField(14) { m in
                    m.varintField(1, 5)
                    m.messageField(15) { p in
                        p.varintField(3, UInt64(i + 1))
                        p.varintField(4, UInt64(match))
                    }
                }
            })
            XCTAssertEqual(d.policyAction, UInt32(i + 1))
            XCTAssertEqual(d.policyMatch, match)
            XCTAssertTrue(d.present.isSuperset(of: [.policy, .policyAction, .policyMatch]))
            XCTAssertEqual(DnstapNames.policyAction(UInt32(i + 1)).map { "\($0)" }, action)
            XCTAssertEqual(DnstapNames.policyMatch(match).map { "\($0)" }, matches[Int(match) - 1])
        }
    }

    func testEnumValuesAreTruncatedToUInt32() throws {
        // A uint32/enum field sent as a wider varint keeps its low 32 bits, as protobuf's own decoders do.
        let d = try layout(ProtobufWriter.build { w in
            w.messageField(14) { m in
                m.varintField(1, 0x1_0000_0005)
                m.varintField(6, UInt64.max)
            }
        })
        XCTAssertEqual(d.messageType, 5)
        XCTAssertEqual(d.queryPort, 0xFFFF_FFFF)
    }

    func testLaterFieldsWinAndMessagesMerge() throws {
        // protobuf: a repeated scalar keeps its last value; a repeated sub-message merges into the first.
        let d = try exactCopy(ProtobufWriter.build { w in
            w.bytesField(1, "first")
            w.messageField(14) { m in
                m.varintField(1, 1)
                m.varintField(6, 1000)
            }
            w.bytesField(1, "second")
            w.messageField(14) { m in m.varintField(1, 2) }
        }) { frame in
            let d = try DnstapLayout(decoding: frame)
            XCTAssertEqual(String(decoding: d.identity.bytes(in: frame), as: UTF8.self), "second")
            return d
        }
        XCTAssertEqual(d.messageType, 2)
        XCTAssertEqual(d.queryPort, 1000)
    }

    // MARK: Unknown fields

    /// One unknown field of each wire type (varint, fixed64, length-delimited, fixed32), with field number `n`.
    func unknownFields(_ n: UInt64) -> [UInt8] {
        ProtobufWriter.build { w in
            w.varintField(n, 300)
            w.varintField(n, UInt64.max)
            w.fixed64Field(n, 0x0102_0304_0506_0708)
            w.bytesField(n, [1, 2, 3])
            w.bytesField(n, [])
            w.fixed32Field(n, 0xDEAD_BEEF)
        }
    }

    func testUnknownFieldsOfEveryWireTypeAreSkippedAtEveryLevel() throws {
        for n: UInt64 in [4, 13, 16, 17, 100, 536_870_911] {
            // Dnstap's own unknown field numbers: every number but 1, 2, 3, 14 and 15.
            let dnstapUnknown: UInt64 = [14, 15, 16].contains(n) ? 4 : n
            let messageUnknown: UInt64 = n <= 16 ? 17 : n
            let policyUnknown: UInt64 = n <= 5 ? 6 : n
            let frame = ProtobufWriter.build { w in
                w.bytes += unknownFields(dnstapUnknown)
                w.bytesField(1, "id")
                w.bytes += unknownFields(dnstapUnknown)
                w.messageField(14) { m in
                    m.bytes += unknownFields(messageUnknown)
                    m.varintField(1, 3)
                    m.bytes += unknownFields(messageUnknown)
                    m.messageField(15) { p in
                        p.bytes += unknownFields(policyUnknown)
                        p.varintField(3, 4)
                        p.bytes += unknownFields(policyUnknown)
                    }
                    m.bytes += unknownFields(messageUnknown)
                    m.varintField(6, 53)
                }
                w.bytes += unknownFields(dnstapUnknown)
                w.varintField(15, 1)
                w.bytes += unknownFields(dnstapUnknown)
            }
            let fields = try decode(frame)
            var expected = MessageFields(type: 3)
            expected.queryPort = 53
            expected.policy = PolicyFields(action: 4)
            XCTAssertEqual(fields, FrameFields(identity: Array("id".utf8), message: expected), "field number \(n)")
        }
    }

    // MARK: Errors

    func expectError(_ protobuf: [UInt8], _ reason: DnstapDecodingError.Reason, at offset: Int? = nil, line: UInt = #line) {
        guard let error = decodingError(protobuf) else { return XCTFail("decoded", line: line) }
        XCTAssertEqual(error.reason, reason, "\(error)", line: line)
        if let offset { XCTAssertEqual(error.offset, offset, "\(error)", line: line) }
    }

    let message: [UInt8] = ProtobufWriter.build { w in w.messageField(14) { $0.varintField(1, 5) } }

    func testTruncatedVarint() {
        expectError([0x80], .truncatedVarint, at: 0)                     // a tag
        expectError(message + [0x78], .truncatedVarint, at: 5)           // Dnstap.type's value missing
        expectError(message + [0x78, 0x81], .truncatedVarint, at: 5)     // cut after one octet
        expectError(message + [0x78, 0xFF, 0xFF], .truncatedVarint, at: 5)
        expectError([0x0A, 0x85], .truncatedVarint, at: 1)               // a length
        // Inside Message: the varint may not run on into the rest of the frame.
        expectError([0x72, 0x02, 0x08, 0x80, 0x01], .truncatedVarint, at: 3)
        expectError([0x72, 0x01, 0x08] + message, .truncatedVarint, at: 3)
    }

    func testVarintOfMoreThanTenOctets() {
        let ten = [UInt8](repeating: 0xFF, count: 9) + [0x01]
        // Ten octets are the most a varint has.
        XCTAssertNil(decodingError(message + [0x78] + ten))
        expectError(message + [0x78] + [UInt8](repeating: 0xFF, count: 10) + [0x01], .varintTooLong, at: 5)
        expectError(message + [0x78] + [UInt8](repeating: 0x80, count: 10) + [0x00], .varintTooLong, at: 5)
        // A tag, and inside Message.
        expectError([UInt8](repeating: 0x80, count: 11) + [0x00], .varintTooLong, at: 0)
        expectError([0x72, 0x0E, 0x08] + [UInt8](repeating: 0x80, count: 12) + [0x00], .varintTooLong, at: 3)
        // Padded with 0x80 but still ten octets: the value is small, the encoding unusual but legal.
        let d = try? layout(ProtobufWriter.build { w in
            w.bytes += [0x72, 0x0B, 0x08] + [UInt8](repeating: 0x85, count: 1) + [UInt8](repeating: 0x80, count: 8) + [0x00]
        })
        XCTAssertEqual(d?.messageType, 5)
    }

    func testLengthPastTheEnd() {
        expectError([0x0A, 0x05, 1, 2, 3, 4], .lengthPastEnd, at: 1)
        expectError(message + [0x12, 0x7F], .lengthPastEnd, at: 5)
        expectError([0x0A] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], .lengthPastEnd, at: 1)
        expectError([0x72, 0x05, 0x08, 0x01], .lengthPastEnd, at: 1)
        // Inside Message: a byte field may not run past the Message even when the frame goes on.
        expectError([0x72, 0x04, 0x08, 0x05, 0x52, 0x03] + [0x78, 0x01, 0x00], .lengthPastEnd, at: 5)
        // Inside Policy.
        expectError([0x72, 0x06, 0x08, 0x05, 0x7A, 0x02, 0x0A, 0x09] + [UInt8](repeating: 0, count: 9), .lengthPastEnd, at: 7)
        // An unknown length-delimited field.
        expectError(message + [0x22, 0x03, 0x00], .lengthPastEnd, at: 5)
    }

    func testTruncatedFixedWidthFields() {
        // Message.query_time_nsec (fixed32) with three octets, inside and at the end of the frame.
        expectError([0x72, 0x06, 0x08, 0x05, 0x4D, 0x01, 0x02, 0x03], .truncatedFixed, at: 5)
        expectError([0x72, 0x06, 0x08, 0x05, 0x4D, 0x01, 0x02, 0x03, 0x78, 0x01], .truncatedFixed, at: 5)
        // Unknown fixed32 and fixed64 fields.
        expectError(message + [0x25, 0x01, 0x02, 0x03], .truncatedFixed, at: 5)
        expectError(message + [0x21] + [UInt8](repeating: 0, count: 7), .truncatedFixed, at: 5)
    }

    func testKnownFieldWithTheWrongWireType() {
        // Dnstap: identity as a varint, type as a byte field, message as a fixed32.
        expectError([0x08, 0x01] + message, .wireType(field: 1, type: 0))
        expectError([0x10, 0x01] + message, .wireType(field: 2, type: 0))
        expectError([0x1D, 0, 0, 0, 0] + message, .wireType(field: 3, type: 5))
        expectError(message + [0x7A, 0x01, 0x01], .wireType(field: 15, type: 2))
        expectError([0x75, 0, 0, 0, 0], .wireType(field: 14, type: 5))
        // Message: every field with a wire type it does not have.
        let wrong: [(field: UInt64, wire: UInt64)] = [
            (1, 2), (2, 5), (3, 1), (4, 0), (5, 0), (6, 2), (7, 5), (8, 5), (9, 0), (10, 0), (11, 5), (12, 1),
            (13, 0), (14, 0), (15, 0), (16, 2),
        ]
        for (field, wire) in wrong {
            let frame = ProtobufWriter.build { w in
                w.messageField(14) { m in
                    m.tag(field, wire)
                    switch wire {
                    case 0: m.varint(1)
                    case 1: m.bytes += [UInt8](repeating: 0, count: 8)
                    case 2: m.varint(0)
                    default: m.bytes += [0, 0, 0, 0]
                    }
                }
            }
            expectError(frame, .wireType(field: Int(field), type: Int(wire)))
        }
        // Policy.
        for (field, wire) in [(UInt64(1), UInt64(0)), (2, 5), (3, 2), (4, 1), (5, 0)] {
            let frame = ProtobufWriter.build { w in
                w.messageField(14) { m in
                    m.messageField(15) { p in
                        p.tag(field, wire)
                        switch wire {
                        case 0: p.varint(1)
                        case 1: p.bytes += [UInt8](repeating: 0, count: 8)
                        case 2: p.varint(0)
                        default: p.bytes += [0, 0, 0, 0]
                        }
                    }
                }
            }
            expectError(frame, .wireType(field: Int(field), type: Int(wire)))
        }
    }

    func testGroupsAndReservedWireTypesAreErrors() {
        // Start group (3), end group (4), and the undefined 6 and 7, on unknown fields at every level.
        for wire: UInt8 in [3, 4, 6, 7] {
            let dnstapTag = 4 << 3 | wire        // Dnstap field 4
            let messageTag: [UInt8] = [0x88 | wire, 0x01]  // Message field 17
            let policyTag = 6 << 3 | wire        // Policy field 6
            for frame in [
                [dnstapTag] + message,
                [0x72, 0x04, 0x08, 0x05] + messageTag,
                [0x72, 0x05, 0x08, 0x05, 0x7A, 0x01, policyTag],
            ] {
                guard let error = decodingError(frame) else {
                    XCTFail("wire type \(wire) decoded")
                    continue
                }
                guard case .wireType(_, let type) = error.reason else { return XCTFail("\(error)") }
                XCTAssertEqual(type, Int(wire))
            }
        }
        // Known fields as groups.
        expectError([0x0B] + message, .wireType(field: 1, type: 3))
        expectError([0x72, 0x01, 0x0C], .wireType(field: 1, type: 4))
    }

    func testGroupOnAnUnknownFieldNamesThatField() {
        // The error says which field, as for a known field: not "field 0".
        expectError([0x23] + message, .wireType(field: 4, type: 3), at: 1)
        expectError([0x72, 0x04, 0x08, 0x05, 0x8C, 0x01], .wireType(field: 17, type: 4), at: 6)
        expectError([0x72, 0x05, 0x08, 0x05, 0x7A, 0x01, 0x36], .wireType(field: 6, type: 6), at: 7)
        expectError(message + [0xBF, 0x01], .wireType(field: 23, type: 7), at: 6)
        XCTAssertEqual(decodingError([0x23] + message)?.description, "field 4 has wire type 3 at offset 1")
    }

    func testFieldNumberZero() {
        for tag: [UInt8] in [[0x00], [0x02], [0x05], [0x80, 0x00], [0x87, 0x00]] {
            expectError(tag + message, .fieldNumberZero)
            expectError([0x72, UInt8(tag.count)] + tag, .fieldNumberZero)
            expectError([0x72, UInt8(2 + tag.count), 0x7A, UInt8(tag.count)] + tag, .fieldNumberZero)
        }
    }

    func testFieldNumbersPastTheProtobufLimitAreErrors() {
        // Tag of field 2^29 (varint of 2^32 | wire type 0), then a value: invalid protobuf, rejected rather than skipped.
        let tag: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x10]
        expectError(tag + [0x01] + message, .fieldNumberTooLarge)
        XCTAssertEqual(decodingError(tag + [0x01] + message)?.description, "field number past 2^29 - 1 at offset 5")
        // The largest valid field number is skipped as unknown.
        let largest: [UInt8] = [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]
        XCTAssertNil(decodingError(largest + message))
    }

    func testFrameWithoutMessage() {
        expectError([], .noMessage, at: 0)
        expectError(ProtobufWriter.build { w in
            w.bytesField(1, "id")
            w.bytesField(2, "v")
            w.varintField(15, 1)
            w.varintField(20, 1)
        }, .noMessage, at: 0)
        XCTAssertEqual(decodingError([])?.description, "no Message in the frame")
    }

    func testErrorDescriptionsNameTheOffset() {
        XCTAssertEqual(DnstapDecodingError(.truncatedVarint, at: 3).description, "varint cut short at offset 3")
        XCTAssertEqual(DnstapDecodingError(.varintTooLong, at: 3).description, "varint longer than 10 octets at offset 3")
        XCTAssertEqual(DnstapDecodingError(.lengthPastEnd, at: 3).description, "length-delimited field runs past its end at offset 3")
        XCTAssertEqual(DnstapDecodingError(.truncatedFixed, at: 3).description, "fixed-width field cut short at offset 3")
        XCTAssertEqual(DnstapDecodingError(.wireType(field: 7, type: 3), at: 3).description, "field 7 has wire type 3 at offset 3")
        XCTAssertEqual(DnstapDecodingError(.fieldNumberZero, at: 3).description, "field number 0 at offset 3")
    }

    // MARK: Times

    func testTimes() throws {
        func times(_ build: (inout ProtobufWriter) -> Void) throws -> (Int64?, Int64?) {
            let d = try layout(ProtobufWriter.build { w in w.messageField(14) { m in m.varintField(1, 1); build(&m) } })
            return (d.queryTime, d.responseTime)
        }
        XCTAssertTrue(try times { _ in } == (nil, nil))
        XCTAssertTrue(try times { $0.varintField(8, 1) } == (1_000_000_000, nil))
        XCTAssertTrue(try times { $0.fixed32Field(13, 5) } == (nil, 5))
        XCTAssertTrue(try times { $0.varintField(8, 0); $0.fixed32Field(9, 0) } == (0, nil))
        XCTAssertTrue(try times { $0.varintField(12, 1_700_000_000); $0.fixed32Field(13, 999_999_999) } == (nil, 1_700_000_000_999_999_999))
        // Out-of-range nanoseconds and seconds past what nanoseconds can hold are clamped, never a trap.
        XCTAssertTrue(try times { $0.varintField(8, 2); $0.fixed32Field(9, 0xFFFF_FFFF) } == (2_999_999_999, nil))
        XCTAssertTrue(try times { $0.varintField(8, UInt64.max); $0.fixed32Field(9, 0xFFFF_FFFF) } == (9_000_000_000_999_999_999, nil))
        XCTAssertTrue(try times { $0.varintField(12, 9_000_000_000) } == (nil, 9_000_000_000_000_000_000))
    }

    // MARK: The corpus

    func testEveryFrameOfTheUnboundCorpusDecodes() throws {
        let file = try corpusFile("dnstap/unbound.dnstap")
        // The file is START, data frames, STOP; walk the data frames by their lengths.
        var offset = 8 + Int(UInt32(file[4]) << 24 | UInt32(file[5]) << 16 | UInt32(file[6]) << 8 | UInt32(file[7]))
        var count = 0
        var types: Set<UInt32> = []
        while offset + 4 <= file.count {
            let length = Int(UInt32(file[offset]) << 24 | UInt32(file[offset + 1]) << 16 | UInt32(file[offset + 2]) << 8 | UInt32(file[offset + 3]))
            guard length > 0 else { break }
            let frame = Array(file[(offset + 4)..<(offset + 4 + length)])
            let fields = try decode(frame)
            XCTAssertEqual(fields.identity.map { String(decoding: $0, as: UTF8.self) }, "unbound-corpus")
            XCTAssertEqual(fields.type, 1)
            types.insert(fields.message.type)
            // Re-encoding what was decoded gives what the test writer writes; both decode alike.
            XCTAssertEqual(try decode(fields.protobuf()), fields)
            XCTAssertEqual(try decode(Array(fields.encoded().dropFirst(4))), fields)
            offset += 4 + length
            count += 1
        }
        XCTAssertEqual(count, 815)
        XCTAssertTrue(types.isSuperset(of: [3, 4, 5, 6]), "\(types)")
    }
}
