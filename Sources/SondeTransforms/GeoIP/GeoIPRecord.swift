/// The fields Sonde writes from a GeoIP2/GeoLite2 City, Country or ASN record, as references into the
/// database's bytes: extracting them allocates nothing.
///
/// Read strings with ``MaxMindDatabase/bytes(of:)`` (or ``MaxMindDatabase/string(of:)`` off the hot path);
/// they stay valid while the database they came from lives. A field the record lacks is
/// ``MaxMindDatabase/StringRef/absent`` or nil.
public struct GeoIPRecord: Sendable, Hashable {
    /// `continent.code` ("EU").
    public var continentCode: MaxMindDatabase.StringRef = .absent
    /// `continent.names[language]` ("Europe").
    public var continentName: MaxMindDatabase.StringRef = .absent
    /// `country.iso_code` ("FR").
    public var countryISOCode: MaxMindDatabase.StringRef = .absent
    /// `country.names[language]` ("France").
    public var countryName: MaxMindDatabase.StringRef = .absent
    /// `city.names[language]` ("Paris").
    public var cityName: MaxMindDatabase.StringRef = .absent
    /// `location.latitude`, degrees.
    public var latitude: Double?
    /// `location.longitude`, degrees.
    public var longitude: Double?
    /// `autonomous_system_number` (ASN databases).
    public var autonomousSystemNumber: UInt32?
    /// `autonomous_system_organization` (ASN databases).
    public var autonomousSystemOrganization: MaxMindDatabase.StringRef = .absent

    /// A record with no field.
    public init() {}
}

/// What an address resolved to: the network's prefix length and, when the database has data for it, the
/// extracted record.
public struct GeoIPLookup: Sendable, Hashable {
    /// Length of the network's prefix (see ``MaxMindLookupResult/prefixLength``).
    public var prefixLength: Int
    /// The record's fields, nil when the database has no data for the address.
    public var record: GeoIPRecord?

    /// A result.
    public init(prefixLength: Int, record: GeoIPRecord?) {
        self.prefixLength = prefixLength
        self.record = record
    }
}

extension MaxMindDatabase {
    /// Looks up an IPv4 address and extracts its record (no cache; see ``GeoIPLookupCache``).
    public func geoIP(ipv4 address: UInt32) throws(MaxMindDBError) -> GeoIPLookup {
        try geoIP(try lookup(ipv4: address))
    }

    /// Looks up an IPv6 address and extracts its record (no cache; see ``GeoIPLookupCache``).
    public func geoIP(ipv6 address: (high: UInt64, low: UInt64)) throws(MaxMindDBError) -> GeoIPLookup {
        try geoIP(try lookup(ipv6: address))
    }

    @inline(__always)
    private func geoIP(_ result: MaxMindLookupResult) throws(MaxMindDBError) -> GeoIPLookup {
        guard let offset = result.recordOffset else { return GeoIPLookup(prefixLength: result.prefixLength, record: nil) }
        return GeoIPLookup(prefixLength: result.prefixLength, record: try geoIPRecord(atRecordOffset: offset))
    }

    /// Pulls the GeoIP fields out of the record at `recordOffset` in the data section, without allocating.
    ///
    /// Only the wanted keys are descended into; other values are stepped over without following their
    /// pointers, and a map is left as soon as what it was entered for is found. A repeated key counts once, the
    /// first time (as in libmaxminddb; Python's reader keeps the last; MaxMind's writers never repeat one). A
    /// record that is not a map, or a wanted key with a value of another type, leaves the field absent;
    /// structural damage (a field past the end, a pointer loop, too many fields) throws.
    public func geoIPRecord(atRecordOffset recordOffset: Int) throws(MaxMindDBError) -> GeoIPRecord {
        var record = GeoIPRecord()
        var budget = MaxMindLimits.maxFieldsPerRecord
        let top = try data.resolvedField(at: try fileOffset(ofRecord: recordOffset))
        guard top.type == .map else { return record }
        var position = top.payload
        var seen: UInt8 = 0  // one bit per wanted key: a repeated key's first occurrence counts
        for _ in 0..<top.size {
            let (key, value) = try data.key(at: position)
            position = try data.skip(value, budget: &budget)
            let bit: UInt8
            switch key.size {
            case 4 where data.string(key, equals: "city"): bit = 1
            case 7 where data.string(key, equals: "country"): bit = 2
            case 8 where data.string(key, equals: "location"): bit = 4
            case 9 where data.string(key, equals: "continent"): bit = 8
            case 24 where data.string(key, equals: "autonomous_system_number"): bit = 16
            case 30 where data.string(key, equals: "autonomous_system_organization"): bit = 32
            default: continue
            }
            guard seen & bit == 0 else { continue }
            seen |= bit
            switch bit {
            case 1: try city(at: value, into: &record.cityName, budget: &budget)
            case 2: try place(at: value, code: "iso_code", into: &record.countryISOCode, &record.countryName, budget: &budget)
            case 4: try location(at: value, into: &record, budget: &budget)
            case 8: try place(at: value, code: "code", into: &record.continentCode, &record.continentName, budget: &budget)
            case 16:
                let number = try data.resolvedField(at: value)
                switch number.type {
                case .uint16, .uint32, .uint64, .uint128:
                    if number.size <= 4 { record.autonomousSystemNumber = UInt32(truncatingIfNeeded: data.unsigned(number)) }
                default:
                    break
                }
            default: try string(at: value, into: &record.autonomousSystemOrganization)
            }
        }
        return record
    }

    /// The map at `offset` (through a pointer), or nil when the value is not a map.
    @inline(__always)
    private func map(at offset: Int, budget: inout Int) throws(MaxMindDBError) -> MaxMindField? {
        budget -= 1
        guard budget >= 0 else { throw MaxMindDBError(.tooManyFields, at: offset) }
        let field = try data.resolvedField(at: offset)
        return field.type == .map ? field : nil
    }

    /// `continent` and `country`: a code string under `code`, and `names[language]`.
    private func place(
        at offset: Int, code: StaticString, into codeRef: inout StringRef, _ nameRef: inout StringRef, budget: inout Int
    ) throws(MaxMindDBError) {
        guard let map = try map(at: offset, budget: &budget) else { return }
        var position = map.payload
        var (codeSeen, namesSeen) = (false, false)
        for _ in 0..<map.size {
            let (key, value) = try data.key(at: position)
            if !codeSeen, data.string(key, equals: code) {
                codeSeen = true
                try string(at: value, into: &codeRef)
            } else if !namesSeen, data.string(key, equals: "names") {
                namesSeen = true
                try localized(at: value, into: &nameRef, budget: &budget)
            }
            if codeSeen, namesSeen { return }
            position = try data.skip(value, budget: &budget)
        }
    }

    /// `city`: `names[language]`.
    private func city(at offset: Int, into nameRef: inout StringRef, budget: inout Int) throws(MaxMindDBError) {
        guard let map = try map(at: offset, budget: &budget) else { return }
        var position = map.payload
        for _ in 0..<map.size {
            let (key, value) = try data.key(at: position)
            if data.string(key, equals: "names") { return try localized(at: value, into: &nameRef, budget: &budget) }
            position = try data.skip(value, budget: &budget)
        }
    }

    /// A `names` map: the string under the database's language.
    private func localized(at offset: Int, into nameRef: inout StringRef, budget: inout Int) throws(MaxMindDBError) {
        guard let map = try map(at: offset, budget: &budget) else { return }
        let language = UnsafeRawBufferPointer(languageBytes)
        var position = map.payload
        for _ in 0..<map.size {
            let (key, value) = try data.key(at: position)
            if data.string(key, equals: language) { return try string(at: value, into: &nameRef) }
            position = try data.skip(value, budget: &budget)
        }
    }

    /// `location`: `latitude` and `longitude`, doubles (floats accepted).
    private func location(at offset: Int, into record: inout GeoIPRecord, budget: inout Int) throws(MaxMindDBError) {
        guard let map = try map(at: offset, budget: &budget) else { return }
        var position = map.payload
        var (latitudeSeen, longitudeSeen) = (false, false)
        for _ in 0..<map.size {
            let (key, value) = try data.key(at: position)
            let isLatitude = !latitudeSeen && data.string(key, equals: "latitude")
            if isLatitude || (!longitudeSeen && data.string(key, equals: "longitude")) {
                if isLatitude { latitudeSeen = true } else { longitudeSeen = true }
                let number = try data.resolvedField(at: value)
                if number.type == .double || number.type == .float {
                    if isLatitude { record.latitude = data.floatingPoint(number) } else { record.longitude = data.floatingPoint(number) }
                }
                if latitudeSeen, longitudeSeen { return }
            }
            position = try data.skip(value, budget: &budget)
        }
    }

    /// A string value (through a pointer) as a reference; left as it was when the value is not a string.
    @inline(__always)
    private func string(at offset: Int, into ref: inout StringRef) throws(MaxMindDBError) {
        let field = try data.resolvedField(at: offset)
        guard field.type == .utf8String else { return }
        // The file is at most 4 GiB - 1 bytes (MaxMindLimits.maxFileSize), so both fit.
        ref = StringRef(offset: UInt32(truncatingIfNeeded: field.payload), length: UInt32(truncatingIfNeeded: field.size))
    }
}
