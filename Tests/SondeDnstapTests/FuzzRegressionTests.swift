// The body of the FuzzDnstap fuzz target, and its replay over the committed seeds and crashers.
//
// This one file is compiled twice: here, by the normal test suite, and into FuzzTesting's FuzzDnstap target (a
// symbolic link there points at this file; the fuzz targets define SONDE_FUZZ_TARGET, which leaves the XCTest part
// out). So what the fuzzer checks and what `swift test` replays cannot drift apart.
import SondeDNS
import SondeDnstap
import SondeFrameStreams

#if !SONDE_FUZZ_TARGET
import Foundation
import XCTest

final class FuzzRegressionTests: XCTestCase {
    /// Every seed and every crasher ever found by FuzzDnstap still passes the fuzz target's checks.
    func testFuzzDnstapInputs() throws {
        let seeds = try DnstapFuzzCheck.inputs(in: "Seeds/FuzzDnstap")
        XCTAssertFalse(seeds.isEmpty, "FuzzTesting/Seeds/FuzzDnstap holds no seed")
        for (name, bytes) in try seeds + DnstapFuzzCheck.inputs(in: "Regressions/FuzzDnstap") {
            do {
                try bytes.withUnsafeBytes { try DnstapFuzzCheck.run($0) }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }
}

extension DnstapFuzzCheck {
    /// The files of `<repo>/FuzzTesting/<folder>` (none when the folder is absent), dot files left out.
    static func inputs(in folder: String) throws -> [(name: String, bytes: [UInt8])] {
        // Walk up from this file (it is also reached through FuzzTesting's links) to the folder that holds FuzzTesting.
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("FuzzTesting/Seeds").path) {
            guard directory.path != "/" else { throw CocoaError(.fileNoSuchFile) }
            directory.deleteLastPathComponent()
        }
        let folder = directory.appendingPathComponent("FuzzTesting").appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            (folder.lastPathComponent + "/" + name, Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }
}
#endif

/// Checks a Frame Streams stream of dnstap frames the way the dnstap input reads it; throws the first broken property.
///
/// The input is read as a stream (START, data frames, STOP, or anything else) all at once and in chunks whose sizes
/// come from the bytes' own hash, by a framer with the default maximum and by one with a tiny maximum (so that
/// oversized frames are skipped across chunks); each reading must give the same frames and the same error. Every
/// data frame, and the whole input as one frame, goes through DnstapLayout: its ranges must lie inside the frame,
/// and the fields re-encoded by DnstapEncoder must decode to the same values.
enum DnstapFuzzCheck {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Failure(description: message()) }
    }

    /// Runs `body` on a copy of `bytes` in memory of exactly that size, so that AddressSanitizer sees a read past
    /// the end (a slice of a larger buffer would hide it).
    static func withExactCopy<R>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { copy.deallocate() }
        copy.copyMemory(from: bytes)
        return try body(UnsafeRawBufferPointer(copy))
    }

    static func run(_ input: UnsafeRawBufferPointer) throws {
        try withExactCopy(input) { try checkFrame($0) }
        // FNV-1a of the bytes seeds SplitMix64: the same input always gets the same chunking.
        var state = input.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
        func random() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        for maximum in [1 << 20, 24] {
            let whole = try read(input, maximumFrameLength: maximum, chunkSizes: { input.count })
            let largest = [1, 3, 16, 100, 1500][Int(random() % 5)]
            let split = try read(input, maximumFrameLength: maximum, chunkSizes: { 1 + Int(random() % UInt64(largest)) })
            try require(whole == split, "maximum \(maximum), chunks of at most \(largest) bytes read differently:\n  whole: \(whole)\n  split: \(split)")
            try checkSession(whole.frames)
            guard maximum == 1 << 20 else { continue }
            for case .data(let frame) in whole.frames {
                try frame.withUnsafeBytes { bytes in try withExactCopy(bytes) { try checkFrame($0) } }
            }
        }
    }

    // MARK: Frame Streams

    /// One frame as the caller sees it: data frames copied out of the buffer they came in.
    enum Frame: Equatable {
        case data([UInt8])
        case control(FrameStreamControl)
        case oversized(Int)
    }

    /// What reading a whole input gives: the frames, the error that stopped it, what was left over.
    struct Reading: Equatable {
        var frames: [Frame] = []
        var error: FrameStreamError?
        var leftover = 0
        var skipping = 0
    }

    /// Plays the dnstap input: decodes what is buffered, keeps the bytes from the returned offset on, adds a chunk.
    static func read(_ input: UnsafeRawBufferPointer, maximumFrameLength: Int, chunkSizes: () -> Int) throws -> Reading {
        var decoder = FrameStreamDecoder(maximumFrameLength: maximumFrameLength)
        var reading = Reading()
        var pending: [UInt8] = []
        var fed = 0
        var rounds = 0
        while true {
            rounds += 1
            try require(rounds <= 2 * input.count + 10, "the decoder makes no progress")
            var steps = 0
            let consumed: Int
            do {
                consumed = try pending.withUnsafeBytes { all in
                    try withExactCopy(all) { buffer in
                        var offset = 0
                        while let frame = try decoder.next(buffer, from: &offset) {
                            steps += 1
                            try require(steps <= buffer.count / 4 + 1, "more frames than the buffer can hold")
                            try require(offset <= buffer.count, "offset \(offset) past \(buffer.count) bytes")
                            switch frame {
                            case .data(let range):
                                try require(range.lowerBound >= 4 && range.upperBound == offset && !range.isEmpty
                                            && range.count <= maximumFrameLength, "data frame \(range), offset \(offset)")
                                reading.frames.append(.data(Array(buffer[range])))
                            case .control(let control):
                                try require(control.encoded().count <= FrameStreamControl.maximumLength + 8, "control frame too long")
                                reading.frames.append(.control(control))
                            case .oversized(let length):
                                try require(length > maximumFrameLength, "oversized(\(length)) at most \(maximumFrameLength)")
                                reading.frames.append(.oversized(length))
                            }
                        }
                        try require(offset >= 0 && offset <= buffer.count, "offset \(offset) outside \(buffer.count) bytes")
                        return offset
                    }
                }
            } catch let error as FrameStreamError {
                reading.error = error
                return reading
            }
            pending.removeFirst(consumed)
            guard fed < input.count else { break }
            let n = min(max(chunkSizes(), 1), input.count - fed)
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[fed..<(fed + n)]))
            fed += n
        }
        reading.leftover = pending.count
        reading.skipping = decoder.skipping
        try require(reading.skipping == 0 || reading.leftover == 0, "bytes left while skipping")
        return reading
    }

    /// Control frames re-encode to themselves, and the reader's state machine takes any sequence without trapping.
    static func checkSession(_ frames: [Frame]) throws {
        for mode in [FrameStreamReaderStateMachine.Mode.either, .bidirectional, .unidirectional] {
            var session = FrameStreamReaderStateMachine(mode: mode)
            for frame in frames {
                do {
                    switch frame {
                    case .data, .oversized: _ = try session.receiveData()
                    case .control(let control):
                        if case .finished = try session.receive(control) {
                            try require(session.isFinished && !session.isStarted, "finished but not stopped")
                            session = FrameStreamReaderStateMachine(mode: mode)
                        }
                    }
                } catch {
                    break
                }
            }
        }
        for case .control(let control) in frames {
            let wire = control.encoded()
            let again = try wire.withUnsafeBytes { bytes in
                try withExactCopy(UnsafeRawBufferPointer(rebasing: bytes[8...])) { try FrameStreamControl(body: $0) }
            }
            try require(again == control, "control frame \(control) re-encodes as \(again)")
        }
    }

    // MARK: dnstap

    /// What a layout says about a frame, with the byte fields copied out.
    struct Fields: Equatable {
        var present: DnstapLayout.Presence.RawValue
        var type: UInt32
        var identity: [UInt8]?, version: [UInt8]?, extra: [UInt8]?
        var messageType: UInt32
        var socketFamily: UInt32?, socketProtocol: UInt32?, httpProtocol: UInt32?
        var queryAddress: [UInt8]?, responseAddress: [UInt8]?
        var queryPort: UInt32?, responsePort: UInt32?
        var queryTime: Int64?, responseTime: Int64?
        var queryMessage: [UInt8]?, queryZone: [UInt8]?, responseMessage: [UInt8]?
        var policyType: [UInt8]?, policyRule: [UInt8]?, policyValue: [UInt8]?
        var policyAction: UInt32?, policyMatch: UInt32?

        init(_ d: DnstapLayout, in frame: UnsafeRawBufferPointer) {
            func bytes(_ f: DnstapField) -> [UInt8]? { f.isPresent ? Array(f.bytes(in: frame)) : nil }
            func scalar(_ v: UInt32, _ p: DnstapLayout.Presence) -> UInt32? { d.present.contains(p) ? v : nil }
            present = d.present.rawValue
            type = d.type
            identity = bytes(d.identity)
            version = bytes(d.version)
            extra = bytes(d.extra)
            messageType = d.messageType
            socketFamily = scalar(d.socketFamily, .socketFamily)
            socketProtocol = scalar(d.socketProtocol, .socketProtocol)
            httpProtocol = scalar(d.httpProtocol, .httpProtocol)
            queryAddress = bytes(d.queryAddress)
            responseAddress = bytes(d.responseAddress)
            queryPort = scalar(d.queryPort, .queryPort)
            responsePort = scalar(d.responsePort, .responsePort)
            queryTime = d.queryTime
            responseTime = d.responseTime
            queryMessage = bytes(d.queryMessage)
            queryZone = bytes(d.queryZone)
            responseMessage = bytes(d.responseMessage)
            policyType = bytes(d.policyType)
            policyRule = bytes(d.policyRule)
            policyValue = bytes(d.policyValue)
            policyAction = scalar(d.policyAction, .policyAction)
            policyMatch = scalar(d.policyMatch, .policyMatch)
        }
    }

    /// Decodes one dnstap frame; on success its ranges lie inside it and its fields survive DnstapEncoder.
    static func checkFrame(_ frame: UnsafeRawBufferPointer) throws {
        let d: DnstapLayout
        do {
            d = try DnstapLayout(decoding: frame)
        } catch {
            try require(error.offset >= 0 && error.offset <= frame.count, "error offset \(error.offset) outside \(frame.count) bytes: \(error)")
            var again: DnstapDecodingError?
            do { _ = try DnstapLayout(decoding: frame) } catch { again = error }
            try require(again == error, "decoding is not deterministic: \(error), then \(again.map { "\($0)" } ?? "success")")
            return
        }
        let fields = Fields(d, in: frame)
        try require(Fields(try DnstapLayout(decoding: frame), in: frame) == fields, "decoding is not deterministic")
        try checkRanges(d, frame.count)
        let p = d.present
        try require(p.contains(.message), "decoded without a Message")
        try require(p.contains(.policy) || p.isDisjoint(with: [.policyAction, .policyMatch]), "policy values without a Policy: \(p)")
        try require(p.contains(.policy) || !(d.policyType.isPresent || d.policyRule.isPresent || d.policyValue.isPresent),
                    "policy fields without a Policy")
        try require(d.isQuery == (d.messageType & 1 == 1) && d.dnsMessage == (d.isQuery ? d.queryMessage : d.responseMessage),
                    "isQuery or dnsMessage disagrees with the type")

        // Re-encode what was decoded; the new frame must decode to the same values, and encode to the same bytes.
        let first = reencode(d, frame)
        try require(first.count >= 4 && Array(first.prefix(4)) == bigEndian(first.count - 4),
                    "the frame length \(Array(first.prefix(4))) is not the \(first.count - 4) bytes that follow")
        let second = try first.withUnsafeBytes { all in
            try withExactCopy(UnsafeRawBufferPointer(rebasing: all[4...])) { encoded -> [UInt8] in
                let e: DnstapLayout
                do {
                    e = try DnstapLayout(decoding: encoded)
                } catch {
                    throw Failure(description: "the re-encoded frame does not decode: \(error)")
                }
                try checkRanges(e, encoded.count)
                var expected = fields
                expected.type = 1  // writeFrame always writes MESSAGE
                let back = Fields(e, in: encoded)
                try require(back == expected, "the re-encoded frame decodes differently:\n  before: \(expected)\n  after:  \(back)")
                return reencode(e, encoded)
            }
        }
        try require(second == first, "encoding what the encoder wrote changes the bytes")
    }

    /// Every field is absent (offset -1, length 0) or lies inside the frame.
    static func checkRanges(_ d: DnstapLayout, _ count: Int) throws {
        let ranges: [(String, DnstapField)] = [
            ("identity", d.identity), ("version", d.version), ("extra", d.extra), ("message", d.message),
            ("query address", d.queryAddress), ("response address", d.responseAddress), ("query message", d.queryMessage),
            ("query zone", d.queryZone), ("response message", d.responseMessage), ("policy", d.policy),
            ("policy type", d.policyType), ("policy rule", d.policyRule), ("policy value", d.policyValue),
        ]
        for (name, f) in ranges {
            if f.isPresent {
                try require(f.length >= 0 && Int(f.offset) + Int(f.length) <= count,
                            "\(name) \(f.offset)+\(f.length) outside \(count) bytes")
            } else {
                try require(f.offset == -1 && f.length == 0, "absent \(name) is \(f.offset)+\(f.length)")
            }
        }
    }

    /// A Frame Streams data frame written by DnstapEncoder from the decoded fields of `d`.
    static func reencode(_ d: DnstapLayout, _ frame: UnsafeRawBufferPointer) -> [UInt8] {
        func bytes(_ f: DnstapField) -> UnsafeRawBufferPointer? { f.isPresent ? f.bytes(in: frame) : nil }
        func scalar(_ v: UInt32, _ p: DnstapLayout.Presence) -> UInt32? { d.present.contains(p) ? v : nil }
        var m = DnstapEncoder.Message(type: d.messageType)
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
        m.httpProtocol = scalar(d.httpProtocol, .httpProtocol)
        // The decoded Policy values, not the Policy's bytes: a frame may carry several Policy messages, which merge.
        let policy = d.present.contains(.policy) ? policyBytes(d, frame) : nil
        var out = OutputBuffer(capacity: 256)
        (policy ?? []).withUnsafeBytes { p in
            if policy != nil { m.policy = p }
            DnstapEncoder.writeFrame(
                identity: bytes(d.identity), version: bytes(d.version), extra: bytes(d.extra), messageSize: m.size, into: &out
            ) { m.write(into: &$0) }
        }
        return out.makeArray()
    }

    /// `Policy { type 1, rule 2, action 3, match 4, value 5 }` from the decoded values.
    static func policyBytes(_ d: DnstapLayout, _ frame: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                out.append(UInt8(truncatingIfNeeded: v) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
        }
        func bytes(_ field: UInt64, _ f: DnstapField) {
            guard f.isPresent else { return }
            varint(field << 3 | 2)
            varint(UInt64(f.length))
            out.append(contentsOf: f.bytes(in: frame))
        }
        bytes(1, d.policyType)
        bytes(2, d.policyRule)
        if d.present.contains(.policyAction) { varint(3 << 3); varint(UInt64(d.policyAction)) }
        if d.present.contains(.policyMatch) { varint(4 << 3); varint(UInt64(d.policyMatch)) }
        bytes(5, d.policyValue)
        return out
    }

    static func bigEndian(_ n: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)]
    }
}
