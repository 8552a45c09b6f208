import SondeFrameStreams
import Foundation
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

/// Big-endian bytes of a 32-bit value.
func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

/// A data frame: its length, then its payload.
func dataFrame(_ payload: [UInt8]) -> [UInt8] { be32(UInt32(payload.count)) + payload }

/// A control frame from its body (control type and fields), with the escape and the control length.
func controlFrame(_ body: [UInt8]) -> [UInt8] { be32(0) + be32(UInt32(body.count)) + body }

/// A control field: type, length, value.
func controlField(_ type: UInt32, _ value: [UInt8]) -> [UInt8] { be32(type) + be32(UInt32(value.count)) + value }

let dnstapType = FrameStreamControl.dnstapContentType

/// A frame as the caller sees it: data frames copied out of the buffer they were found in.
enum Decoded: Equatable, CustomStringConvertible {
    case data([UInt8])
    case control(FrameStreamControl)
    case oversized(Int)

    var description: String {
        switch self {
        case .data(let bytes): return "data(\(bytes.count) octets)"
        case .control(let c): return "control(\(c.kind), \(c.contentTypes.map { String(decoding: $0, as: UTF8.self) }))"
        case .oversized(let n): return "oversized(\(n))"
        }
    }
}

/// What reading a whole stream gives: the frames, the error that stopped it, and how the stream ended.
struct Reading: Equatable {
    var frames: [Decoded] = []
    var error: FrameStreamError?
    /// Octets left unconsumed at the end (a cut frame).
    var leftover = 0
    /// Octets of an oversized frame still to skip at the end.
    var skipping = 0
}

/// Plays the real callers (DnstapConnectionHandler, PcapFileInput+Dnstap): decode what is buffered, keep the bytes
/// from the returned offset on, append the next chunk, repeat. `chunkSizes` gives the size of each chunk.
func read(
    _ stream: [UInt8], maximumFrameLength: Int = 1 << 20, chunkSizes: () -> Int,
    file: StaticString = #filePath, line: UInt = #line
) -> Reading {
    var decoder = FrameStreamDecoder(maximumFrameLength: maximumFrameLength)
    var reading = Reading()
    var pending: [UInt8] = []
    var fed = 0
    var rounds = 0
    while true {
        rounds += 1
        guard rounds <= 2 * stream.count + 10 else {
            XCTFail("the decoder makes no progress", file: file, line: line)
            return reading
        }
        let consumed: Int
        do {
            consumed = try exactCopy(pending) { buffer throws(FrameStreamError) -> Int in
                var offset = 0
                while let frame = try decoder.next(buffer, from: &offset) {
                    switch frame {
                    case .data(let range):
                        XCTAssert(range.lowerBound >= 4 && range.upperBound <= offset && offset <= buffer.count,
                                  "data range \(range) outside the buffer", file: file, line: line)
                        reading.frames.append(.data(Array(buffer[range])))
                    case .control(let c): reading.frames.append(.control(c))
                    case .oversized(let n): reading.frames.append(.oversized(n))
                    }
                }
                XCTAssert(offset >= 0 && offset <= buffer.count, "offset \(offset) outside the buffer", file: file, line: line)
                return offset
            }
        } catch {
            reading.error = error
            return reading
        }
        pending.removeFirst(consumed)
        guard fed < stream.count else { break }
        let n = min(max(chunkSizes(), 1), stream.count - fed)
        pending += stream[fed..<(fed + n)]
        fed += n
    }
    reading.leftover = pending.count
    reading.skipping = decoder.skipping
    return reading
}

/// Runs `body` on a copy of `bytes` in memory of exactly that size, so that a read past its end is caught by
/// AddressSanitizer rather than hidden by an array's spare capacity.
func exactCopy<R, E: Error>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
    defer { copy.deallocate() }
    if !bytes.isEmpty { copy.copyBytes(from: bytes) }
    return try body(UnsafeRawBufferPointer(copy))
}

/// Decodes `buffer` once from offset 0: the frames found until nil, and the offset it stopped at.
func frames(
    _ bytes: [UInt8], maximumFrameLength: Int = 1 << 20
) throws(FrameStreamError) -> (frames: [Decoded], offset: Int) {
    var decoder = FrameStreamDecoder(maximumFrameLength: maximumFrameLength)
    return try exactCopy(bytes) { buffer throws(FrameStreamError) in
        var offset = 0
        var out: [Decoded] = []
        while let frame = try decoder.next(buffer, from: &offset) {
            switch frame {
            case .data(let range): out.append(.data(Array(buffer[range])))
            case .control(let c): out.append(.control(c))
            case .oversized(let n): out.append(.oversized(n))
            }
        }
        return (out, offset)
    }
}

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
