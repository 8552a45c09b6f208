import XCTest

@testable import SondeDNS

/// Bytes from hex text; spaces and newlines are ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8.filter { !($0 == 0x20 || $0 == 0x0A || $0 == 0x09) })
    precondition(digits.count % 2 == 0, "odd hex")
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 0x30 ... 0x39: return c - 0x30
        case 0x61 ... 0x66: return c - 0x61 + 10
        case 0x41 ... 0x46: return c - 0x41 + 10
        default: preconditionFailure("bad hex digit")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
}

/// A name in uncompressed wire form ("foo.example." → 03 66 6f 6f 07 ... 00).
func wire(_ name: String) -> [UInt8] {
    var out: [UInt8] = []
    for label in name.split(separator: ".", omittingEmptySubsequences: true) {
        out.append(UInt8(label.utf8.count))
        out.append(contentsOf: label.utf8)
    }
    out.append(0)
    return out
}

/// Big-endian bytes of an integer field.
func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

/// A <character-string>.
func cs(_ s: String) -> [UInt8] { [UInt8(s.utf8.count)] + Array(s.utf8) }

/// Runs `body` on a copy of `bytes` in an allocation of exactly that size, so that a read past the end is caught
/// by the address sanitizer (`swift test --sanitize=address`).
func withExactBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
    let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
    defer { p.deallocate() }
    p.copyBytes(from: bytes)
    return body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(p)[0 ..< bytes.count]))
}

/// The presentation text of RDATA `message[offset ..< offset+length]`, or nil when write returns false.
/// Fails the test when validate disagrees with write.
func render(
    _ type: UInt16, _ message: [UInt8], offset: Int = 0, length: Int? = nil,
    file: StaticString = #filePath, line: UInt = #line
) -> String? {
    let length = length ?? (message.count - offset)
    return withExactBytes(message) { m in
        var out = OutputBuffer(capacity: 64)
        let ok = RDataWriter.write(type: type, message: m, offset: offset, length: length, into: &out)
        let valid = RDataWriter.validate(type: type, message: m, offset: offset, length: length)
        XCTAssertEqual(ok, valid, "write and validate disagree for TYPE\(type)", file: file, line: line)
        return ok ? out.makeString() : nil
    }
}

/// Asserts that every truncation of the RDATA (a shorter RDLENGTH over the same message, and the message itself
/// cut there) is handled without a trap, with write and validate agreeing and printable output on success.
func assertTruncationsSafe(
    _ type: UInt16, _ message: [UInt8], offset: Int = 0, length: Int? = nil,
    file: StaticString = #filePath, line: UInt = #line
) {
    let length = length ?? (message.count - offset)
    for n in 0 ... length {
        for cut in [message, Array(message[0 ..< offset + n])] {
            withExactBytes(cut) { m in
                var out = OutputBuffer(capacity: 16)
                let ok = RDataWriter.write(type: type, message: m, offset: offset, length: n, into: &out)
                let valid = RDataWriter.validate(type: type, message: m, offset: offset, length: n)
                XCTAssertEqual(ok, valid, "TYPE\(type) truncated to \(n)", file: file, line: line)
                if ok { assertPrintable(out.makeArray(), file: file, line: line) }
            }
        }
    }
}

/// Asserts that presentation text is printable ASCII (no control bytes, nothing above 0x7E).
func assertPrintable(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
    if let bad = bytes.first(where: { $0 < 0x20 || $0 > 0x7E }) {
        XCTFail("non-printable byte \(bad) in \(String(decoding: bytes, as: UTF8.self))", file: file, line: line)
    }
}

/// Expects `expected` for the RDATA and then checks all its truncations.
func check(
    _ type: UInt16, _ message: [UInt8], offset: Int = 0, length: Int? = nil, _ expected: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(render(type, message, offset: offset, length: length, file: file, line: line), expected,
                   file: file, line: line)
    assertTruncationsSafe(type, message, offset: offset, length: length, file: file, line: line)
}

/// Runs an OutputBuffer writer and returns its text.
func text(_ body: (inout OutputBuffer) -> Void) -> String {
    var out = OutputBuffer(capacity: 16)
    body(&out)
    return out.makeString()
}

/// Runs `body` with the bytes of an array as a raw buffer.
func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
    bytes.withUnsafeBytes(body)
}

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
