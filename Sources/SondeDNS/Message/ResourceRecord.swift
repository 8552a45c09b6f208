/// A resource record of the answer, authority or additional section (RFC 1035 §4.1.3).
///
/// ```
///                                     1  1  1  1  1  1
///       0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                                               |
///     /                                               /
///     /                      NAME                     /
///     |                                               |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                      TYPE                     |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                     CLASS                     |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                      TTL                      |
///     |                                               |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
///     |                   RDLENGTH                    |
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--|
///     /                     RDATA                     /
///     /                                               /
///     +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
/// ```
///
/// ``rdata`` holds the RDATA with every embedded domain name uncompressed, for the types that carry names:
/// NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR, MINFO, MX, RP, AFSDB, RT, SIG, PX, NXT, SRV, NAPTR, KX, DNAME,
/// RRSIG and NSEC. The RDATA of every other type is kept opaque, exactly as received (RFC 3597).
public struct DNSResourceRecord: Sendable, Hashable {
    /// NAME: the owner.
    public var name: DNSName
    /// TYPE.
    public var type: UInt16
    /// CLASS (for OPT, the UDP payload size; see ``EDNS``).
    public var `class`: UInt16
    /// TTL in seconds (for OPT, the extended RCODE and flags).
    public var ttl: UInt32
    /// RDATA, embedded names uncompressed; its length is the RDLENGTH written by the encoder.
    public var rdata: [UInt8]

    /// Creates a record; the class defaults to IN.
    public init(name: DNSName, type: UInt16, class: UInt16 = 1, ttl: UInt32, rdata: [UInt8]) {
        self.name = name
        self.type = type
        self.class = `class`
        self.ttl = ttl
        self.rdata = rdata
    }

    /// Reads the record at `start` of `message`, decompressing the names in its RDATA.
    ///
    /// - Returns: the record and the offset just after it.
    /// - Throws: a ``DNSDecodingError`` for `section` whose offset is where the bad field starts.
    public static func decode(
        _ message: UnsafeRawBufferPointer, at start: Int, section: DNSDecodingError.Section
    ) throws(DNSDecodingError) -> (record: DNSResourceRecord, end: Int) {
        let name: DNSName
        let nameEnd: Int
        do {
            (name, nameEnd) = try DNSName.decode(message, at: start)
        } catch {
            throw DNSDecodingError(error, section: section, offset: start)
        }
        guard message.count - nameEnd >= 10 else {
            throw DNSDecodingError(.truncatedRecord, section: section, offset: nameEnd)
        }
        let type = message.uint16(at: nameEnd)
        let rdataStart = nameEnd + 10
        let rdataEnd = rdataStart + Int(message.uint16(at: nameEnd + 8))
        guard rdataEnd <= message.count else {
            throw DNSDecodingError(.truncatedRecord, section: section, offset: nameEnd + 8)
        }
        let rdata: [UInt8]
        if let layout = RDataLayout.forType(type) {
            do {
                rdata = try layout.decompress(message, rdata: rdataStart..<rdataEnd)
            } catch {
                throw DNSDecodingError(error, section: section, offset: rdataStart)
            }
        } else {
            rdata = Array(message[rdataStart..<rdataEnd])
        }
        let record = DNSResourceRecord(
            name: name, type: type, class: message.uint16(at: nameEnd + 2), ttl: message.uint32(at: nameEnd + 4),
            rdata: rdata
        )
        return (record, rdataEnd)
    }
}
