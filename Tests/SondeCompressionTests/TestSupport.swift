import Foundation
import XCTest

@testable import SondeCompression

/// A deterministic pseudo-random generator (SplitMix64) so that failures reproduce.
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

/// Text shaped like Sonde's JSON log lines, then some incompressible bytes, `size` bytes in all.
func sampleData(size: Int, seed: UInt64 = 1) -> [UInt8] {
    var random = SplitMix64(seed: seed)
    var out: [UInt8] = []
    out.reserveCapacity(size)
    let names = ["example.com", "www.example.org", "mail.test", "a.root-servers.net", "xn--bcher-kva.example"]
    let types = ["A", "AAAA", "MX", "TXT", "HTTPS", "NS"]
    while out.count < size * 9 / 10 {
        let line = "{\"time\":\"2024-05-17T13:42:\(Int.random(in: 10...59, using: &random)).\(Int.random(in: 0...999_999, using: &random))Z\","
            + "\"client\":\"192.0.2.\(Int.random(in: 1...254, using: &random))\",\"qname\":\"\(names.randomElement(using: &random)!)\","
            + "\"qtype\":\"\(types.randomElement(using: &random)!)\",\"rcode\":\"NOERROR\",\"id\":\(Int.random(in: 0...65535, using: &random))}\n"
        out.append(contentsOf: line.utf8)
    }
    while out.count < size { out.append(UInt8.random(in: 0...255, using: &random)) }
    return Array(out.prefix(size))
}

/// A command-line tool the test needs: its path, or a skip naming the Debian package (a failure under CI).
func requireTool(_ name: String, package: String) throws -> String {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let path = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    let message = "\(name) is not installed: apt-get install -y \(package)"
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        XCTFail(message)
        throw XCTSkip(message + " (failed under CI)")
    }
    throw XCTSkip(message)
}

/// Runs `tool arguments` with stdin and stdout redirected to files; returns the exit status.
@discardableResult
func runTool(_ tool: String, _ arguments: [String], stdin: String? = nil, stdout: String? = nil) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    if let stdin { process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdin)) }
    if let stdout {
        _ = FileManager.default.createFile(atPath: stdout, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout))
    }
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// A fresh temporary directory removed when the test ends.
func temporaryDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "sonde-compression-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

func readFile(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
func writeFile(_ path: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

/// Decompresses through push and pull with small buffers of the given sizes, to exercise every boundary.
func pushPull(_ codec: Codec, _ compressed: [UInt8], pushSize: Int, pullSize: Int, memoryLimit: Int = StreamDecompressor.defaultMemoryLimit) throws -> [UInt8] {
    let decompressor = try StreamDecompressor(codec: codec, memoryLimit: memoryLimit, inputCapacity: max(pushSize, 16))
    var output: [UInt8] = []
    var offset = 0
    var buffer = [UInt8](repeating: 0, count: pullSize)
    while true {
        let produced = try buffer.withUnsafeMutableBytes { try decompressor.pull(into: $0) }
        XCTAssertLessThanOrEqual(produced, pullSize)
        output.append(contentsOf: buffer[..<produced])
        if produced > 0 { continue }
        if decompressor.isFinished { return output }
        XCTAssertTrue(decompressor.needsInput)
        if offset == compressed.count {
            decompressor.endInput()
            continue
        }
        let end = min(compressed.count, offset + pushSize)
        offset += Array(compressed[offset..<end]).withUnsafeBytes { decompressor.push($0) }
    }
}

/// Compresses through the raw-buffer API with small buffers.
func compressInPieces(_ codec: Codec, _ data: [UInt8], inputSize: Int, outputSize: Int, level: Int32? = nil) throws -> [UInt8] {
    let compressor = try StreamCompressor(codec: codec, level: level)
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: outputSize)
    var offset = 0
    while offset < data.count {
        let end = min(data.count, offset + inputSize)
        var piece = Array(data[offset..<end])[...]
        while !piece.isEmpty {
            let (consumed, produced) = try Array(piece).withUnsafeBytes { input in
                try buffer.withUnsafeMutableBytes { try compressor.compress(input, into: $0) }
            }
            output.append(contentsOf: buffer[..<produced])
            piece = piece.dropFirst(consumed)
        }
        offset = end
    }
    while true {
        let (produced, done) = try buffer.withUnsafeMutableBytes { try compressor.finish(into: $0) }
        output.append(contentsOf: buffer[..<produced])
        if done { return output }
    }
}
