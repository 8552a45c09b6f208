// Reads dnstap frames with the hand decoder (DnstapLayout) and with swift-protobuf's generated code, checks that
// both give the same fields for every frame, and times them. See README.md.
//
//   dnstap-protobuf-bench [--runs N] [--messages M] [--check-only] [--allocs] [--only TEXT] [--damage N] FILE...
//
// FILE:       Frame Streams dnstap files (as written by `dnstap -w`, fstrm_capture, unbound's dnstap to a file).
// --runs N:   timed runs per mode (default 5); the best is reported. The runs go round all the modes.
// --messages: each timed run decodes at least M messages (default 400000; a small file is gone through again).
// --check-only: only the field-by-field agreement check of every frame.
// --damage N: also decode N frames of each file cut short and N with one octet changed, and print where the
//             two decoders part ways (they need not agree there: see README.md).
// --only:     time only the modes whose name contains TEXT (e.g. "hand", "RawSpan").
// --allocs:   count heap allocations per message over one pass of each mode; needs the malloc-counting shim
//             (mallocs.c) in LD_PRELOAD. Timings are skipped in that mode (the shim slows malloc down).

import DnstapHand
import DnstapProto
import Foundation
import SwiftProtobuf

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Frame Streams

/// The data frames of a Frame Streams file, as ranges of one buffer.
struct Frames {
    var bytes: [UInt8]
    var ranges: [Range<Int>]
    var controlFrames = 0

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchError("cannot read \(path)")
        }
        bytes = [UInt8](data)
        ranges = []
        var at = 0
        func be32(_ i: Int) -> Int {
            Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
        }
        while at + 4 <= bytes.count {
            let length = be32(at)
            at += 4
            if length == 0 {
                // Escape: a control frame follows, with its own length.
                guard at + 4 <= bytes.count else { throw BenchError("\(path): escape cut short at \(at)") }
                let control = be32(at)
                at += 4 + control
                controlFrames += 1
                continue
            }
            guard at + length <= bytes.count else { throw BenchError("\(path): frame runs past the end at \(at)") }
            ranges.append(at..<at + length)
            at += length
        }
        guard at == bytes.count else { throw BenchError("\(path): \(bytes.count - at) trailing octets") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

// MARK: - What each decoder's result is reduced to

/// A running hash of the fields a consumer reads; both decoders feed it the same values in the same order, so the
/// sums must be equal (a further check), and nothing can be optimised away.
struct Sum {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) mutating func add(_ v: UInt64) { h = (h ^ v) &* 0x100_0000_01b3 }
    @inline(__always) mutating func add(_ b: UnsafeRawBufferPointer) {
        add(UInt64(b.count))
        if let first = b.first, let last = b.last { add(UInt64(first) << 8 | UInt64(last)) }
    }
    @inline(__always) mutating func add(_ d: Data) {
        add(UInt64(d.count))
        if let first = d.first, let last = d.last { add(UInt64(first) << 8 | UInt64(last)) }
    }
}

/// Identity, message type, query/response address, ports, times and the DNS message, from the hand decoder.
@inline(__always)
func touch(_ l: DnstapLayout, _ frame: UnsafeRawBufferPointer, into s: inout Sum) {
    s.add(l.identity.bytes(in: frame))
    s.add(UInt64(l.messageType))
    s.add(l.queryAddress.bytes(in: frame))
    s.add(l.responseAddress.bytes(in: frame))
    s.add(UInt64(l.queryPort))
    s.add(UInt64(l.responsePort))
    s.add(l.queryTimeSeconds)
    s.add(UInt64(l.queryTimeNanoseconds))
    s.add(l.responseTimeSeconds)
    s.add(UInt64(l.responseTimeNanoseconds))
    s.add(l.dnsMessage.bytes(in: frame))
}

/// The same fields from swift-protobuf's message.
@inline(__always)
func touch(_ d: Dnstap_Dnstap, into s: inout Sum) {
    s.add(d.identity)
    let m = d.message
    let type = UInt64(m.hasType ? m.type.rawValue : 0)
    s.add(type)
    s.add(m.queryAddress)
    s.add(m.responseAddress)
    s.add(UInt64(m.queryPort))
    s.add(UInt64(m.responsePort))
    s.add(m.queryTimeSec)
    s.add(UInt64(m.queryTimeNsec))
    s.add(m.responseTimeSec)
    s.add(UInt64(m.responseTimeNsec))
    s.add(type & 1 == 1 ? m.queryMessage : m.responseMessage)
}

// MARK: - The modes

enum Mode: String, CaseIterable, Hashable {
    /// DnstapLayout(decoding:) over the frame in the file's buffer.
    case hand = "hand DnstapLayout(decoding:)"
    /// Dnstap_Dnstap(serializedBytes: RawSpan) over the frame in the file's buffer (no copy of the input).
    case pbSpan = "swift-protobuf serializedBytes: RawSpan"
    /// The same with partial: true (no check of the required fields).
    case pbSpanPartial = "swift-protobuf RawSpan, partial: true"
    /// Dnstap_Dnstap(serializedBytes: Data), each frame a Data made beforehand.
    case pbData = "swift-protobuf serializedBytes: Data"
    /// Dnstap_Dnstap(serializedBytes: [UInt8]), each frame an array made beforehand.
    case pbArray = "swift-protobuf serializedBytes: [UInt8]"
    /// Dnstap_Dnstap(serializedBytes: Data) of a slice of the whole file read as one Data (made in the loop).
    case pbDataSlice = "swift-protobuf serializedBytes: Data slice"
}

/// The inputs of every mode, made before timing.
struct Inputs {
    let frames: Frames
    let datas: [Data]
    let arrays: [[UInt8]]
    let whole: Data

    init(_ frames: Frames) {
        self.frames = frames
        datas = frames.ranges.map { Data(frames.bytes[$0]) }
        arrays = frames.ranges.map { Array(frames.bytes[$0]) }
        whole = Data(frames.bytes)
    }
}

/// One pass over every frame; returns the sum and the number of frames that failed to decode.
@inline(never)
func pass(_ mode: Mode, _ inputs: Inputs) -> (Sum, Int) {
    var s = Sum()
    var failed = 0
    let ranges = inputs.frames.ranges
    switch mode {
    case .hand:
        inputs.frames.bytes.withUnsafeBytes { all in
            for r in ranges {
                let frame = UnsafeRawBufferPointer(rebasing: all[r])
                do {
                    let l = try DnstapLayout(decoding: frame)
                    touch(l, frame, into: &s)
                } catch {
                    failed += 1
                }
            }
        }
    case .pbSpan, .pbSpanPartial:
        let partial = mode == .pbSpanPartial
        inputs.frames.bytes.withUnsafeBytes { all in
            for r in ranges {
                let frame = UnsafeRawBufferPointer(rebasing: all[r])
                do {
                    let d = try Dnstap_Dnstap(serializedBytes: frame.bytes, partial: partial)
                    touch(d, into: &s)
                } catch {
                    failed += 1
                }
            }
        }
    case .pbData:
        for data in inputs.datas {
            do {
                let d = try Dnstap_Dnstap(serializedBytes: data)
                touch(d, into: &s)
            } catch {
                failed += 1
            }
        }
    case .pbArray:
        for array in inputs.arrays {
            do {
                let d = try Dnstap_Dnstap(serializedBytes: array)
                touch(d, into: &s)
            } catch {
                failed += 1
            }
        }
    case .pbDataSlice:
        let whole = inputs.whole
        for r in ranges {
            do {
                let d = try Dnstap_Dnstap(serializedBytes: whole[r])
                touch(d, into: &s)
            } catch {
                failed += 1
            }
        }
    }
    return (s, failed)
}

/// Nanoseconds of `clock`: CLOCK_THREAD_CPUTIME_ID (the figure reported: it leaves out the time another process
/// had the core) or CLOCK_MONOTONIC (wall time, printed beside it).
func now(_ clock: clockid_t) -> UInt64 {
    var ts = timespec()
    clock_gettime(clock, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

// MARK: - Allocation counting (mallocs.c in LD_PRELOAD)

typealias Counter = @convention(c) () -> UInt64
let mallocCounter: Counter? = {
    guard let p = dlsym(nil, "protobench_mallocs") else { return nil }
    return unsafeBitCast(p, to: Counter.self)
}()

// MARK: - Agreement

/// Compares every field of the two decodings of one frame; returns the names of the fields that differ.
func disagreements(_ frame: UnsafeRawBufferPointer) -> [String] {
    var out: [String] = []
    let hand: DnstapLayout?
    var handError: DnstapDecodingError?
    do { hand = try DnstapLayout(decoding: frame) } catch {
        hand = nil
        handError = error
    }
    let pb: Dnstap_Dnstap?
    var pbError: (any Error)?
    do { pb = try Dnstap_Dnstap(serializedBytes: frame.bytes, partial: true) } catch {
        pb = nil
        pbError = error
    }
    guard let l = hand, let d = pb else {
        if hand == nil && pb == nil { return [] }  // both reject
        if let d = pb, handError?.reason == .noMessage, !d.hasMessage { return [] }  // a frame with no Message
        return ["accepted by one only (hand: \(handError.map { "\($0)" } ?? "ok"), protobuf: \(pbError.map { "\($0)" } ?? "ok"))"]
    }
    func bytes(_ name: String, _ f: DnstapField, _ has: Bool, _ v: Data) {
        if f.isPresent != has {
            out.append("\(name) presence")
        } else if f.isPresent, !f.bytes(in: frame).elementsEqual(v) {
            out.append(name)
        }
    }
    func scalar<T: BinaryInteger, U: BinaryInteger>(_ name: String, _ hp: Bool, _ hv: T, _ has: Bool, _ v: U) {
        if hp != has { out.append("\(name) presence") } else if hp, UInt64(hv) != UInt64(v) { out.append(name) }
    }
    bytes("identity", l.identity, d.hasIdentity, d.identity)
    bytes("version", l.version, d.hasVersion, d.version)
    bytes("extra", l.extra, d.hasExtra, d.extra)
    scalar("Dnstap.type", l.type != 0, l.type, d.hasType, d.hasType ? d.type.rawValue : 0)
    if l.present.contains(.message) != d.hasMessage { out.append("message presence") }
    let m = d.message
    scalar("Message.type", l.messageType != 0, l.messageType, m.hasType, m.hasType ? m.type.rawValue : 0)
    let p = l.present
    scalar("socket_family", p.contains(.socketFamily), l.socketFamily, m.hasSocketFamily, m.socketFamily.rawValue)
    scalar(
        "socket_protocol", p.contains(.socketProtocol), l.socketProtocol, m.hasSocketProtocol,
        m.socketProtocol.rawValue)
    scalar("http_protocol", p.contains(.httpProtocol), l.httpProtocol, m.hasHTTPProtocol, m.httpProtocol.rawValue)
    bytes("query_address", l.queryAddress, m.hasQueryAddress, m.queryAddress)
    bytes("response_address", l.responseAddress, m.hasResponseAddress, m.responseAddress)
    scalar("query_port", p.contains(.queryPort), l.queryPort, m.hasQueryPort, m.queryPort)
    scalar("response_port", p.contains(.responsePort), l.responsePort, m.hasResponsePort, m.responsePort)
    let qt = m.hasQueryTimeSec || m.hasQueryTimeNsec
    scalar("query_time_sec", p.contains(.queryTime), l.queryTimeSeconds, qt, m.queryTimeSec)
    scalar("query_time_nsec", p.contains(.queryTime), l.queryTimeNanoseconds, qt, m.queryTimeNsec)
    let rt = m.hasResponseTimeSec || m.hasResponseTimeNsec
    scalar("response_time_sec", p.contains(.responseTime), l.responseTimeSeconds, rt, m.responseTimeSec)
    scalar("response_time_nsec", p.contains(.responseTime), l.responseTimeNanoseconds, rt, m.responseTimeNsec)
    bytes("query_message", l.queryMessage, m.hasQueryMessage, m.queryMessage)
    bytes("query_zone", l.queryZone, m.hasQueryZone, m.queryZone)
    bytes("response_message", l.responseMessage, m.hasResponseMessage, m.responseMessage)
    if p.contains(.policy) != m.hasPolicy { out.append("policy presence") }
    let pol = m.policy
    bytes("policy.type", l.policyType, pol.hasType, Data(pol.type.utf8))
    bytes("policy.rule", l.policyRule, pol.hasRule, pol.rule)
    bytes("policy.value", l.policyValue, pol.hasValue, pol.value)
    scalar("policy.action", p.contains(.policyAction), l.policyAction, pol.hasAction, pol.action.rawValue)
    scalar("policy.match", p.contains(.policyMatch), l.policyMatch, pol.hasMatch, pol.match.rawValue)
    return out
}

/// Checks every frame; prints a line per disagreeing frame (the first 20) and a total.
func check(_ name: String, _ frames: Frames) -> Int {
    var bad = 0
    frames.bytes.withUnsafeBytes { all in
        for (i, r) in frames.ranges.enumerated() {
            let diff = disagreements(UnsafeRawBufferPointer(rebasing: all[r]))
            if !diff.isEmpty {
                bad += 1
                if bad <= 20 { print("  DISAGREE \(name) frame \(i): \(diff.joined(separator: ", "))") }
            }
        }
    }
    print("agreement \(name): \(frames.ranges.count) frames, \(bad) disagree")
    return bad
}

/// Damaged frames: each of `count` frames (spread over the file) cut at a random length and, separately, with one
/// random octet replaced; prints how often the two decoders part ways and on what.
func mutate(_ name: String, _ frames: Frames, count: Int) {
    var rng: UInt64 = 0x9e37_79b9_7f4a_7c15
    func next() -> UInt64 {  // SplitMix64, fixed seed: the same damage on every run
        rng &+= 0x9e37_79b9_7f4a_7c15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    var kinds: [String: Int] = [:]
    var examples: [String: String] = [:]
    var tried = 0
    let step = max(1, frames.ranges.count / count)
    for i in stride(from: 0, to: frames.ranges.count, by: step) {
        let original = Array(frames.bytes[frames.ranges[i]])
        var variants: [(String, [UInt8])] = []
        variants.append(("cut", Array(original.prefix(Int(next() % UInt64(original.count))))))
        var flipped = original
        let at = Int(next() % UInt64(flipped.count))
        flipped[at] = UInt8(truncatingIfNeeded: next())
        variants.append(("octet \(at)", flipped))
        for (what, bytes) in variants {
            tried += 1
            let diff = bytes.withUnsafeBytes { disagreements($0) }
            guard let first = diff.first else { continue }
            let kind = first.hasPrefix("accepted by one only") ? String(first.prefix(while: { $0 != ":" })) : first
            kinds[kind, default: 0] += 1
            if examples[kind] == nil { examples[kind] = "frame \(i) \(what): \(diff.joined(separator: ", "))" }
        }
    }
    let parted = kinds.values.reduce(0, +)
    print("damaged \(name): \(tried) damaged frames, decoders part ways on \(parted)")
    for (kind, n) in kinds.sorted(by: { $0.value > $1.value }) {
        print("  \(n) × \(kind)   e.g. \(examples[kind]!)")
    }
}

// MARK: - Main

func pad(_ s: String) -> String { s.count >= 42 ? s : s + String(repeating: " ", count: 42 - s.count) }

var runs = 5
var minMessages = 400_000
var checkOnly = false
var allocs = false
var only: String?
var damage = 0
var paths: [String] = []
var args = CommandLine.arguments.dropFirst()
while let a = args.popFirst() {
    switch a {
    case "--runs": runs = Int(args.popFirst() ?? "") ?? runs
    case "--messages": minMessages = Int(args.popFirst() ?? "") ?? minMessages
    case "--check-only": checkOnly = true
    case "--allocs": allocs = true
    case "--only": only = args.popFirst()
    case "--damage": damage = Int(args.popFirst() ?? "") ?? 0
    default: paths.append(a)
    }
}
guard !paths.isEmpty else {
    print("usage: dnstap-protobuf-bench [--runs N] [--messages M] [--check-only] [--allocs] [--only TEXT] [--damage N] FILE...")
    exit(2)
}
if allocs && mallocCounter == nil {
    print("--allocs needs the malloc-counting shim: LD_PRELOAD=/path/to/libmallocs.so")
    exit(2)
}

var totalBad = 0
for path in paths {
    let name = (path as NSString).lastPathComponent
    let frames: Frames
    do { frames = try Frames(path: path) } catch {
        print("\(error)")
        exit(1)
    }
    print("\n== \(name): \(frames.ranges.count) data frames, \(frames.controlFrames) control frames, \(frames.bytes.count) octets")
    if !allocs { totalBad += check(name, frames) }
    if damage > 0 { mutate(name, frames, count: damage) }
    if checkOnly { continue }

    let inputs = Inputs(frames)
    let n = frames.ranges.count
    let reps = max(1, (minMessages + n - 1) / n)
    let modes = Mode.allCases.filter { m in only.map { m.rawValue.contains($0) } ?? true }
    if allocs {
        for mode in modes {
            _ = pass(mode, inputs)  // warm-up: metadata, caches
            let before = mallocCounter!()
            let (s, failed) = pass(mode, inputs)
            let count = mallocCounter!() - before
            print(
                "  " + pad(mode.rawValue)
                    + String(
                        format: " %8.2f allocations/message  (sum %016llx, %d failed)", Double(count) / Double(n), s.h,
                        failed))
        }
        continue
    }
    // The runs go round the modes, so that whatever else the machine does falls on every mode alike.
    var best = [Mode: UInt64]()
    var bestWall = [Mode: UInt64]()
    var sums = [Mode: (Sum, Int)]()
    for mode in modes { _ = pass(mode, inputs) }  // warm-up
    for _ in 0..<runs {
        for mode in modes {
            var result = (Sum(), 0)
            let wall = now(CLOCK_MONOTONIC)
            let start = now(CLOCK_THREAD_CPUTIME_ID)
            for _ in 0..<reps { result = pass(mode, inputs) }
            best[mode] = min(best[mode] ?? .max, now(CLOCK_THREAD_CPUTIME_ID) - start)
            bestWall[mode] = min(bestWall[mode] ?? .max, now(CLOCK_MONOTONIC) - wall)
            sums[mode] = result
        }
    }
    let handNs = best[.hand].map { Double($0) / Double(n * reps) }
    for mode in modes {
        let ns = Double(best[mode]!) / Double(n * reps)
        let nsWall = Double(bestWall[mode]!) / Double(n * reps)
        let (sum, failed) = sums[mode]!
        if sum.h != sums[modes[0]]!.0.h {
            print("  SUM DIFFERS for \(mode.rawValue): \(String(sum.h, radix: 16)) vs \(String(sums[modes[0]]!.0.h, radix: 16))")
            totalBad += 1
        }
        print(
            "  " + pad(mode.rawValue)
                + String(
                    format: " %8.1f ns/message %10.0f messages/s %6.1fx hand  (wall %.1f ns; best of %d runs of %d; %d failed)",
                    ns, 1e9 / ns, handNs.map { ns / $0 } ?? .nan, nsWall, runs, n * reps, failed))
    }
}
exit(totalBad == 0 ? 0 : 1)
