/// Byte work on names in presentation form, eight bytes at a time where it can.
enum LabelScan {
    static let dot = UInt8(ascii: ".")
    static let backslash = UInt8(ascii: "\\")
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let lows: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// Where the label ending before `end` starts: just after the last unescaped dot before `end`, or 0.
    @inline(__always)
    static func labelStart(_ p: UnsafePointer<UInt8>, before end: Int) -> Int {
        var i = end
        while true {
            var found = -1
            // Eight bytes at a time, from the right: the exact zero-byte test of "Bit Twiddling Hacks" (no false
            // hits above a real one, unlike the shorter test), on the word xor-ed with dots.
            while i >= 8 {
                let x = UInt64(littleEndian: UnsafeRawPointer(p + (i &- 8)).loadUnaligned(as: UInt64.self)) ^ (ones &* 0x2E)
                let zero = ~(((x & lows) &+ lows) | x | lows)
                if zero != 0 {
                    found = i &- 8 &+ (63 &- zero.leadingZeroBitCount) &>> 3
                    break
                }
                i &-= 8
            }
            if found < 0 {
                while i > 0 {
                    if p[i &- 1] == dot {
                        found = i &- 1
                        break
                    }
                    i &-= 1
                }
                if found < 0 { return 0 }
            }
            if !isEscaped(p, found) { return found &+ 1 }
            // `\.` is part of the label: look further left.
            i = found
        }
    }

    /// Whether the byte at `i` follows an odd run of backslashes. Each backslash belongs to the run before one
    /// dot only, so scanning a whole name this way stays linear.
    @inline(__always)
    static func isEscaped(_ p: UnsafePointer<UInt8>, _ i: Int) -> Bool {
        var j = i
        while j > 0 && p[j &- 1] == backslash { j &-= 1 }
        return (i &- j) & 1 == 1
    }

    /// The last eight bytes of `p[0..<count]` (all of them when fewer, zero-extended) as a little-endian word.
    /// `readableBefore` says the eight bytes before `p + count` may be read, so a short label is one load.
    @inline(__always)
    static func lastWord(_ p: UnsafePointer<UInt8>, count: Int, readableBefore: Bool) -> UInt64 {
        if count >= 8 || readableBefore {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + (count &- 8)).loadUnaligned(as: UInt64.self))
            return count >= 8 ? w : w &>> (64 &- 8 &* UInt64(truncatingIfNeeded: count))
        }
        var w: UInt64 = 0
        var i = count
        while i > 0 {
            i &-= 1
            w = w &<< 8 | UInt64(p[i])
        }
        return w
    }

    /// Whether the bytes before the last eight agree, for labels longer than eight bytes (the last eight were
    /// compared as words already). Loads start at 0, 8, 16… and stay inside the labels.
    @inline(__always)
    static func headsEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
        var offset = 0
        while offset &+ 8 < count {
            if UnsafeRawPointer(a + offset).loadUnaligned(as: UInt64.self)
                != UnsafeRawPointer(b + offset).loadUnaligned(as: UInt64.self)
            {
                return false
            }
            offset &+= 8
        }
        return true
    }
}
