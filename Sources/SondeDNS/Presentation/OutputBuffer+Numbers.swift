/// Two ASCII digits for every value 0...99, so decimal printing does one division per two digits.
@usableFromInline
let decimalPairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

@usableFromInline
let lowerHexDigits: StaticString = "0123456789abcdef"

@usableFromInline
let upperHexDigits: StaticString = "0123456789ABCDEF"

extension OutputBuffer {
    /// Appends `value` in decimal.
    ///
    /// Single digits (most counts, flags-like fields) are written inline at the call site; longer values take
    /// one call.
    @inlinable @inline(__always)
    public mutating func appendDecimal(_ value: UInt64) {
        if value < 10 {
            reserve(1)
            uncheckedAppend(UInt8(truncatingIfNeeded: value) &+ 0x30)
            return
        }
        appendDecimalDigits(value)
    }

    /// `appendDecimal` for values of two digits or more.
    @inlinable @inline(__always)
    public mutating func appendDecimalDigits(_ value: UInt64) {
        reserve(20)
        count &+= Self.writeDecimalDigits(value, to: base + count)
    }

    /// Writes `value` in decimal at `p` (room for 20 digits); returns the number of digits.
    @inlinable @inline(never)
    public static func writeDecimalDigits(_ value: UInt64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 10 {
            p[0] = UInt8(truncatingIfNeeded: value) &+ 0x30
            return 1
        }
        // Ports, IDs, counts, sizes and TTLs are mostly below 100,000: write those with no loop.
        let pairs = decimalPairs.utf8Start
        if value < 100_000 {
            let v = Int(truncatingIfNeeded: value)
            if v < 100 {
                p[0] = pairs[v &* 2]
                p[1] = pairs[v &* 2 &+ 1]
                return 2
            } else if v < 1000 {
                let lo = (v % 100) &* 2
                p[0] = UInt8(truncatingIfNeeded: v / 100) &+ 0x30
                p[1] = pairs[lo]
                p[2] = pairs[lo &+ 1]
                return 3
            } else if v < 10_000 {
                let hi = (v / 100) &* 2
                let lo = (v % 100) &* 2
                p[0] = pairs[hi]
                p[1] = pairs[hi &+ 1]
                p[2] = pairs[lo]
                p[3] = pairs[lo &+ 1]
                return 4
            } else {
                let mid = (v / 100 % 100) &* 2
                let lo = (v % 100) &* 2
                p[0] = UInt8(truncatingIfNeeded: v / 10_000) &+ 0x30
                p[1] = pairs[mid]
                p[2] = pairs[mid &+ 1]
                p[3] = pairs[lo]
                p[4] = pairs[lo &+ 1]
                return 5
            }
        }
        // Count the digits, then write from the right two at a time.
        var digits = 6
        var limit: UInt64 = 1_000_000
        while digits < 20 && value >= limit {
            digits &+= 1
            limit = limit &* 10
        }
        var v = value
        var i = digits
        while v >= 100 {
            let r = Int(v % 100) &* 2
            v /= 100
            i &-= 2
            p[i] = pairs[r]
            p[i &+ 1] = pairs[r &+ 1]
        }
        if v >= 10 {
            let r = Int(v) &* 2
            p[0] = pairs[r]
            p[1] = pairs[r &+ 1]
        } else {
            p[0] = UInt8(truncatingIfNeeded: v) &+ 0x30
        }
        return digits
    }

    /// Appends `value` in decimal.
    @inlinable @inline(__always)
    public mutating func appendDecimal(_ value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(UInt64(value.magnitude))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    /// Appends `value` in decimal padded with zeros to `width` digits (dates, fractions); a value with more
    /// digits than `width` is written whole.
    @inlinable
    public mutating func appendDecimal(_ value: UInt64, width: Int) {
        reserve(max(width, 20))
        var limit: UInt64 = 1
        var i = 0
        while i < width && i < 19 {
            limit &*= 10
            i &+= 1
        }
        guard width <= 19 && value < limit else {
            appendDecimal(value)
            return
        }
        // Exactly `width` digits, written from the right two at a time: no digit count, no padding loop.
        let pairs = decimalPairs.utf8Start
        var p = base + count + width
        var v = value
        var left = width
        while left >= 2 {
            let r = Int(truncatingIfNeeded: v % 100) &* 2
            v /= 100
            p -= 2
            p[0] = pairs[r]
            p[1] = pairs[r &+ 1]
            left &-= 2
        }
        if left == 1 {
            p -= 1
            p[0] = UInt8(truncatingIfNeeded: v) &+ 0x30
        }
        count &+= width
    }

    /// Appends `value` (below 10^9) as exactly nine digits: the nanoseconds of a timestamp or a duration.
    @inlinable @inline(__always)
    public mutating func appendNineDigits(_ value: UInt32) {
        reserve(9)
        Self.writeNineDigits(value, to: base + count)
        count &+= 9
    }

    /// Writes `value` (below 10^9) as exactly nine digits at `p`.
    @inlinable @inline(__always)
    public static func writeNineDigits(_ value: UInt32, to p: UnsafeMutablePointer<UInt8>) {
        let pairs = decimalPairs.utf8Start
        let top = Int(truncatingIfNeeded: value / 10_000_000)  // two digits
        var rest = value % 10_000_000
        let a = Int(truncatingIfNeeded: rest / 100_000) &* 2
        rest %= 100_000
        let b = Int(truncatingIfNeeded: rest / 1000) &* 2
        rest %= 1000
        let c = Int(truncatingIfNeeded: rest / 10) &* 2
        p[0] = pairs[top &* 2]
        p[1] = pairs[top &* 2 &+ 1]
        p[2] = pairs[a]
        p[3] = pairs[a &+ 1]
        p[4] = pairs[b]
        p[5] = pairs[b &+ 1]
        p[6] = pairs[c]
        p[7] = pairs[c &+ 1]
        p[8] = UInt8(truncatingIfNeeded: rest % 10) &+ 0x30
    }

    /// Appends one byte as two hex digits.
    @inlinable @inline(__always)
    public mutating func appendHexByte(_ byte: UInt8, uppercase: Bool = false) {
        reserve(2)
        let digits = uppercase ? upperHexDigits.utf8Start : lowerHexDigits.utf8Start
        uncheckedAppend(digits[Int(byte >> 4)])
        uncheckedAppend(digits[Int(byte & 0x0f)])
    }

    /// Appends bytes as hex digits, no separators.
    @inlinable
    public mutating func appendHex(_ bytes: UnsafeRawBufferPointer, uppercase: Bool = false) {
        reserve(bytes.count &* 2)
        let digits = uppercase ? upperHexDigits.utf8Start : lowerHexDigits.utf8Start
        for b in bytes {
            uncheckedAppend(digits[Int(b >> 4)])
            uncheckedAppend(digits[Int(b & 0x0f)])
        }
    }

    /// Appends `value` as hex without leading zeros (`0` for zero).
    @inlinable
    public mutating func appendHex(_ value: UInt64, uppercase: Bool = false) {
        reserve(16)
        let digits = uppercase ? upperHexDigits.utf8Start : lowerHexDigits.utf8Start
        var shift = 60
        while shift > 0 && (value >> UInt64(shift)) & 0xf == 0 { shift -= 4 }
        while shift >= 0 {
            uncheckedAppend(digits[Int((value >> UInt64(shift)) & 0xf)])
            shift -= 4
        }
    }
}

extension OutputBuffer {
    /// `value` with at most `decimals` (1-9) digits after the point, rounded, trailing zeros and a lone point left
    /// out (`48.8582`, `-3.5`, `7`); not-a-number and infinities as `null` (JSON has no literal for them).
    public mutating func appendFixed(_ value: Double, decimals: Int) {
        guard value.isFinite else {
            append("null")
            return
        }
        let places = min(max(decimals, 1), 9)
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (value.magnitude * scale).rounded()
        guard scaled < 9e17 else {
            // Too large for fixed digits here; no coordinate or rate comes near.
            append(string: "\(value)")
            return
        }
        let total = UInt64(scaled)
        let unit = UInt64(scale)
        if value < 0 && total != 0 { append(UInt8(ascii: "-")) }
        appendDecimal(total / unit)
        var fraction = total % unit
        guard fraction != 0 else { return }
        var digits = places
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        append(UInt8(ascii: "."))
        // Zero-pad the fraction to its width (0.05 is fraction 5 of width 2).
        var width = 1
        var f = fraction
        while f >= 10 {
            f /= 10
            width += 1
        }
        for _ in width..<digits { append(UInt8(ascii: "0")) }
        appendDecimal(fraction)
    }
}
