/// Domain names on the wire (RFC 1035 §3.1, §4.1.4) read straight from the message bytes.
///
/// ```
///   a label:    +--+--+--+--+--+--+--+--+ ...
///               | 0  0| length (1-63)  | length octets
///               +--+--+--+--+--+--+--+--+ ...
///   a pointer:  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///               | 1  1|                OFFSET                   |
///               +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
///
/// Names are never materialised: ``validate(_:at:)`` walks one and checks it, and ``write(_:at:into:)`` puts its
/// presentation form into an ``OutputBuffer``. A pointer must point before the start of the run of labels it
/// ends, which both rejects loops and bounds the walk; the hop count is bounded as well.
public enum DomainName {
    /// The largest wire length of a name, root label included (RFC 1035 §3.1).
    @inlinable public static var maxWireLength: Int { 255 }
    /// At most one pointer per two bytes of a 255-byte name would be needed to spell any legal name; 127 hops is
    /// therefore more than any real name uses and stops a crafted chain early.
    @inlinable public static var maxPointerHops: Int { 127 }

    /// Walks the name at `start`, checking every label and pointer.
    ///
    /// - Returns: the offset just after the name where it is written (after its first pointer, if any).
    @inlinable
    public static func validate(_ message: UnsafeRawBufferPointer, at start: Int) throws(DNSDecodingError.Reason) -> Int {
        try walk(message, at: start, hashing: false).end
    }

    /// The commonest name whole: written in one piece (no pointer) in under 32 octets, every label of letters,
    /// digits, hyphens and underscores. Its 32-octet window is copied at once and a dot stored over each label
    /// length; the window is checked a word at a time: its octets that are not letters, digits, hyphens or
    /// underscores must be exactly the label lengths and the root (lengths of 45 or more, which could pass for a
    /// hyphen or a digit, are left to the general walk). No branch depends on the octets of the labels.
    /// - Returns: the offset after the name, or nil (nothing written) for any other name.
    @inlinable @inline(__always)
    static func writeShort(_ message: UnsafeRawBufferPointer, at start: Int, to c: inout OutputCursor) -> Int? {
        guard start >= 0, start &+ 33 <= message.count, let base = message.baseAddress else { return nil }
        let src = base + start
        let firstLength = Int(src.load(as: UInt8.self))
        guard firstLength != 0 && firstLength < 45 else { return nil }
        let out = UnsafeMutableRawPointer(c.p)
        for w in 0..<4 {
            out.storeBytes(
                of: src.loadUnaligned(fromByteOffset: 1 &+ 8 &* w, as: UInt64.self), toByteOffset: 8 &* w, as: UInt64.self)
        }
        // The root's offset from `start` (the text's length), and the labels (each one's length octet after the
        // first, and the root, becomes a dot).
        var q = firstLength &+ 1
        var labels = 1
        while true {
            guard q < 32 else { return nil }
            let length = Int(src.load(fromByteOffset: q, as: UInt8.self))
            out.storeBytes(of: UInt8(ascii: "."), toByteOffset: q &- 1, as: UInt8.self)
            if length == 0 { break }
            guard length < 45 else { return nil }
            labels &+= 1
            q &+= length &+ 1
        }
        // Only the words the text reaches (one to four; most names take two or three), each octet that is not
        // plain adding one to its own octet of `odd` (see ``octetSum(_:)``).
        var odd: UInt64 = 0
        var w = 0
        while w < q {
            let x = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 1 &+ w, as: UInt64.self))
            let inText = lowOctets(min(q &- w, 8))
            odd &+= (~plainOctets(x) & inText & 0x8080_8080_8080_8080) >> 7
            w &+= 8
        }
        guard octetSum(odd) == labels else { return nil }
        c.p += q
        return start &+ q &+ 1
    }

    /// Writes a plain name, as ``MessageLayout/plainQuestionLength`` finds them: in one piece of `wireLength`
    /// octets at `start`, at least one label, every label of letters, digits, hyphens and underscores (nothing to
    /// escape), so its text is its octets after the first with a dot over each later label length and the root.
    /// The octets are copied eight at a time; the cursor must have room for `wireLength + 7` bytes.
    /// - Returns: the offset after the name.
    @inlinable @inline(__always)
    @discardableResult
    public static func writePlain(
        _ message: UnsafeRawBufferPointer, at start: Int, wireLength: Int, to c: inout OutputCursor
    ) -> Int {
        precondition(wireLength >= 2 && start >= 0 && start &+ wireLength <= message.count)
        let src = message.baseAddress.unsafelyUnwrapped + start
        let out = UnsafeMutableRawPointer(c.p)
        let n = wireLength &- 1
        if start &+ 1 &+ ((n &+ 7) & ~7) <= message.count {
            var i = 0
            while i < n {
                out.storeBytes(of: src.loadUnaligned(fromByteOffset: 1 &+ i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
                i &+= 8
            }
        } else {
            out.copyMemory(from: src + 1, byteCount: n)
        }
        var q = Int(src.load(as: UInt8.self)) &+ 1
        while true {
            let length = Int(src.load(fromByteOffset: q, as: UInt8.self))
            out.storeBytes(of: UInt8(ascii: "."), toByteOffset: q &- 1, as: UInt8.self)
            if length == 0 { break }
            q &+= length &+ 1
        }
        c.p += n
        return start &+ wireLength
    }

    /// The sum of the eight octets of `x`, which must be under 256 (one multiply: no population count, which
    /// the baseline x86-64 target has no instruction for).
    @inlinable @inline(__always)
    static func octetSum(_ x: UInt64) -> Int {
        Int(truncatingIfNeeded: (x &* 0x0101_0101_0101_0101) >> 56)
    }

    /// A word with its first `n` octets (0 to 8) set, by two shifts and no branch, so that 8 gives every octet.
    @inlinable @inline(__always)
    static func lowOctets(_ n: Int) -> UInt64 {
        let k = UInt64(truncatingIfNeeded: n) &* 4
        return ((UInt64(1) &<< k) &<< k) &- 1
    }

    /// The high bit of each octet of `x` set where the octet is an ASCII letter, digit, hyphen or underscore (all
    /// written as themselves), computed in all eight at once with no carry from one octet to the next.
    @inlinable @inline(__always)
    static func plainOctets(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let t = x & ~highs
        let l = t | (0x20 &* ones)
        let letter = (l &+ (0x80 &- 0x61) &* ones) & ~(l &+ (0x7F &- 0x7A) &* ones)
        let digit = (t &+ (0x80 &- 0x30) &* ones) & ~(t &+ (0x7F &- 0x39) &* ones)
        let hyphen = ~((t ^ (0x2D &* ones)) &+ 0x7F &* ones)
        let underscore = ~((t ^ (0x5F &* ones)) &+ 0x7F &* ones)
        return (letter | digit | hyphen | underscore) & ~x & highs
    }

    /// The offset just after the name written at `start`, without following pointers (so without checking
    /// where they lead): for walking records that ``validate(_:at:)`` has already checked.
    /// - Returns: nil when the name runs past the end of the message or uses a reserved label type.
    @inlinable @inline(__always)
    public static func skip(_ message: UnsafeRawBufferPointer, at start: Int) -> Int? {
        // A name that is one compression pointer (most record owners): answered here, with no call.
        if start >= 0 && start &+ 2 <= message.count && message[start] & 0xC0 == 0xC0 { return start &+ 2 }
        return skipLabels(message, at: start)
    }

    /// ``skip(_:at:)`` for a name that starts with labels.
    @inlinable
    static func skipLabels(_ message: UnsafeRawBufferPointer, at start: Int) -> Int? {
        let count = message.count
        var pos = start
        while pos < count {
            let len = Int(message[pos])
            switch len & 0xC0 {
            case 0x00:
                if len == 0 { return pos &+ 1 }
                pos &+= 1 &+ len
            case 0xC0:
                return pos &+ 2 <= count ? pos &+ 2 : nil
            default:
                return nil
            }
        }
        return nil
    }

    /// Writes the presentation form of the name at `start` (RFC 1035 §5.1 escapes, trailing dot, case kept).
    ///
    /// The name should have passed ``validate(_:at:)``; if it did not, this stops at the first fault and the
    /// output ends there, so it is safe on any bytes. With `quoted`, every backslash and quote is itself escaped
    /// by a backslash, as inside a JSON string or a YAML double-quoted scalar, so the caller needs no second pass.
    /// - Returns: the offset just after the name where it is written.
    @inlinable
    @discardableResult
    public static func write(
        _ message: UnsafeRawBufferPointer, at start: Int, into out: inout OutputBuffer, quoted: Bool = false
    ) -> Int {
        // 255 wire octets can expand at most five times (\\DDD when quoted) plus dots.
        var c = out.cursor(reserving: maxWireLength &* 5 &+ 2)
        let next = write(message, at: start, to: &c, quoted: quoted)
        out.commit(c)
        return next
    }

    /// ``write(_:at:into:quoted:)`` through a cursor with room for 5 × 255 + 2 bytes; the output pointer stays in
    /// a register across the label loop.
    @inlinable
    @discardableResult
    public static func write(
        _ message: UnsafeRawBufferPointer, at start: Int, to c: inout OutputCursor, quoted: Bool = false
    ) -> Int {
        if let end = writeShort(message, at: start, to: &c) { return end }
        let count = message.count
        var pos = start
        var runStart = start
        var end = -1
        var hops = 0
        var p = c.p
        defer { c.p = p }
        let first = p
        let classes = presentationClasses.utf8Start
        var budget = maxWireLength
        while pos < count {
            let len = Int(message[pos])
            switch len & 0xC0 {
            case 0x00:
                if len == 0 {
                    if p == first {
                        p.pointee = UInt8(ascii: ".")
                        p += 1
                    }
                    return end < 0 ? pos &+ 1 : end
                }
                budget &-= len &+ 1
                guard budget > 0, pos &+ 1 &+ len <= count else { return end < 0 ? count : end }
                var i = pos &+ 1
                let labelEnd = i &+ len
                if len <= 16 && i &+ 16 <= count {
                    // The label's 16-octet window tested a word at a time and copied whole (the room reserved
                    // covers the overshoot): no branch that depends on the label's length or octets when they
                    // are letters, digits, hyphens and underscores, as nearly all are.
                    let w0 = UInt64(littleEndian: message.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    let w1 = UInt64(littleEndian: message.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self))
                    let m0 = lowOctets(min(len, 8))
                    let m1 = lowOctets(max(len &- 8, 0))
                    if ((~plainOctets(w0) & m0) | (~plainOctets(w1) & m1)) & 0x8080_8080_8080_8080 == 0 {
                        let raw = UnsafeMutableRawPointer(p)
                        raw.storeBytes(of: w0.littleEndian, as: UInt64.self)
                        raw.storeBytes(of: w1.littleEndian, toByteOffset: 8, as: UInt64.self)
                        p += len
                        i = labelEnd
                    }
                }
                while i < labelEnd {
                    let b = message[i]
                    let kind = classes[Int(b)]
                    if kind == UInt8(ascii: "p") {
                        p.pointee = b
                        p += 1
                    } else if kind == UInt8(ascii: "e") {
                        p.pointee = UInt8(ascii: "\\")
                        p += 1
                        if quoted {
                            p.pointee = UInt8(ascii: "\\")
                            p += 1
                            if b == UInt8(ascii: "\\") || b == UInt8(ascii: "\"") {
                                p.pointee = UInt8(ascii: "\\")
                                p += 1
                            }
                        }
                        p.pointee = b
                        p += 1
                    } else {
                        if quoted {
                            p.pointee = UInt8(ascii: "\\")
                            p += 1
                        }
                        p[0] = UInt8(ascii: "\\")
                        p[1] = 0x30 &+ b / 100
                        p[2] = 0x30 &+ (b / 10) % 10
                        p[3] = 0x30 &+ b % 10
                        p += 4
                    }
                    i &+= 1
                }
                p.pointee = UInt8(ascii: ".")
                p += 1
                pos = labelEnd
            case 0xC0:
                guard pos &+ 1 < count else { return count }
                let target = (len & 0x3F) << 8 | Int(message[pos &+ 1])
                if end < 0 { end = pos &+ 2 }
                hops &+= 1
                guard target < runStart, hops <= maxPointerHops else { return end }
                pos = target
                runStart = target
            default:
                return end < 0 ? pos : end
            }
        }
        return end < 0 ? count : end
    }

    /// A 64-bit hash of the name at `start` with ASCII letters folded to lower case: the key by which names are
    /// counted and queries matched to responses. It is the hash of the name's uncompressed wire form, so a
    /// compressed name and the same name written out hash alike.
    /// - Returns: the hash, or 0 when the name is not well formed.
    @inlinable
    public static func foldedHash(_ message: UnsafeRawBufferPointer, at start: Int) -> UInt64 {
        do { return try walk(message, at: start, hashing: true).hash } catch { return 0 }
    }

    /// ``validate(_:at:)`` and ``foldedHash(_:at:)`` in one walk, for the question name that both need.
    /// - Returns: the offset just after the name where it is written, the name's hash, and its wire length when
    ///   it is plain (see ``writePlain(_:at:wireLength:to:)``; 0 otherwise).
    @inlinable
    public static func validateHashing(
        _ message: UnsafeRawBufferPointer, at start: Int
    ) throws(DNSDecodingError.Reason) -> (end: Int, hash: UInt64, plainLength: Int) {
        try walk(message, at: start, hashing: true)
    }

    /// The walk behind ``validate(_:at:)`` and ``validateHashing(_:at:)``: every label and pointer checked. With
    /// `hashing` (a constant at each call, so the other form carries no hashing code) the name is then hashed: a
    /// name written in one piece (a question's, nearly always) straight from the message a word at a time, a
    /// compressed one from an uncompressed copy. The words hashed are also checked for plain labels.
    @inlinable @inline(__always)
    static func walk(
        _ message: UnsafeRawBufferPointer, at start: Int, hashing: Bool
    ) throws(DNSDecodingError.Reason) -> (end: Int, hash: UInt64, plainLength: Int) {
        let count = message.count
        var pos = start
        var runStart = start
        var end = -1
        var length = 1  // the root label
        var hops = 0
        // For the plain check: the labels, and a negative value once a length is 45 or more.
        var labels = 0
        var longLabels = 0
        while true {
            guard pos < count else { throw .truncatedName }
            let len = Int(message[pos])
            switch len & 0xC0 {
            case 0x00:
                if len == 0 {
                    guard end < 0 else {
                        return (end, hashing ? hashCompressed(message, at: start) : 0, 0)
                    }
                    guard hashing else { return (pos &+ 1, 0, 0) }
                    let (hash, notPlain) = hashWire(message, from: start, length: length)
                    // Plain: the only octets that are not letters, digits, hyphens or underscores are the label
                    // lengths (all under 45, so none passes for one) and the root.
                    let plain = labels > 0 && longLabels >= 0 && notPlain == labels &+ 1
                    return (pos &+ 1, hash, plain ? length : 0)
                }
                labels &+= 1
                longLabels |= 44 &- len
                length &+= len &+ 1
                guard length <= maxWireLength else { throw .nameTooLong }
                guard pos &+ 1 &+ len <= count else { throw .truncatedName }
                pos &+= 1 &+ len
            case 0xC0:
                guard pos &+ 1 < count else { throw .truncatedName }
                let target = (len & 0x3F) << 8 | Int(message[pos &+ 1])
                if end < 0 { end = pos &+ 2 }
                guard target < count else { throw .pointerOutOfRange }
                if target >= runStart {
                    throw target >= pos ? (target == pos ? .pointerLoop : .forwardPointer) : .pointerLoop
                }
                hops &+= 1
                guard hops <= maxPointerHops else { throw .pointerLoop }
                pos = target
                runStart = target
            default:
                throw .badLabelType
            }
        }
    }

    @inlinable static var hashSeed: UInt64 { 0x9E37_79B9_7F4A_7C15 }

    @inlinable @inline(__always)
    static func hashMix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        var h = (h ^ v) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        return h
    }

    /// The hash of a well-formed, uncompressed name of `length` wire bytes at `start`: its bytes a word at a time,
    /// ASCII letters folded to lower case (label lengths, at most 63, are never folded), the last partial word
    /// padded with zeros, then the length. Never 0. Also counts the octets of the name that are not letters,
    /// digits, hyphens or underscores (``plainOctets(_:)``), from the same words.
    @inlinable @inline(__always)
    static func hashWire(_ message: UnsafeRawBufferPointer, from start: Int, length: Int) -> (hash: UInt64, notPlain: Int) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        /// ASCII A-Z to a-z in all eight bytes at once; bytes with the high bit set are left alone.
        @inline(__always) func fold(_ x: UInt64) -> UInt64 {
            let atLeastA = (x | highs) &- ones &* 0x41
            let pastZ = (x | highs) &- ones &* 0x5B
            return x | ((atLeastA & ~pastZ & ~x & highs) >> 2)
        }
        var h = hashSeed
        var i = start
        let wireEnd = start &+ length
        // One per octet that is not plain, in that octet's own counter (a name has at most 32 words).
        var notPlain: UInt64 = 0
        while i &+ 8 <= wireEnd {
            let x = UInt64(littleEndian: message.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = hashMix(h, fold(x))
            notPlain &+= (~plainOctets(x) & highs) >> 7
            i &+= 8
        }
        if i < wireEnd {
            let n = wireEnd &- i
            var word: UInt64 = 0
            if i &+ 8 <= message.count {
                // One load, the bytes past the name masked off.
                word = UInt64(littleEndian: message.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                    & (~UInt64(0) >> UInt64(64 &- 8 &* n))
            } else {
                var shift: UInt64 = 0
                while i < wireEnd {
                    word |= UInt64(message[i]) << shift
                    shift &+= 8
                    i &+= 1
                }
            }
            h = hashMix(h, fold(word))
            notPlain &+= (~plainOctets(word) & lowOctets(n) & highs) >> 7
        }
        return (hashMix(h, UInt64(length)) | 1, octetSum(notPlain))
    }

    /// ``hashWire(_:from:length:)`` of a well-formed compressed name, from an uncompressed copy.
    @usableFromInline
    static func hashCompressed(_ message: UnsafeRawBufferPointer, at start: Int) -> UInt64 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxWireLength) { buffer in
            let base = buffer.baseAddress!
            let n = copyFoldedWire(message, at: start, into: base)
            return hashWire(UnsafeRawBufferPointer(start: base, count: n), from: 0, length: n).hash
        }
    }

    /// Copies the name at `start` in uncompressed wire form, ASCII letters folded to lower case, into `buffer`
    /// (which must hold ``maxWireLength`` bytes). Used for case-insensitive keys (top names, matching).
    /// - Returns: the number of bytes written, or 0 when the name is not well formed.
    @inlinable
    public static func copyFoldedWire(
        _ message: UnsafeRawBufferPointer, at start: Int, into buffer: UnsafeMutablePointer<UInt8>
    ) -> Int {
        copyWire(message, at: start, into: buffer, folding: true)
    }

    /// Copies the name at `start` in uncompressed wire form into `buffer` (which must hold ``maxWireLength``
    /// bytes), ASCII letters folded to lower case when `folding`.
    /// - Returns: the number of bytes written, or 0 when the name is not well formed.
    @inlinable
    public static func copyWire(
        _ message: UnsafeRawBufferPointer, at start: Int, into buffer: UnsafeMutablePointer<UInt8>, folding: Bool
    ) -> Int {
        let count = message.count
        var pos = start
        var runStart = start
        var n = 0
        var hops = 0
        while pos < count {
            let len = Int(message[pos])
            switch len & 0xC0 {
            case 0x00:
                guard n &+ len &+ 1 <= maxWireLength, pos &+ 1 &+ len <= count else { return 0 }
                buffer[n] = UInt8(len)
                n &+= 1
                if len == 0 { return n }
                var i = pos &+ 1
                let labelEnd = i &+ len
                while i < labelEnd {
                    let b = message[i]
                    buffer[n] = folding && (b &- 0x41) < 26 ? b | 0x20 : b
                    n &+= 1
                    i &+= 1
                }
                pos = labelEnd
            case 0xC0:
                guard pos &+ 1 < count else { return 0 }
                let target = (len & 0x3F) << 8 | Int(message[pos &+ 1])
                hops &+= 1
                guard target < runStart, hops <= maxPointerHops else { return 0 }
                pos = target
                runStart = target
            default:
                return 0
            }
        }
        return 0
    }
}

/// How each byte of a label is printed: `p` as itself, `e` behind a backslash, `d` as `\DDD`.
/// Space and the master-file specials `. ; ( ) " \ @ $ '` are escaped so that the text reads back as the same name.
@usableFromInline
let presentationClasses: StaticString = "ddddddddddddddddddddddddddddddddepepeppeeeppppeppppppppppppeppppepppppppppppppppppppppppppppeppppppppppppppppppppppppppppppppppddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
