extension MessageLayout {
    /// Decodes the layout of the DNS message in `message`.
    ///
    /// Never throws and never traps: a fault stops the walk, is recorded in ``errorReason`` with its section and
    /// offset, and everything before it stays usable. Counts are trusted only as far as the bytes go; every record
    /// consumes at least 11 bytes, so the walk ends within `message.count / 11` steps whatever the counts say.
    @inlinable
    public init(decoding message: UnsafeRawBufferPointer) {
        self.init()
        let count = message.count
        guard count >= 12 else {
            fail(.shortHeader, .header, count)
            if count >= 2 { id = message.loadBigEndianUInt16(at: 0) }
            if count >= 4 { flags = message.loadBigEndianUInt16(at: 2) }
            return
        }
        id = message.loadBigEndianUInt16(at: 0)
        flags = message.loadBigEndianUInt16(at: 2)
        qdCount = message.loadBigEndianUInt16(at: 4)
        anCount = message.loadBigEndianUInt16(at: 6)
        nsCount = message.loadBigEndianUInt16(at: 8)
        arCount = message.loadBigEndianUInt16(at: 10)

        var pos = 12
        var q = 0
        while q < Int(qdCount) {
            let nameEnd: Int
            var hash: UInt64 = 0
            var plainLength = 0
            do {
                if q == 0 { (nameEnd, hash, plainLength) = try DomainName.validateHashing(message, at: pos) } else {
                    nameEnd = try DomainName.validate(message, at: pos)
                }
            } catch {
                fail(error, .question, pos)
                setEmptySections(at: pos)
                return
            }
            guard nameEnd &+ 4 <= count else {
                fail(.truncatedQuestion, .question, nameEnd)
                setEmptySections(at: pos)
                return
            }
            if q == 0 {
                questionOffset = Int32(pos)
                qnameHash = hash
                plainQuestionLength = UInt16(truncatingIfNeeded: plainLength)
                qtype = message.loadBigEndianUInt16(at: nameEnd)
                qclass = message.loadBigEndianUInt16(at: nameEnd &+ 2)
            }
            pos = nameEnd &+ 4
            q &+= 1
        }

        answerOffset = Int32(pos)
        authorityOffset = Int32(pos)
        additionalOffset = Int32(pos)
        endOffset = Int32(pos)
        var answerRecordsFound: UInt16 = 0
        defer { answerRecords = answerRecordsFound }
        guard walkSection(message, &pos, Int(anCount), .answer, &answerRecordsFound) else { return }
        authorityOffset = Int32(pos)
        additionalOffset = Int32(pos)
        var authorityRecordsFound: UInt16 = 0
        defer { authorityRecords = authorityRecordsFound }
        guard walkSection(message, &pos, Int(nsCount), .authority, &authorityRecordsFound) else { return }
        additionalOffset = Int32(pos)
        var additionalRecordsFound: UInt16 = 0
        defer { additionalRecords = additionalRecordsFound }
        guard walkSection(message, &pos, Int(arCount), .additional, &additionalRecordsFound) else { return }
        trailingBytes = Int32(count &- pos)
    }

    @inlinable
    mutating func setEmptySections(at pos: Int) {
        answerOffset = Int32(pos)
        authorityOffset = Int32(pos)
        additionalOffset = Int32(pos)
        endOffset = Int32(pos)
    }

    @inlinable
    mutating func fail(_ reason: DNSDecodingError.Reason, _ section: DNSDecodingError.Section, _ offset: Int) {
        errorReason = reason
        errorSection = section
        errorOffset = Int32(truncatingIfNeeded: offset)
    }

    /// Walks `expected` records from `pos`; returns false after recording a fault. Inlined as far as its first
    /// test, so that an empty section (most sections of most messages) costs no call.
    @inlinable @inline(__always)
    mutating func walkSection(
        _ message: UnsafeRawBufferPointer, _ pos: inout Int, _ expected: Int,
        _ section: DNSDecodingError.Section, _ complete: inout UInt16
    ) -> Bool {
        expected == 0 || walkRecords(message, &pos, expected, section, &complete)
    }

    @inlinable
    mutating func walkRecords(
        _ message: UnsafeRawBufferPointer, _ pos: inout Int, _ expected: Int,
        _ section: DNSDecodingError.Section, _ complete: inout UInt16
    ) -> Bool {
        let count = message.count
        var n = 0
        while n < expected {
            if pos >= count {
                fail(.countMismatch, section, pos)
                return false
            }
            let nameEnd: Int
            if questionOffset == 12 && message[pos] == 0xC0 && pos &+ 1 < count && message[pos &+ 1] == 12 {
                // A pointer to the question's name (most answers' owner), which has been validated already: the
                // walk would end just after the pointer.
                nameEnd = pos &+ 2
            } else {
                do { nameEnd = try DomainName.validate(message, at: pos) } catch {
                    fail(error, section, pos)
                    return false
                }
            }
            guard nameEnd &+ 10 <= count else {
                fail(.truncatedRecord, section, nameEnd)
                return false
            }
            let type = message.loadBigEndianUInt16(at: nameEnd)
            let rdlength = Int(message.loadBigEndianUInt16(at: nameEnd &+ 8))
            let rdata = nameEnd &+ 10
            guard rdata &+ rdlength <= count else {
                fail(.rdataOverrun, section, nameEnd &+ 8)
                return false
            }
            guard RDataWriter.validate(type: type, message: message, offset: rdata, length: rdlength) else {
                fail(.badRData, section, rdata)
                return false
            }
            if type == 41 && section == .additional && ednsOptionsOffset < 0 {
                ednsUDPSize = message.loadBigEndianUInt16(at: nameEnd &+ 2)
                ednsTTL = message.loadBigEndianUInt32(at: nameEnd &+ 4)
                ednsOptionsOffset = Int32(rdata)
                ednsOptionsLength = UInt16(rdlength)
            }
            pos = rdata &+ rdlength
            endOffset = Int32(pos)
            n &+= 1
            complete = UInt16(truncatingIfNeeded: n)
        }
        return true
    }
}

extension UnsafeRawBufferPointer {
    /// A big-endian 16-bit value at `offset` (the caller has checked the bounds).
    @inlinable @inline(__always)
    public func loadBigEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// A big-endian 32-bit value at `offset` (the caller has checked the bounds).
    @inlinable @inline(__always)
    public func loadBigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
