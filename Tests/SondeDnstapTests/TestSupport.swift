import Foundation
import SondeDNS
import SondeDnstap
import XCTest

/// A small deterministic generator (SplitMix64), so a failing random case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A test-only protobuf writer, independent of DnstapEncoder, so that the decoder is not checked against itself.
struct ProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ field: UInt64, _ wire: UInt64) { varint(field << 3 | wire) }

    mutating func varintField(_ field: UInt64, _ value: UInt64) {
        tag(field, 0)
        varint(value)
    }

    mutating func fixed32Field(_ field: UInt64, _ value: UInt32) {
        tag(field, 5)
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func fixed64Field(_ field: UInt64, _ value: UInt64) {
        tag(field, 1)
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func bytesField(_ field: UInt64, _ value: [UInt8]) {
        tag(field, 2)
        varint(UInt64(value.count))
        bytes += value
    }

    mutating func bytesField(_ field: UInt64, _ text: String) { bytesField(field, Array(text.utf8)) }

    mutating func messageField(_ field: UInt64, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        bytesField(field, inner.bytes)
    }

    static func build(_ body: (inout ProtobufWriter) -> Void) -> [UInt8] {
        var w = ProtobufWriter()
        body(&w)
        return w.bytes
    }
}

/// `Policy`'s fields, as a test writes and reads them.
struct PolicyFields: Equatable {
    var type: [UInt8]?
    var rule: [UInt8]?
    var action: UInt32?
    var match: UInt32?
    var value: [UInt8]?

    var encoded: [UInt8] {
        ProtobufWriter.build { w in
            if let type { w.bytesField(1, type) }
            if let rule { w.bytesField(2, rule) }
            if let action { w.varintField(3, UInt64(action)) }
            if let match { w.varintField(4, UInt64(match)) }
            if let value { w.bytesField(5, value) }
        }
    }
}

/// `Message`'s fields, as a test writes and reads them.
struct MessageFields: Equatable {
    var type: UInt32
    var socketFamily: UInt32?
    var socketProtocol: UInt32?
    var queryAddress: [UInt8]?
    var responseAddress: [UInt8]?
    var queryPort: UInt32?
    var responsePort: UInt32?
    var queryTime: Int64?
    var queryMessage: [UInt8]?
    var queryZone: [UInt8]?
    var responseTime: Int64?
    var responseMessage: [UInt8]?
    var policy: PolicyFields?
    var httpProtocol: UInt32?

    init(type: UInt32) { self.type = type }
}

/// A whole dnstap frame's fields.
struct FrameFields: Equatable {
    var identity: [UInt8]?
    var version: [UInt8]?
    var extra: [UInt8]?
    /// `Dnstap.type`.
    var type: UInt32 = 1
    var message: MessageFields
}

extension FrameFields {
    /// The fields a layout found in `frame`.
    init(_ d: DnstapLayout, in frame: UnsafeRawBufferPointer) {
        func bytes(_ f: DnstapField) -> [UInt8]? { f.isPresent ? Array(f.bytes(in: frame)) : nil }
        func scalar(_ v: UInt32, _ p: DnstapLayout.Presence) -> UInt32? { d.present.contains(p) ? v : nil }
        var m = MessageFields(type: d.messageType)
        m.socketFamily = scalar(d.socketFamily, .socketFamily)
        m.socketProtocol = scalar(d.socketProtocol, .socketProtocol)
        m.queryAddress = bytes(d.queryAddress)
        m.responseAddress = bytes(d.responseAddress)
        m.queryPort = scalar(d.queryPort, .queryPort)
        m.responsePort = scalar(d.responsePort, .responsePort)
        m.queryTime = d.queryTime
        m.queryMessage = bytes(d.queryMessage)
        m.queryZone = bytes(d.queryZone)
        m.responseTime = d.responseTime
        m.responseMessage = bytes(d.responseMessage)
        if d.present.contains(.policy) {
            m.policy = PolicyFields(
                type: bytes(d.policyType), rule: bytes(d.policyRule), action: scalar(d.policyAction, .policyAction),
                match: scalar(d.policyMatch, .policyMatch), value: bytes(d.policyValue))
        }
        m.httpProtocol = scalar(d.httpProtocol, .httpProtocol)
        self.init(identity: bytes(d.identity), version: bytes(d.version), extra: bytes(d.extra), type: d.type, message: m)
    }
}

/// Keeps copies of byte arrays alive while an encoder holds raw pointers to them.
final class Arena {
    private var blocks: [UnsafeMutableRawBufferPointer] = []

    func keep(_ bytes: [UInt8]?) -> UnsafeRawBufferPointer? {
        guard let bytes else { return nil }
        // One octet more than asked for, so that even an empty field has a non-nil address: present, not absent.
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count + 1, alignment: 1)
        blocks.append(block)
        block.copyBytes(from: bytes)
        return UnsafeRawBufferPointer(rebasing: block[0..<bytes.count])
    }

    deinit { for block in blocks { block.deallocate() } }
}

extension MessageFields {
    /// DnstapEncoder's view of these fields; the bytes live as long as `arena`.
    func encoderMessage(_ arena: Arena) -> DnstapEncoder.Message {
        var m = DnstapEncoder.Message(type: type)
        m.socketFamily = socketFamily
        m.socketProtocol = socketProtocol
        m.queryAddress = arena.keep(queryAddress)
        m.responseAddress = arena.keep(responseAddress)
        m.queryPort = queryPort
        m.responsePort = responsePort
        m.queryTime = queryTime
        m.queryMessage = arena.keep(queryMessage)
        m.queryZone = arena.keep(queryZone)
        m.responseTime = responseTime
        m.responseMessage = arena.keep(responseMessage)
        m.policy = arena.keep(policy?.encoded)
        m.httpProtocol = httpProtocol
        return m
    }
}

extension FrameFields {
    /// The Frame Streams data frame DnstapEncoder writes: 4-octet length, then the `Dnstap` protobuf.
    func encoded() -> [UInt8] {
        let arena = Arena()
        let m = message.encoderMessage(arena)
        var out = OutputBuffer(capacity: 64)
        if extra == nil {
            DnstapEncoder.writeFrame(identity: arena.keep(identity), version: arena.keep(version), message: m, into: &out)
        } else {
            DnstapEncoder.writeFrame(
                identity: arena.keep(identity), version: arena.keep(version), extra: arena.keep(extra),
                messageSize: m.size, into: &out
            ) { m.write(into: &$0) }
        }
        return out.makeArray()
    }

    /// What the encoder writes as a protobuf, written by the test writer instead.
    func protobuf() -> [UInt8] {
        ProtobufWriter.build { w in
            if let identity { w.bytesField(1, identity) }
            if let version { w.bytesField(2, version) }
            if let extra { w.bytesField(3, extra) }
            w.messageField(14) { message.write(into: &$0) }
            w.varintField(15, UInt64(type))
        }
    }
}

extension MessageFields {
    func write(into w: inout ProtobufWriter) {
        w.varintField(1, UInt64(type))
        if let socketFamily { w.varintField(2, UInt64(socketFamily)) }
        if let socketProtocol { w.varintField(3, UInt64(socketProtocol)) }
        if let queryAddress { w.bytesField(4, queryAddress) }
        if let responseAddress { w.bytesField(5, responseAddress) }
        if let queryPort { w.varintField(6, UInt64(queryPort)) }
        if let responsePort { w.varintField(7, UInt64(responsePort)) }
        if let queryTime {
            w.varintField(8, UInt64(queryTime / 1_000_000_000))
            w.fixed32Field(9, UInt32(queryTime % 1_000_000_000))
        }
        if let queryMessage { w.bytesField(10, queryMessage) }
        if let queryZone { w.bytesField(11, queryZone) }
        if let responseTime {
            w.varintField(12, UInt64(responseTime / 1_000_000_000))
            w.fixed32Field(13, UInt32(responseTime % 1_000_000_000))
        }
        if let responseMessage { w.bytesField(14, responseMessage) }
        if let policy { w.bytesField(15, policy.encoded) }
        if let httpProtocol { w.varintField(16, UInt64(httpProtocol)) }
    }
}

/// Decodes a `Dnstap` protobuf (no Frame Streams length) from memory of exactly its size.
func decode(_ protobuf: [UInt8]) throws(DnstapDecodingError) -> FrameFields {
    try exactCopy(protobuf) { frame throws(DnstapDecodingError) in FrameFields(try DnstapLayout(decoding: frame), in: frame) }
}

/// The layout of a `Dnstap` protobuf, and the fields it names.
func layout(_ protobuf: [UInt8]) throws(DnstapDecodingError) -> DnstapLayout {
    try exactCopy(protobuf) { frame throws(DnstapDecodingError) in try DnstapLayout(decoding: frame) }
}

/// The decoding error of a `Dnstap` protobuf, or nil when it decodes.
func decodingError(_ protobuf: [UInt8]) -> DnstapDecodingError? {
    do {
        _ = try layout(protobuf)
        return nil
    } catch {
        return error
    }
}

/// Runs `body` on a copy of `bytes` in memory of exactly that size, so that a read past its end is caught by
/// AddressSanitizer rather than hidden by an array's spare capacity.
func exactCopy<R, E: Error>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
    defer { copy.deallocate() }
    if !bytes.isEmpty { copy.copyBytes(from: bytes) }
    return try body(UnsafeRawBufferPointer(copy))
}

/// Big-endian bytes of a 32-bit value.
func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

/// A file of the shared corpus (`shared/corpus/<path>` beside the repository); skips the test when it is absent.
func corpusFile(_ path: String) throws -> [UInt8] {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/" {
        let candidate = directory.appendingPathComponent("shared/corpus").appendingPathComponent(path)
        if let data = FileManager.default.contents(atPath: candidate.path) { return Array(data) }
        directory.deleteLastPathComponent()
    }
    throw XCTSkip("shared/corpus/\(path) is not here (a user's clone): corpus test skipped")
}
