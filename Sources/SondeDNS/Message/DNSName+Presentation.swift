extension DNSName {
    /// Why a presentation-form name was rejected.
    public enum ParsingError: Error, Sendable, Hashable {
        /// The text is empty (the root is written ".").
        case empty
        /// Two dots in a row, or a leading dot.
        case emptyLabel
        /// A label longer than 63 octets.
        case labelTooLong
        /// More than 255 octets on the wire, root label included.
        case nameTooLong
        /// A backslash at the end, or `\DDD` that is not three digits or is above 255.
        case badEscape
    }

    /// Parses the presentation form of a name (RFC 1035 §5.1): labels separated by dots, the trailing dot
    /// optional, `"."` for the root, `\X` for a literal X (`\.`, `\\`) and `\DDD` for the octet DDD (decimal).
    ///
    /// Bytes other than escapes are taken as they are (UTF-8 is not converted to IDNA), and case is kept, so
    /// ``description`` parses back to the same name.
    public init(parsing presentation: String) throws(ParsingError) {
        let text = Array(presentation.utf8)
        guard !text.isEmpty else { throw .empty }
        if text == [UInt8(ascii: ".")] {
            self = .root
            return
        }
        var out: [UInt8] = [0]  // the length octet of the first label, filled in when the label ends
        var labelStart = 0
        var labelLength = 0
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: ".") {
                guard labelLength > 0 else { throw .emptyLabel }
                out[labelStart] = UInt8(labelLength)
                labelStart = out.count
                out.append(0)
                labelLength = 0
                i += 1
                continue
            }
            var byte = c
            i += 1
            if c == UInt8(ascii: "\\") {
                guard i < text.count else { throw .badEscape }
                if let d0 = Self.digit(text[i]) {
                    guard i + 2 < text.count, let d1 = Self.digit(text[i + 1]), let d2 = Self.digit(text[i + 2])
                    else { throw .badEscape }
                    let value = d0 * 100 + d1 * 10 + d2
                    guard value <= 255 else { throw .badEscape }
                    byte = UInt8(value)
                    i += 3
                } else {
                    byte = text[i]
                    i += 1
                }
            }
            guard labelLength < 63 else { throw .labelTooLong }
            // One more octet here still needs the root label after it.
            guard out.count < DomainName.maxWireLength - 1 else { throw .nameTooLong }
            out.append(byte)
            labelLength += 1
        }
        if labelLength > 0 {
            out[labelStart] = UInt8(labelLength)
            out.append(0)
        }
        // Otherwise the text ended with a dot and the placeholder length octet is the root label.
        guard out.count <= DomainName.maxWireLength else { throw .nameTooLong }
        self.init(trustedWire: out)
    }

    private static func digit(_ c: UInt8) -> Int? {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") ? Int(c - UInt8(ascii: "0")) : nil
    }
}
