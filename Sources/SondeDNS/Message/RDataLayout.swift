/// Where the domain names are in the RDATA of the types that hold them, so that the model can keep those names
/// uncompressed (RFC 3597 §4: receivers decompress the RFC 1035 types and RP, AFSDB, RT, SIG, PX, NXT, NAPTR,
/// SRV; later types such as DNAME, KX, RRSIG and NSEC are never compressed by senders but may be read the same way).
///
/// Only the RFC 1035 types (``compressesNames``) may have their names compressed again by the encoder; an old
/// resolver or middlebox cannot decompress names inside the RDATA of a type it does not know.
struct RDataLayout: Sendable {
    /// One run of RDATA.
    enum Field: Sendable {
        /// A fixed number of octets.
        case fixed(Int)
        /// A domain name.
        case name
        /// This many `<character-string>`s (a length octet and that many octets each).
        case characterStrings(Int)
        /// Everything up to RDLENGTH (possibly nothing).
        case rest
    }

    /// A piece of owned RDATA, as the encoder writes it.
    enum Part {
        case bytes(Range<Int>)
        case name(DNSName)
    }

    /// The runs, in order; they must cover RDLENGTH exactly.
    let fields: [Field]
    /// Whether the names may be compressed when encoding (RFC 1035 types only).
    let compressesNames: Bool

    private static let compressibleName = RDataLayout(fields: [.name], compressesNames: true)
    private static let soa = RDataLayout(fields: [.name, .name, .fixed(20)], compressesNames: true)
    private static let compressibleTwoNames = RDataLayout(fields: [.name, .name], compressesNames: true)
    private static let mx = RDataLayout(fields: [.fixed(2), .name], compressesNames: true)
    private static let name = RDataLayout(fields: [.name], compressesNames: false)
    private static let twoNames = RDataLayout(fields: [.name, .name], compressesNames: false)
    private static let preferenceAndName = RDataLayout(fields: [.fixed(2), .name], compressesNames: false)
    private static let px = RDataLayout(fields: [.fixed(2), .name, .name], compressesNames: false)
    private static let srv = RDataLayout(fields: [.fixed(6), .name], compressesNames: false)
    private static let naptr = RDataLayout(fields: [.fixed(4), .characterStrings(3), .name], compressesNames: false)
    private static let signature = RDataLayout(fields: [.fixed(18), .name, .rest], compressesNames: false)
    private static let nameAndRest = RDataLayout(fields: [.name, .rest], compressesNames: false)
    private static let serviceBinding = RDataLayout(fields: [.fixed(2), .name, .rest], compressesNames: false)

    /// The layout for `type`, or `nil` when its RDATA is kept opaque.
    static func forType(_ type: UInt16) -> RDataLayout? {
        switch type {
        case 2, 3, 4, 5, 7, 8, 9, 12: return compressibleName  // NS MD MF CNAME MB MG MR PTR
        case 6: return soa  // MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM
        case 14: return compressibleTwoNames  // MINFO: RMAILBX EMAILBX
        case 15: return mx  // PREFERENCE EXCHANGE
        case 39: return name  // DNAME (RFC 6672)
        case 17: return twoNames  // RP (RFC 1183): mbox txt
        case 18, 21, 36: return preferenceAndName  // AFSDB, RT (RFC 1183), KX (RFC 2230)
        case 26: return px  // PX (RFC 2163): PREFERENCE MAP822 MAPX400
        case 33: return srv  // SRV (RFC 2782): priority weight port target
        case 35: return naptr  // NAPTR (RFC 3403): order preference flags services regexp replacement
        case 24, 46: return signature  // SIG (RFC 2535), RRSIG (RFC 4034): 18 octets, signer, signature
        case 30, 47: return nameAndRest  // NXT (RFC 2535), NSEC (RFC 4034): next name, type bitmap
        // SVCB, HTTPS (RFC 9460): SvcPriority, TargetName, SvcParams. The target must not be compressed, but a
        // sender that does so anyway is read (pointer followed) and written back uncompressed.
        case 64, 65: return serviceBinding
        default: return nil
        }
    }

    /// Copies the RDATA at `range` of `message` with its names decompressed.
    ///
    /// - Throws: the name's own fault (loop, forward pointer, ...) or `badRData` when a name or a field runs
    ///   past RDLENGTH, bytes are left over, or the result would not fit a 16-bit RDLENGTH.
    func decompress(_ message: UnsafeRawBufferPointer, rdata range: Range<Int>) throws(DNSDecodingError.Reason) -> [UInt8] {
        // Names are read in a view that ends with the RDATA, so that none can take octets past RDLENGTH.
        let view = UnsafeRawBufferPointer(rebasing: message[..<range.upperBound])
        let end = range.upperBound
        var out: [UInt8] = []
        out.reserveCapacity(range.count + 32)
        var pos = range.lowerBound
        for field in fields {
            switch field {
            case .fixed(let n):
                guard end - pos >= n else { throw .badRData }
                out.append(contentsOf: view[pos..<pos + n])
                pos += n
            case .name:
                // The whole message first, for the precise fault of a bad pointer; a name cut short by the end
                // of the message runs past RDLENGTH too.
                do {
                    _ = try DomainName.validate(message, at: pos)
                } catch .truncatedName {
                    throw .badRData
                }
                guard let decoded = try? DNSName.decode(view, at: pos) else { throw .badRData }
                out.append(contentsOf: decoded.name.wireBytes)
                pos = decoded.end
            case .characterStrings(let k):
                for _ in 0..<k {
                    guard pos < end, end - pos - 1 >= Int(view[pos]) else { throw .badRData }
                    let n = 1 + Int(view[pos])
                    out.append(contentsOf: view[pos..<pos + n])
                    pos += n
                }
            case .rest:
                out.append(contentsOf: view[pos..<end])
                pos = end
            }
        }
        guard pos == end, out.count <= Int(UInt16.max) else { throw .badRData }
        return out
    }

    /// Splits owned RDATA (names uncompressed) into octet runs and names, or `nil` if it does not match the
    /// layout (hand-built RDATA), in which case the encoder writes it opaque.
    func parts(of rdata: [UInt8]) -> [Part]? {
        var parts: [Part] = []
        var pos = 0
        for field in fields {
            switch field {
            case .fixed(let n):
                guard rdata.count - pos >= n else { return nil }
                parts.append(.bytes(pos..<pos + n))
                pos += n
            case .name:
                guard let n = try? DNSName.checkUncompressed(rdata, from: pos) else { return nil }
                parts.append(.name(DNSName(trustedWire: Array(rdata[pos..<pos + n]))))
                pos += n
            case .characterStrings(let k):
                let start = pos
                for _ in 0..<k {
                    guard pos < rdata.count, rdata.count - pos - 1 >= Int(rdata[pos]) else { return nil }
                    pos += 1 + Int(rdata[pos])
                }
                parts.append(.bytes(start..<pos))
            case .rest:
                parts.append(.bytes(pos..<rdata.count))
                pos = rdata.count
            }
        }
        return pos == rdata.count ? parts : nil
    }
}
