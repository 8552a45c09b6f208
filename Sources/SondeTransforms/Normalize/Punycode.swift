/// Punycode (RFC 3492) and the ASCII form of internationalised names, as DNS carries them (`xn--` labels).
///
/// Only the encoder is here: the Public Suffix List is written in Unicode and names on the wire are ASCII, so
/// rules are converted once, at load. There is no Nameprep or NFC step: the list's entries are already in the
/// normalised lowercase form IDNA 2008 asks for (the tests check every entry against Python's IDNA codec).
public enum Punycode {
    // RFC 3492 §5, parameter values for Punycode.
    static let base: UInt32 = 36
    static let tMin: UInt32 = 1
    static let tMax: UInt32 = 26
    static let skew: UInt32 = 38
    static let damp: UInt32 = 700
    static let initialBias: UInt32 = 72
    static let initialN: UInt32 = 0x80

    /// The ACE prefix of IDNA (RFC 3490 §5, kept by RFC 5890).
    public static let acePrefix: [UInt8] = Array("xn--".utf8)

    /// Encodes code points with the RFC 3492 §6.3 algorithm, without the `xn--` prefix; nil on overflow.
    ///
    /// Basic (ASCII) code points are copied as they are, case included.
    public static func encode(_ input: some Collection<Unicode.Scalar>) -> [UInt8]? {
        var output: [UInt8] = []
        for c in input where c.value < initialN { output.append(UInt8(c.value)) }
        let basicCount = UInt32(output.count)
        var handled = basicCount
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }
        var n = initialN
        var delta: UInt32 = 0
        var bias = initialBias
        let total = UInt32(input.count)
        while handled < total {
            // The smallest code point not handled yet.
            var m = UInt32.max
            for c in input where c.value >= n && c.value < m { m = c.value }
            let (step, o1) = (m - n).multipliedReportingOverflow(by: handled + 1)
            let (sum, o2) = delta.addingReportingOverflow(step)
            guard !o1 && !o2 else { return nil }
            delta = sum
            n = m
            for c in input {
                if c.value < n {
                    let (d, o) = delta.addingReportingOverflow(1)
                    guard !o else { return nil }
                    delta = d
                } else if c.value == n {
                    // Write delta as a generalised variable-length integer.
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, points: handled + 1, first: handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta &+= 1
            n &+= 1
        }
        return output
    }

    /// RFC 3492 §6.1, bias adaptation.
    static func adapt(_ delta: UInt32, points: UInt32, first: Bool) -> UInt32 {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k: UInt32 = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    /// Digit values 0–25 are `a`–`z`, 26–35 are `0`–`9` (RFC 3492 §5; lowercase, as IDNA writes them).
    static func digit(_ d: UInt32) -> UInt8 {
        d < 26 ? UInt8(ascii: "a") + UInt8(d) : UInt8(ascii: "0") + UInt8(d - 26)
    }

    /// Why a name has no ASCII form.
    public enum ConversionError: Error, Sendable, Hashable {
        /// The bytes are not UTF-8.
        case invalidUTF8
        /// A label is empty (two dots in a row, or a dot at either end).
        case emptyLabel
        /// A label is longer than 63 octets once converted (RFC 1035 §2.3.4).
        case labelTooLong
        /// Punycode arithmetic overflowed (only for absurd inputs).
        case overflow
    }

    /// The ASCII form of a dot-separated name in UTF-8: ASCII letters lowercased, every label with a non-ASCII
    /// character written `xn--` plus its Punycode.
    public static func asciiName(_ utf8: some Collection<UInt8>) throws(ConversionError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(utf8.count)
        var label: [Unicode.Scalar] = []
        var iterator = utf8.makeIterator()
        var decoder = Unicode.UTF8()
        var sawAny = false
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s):
                sawAny = true
                if s == "." {
                    try appendLabel(label, to: &output)
                    output.append(UInt8(ascii: "."))
                    label.removeAll(keepingCapacity: true)
                } else {
                    label.append(s)
                }
            case .emptyInput:
                break loop
            case .error:
                throw .invalidUTF8
            }
        }
        guard sawAny else { throw .emptyLabel }
        try appendLabel(label, to: &output)
        return output
    }

    static func appendLabel(_ label: [Unicode.Scalar], to output: inout [UInt8]) throws(ConversionError) {
        guard !label.isEmpty else { throw .emptyLabel }
        let start = output.count
        if label.allSatisfy({ $0.isASCII }) {
            for s in label {
                let b = UInt8(s.value)
                output.append(b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") ? b | 0x20 : b)
            }
        } else {
            // Lowercase the ASCII letters first, as IDNA's mapping does, so `Ü-Bahn` and `ü-bahn` agree.
            let lowered = label.map { s in
                s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(UInt8(s.value) | 0x20) : s
            }
            guard let encoded = encode(lowered) else { throw .overflow }
            output += acePrefix
            output += encoded
        }
        guard output.count - start <= 63 else { throw .labelTooLong }
    }
}
