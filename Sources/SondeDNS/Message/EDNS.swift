/// The EDNS(0) pseudo-record: the OPT record of the additional section, with its fields unpacked (RFC 6891 §6.1).
///
/// ```
///     +------------+--------------+------------------------------+
///     | Field Name | Field Type   | Description                  |
///     +------------+--------------+------------------------------+
///     | NAME       | domain name  | MUST be 0 (root domain)      |
///     | TYPE       | u_int16_t    | OPT (41)                     |
///     | CLASS      | u_int16_t    | requestor's UDP payload size |
///     | TTL        | u_int32_t    | extended RCODE and flags     |
///     | RDLEN      | u_int16_t    | length of all RDATA          |
///     | RDATA      | octet stream | {attribute,value} pairs      |
///     +------------+--------------+------------------------------+
///
///   the TTL:      +0 (MSB)                            +1 (LSB)
///      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
///   0: |         EXTENDED-RCODE        |            VERSION            |
///      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
///   2: | DO|                           Z                               |
///      +---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+---+
/// ```
///
/// Every field is kept as seen (an unknown version, Z bits, repeated options), so the record encodes back to the
/// same bytes.
public struct EDNS: Sendable, Hashable {
    /// The TYPE of the OPT record.
    public static let optType: UInt16 = 41

    /// CLASS: the largest UDP payload the sender can reassemble.
    public var udpPayloadSize: UInt16
    /// The upper 8 bits of the 12-bit response code; the header holds the lower 4.
    public var extendedRcode: UInt8
    /// VERSION (0 today).
    public var version: UInt8
    /// DO: DNSSEC answer OK (RFC 3225).
    public var dnssecOK: Bool
    /// Z: the 15 flag bits after DO, kept as seen.
    public var z: UInt16
    /// The options, in wire order.
    public var options: [EDNSOption]

    /// Creates the EDNS fields; the defaults are those of a plain EDNS(0) query (1232 is the DNS Flag Day 2020
    /// payload size).
    public init(
        udpPayloadSize: UInt16 = 1232, extendedRcode: UInt8 = 0, version: UInt8 = 0, dnssecOK: Bool = false,
        z: UInt16 = 0, options: [EDNSOption] = []
    ) {
        self.udpPayloadSize = udpPayloadSize
        self.extendedRcode = extendedRcode
        self.version = version
        self.dnssecOK = dnssecOK
        self.z = z & 0x7FFF
        self.options = options
    }

    /// Unpacks an OPT record.
    ///
    /// - Throws: `badRData` when the owner is not the root, the type is not OPT, or the options do not fill
    ///   RDATA exactly.
    public init(_ record: DNSResourceRecord) throws(DNSDecodingError.Reason) {
        guard record.type == Self.optType, record.name.isRoot else { throw .badRData }
        var options: [EDNSOption] = []
        let rdata = record.rdata
        var pos = 0
        while pos < rdata.count {
            guard rdata.count - pos >= 4 else { throw .badRData }
            let code = UInt16(rdata[pos]) << 8 | UInt16(rdata[pos + 1])
            let length = Int(rdata[pos + 2]) << 8 | Int(rdata[pos + 3])
            pos += 4
            guard rdata.count - pos >= length else { throw .badRData }
            options.append(EDNSOption(code: code, data: Array(rdata[pos..<pos + length])))
            pos += length
        }
        let ttl = record.ttl
        self.init(
            udpPayloadSize: record.class, extendedRcode: UInt8(truncatingIfNeeded: ttl >> 24),
            version: UInt8(truncatingIfNeeded: ttl >> 16), dnssecOK: ttl & 0x8000 != 0,
            z: UInt16(truncatingIfNeeded: ttl) & 0x7FFF, options: options
        )
    }

    /// The OPT record carrying these fields. Option data longer than 65535 octets is cut to that length.
    public var record: DNSResourceRecord {
        var ttl = UInt32(extendedRcode) << 24 | UInt32(version) << 16 | UInt32(z & 0x7FFF)
        if dnssecOK { ttl |= 0x8000 }
        var rdata: [UInt8] = []
        for option in options {
            let length = min(option.data.count, Int(UInt16.max))
            rdata.appendUInt16(option.code)
            rdata.appendUInt16(UInt16(length))
            rdata.append(contentsOf: option.data[..<length])
        }
        return DNSResourceRecord(name: .root, type: Self.optType, class: udpPayloadSize, ttl: ttl, rdata: rdata)
    }
}
