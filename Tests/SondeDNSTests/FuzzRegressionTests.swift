// The body of the FuzzDNSMessage fuzz target, and its replay over the committed seeds and crashers.
//
// This one file is compiled twice: here, by the normal test suite, and into FuzzTesting's FuzzDNSMessage target
// (a symbolic link there points at this file; the fuzz targets define SONDE_FUZZ_TARGET, which leaves the XCTest
// part out). So what the fuzzer checks and what `swift test` replays cannot drift apart.
import SondeDNS

#if !SONDE_FUZZ_TARGET
import Foundation
import XCTest

final class FuzzRegressionTests: XCTestCase {
    /// Every seed and every crasher ever found by FuzzDNSMessage still passes the fuzz target's checks.
    func testFuzzDNSMessageInputs() throws {
        let seeds = try DNSMessageFuzzCheck.inputs(in: "Seeds/FuzzDNSMessage")
        XCTAssertFalse(seeds.isEmpty, "FuzzTesting/Seeds/FuzzDNSMessage holds no seed")
        for (name, bytes) in try seeds + DNSMessageFuzzCheck.inputs(in: "Regressions/FuzzDNSMessage") {
            do {
                try bytes.withUnsafeBytes { try DNSMessageFuzzCheck.run($0) }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }
}

extension DNSMessageFuzzCheck {
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

/// Checks one DNS message the way the hot path and the owned model read it; throws the first broken property.
enum DNSMessageFuzzCheck {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw Failure(description: message()) }
    }

    static func run(_ m: UnsafeRawBufferPointer) throws {
        let layout = MessageLayout(decoding: m)
        try checkLayout(layout, m)
        try walkLikeTheFormatter(layout, m)
        try checkOwnedModel(m, against: layout)
    }

    /// Offsets stay inside the message, in order, and agree with the counts.
    static func checkLayout(_ l: MessageLayout, _ m: UnsafeRawBufferPointer) throws {
        let offsets = [l.answerOffset, l.authorityOffset, l.additionalOffset].map(Int.init)
        try require(offsets == offsets.sorted() && offsets.allSatisfy { $0 <= Int(l.endOffset) }, "section offsets out of order: \(l)")
        try require(Int(l.endOffset) <= m.count && (0...m.count).contains(Int(l.errorOffset)), "offset past the message: \(l)")
        try require(!l.hasQuestion || (12..<m.count).contains(Int(l.questionOffset)), "question offset \(l.questionOffset)")
        try require(!l.hasEDNS || Int(l.ednsOptionsOffset) + Int(l.ednsOptionsLength) <= m.count, "EDNS options past the end")
        if !l.isMalformed {
            try require(l.hasQuestion == (l.qdCount > 0), "well-formed, but hasQuestion != (QDCOUNT > 0)")
            try require(
                (l.answerRecords, l.authorityRecords, l.additionalRecords) == (l.anCount, l.nsCount, l.arCount),
                "well-formed, but record counts differ from the header")
            try require(Int(l.trailingBytes) == m.count - Int(l.endOffset), "trailingBytes \(l.trailingBytes)")
        }
        var out = OutputBuffer(capacity: 256)
        if let error = l.error { out.writeDescription(of: error) }
        DNSOpcode.write(l.opcode, into: &out)
        DNSRcode.write(l.rcode, into: &out)
    }

    /// What EventSerializer does (RecordCursor, EDNSOptionCursor), with each section walked for exactly the
    /// records the layout counted: every one must be readable, valid and printable, and the walk must end where
    /// the layout says the section ends.
    static func walkLikeTheFormatter(_ l: MessageLayout, _ m: UnsafeRawBufferPointer) throws {
        var out = OutputBuffer(capacity: 4096)
        if l.hasQuestion {
            let start = Int(l.questionOffset)
            let end = try validName(m, at: start)
            try require(DomainName.write(m, at: start, into: &out) == end, "DomainName.write and validate disagree on the qname end")
            DNSType.write(l.qtype, into: &out)
            DNSClass.write(l.qclass, into: &out)
            let name = try DNSName(wire: m, at: start)
            try require((try? DNSName(parsing: name.description)) == name, "qname \(name) does not parse back from its text")
            let folded = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DomainName.maxWireLength) { buffer in
                Array(buffer.prefix(DomainName.copyFoldedWire(m, at: start, into: buffer.baseAddress!)))
            }
            try require(folded == name.lowercased().wireBytes, "copyFoldedWire differs from DNSName.lowercased() for \(name)")
        }
        // A section the decoder finished ends where the next one starts; the one it stopped in ends at endOffset.
        let reached = l.errorReason == nil ? 3 : [DNSDecodingError.Section.answer, .authority, .additional].firstIndex(of: l.errorSection) ?? -1
        let sections = [
            (Int(l.answerOffset), Int(l.answerRecords), reached > 0 ? Int(l.authorityOffset) : Int(l.endOffset)),
            (Int(l.authorityOffset), Int(l.authorityRecords), reached > 1 ? Int(l.additionalOffset) : Int(l.endOffset)),
            (Int(l.additionalOffset), Int(l.additionalRecords), Int(l.endOffset)),
        ]
        for (index, (start, records, end)) in sections.enumerated() where index <= max(reached, 0) {
            var pos = start
            for _ in 0..<records {
                guard let nameEnd = DomainName.skip(m, at: pos), nameEnd + 10 <= m.count else {
                    throw Failure(description: "section \(index): counted record at \(pos) is not readable")
                }
                try require(try validName(m, at: pos) == nameEnd, "skip and validate disagree on the name at \(pos)")
                try require(DomainName.write(m, at: pos, into: &out) == nameEnd, "write and skip disagree on the name at \(pos)")
                let type = m.loadBigEndianUInt16(at: nameEnd)
                let rdata = nameEnd + 10
                let length = Int(m.loadBigEndianUInt16(at: nameEnd + 8))
                try require(rdata + length <= m.count, "RDATA at \(rdata) runs past the message")
                try require(RDataWriter.validate(type: type, message: m, offset: rdata, length: length),
                            "counted record of type \(type) at \(pos) fails RDataWriter.validate")
                let before = out.count
                try require(RDataWriter.write(type: type, message: m, offset: rdata, length: length, into: &out),
                            "RDataWriter.validate accepts type \(type) at \(pos) but write refuses it")
                try requirePrintable(out, from: before, "RDATA of type \(type) at \(pos)")
                RDataWriter.writeUnknown(message: m, offset: rdata, length: length, into: &out)
                DNSType.write(type, into: &out)
                DNSClass.write(m.loadBigEndianUInt16(at: nameEnd + 2), into: &out)
                pos = rdata + length
            }
            try require(pos == end, "section \(index): \(records) records end at \(pos), the layout says \(end)")
        }
        guard l.hasEDNS else { return }
        var pos = Int(l.ednsOptionsOffset)
        let end = pos + Int(l.ednsOptionsLength)
        while pos + 4 <= end {
            let code = m.loadBigEndianUInt16(at: pos)
            let length = Int(m.loadBigEndianUInt16(at: pos + 2))
            guard pos + 4 + length <= end else { break }
            let data = UnsafeRawBufferPointer(rebasing: m[(pos + 4)..<(pos + 4 + length)])
            EDNSOptionWriter.writeName(code: code, into: &out)
            let before = out.count
            if !EDNSOptionWriter.writeValue(code: code, data: data, into: &out) {
                try require(out.count == before, "EDNSOptionWriter wrote \(out.count - before) bytes for option \(code), then refused it")
                out.appendHex(data)
            }
            try requirePrintable(out, from: before, "EDNS option \(code)")
            pos += 4 + length
        }
    }

    /// The end of a name the layout has checked; its failure would be a bug.
    static func validName(_ m: UnsafeRawBufferPointer, at start: Int) throws -> Int {
        do { return try DomainName.validate(m, at: start) } catch {
            throw Failure(description: "the layout counted the name at \(start), but validate throws \(error)")
        }
    }

    /// Presentation text is 7-bit printable ASCII, whatever the wire held.
    static func requirePrintable(_ out: borrowing OutputBuffer, from start: Int, _ what: String) throws {
        for i in start..<out.count where !(0x20...0x7E).contains(out[i]) {
            throw Failure(description: "\(what): byte \(out[i]) at \(i - start) of its text is not printable ASCII")
        }
    }

    /// DNSMessage round-trips (decode, encode, decode, compare), and agrees with MessageLayout where both must.
    static func checkOwnedModel(_ m: UnsafeRawBufferPointer, against l: MessageLayout) throws {
        let message: DNSMessage
        do {
            message = try DNSMessage(decoding: m)
        } catch {
            // The layout checks structure exactly as DNSMessage does; what only DNSMessage rejects is inside RDATA
            // (names it decompresses in types the presentation does not read, the EDNS options and owner).
            let rdataFaults: [DNSDecodingError.Reason] = [.badRData, .nameTooLong, .badLabelType, .pointerLoop, .forwardPointer, .pointerOutOfRange]
            try require(l.isMalformed || ([.answer, .authority, .additional].contains(error.section) && rdataFaults.contains(error.reason)),
                        "MessageLayout accepts the message but DNSMessage throws \(error)")
            return
        }
        for compress in [true, false] {
            let wire = message.encode(compress: compress)
            let again: DNSMessage
            do { again = try DNSMessage(decoding: wire) } catch {
                throw Failure(description: "encode(compress: \(compress)) does not decode again: \(error); wire \(hex(wire))")
            }
            try require(again == message, "round trip (compress: \(compress)) changed the message:\n  \(message)\n  \(again)")
        }
        if !l.isMalformed {
            // Re-encoding a well-formed message gives a well-formed message that prints the same records.
            let wire = message.encode()
            let again = try wire.withUnsafeBytes { encoded in
                let layout = MessageLayout(decoding: encoded)
                try require(!layout.isMalformed, "the encoding of a well-formed message is malformed: \(layout.error!); wire \(hex(wire))")
                return presentation(encoded, layout)
            }
            try require(again == presentation(m, l), "the encoding prints differently:\n  \(presentation(m, l))\n  \(again)\n  wire \(hex(wire))")
        }
        let h = message.header
        try require((l.id, l.flags, l.qdCount, l.anCount, l.nsCount, l.arCount) == (h.id, h.flags, h.qdCount, h.anCount, h.nsCount, h.arCount),
                    "MessageLayout and DNSMessage read different headers")
        guard !l.isMalformed else {
            // Only the layout checks RDATA against its type (an A record of 3 octets, a bad SvcParam, ...).
            try require(l.errorReason == .badRData, "DNSMessage decodes a message MessageLayout rejects: \(l.error!)")
            return
        }
        try require(!l.hasQuestion || (l.qtype, l.qclass) == (message.questions[0].type, message.questions[0].class), "qtype/qclass differ")
        try require(!l.hasQuestion || (try DNSName(wire: m, at: Int(l.questionOffset))) == message.questions[0].name, "qname differs")
        try require(Int(l.answerRecords) == message.answers.count && Int(l.authorityRecords) == message.authority.count
                    && Int(l.additionalRecords) == message.additional.count + (message.edns == nil ? 0 : 1), "record counts differ")
        try require(l.hasEDNS == (message.edns != nil), "one finds EDNS, the other does not")
        if let edns = message.edns {
            let optionBytes = edns.options.reduce(0) { $0 + 4 + $1.data.count }
            try require(l.ednsUDPSize == edns.udpPayloadSize && l.ednsVersion == edns.version && l.ednsDO == edns.dnssecOK
                        && l.rcode == message.extendedRcode && Int(l.ednsOptionsLength) == optionBytes, "EDNS fields differ")
        }
    }

    /// The records of a well-formed message as the formatter prints them, OPT left out, section by section.
    static func presentation(_ m: UnsafeRawBufferPointer, _ l: MessageLayout) -> [[String]] {
        let sections = [(l.answerOffset, l.answerRecords), (l.authorityOffset, l.authorityRecords), (l.additionalOffset, l.additionalRecords)]
        return sections.map { start, count in
            var pos = Int(start)
            var records: [String] = []
            for _ in 0..<count {
                guard let nameEnd = DomainName.skip(m, at: pos), nameEnd + 10 <= m.count else { break }
                let type = m.loadBigEndianUInt16(at: nameEnd), length = Int(m.loadBigEndianUInt16(at: nameEnd + 8))
                var out = OutputBuffer(capacity: 512)
                DomainName.write(m, at: pos, into: &out)
                out.append(" ")
                DNSClass.write(m.loadBigEndianUInt16(at: nameEnd + 2), into: &out)
                out.append(" ")
                DNSType.write(type, into: &out)
                out.append(" ")
                out.appendDecimal(UInt64(m.loadBigEndianUInt32(at: nameEnd + 4)))
                out.append(" ")
                // Types without a presentation form print their RDATA as it is on the wire, in hex; the model
                // decompresses the names of some of them (MD, MB, MINFO, RT, PX, NXT, ...), so those bytes change.
                if !RDataWriter.hasPresentationForm(type: type) {
                    out.append("\\#")
                } else if !RDataWriter.write(type: type, message: m, offset: nameEnd + 10, length: length, into: &out) {
                    out.append("(invalid)")
                }
                if type != 41 { records.append(out.makeString()) }
                pos = nameEnd + 10 + length
            }
            return records
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    }
}
