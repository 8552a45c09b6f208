import SondeDNS
import XCTest

final class NumberFormattingTests: XCTestCase {
    func testDecimalAgreesWithTheStandardLibrary() {
        var values: [UInt64] = Array(0...12_000) + [99_999, 100_000, 100_001, 999_999, 1_000_000, UInt64(UInt32.max), .max, .max - 1]
        for shift in 0..<64 { values.append(1 << UInt64(shift)); values.append((1 << UInt64(shift)) - 1) }
        var out = OutputBuffer(capacity: 16)
        for v in values {
            out.removeAll()
            out.appendDecimal(v)
            XCTAssertEqual(out.makeString(), String(v))
        }
    }

    func testFixedWidthPadsAndNeverCuts() {
        var out = OutputBuffer()
        out.appendDecimal(7, width: 9)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(123_456_789, width: 9)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(1_234, width: 2)
        out.append(UInt8(ascii: " "))
        out.appendDecimal(0, width: 4)
        XCTAssertEqual(out.makeString(), "000000007 123456789 1234 0000")
    }

    func testEscapingFindsQuotesAndBackslashesAnywhere() {
        for length in 0..<40 {
            for position in 0..<max(length, 1) {
                for special in [UInt8(ascii: "\""), UInt8(ascii: "\\")] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    if length > 0 { bytes[position] = special }
                    var out = OutputBuffer()
                    out.append(UInt8(ascii: "x"))
                    bytes.withUnsafeBytes { out.append($0) }
                    out.escapeQuotesAndBackslashes(from: 1)
                    var expected = "x"
                    for b in bytes {
                        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { expected.append("\\") }
                        expected.append(Character(Unicode.Scalar(b)))
                    }
                    XCTAssertEqual(out.makeString(), expected)
                }
            }
        }
    }
}

final class FoldedHashTests: XCTestCase {
    func wire(_ labels: [String], prefix: [UInt8] = []) -> [UInt8] {
        var out = prefix
        for l in labels { out.append(UInt8(l.utf8.count)); out += Array(l.utf8) }
        return out + [0]
    }

    func hash(_ bytes: [UInt8], at offset: Int = 0) -> UInt64 {
        bytes.withUnsafeBytes { DomainName.foldedHash($0, at: offset) }
    }

    /// `validateHashing` (the question's one walk) agrees with `validate` and `foldedHash` on every input: the
    /// same end or the same error, and the same hash when the name is valid. Random names with pointers, then
    /// the same bytes with random octets changed, at every length near a word boundary and at the end of the bytes.
    func testValidateHashingAgreesWithValidateAndFoldedHash() {
        var rng = SystemRandomNumberGenerator()
        for round in 0..<4000 {
            var bytes: [UInt8] = [3, 0x77, 0x57, 0x77, 7] + Array("Example".utf8) + [3] + Array("cOm".utf8) + [0]
            let start = bytes.count
            for _ in 0..<Int.random(in: 1...5, using: &rng) {
                let n = Int.random(in: 1...20, using: &rng)
                bytes.append(UInt8(n))
                for _ in 0..<n { bytes.append(UInt8.random(in: 0x2d...0x7a, using: &rng)) }
            }
            if Bool.random(using: &rng) { bytes += [0xC0, UInt8.random(in: 0...4, using: &rng)] } else { bytes.append(0) }
            if round % 2 == 1 {
                for _ in 0..<Int.random(in: 1...3, using: &rng) { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            }
            if round % 3 == 0 { bytes.removeLast(Int.random(in: 0...min(4, bytes.count - start), using: &rng)) }
            bytes.withUnsafeBytes { m in
                let expected = Result { () throws(DNSDecodingError.Reason) -> Int in try DomainName.validate(m, at: start) }
                let fused = Result { () throws(DNSDecodingError.Reason) -> (end: Int, hash: UInt64, plainLength: Int) in
                    try DomainName.validateHashing(m, at: start)
                }
                switch (expected, fused) {
                case (.success(let end), .success(let both)):
                    XCTAssertEqual(end, both.end, "\(bytes)")
                    XCTAssertEqual(DomainName.foldedHash(m, at: start), both.hash, "\(bytes)")
                    XCTAssertNotEqual(both.hash, 0)
                case (.failure(let a), .failure(let b)): XCTAssertEqual(a, b, "\(bytes)")
                default: XCTFail("validate \(expected) but validateHashing \(fused) for \(bytes)")
                }
            }
        }
    }

    func testCaseDoesNotMatterButEveryOtherByteDoes() {
        let a = hash(wire(["WwW", "ExAmple-Long-Label", "COM"]))
        XCTAssertEqual(a, hash(wire(["www", "example-long-label", "com"])))
        XCTAssertNotEqual(a, hash(wire(["www", "example-long-labe1", "com"])))
        XCTAssertNotEqual(a, hash(wire(["wwwexample-long-label", "com"])))
        // Bytes around the letters, and high bytes, are not folded.
        XCTAssertNotEqual(hash(wire(["@[`{"])), hash(wire(["`{@["])))
        XCTAssertNotEqual(hash(wire(["\u{00C1}"])), hash(wire(["\u{00E1}"])))
        for b in UInt8(0)...UInt8(255) {
            let upper = (b >= 0x41 && b <= 0x5A)
            let folded: UInt8 = upper ? b | 0x20 : b
            XCTAssertEqual(hash([9] + [UInt8](repeating: b, count: 9) + [0]), hash([9] + [UInt8](repeating: folded, count: 9) + [0]))
        }
    }

    func testCompressedAndPlainNamesHashAlike() {
        // "example.com" at 0, then "www" + pointer to 0.
        var m = wire(["example", "com"])
        let at = m.count
        m += [3] + Array("WWW".utf8) + [0xC0, 0x00]
        XCTAssertEqual(hash(m, at: at), hash(wire(["www", "example", "com"])))
        XCTAssertEqual(hash([0xC0, 0x00]), 0, "a pointer to itself")
    }
}

final class ObsoleteTypesTests: XCTestCase {
    /// MB, MINFO and RT print their names (following compression pointers), not the pointer bytes.
    func testNameBearingObsoleteTypesArePrinted() {
        // "example.com." at offset 0, then RDATA for each type from offset 13.
        let name: [UInt8] = [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0]
        func text(_ type: UInt16, _ rdata: [UInt8]) -> String {
            let message = name + rdata
            var out = OutputBuffer()
            let ok = message.withUnsafeBytes {
                RDataWriter.write(type: type, message: $0, offset: name.count, length: rdata.count, into: &out)
            }
            XCTAssertTrue(ok)
            return out.makeString()
        }
        XCTAssertEqual(text(7, [0xC0, 0x00]), "example.com.")
        XCTAssertEqual(text(14, [2] + Array("mx".utf8) + [0xC0, 0x00, 0xC0, 0x00]), "mx.example.com. example.com.")
        XCTAssertEqual(text(21, [0, 10, 0xC0, 0x00]), "10 example.com.")
    }
}

final class NameWriterTests: XCTestCase {
    /// The presentation of one label octet, byte by byte, as RFC 1035 §5.1 master files want it, and escaped once
    /// more for a JSON string when `quoted`: the reference the word-at-a-time copy must equal.
    func reference(_ b: UInt8, quoted: Bool) -> [UInt8] {
        let slash: [UInt8] = quoted ? [0x5C, 0x5C] : [0x5C]
        if b < 0x21 && b != 0x20 || b >= 0x7F {
            return slash + Array(String(format: "%03d", Int(b)).utf8)
        }
        if Array(" \"$'();.@\\".utf8).contains(b) {
            return slash + (quoted && (b == 0x22 || b == 0x5C) ? [0x5C] : []) + [b]
        }
        return [b]
    }

    /// Random names (labels of 1 to 24 octets, and every fifth name up to 63, mostly letters, digits and hyphens,
    /// some with one odd octet at a random place) written at random distances from the end of the message, quoted
    /// and not: the same text as the byte-by-byte reference, whether the name goes by the whole-name window, the
    /// labels by the 16-octet window, or the byte loop.
    func testWordCopyMatchesByteByByteReference() {
        var rng = SystemRandomNumberGenerator()
        let plain = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".utf8)
        let odd: [UInt8] = [0x00, 0x09, 0x20, 0x22, 0x24, 0x27, 0x28, 0x2E, 0x3B, 0x40, 0x5C, 0x7F, 0x80, 0xC3, 0xFF, 0x2A, 0x7E]
        for round in 0..<20_000 {
            var wire: [UInt8] = []
            var expected: [[UInt8]] = [[], []]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let n = round % 5 == 0 ? Int.random(in: 1...63, using: &rng) : Int.random(in: 1...24, using: &rng)
                var label = (0..<n).map { _ in plain.randomElement(using: &rng)! }
                if round % 3 == 0 { label[Int.random(in: 0..<n, using: &rng)] = odd.randomElement(using: &rng)! }
                wire.append(UInt8(n))
                wire += label
                for (i, quoted) in [false, true].enumerated() {
                    for b in label { expected[i] += reference(b, quoted: quoted) }
                    expected[i].append(0x2E)
                }
            }
            wire.append(0)
            let message = [UInt8](repeating: 0xAA, count: 12) + wire + [UInt8](repeating: 0xAA, count: Int.random(in: 0...40, using: &rng))
            for (i, quoted) in [false, true].enumerated() {
                var out = OutputBuffer(capacity: 16)
                let end = message.withUnsafeBytes { DomainName.write($0, at: 12, into: &out, quoted: quoted) }
                XCTAssertEqual(end, 12 + wire.count)
                XCTAssertEqual(out.makeArray(), expected[i], "\(wire) quoted \(quoted)")
            }
        }
    }
}

extension NameWriterTests {
    /// Compressed names: labels written here, then a pointer to a name earlier in the message. The whole-name
    /// window must not take them; the text follows the pointer and the end is just after it.
    func testCompressedNamesFollowThePointer() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let target: [UInt8] = [7] + Array("example".utf8) + [3] + Array("com".utf8) + [0]
            var message = [UInt8](repeating: 0xAA, count: 12) + target
            let start = message.count
            var expected = ""
            for _ in 0..<Int.random(in: 0...3, using: &rng) {
                let n = Int.random(in: 1...10, using: &rng)
                let label = (0..<n).map { _ in UInt8.random(in: 0x61...0x7A, using: &rng) }
                message += [UInt8(n)] + label
                expected += String(decoding: label, as: UTF8.self) + "."
            }
            message += [0xC0, 12]
            let end = message.count
            message += [UInt8](repeating: 0x41, count: Int.random(in: 0...40, using: &rng))
            var out = OutputBuffer(capacity: 16)
            let next = message.withUnsafeBytes { DomainName.write($0, at: start, into: &out, quoted: true) }
            XCTAssertEqual(next, end)
            XCTAssertEqual(out.makeString(), expected + "example.com.")
        }
    }
}

extension NameWriterTests {
    /// Random question names, plain or not (an odd octet, a label of 45 octets or more, the root), at the end of
    /// messages with up to 10 bytes after them: the decoder calls exactly the plain ones plain, with their wire
    /// length, and ``DomainName/writePlain(_:at:wireLength:to:)`` writes them as the general writer does.
    func testPlainQuestionNamesAreFoundAndWrittenAsTheGeneralWriterDoes() {
        var rng = SystemRandomNumberGenerator()
        let plainOctets = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".utf8)
        let odd: [UInt8] = [0x00, 0x09, 0x20, 0x22, 0x2E, 0x40, 0x5C, 0x7F, 0x80, 0xFF]
        var found = 0
        for round in 0..<20_000 {
            var wire: [UInt8] = []
            var plain = true
            for _ in 0..<(round % 50 == 0 ? 0 : Int.random(in: 1...5, using: &rng)) {
                let n = round % 4 == 0 ? Int.random(in: 1...63, using: &rng) : Int.random(in: 1...20, using: &rng)
                if wire.count + 1 + n >= 255 { break }
                var label = (0..<n).map { _ in plainOctets.randomElement(using: &rng)! }
                if round % 7 == 0 {
                    label[Int.random(in: 0..<n, using: &rng)] = odd.randomElement(using: &rng)!
                    plain = false
                }
                if n >= 45 { plain = false }
                wire += [UInt8(n)] + label
            }
            if wire.isEmpty { plain = false }
            wire.append(0)
            let message: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + wire + [0, 1, 0, 1]
                + [UInt8](repeating: 0xAA, count: Int.random(in: 0...10, using: &rng))
            message.withUnsafeBytes { m in
                let layout = MessageLayout(decoding: m)
                XCTAssertFalse(layout.isMalformed)
                XCTAssertEqual(Int(layout.plainQuestionLength), plain ? wire.count : 0, "\(wire)")
                guard plain else { return }
                found += 1
                var general = OutputBuffer(capacity: 16)
                DomainName.write(m, at: 12, into: &general, quoted: true)
                var out = OutputBuffer(capacity: 16)
                var c = out.cursor(reserving: wire.count + 7)
                XCTAssertEqual(DomainName.writePlain(m, at: 12, wireLength: wire.count, to: &c), 12 + wire.count)
                out.commit(c)
                XCTAssertEqual(out.makeArray(), general.makeArray(), "\(wire)")
            }
        }
        XCTAssertGreaterThan(found, 10_000)
    }
}
