import SondeFrameStreams
import XCTest

final class FrameStreamDecoderTests: XCTestCase {
    // MARK: Data frames

    func testDataFramesAndTheirRanges() throws {
        let stream = dataFrame([1, 2, 3]) + dataFrame([9]) + dataFrame(Array(repeating: 7, count: 300))
        let result = try frames(stream)
        XCTAssertEqual(result.frames, [.data([1, 2, 3]), .data([9]), .data(Array(repeating: 7, count: 300))])
        XCTAssertEqual(result.offset, stream.count)

        // The range is the payload's place in the buffer, after the 4-octet length.
        try exactCopy(stream) { buffer throws(FrameStreamError) in
            var decoder = FrameStreamDecoder()
            var offset = 0
            XCTAssertEqual(try decoder.next(buffer, from: &offset), .data(4..<7))
            XCTAssertEqual(offset, 7)
            XCTAssertEqual(try decoder.next(buffer, from: &offset), .data(11..<12))
            XCTAssertEqual(try decoder.next(buffer, from: &offset), .data(16..<316))
            XCTAssertNil(try decoder.next(buffer, from: &offset))
            XCTAssertEqual(offset, 316)
        }
    }

    func testNeedsMoreDataWithoutMovingTheOffset() throws {
        let frame = dataFrame([1, 2, 3, 4, 5])
        for cut in 0..<frame.count {
            let result = try frames(Array(frame[..<cut]))
            XCTAssertEqual(result.frames, [], "cut at \(cut)")
            XCTAssertEqual(result.offset, 0, "cut at \(cut)")
        }
        // A whole frame then a cut one: the offset stops at the start of the cut one.
        let result = try frames(frame + Array(frame[..<6]))
        XCTAssertEqual(result.frames, [.data([1, 2, 3, 4, 5])])
        XCTAssertEqual(result.offset, frame.count)
        // A control frame cut anywhere, escape and length included.
        let control = FrameStreamControl(.start, contentTypes: [dnstapType]).encoded()
        for cut in 0..<control.count {
            XCTAssertEqual(try frames(Array(control[..<cut])).offset, 0, "control cut at \(cut)")
        }
    }

    func testDataFrameAtTheMaximumIsData() throws {
        let payload = [UInt8](repeating: 3, count: 64)
        XCTAssertEqual(try frames(dataFrame(payload), maximumFrameLength: 64).frames, [.data(payload)])
        XCTAssertEqual(try frames(dataFrame(payload + [4]), maximumFrameLength: 64).frames, [.oversized(65)])
    }

    // MARK: Control frames

    func testControlFrameWithoutContentType() throws {
        for kind in [FrameStreamControl.Kind.accept, .start, .stop, .ready, .finish] {
            let result = try frames(controlFrame(be32(kind.rawValue)))
            XCTAssertEqual(result.frames, [.control(FrameStreamControl(kind))])
            XCTAssertEqual(result.offset, 12)
        }
    }

    func testControlFrameWithOneContentType() throws {
        let stream = controlFrame(be32(0x02) + controlField(1, dnstapType)) + dataFrame([5])
        let result = try frames(stream)
        XCTAssertEqual(result.frames, [.control(FrameStreamControl(.start, contentTypes: [dnstapType])), .data([5])])
        XCTAssertEqual(result.offset, stream.count)
    }

    func testControlFrameWithSeveralContentTypes() throws {
        let types: [[UInt8]] = [Array("protobuf:other".utf8), dnstapType, [], Array("x".utf8)]
        let body = be32(0x04) + types.flatMap { controlField(1, $0) }
        let result = try frames(controlFrame(body))
        XCTAssertEqual(result.frames, [.control(FrameStreamControl(.ready, contentTypes: types))])
    }

    func testUnknownFieldTypesAreSkipped() throws {
        let body = be32(0x04) + controlField(0x02, [1, 2, 3]) + controlField(1, dnstapType) + controlField(0xFFFF_FFFF, [])
            + controlField(0x07, Array(repeating: 0xAA, count: 40)) + controlField(1, Array("b".utf8))
        let result = try frames(controlFrame(body))
        XCTAssertEqual(result.frames, [.control(FrameStreamControl(.ready, contentTypes: [dnstapType, Array("b".utf8)]))])
    }

    func testUnknownControlTypeIsDecoded() throws {
        // The state machine, not the framer, decides what an unknown control type means.
        XCTAssertEqual(try frames(controlFrame(be32(0x77))).frames, [.control(FrameStreamControl(.init(rawValue: 0x77)))])
        XCTAssertEqual(FrameStreamControl.Kind(rawValue: 0x77).description, "control type 119")
    }

    func testControlFrameOfTheMaximumLengthIsRead() throws {
        // 4 (type) + 8 (field header) + 500 = 512.
        let value = [UInt8](repeating: 0x61, count: 500)
        let frame = controlFrame(be32(0x04) + controlField(1, value))
        XCTAssertEqual(frame.count, 8 + FrameStreamControl.maximumLength)
        XCTAssertEqual(try frames(frame).frames, [.control(FrameStreamControl(.ready, contentTypes: [value]))])
    }

    func testControlFrameLongerThan512IsAnError() {
        let frame = controlFrame(be32(0x04) + controlField(1, [UInt8](repeating: 0x61, count: 501)))
        XCTAssertThrowsError(try frames(frame)) { XCTAssertEqual($0 as? FrameStreamError, .controlFrameTooLong(513)) }
        // The length alone decides: the error comes before the body has arrived, so nothing is buffered for it.
        XCTAssertThrowsError(try frames(be32(0) + be32(0xFFFF_FFFF))) {
            XCTAssertEqual($0 as? FrameStreamError, .controlFrameTooLong(0xFFFF_FFFF))
        }
        XCTAssertThrowsError(try frames(be32(0) + be32(513))) { XCTAssertEqual($0 as? FrameStreamError, .controlFrameTooLong(513)) }
    }

    func testMalformedControlFrames() {
        func expectMalformed(_ body: [UInt8], _ why: String, line: UInt = #line) {
            XCTAssertThrowsError(try frames(controlFrame(body)), line: line) {
                XCTAssertEqual($0 as? FrameStreamError, .malformedControlFrame(why), line: line)
            }
        }
        // Shorter than its type.
        expectMalformed([], "shorter than its type")
        expectMalformed([0, 0, 2], "shorter than its type")
        // A field header cut: 1 to 7 octets after the type.
        for n in 1...7 {
            expectMalformed(be32(0x02) + Array(controlField(1, [])[..<n]), "field header cut at offset 4")
        }
        // After a good field.
        expectMalformed(be32(0x04) + controlField(1, dnstapType) + [0, 0, 0], "field header cut at offset 34")
        // A field length past the end of the frame (by one, and by far).
        expectMalformed(be32(0x02) + be32(1) + be32(23) + dnstapType, "field of 23 octets runs past the frame at offset 12")
        expectMalformed(be32(0x02) + be32(1) + be32(0xFFFF_FFFF), "field of 4294967295 octets runs past the frame at offset 12")
        // An unknown field type is skipped by its length, which must fit as well.
        expectMalformed(be32(0x02) + be32(9) + be32(1), "field of 1 octets runs past the frame at offset 12")
    }

    func testMalformedControlFrameLeavesTheOffset() throws {
        // A throw leaves `offset` at the start of the bad frame, after the good ones.
        let stream = dataFrame([1]) + controlFrame([0, 0])
        try exactCopy(stream) { buffer in
            var decoder = FrameStreamDecoder()
            var offset = 0
            XCTAssertEqual(try decoder.next(buffer, from: &offset), .data(4..<5))
            XCTAssertThrowsError(try decoder.next(buffer, from: &offset))
            XCTAssertEqual(offset, 5)
        }
    }

    // MARK: Oversized data frames

    func testOversizedFrameIsSkippedAcrossManySmallChunks() throws {
        var decoder = FrameStreamDecoder(maximumFrameLength: 100)
        let big = dataFrame([UInt8](repeating: 0xEE, count: 1000))
        let next = dataFrame([1, 2, 3])
        let stream = big + next + FrameStreamControl(.stop).encoded()
        var pending: [UInt8] = []
        var seen: [Decoded] = []
        var skippingAfterEachChunk: [Int] = []
        var fed = 0
        while fed < stream.count {
            let n = min(7, stream.count - fed)
            pending += stream[fed..<(fed + n)]
            fed += n
            let consumed = try exactCopy(pending) { buffer throws(FrameStreamError) -> Int in
                var offset = 0
                while let frame = try decoder.next(buffer, from: &offset) {
                    switch frame {
                    case .data(let range): seen.append(.data(Array(buffer[range])))
                    case .control(let c): seen.append(.control(c))
                    case .oversized(let n): seen.append(.oversized(n))
                    }
                }
                return offset
            }
            pending.removeFirst(consumed)
            // The skipped payload is never buffered: while skipping, nothing waits.
            if decoder.skipping > 0 { XCTAssertEqual(pending, []) }
            XCTAssertLessThan(pending.count, 12)
            skippingAfterEachChunk.append(decoder.skipping)
        }
        XCTAssertEqual(seen, [.oversized(1000), .data([1, 2, 3]), .control(FrameStreamControl(.stop))])
        XCTAssertEqual(pending, [])
        XCTAssertEqual(decoder.skipping, 0)
        // Reported once, then counted down chunk by chunk: 7 octets of the first chunk are the length and 3 of payload.
        XCTAssertEqual(skippingAfterEachChunk.first, 997)
        let counting = skippingAfterEachChunk.prefix { $0 > 0 }
        XCTAssertEqual(Array(counting), Array(stride(from: 997, to: 0, by: -7)))
    }

    func testOversizedFrameWholeInOneBuffer() throws {
        let stream = dataFrame([UInt8](repeating: 1, count: 50)) + dataFrame([2])
        let result = try frames(stream, maximumFrameLength: 10)
        XCTAssertEqual(result.frames, [.oversized(50), .data([2])])
        XCTAssertEqual(result.offset, stream.count)
    }

    func testOversizedFrameCutAtTheEndKeepsSkipping() throws {
        var decoder = FrameStreamDecoder(maximumFrameLength: 10)
        let stream = dataFrame([UInt8](repeating: 1, count: 50))
        try exactCopy(Array(stream[..<20])) { buffer throws(FrameStreamError) in
            var offset = 0
            XCTAssertEqual(try decoder.next(buffer, from: &offset), .oversized(length: 50))
            XCTAssertEqual(offset, 20)
            XCTAssertEqual(decoder.skipping, 34)
            XCTAssertNil(try decoder.next(buffer, from: &offset))
        }
        // An empty buffer while skipping: nothing happens.
        try exactCopy([]) { buffer throws(FrameStreamError) in
            var offset = 0
            XCTAssertNil(try decoder.next(buffer, from: &offset))
            XCTAssertEqual(offset, 0)
            XCTAssertEqual(decoder.skipping, 34)
        }
        // The rest, and the next frame in the same buffer.
        try exactCopy(Array(stream[20...]) + dataFrame([8])) { buffer throws(FrameStreamError) in
            var offset = 0
            XCTAssertEqual(try decoder.next(buffer, from: &offset), .data(38..<39))
            XCTAssertEqual(decoder.skipping, 0)
        }
    }

    func testLengthFFFFFFFFIsOversizedNotAnAllocation() throws {
        let result = try frames(be32(0xFFFF_FFFF) + [1, 2, 3])
        XCTAssertEqual(result.frames, [.oversized(0xFFFF_FFFF)])
        XCTAssertEqual(result.offset, 7)
    }

    // MARK: Verifier: whole, byte by byte, in random chunks, frame by frame

    /// A stream of every kind of frame, with its frame boundaries.
    func randomStream(_ rng: inout SplitMix64, frameCount: Int) -> (bytes: [UInt8], boundaries: [Int]) {
        var bytes: [UInt8] = []
        var boundaries: [Int] = []
        for _ in 0..<frameCount {
            switch rng.next() % 8 {
            case 0:
                var c = FrameStreamControl(.ready)
                for _ in 0..<(rng.next() % 4) {
                    c.contentTypes.append((0..<(rng.next() % 30)).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) })
                }
                bytes += c.encoded()
            case 1:
                // A control frame with unknown fields and an unknown type now and then.
                let kind = rng.next() % 3 == 0 ? UInt32(0x77) : UInt32(1 + rng.next() % 5)
                var body = be32(kind)
                for _ in 0..<(rng.next() % 3) {
                    body += controlField(UInt32(rng.next() % 4), (0..<(rng.next() % 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
                }
                bytes += controlFrame(body)
            case 2:
                // Oversized (the verifier's maximum is 200).
                bytes += dataFrame((0..<(201 + rng.next() % 700)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            default:
                bytes += dataFrame((0..<(1 + rng.next() % 200)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            }
            boundaries.append(bytes.count)
        }
        return (bytes, boundaries)
    }

    /// Like NIO's ByteToMessageDecoderVerifier: however the stream is cut, the frames, the error and what is left
    /// over are the same.
    func verify(_ stream: [UInt8], boundaries: [Int], seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        let whole = read(stream, maximumFrameLength: 200, chunkSizes: { stream.count }, file: file, line: line)
        let byteByByte = read(stream, maximumFrameLength: 200, chunkSizes: { 1 }, file: file, line: line)
        XCTAssertEqual(whole, byteByByte, "byte by byte, seed \(seed)", file: file, line: line)
        var rng = SplitMix64(seed: seed)
        for largest in [3, 16, 100, 1500] {
            let random = read(stream, maximumFrameLength: 200, chunkSizes: { 1 + Int(rng.next() % UInt64(largest)) }, file: file, line: line)
            XCTAssertEqual(whole, random, "chunks of at most \(largest), seed \(seed)", file: file, line: line)
        }
        var sizes = zip(boundaries, [0] + boundaries).map { $0 - $1 }.makeIterator()
        let framePerChunk = read(stream, maximumFrameLength: 200, chunkSizes: { sizes.next() ?? stream.count }, file: file, line: line)
        XCTAssertEqual(whole, framePerChunk, "one frame per chunk, seed \(seed)", file: file, line: line)
    }

    func testVerifierOnRandomStreams() {
        for seed in UInt64(1)...60 {
            var rng = SplitMix64(seed: seed)
            let (stream, boundaries) = randomStream(&rng, frameCount: 1 + Int(rng.next() % 30))
            let whole = read(stream, maximumFrameLength: 200, chunkSizes: { stream.count })
            XCTAssertNil(whole.error, "seed \(seed)")
            XCTAssertEqual(whole.frames.count, boundaries.count, "seed \(seed)")
            XCTAssertEqual(whole.leftover, 0)
            verify(stream, boundaries: boundaries, seed: seed)
        }
    }

    func testVerifierOnCutAndBrokenStreams() {
        var rng = SplitMix64(seed: 0xF5)
        for round in 0..<40 {
            var (stream, boundaries) = randomStream(&rng, frameCount: 10)
            switch round % 4 {
            case 0:
                // Cut inside the last frame: the same leftover (or the same count still to skip) whatever the chunks.
                stream.removeLast(1 + Int(rng.next() % UInt64(stream.count - boundaries[8])))
                boundaries.removeLast()
            case 1:
                // A control frame too long in the middle.
                stream.insert(contentsOf: be32(0) + be32(600) + [UInt8](repeating: 0, count: 600), at: boundaries[4])
            case 2:
                // A malformed control frame (its field runs past it) in the middle.
                stream.insert(contentsOf: controlFrame(be32(2) + be32(1) + be32(100)), at: boundaries[4])
            default:
                // Random octets flipped.
                for _ in 0..<3 { stream[Int(rng.next() % UInt64(stream.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
            }
            verify(stream, boundaries: boundaries, seed: UInt64(round))
        }
    }

    func testVerifierOnTheWholeUnboundFile() throws {
        let stream = try corpusFile("dnstap/unbound.dnstap")
        let whole = read(stream, chunkSizes: { stream.count })
        XCTAssertNil(whole.error)
        XCTAssertEqual(whole.leftover, 0)
        XCTAssertEqual(whole.frames.first, .control(FrameStreamControl(.start, contentTypes: [dnstapType])))
        XCTAssertEqual(whole.frames.last, .control(FrameStreamControl(.stop)))
        XCTAssertEqual(whole.frames.count, 815 + 2)
        var rng = SplitMix64(seed: 815)
        XCTAssertEqual(whole, read(stream, chunkSizes: { 1 + Int(rng.next() % 300) }))
        XCTAssertEqual(whole, read(stream, chunkSizes: { 1 }))
    }
}

