/// The body of a libFuzzer target for MaxMind DB files (FuzzTesting's `FuzzMaxMindDB` calls it from
/// `LLVMFuzzerTestOneInput`; the test suite runs it over mutated databases).
///
/// It opens the bytes as a database and, when they open, looks up a spread of IPv4 and IPv6 addresses through
/// the tree, the extractor, the generic decoder and a small cache, and reads every string reference it gets
/// back. Any input may be refused with a ``MaxMindDBError``; none may crash, hang or read out of bounds (run it
/// under AddressSanitizer to see the last).
///
/// - Returns: how many lookups found a record, so that a caller can tell the input exercised the data section.
@discardableResult
public func fuzzMaxMindDB(_ data: UnsafeRawBufferPointer) -> Int {
    guard let database = try? MaxMindDatabase(bytes: data) else { return 0 }
    var cache = GeoIPLookupCache(database: database, slotCount: 8)
    var found = 0
    var checksum = 0

    func consume(_ lookup: GeoIPLookup) {
        guard let record = lookup.record else { return }
        found += 1
        for ref in [record.continentCode, record.continentName, record.countryISOCode, record.countryName,
                    record.cityName, record.autonomousSystemOrganization] {
            for byte in database.bytes(of: ref) { checksum &+= Int(byte) }
        }
    }

    func decode(_ result: MaxMindLookupResult?) {
        guard let offset = result?.recordOffset else { return }
        if let value = try? database.decodeValue(atRecordOffset: offset) { checksum &+= value.hashValue & 1 }
    }

    let ipv4: [UInt32] = [0, 1, 0x0102_0304, 0x0808_0808, 0x7F00_0001, 0x8000_0000, 0xC0A8_0001, 0xFFFF_FFFF]
    let ipv6: [(high: UInt64, low: UInt64)] = [
        (0, 0), (0, 1), (0, 0xFFFF_0808_0808), (0x2001_0DB8_0000_0000, 1), (0x2002_0808_0808_0000, 0),
        (0x2A00_1450_4001_0800, 0x200E), (0x8000_0000_0000_0000, 0), (.max, .max),
    ]
    for address in ipv4 {
        decode(try? database.lookup(ipv4: address))
        if let lookup = try? database.geoIP(ipv4: address) { consume(lookup) }
        if let lookup = try? cache.lookup(ipv4: address) { consume(lookup) }
    }
    for address in ipv6 {
        decode(try? database.lookup(ipv6: address))
        if let lookup = try? database.geoIP(ipv6: address) { consume(lookup) }
        if let lookup = try? cache.lookup(ipv6: address) { consume(lookup) }
    }
    // Offsets the tree does not give: the extractor and the decoder must refuse or read them, never trap.
    for offset in [-1, 0, 1, 7, database.bytes.count, Int.max] {
        _ = try? database.geoIPRecord(atRecordOffset: offset)
        _ = try? database.decodeValue(atRecordOffset: offset)
    }
    withExtendedLifetime(checksum) {}
    return found
}
