import XCTest

#if canImport(SondeTransforms)
import SondeTransforms
#else
import GeoIP
#endif

/// The allocation-free extractor and the lookup cache, on hand-built records.
final class GeoIPRecordTests: XCTestCase {
    /// A City-shaped record with keys and values behind pointers, inline maps, skipped nested containers,
    /// a float latitude, and names in some languages only; plus ASN-shaped and odd records.
    static func cityDatabase(ipVersion: Int = 6, recordSize: Int = 24, wide: Bool = true) -> (MaxMindTestWriter, [String: Int]) {
        var w = MaxMindTestWriter(ipVersion: ipVersion, recordSize: recordSize)
        var at: [String: Int] = [:]
        at["Europe"] = w.data.count; w.data.string("Europe")
        at["names"] = w.data.count; w.data.string("names")
        at["en"] = w.data.count; w.data.string("en")
        at["continent"] = w.data.count; w.data.string("continent")
        at["country"] = w.data.count
        w.data.map(3)
        w.data.string("iso_code"); w.data.string("CH")
        w.data.string("geoname_id"); w.data.unsigned(6, 2_658_434)
        w.data.string("names"); w.data.map(2); w.data.string("en"); w.data.string("Switzerland"); w.data.string("de"); w.data.string("Schweiz")

        at["city"] = w.data.count
        w.data.map(7)
        w.data.string("traits")
        w.data.map(2)
        w.data.string("is_anycast"); w.data.boolean(true)
        w.data.string("list"); w.data.array(3); w.data.map(1); w.data.string("a"); w.data.array(2); w.data.unsigned(5, 1); w.data.unsigned(5, 2)
        w.data.string("x"); w.data.double(2)
        w.data.pointer(at["continent"]!)
        w.data.map(2)
        w.data.string("code"); w.data.string("EU")
        w.data.pointer(at["names"]!)
        w.data.map(3); w.data.string("de"); w.data.string("Europa"); w.data.pointer(at["en"]!); w.data.pointer(at["Europe"]!)
        w.data.string("pt-BR"); w.data.string("Europa")
        w.data.string("country"); w.data.pointer(at["country"]!)
        w.data.string("city"); w.data.map(1); w.data.string("names")
        w.data.map(2); w.data.string("en"); w.data.string("Zürich"); w.data.string("ja"); w.data.string("チューリッヒ")
        w.data.string("location")
        w.data.map(4)
        w.data.string("accuracy_radius"); w.data.unsigned(5, 20)
        w.data.string("latitude"); w.data.float(47.25)
        w.data.string("longitude"); w.data.double(8.5)
        w.data.string("time_zone"); w.data.string("Europe/Zurich")
        w.data.string("autonomous_system_number"); w.data.unsigned(6, 3303)
        w.data.string("autonomous_system_organization"); w.data.string("Swisscom (Schweiz) AG")

        for (name, write) in [("asn16", { (d: inout MaxMindTestData) in d.unsigned(5, 64512) }),
                              ("asn64", { (d: inout MaxMindTestData) in d.unsigned(9, 4_200_000_000) }),
                              ("asn64big", { (d: inout MaxMindTestData) in d.unsigned(9, 1 << 33) }),
                              ("asnText", { (d: inout MaxMindTestData) in d.string("AS1") }),
                              ("asnSigned", { (d: inout MaxMindTestData) in d.int32(7) })] {
            at[name] = w.data.count
            w.data.map(1)
            w.data.string("autonomous_system_number")
            write(&w.data)
        }
        at["string"] = w.data.count; w.data.string("not a map")
        at["wide"] = w.data.count
        w.data.map(1); w.data.string("subdivisions"); w.data.array(wide ? 5000 : 1)
        for _ in 0..<(wide ? 5000 : 1) { w.data.boolean(false) }

        w.insert(ipv4: 0x0102_0300, prefix: 24, offset: at["city"]!)
        w.insert(ipv4: 0x0808_0800, prefix: 22, offset: at["asn64"]!)
        w.insert(ipv4: 0xC000_0200, prefix: 24, offset: at["string"]!)
        if ipVersion == 6 {
            w.insert(ipv6: 0x2001_0DB8_0000_0000, 0, prefix: 32, offset: at["asn16"]!)
            w.insert(ipv6: 0x2001_0DB9_0000_0000, 0, prefix: 32, offset: at["wide"]!)
            w.insert(ipv6: 0x2A00_1450_4001_0000, 0, prefix: 48, offset: at["city"]!)
        }
        return (w, at)
    }

    func testExtractsTheWantedFields() throws {
        let (w, at) = Self.cityDatabase()
        let en = try openMaxMindTestDatabase(w)
        let r = try en.geoIPRecord(atRecordOffset: at["city"]!)
        XCTAssertEqual(en.string(of: r.continentCode), "EU")
        XCTAssertEqual(en.string(of: r.continentName), "Europe")
        XCTAssertEqual(en.string(of: r.countryISOCode), "CH")
        XCTAssertEqual(en.string(of: r.countryName), "Switzerland")
        XCTAssertEqual(en.string(of: r.cityName), "Zürich")
        XCTAssertEqual(r.latitude, 47.25)
        XCTAssertEqual(r.longitude, 8.5)
        XCTAssertEqual(r.autonomousSystemNumber, 3303)
        XCTAssertEqual(en.string(of: r.autonomousSystemOrganization), "Swisscom (Schweiz) AG")
        XCTAssertEqual(Array(en.bytes(of: r.cityName)), Array("Zürich".utf8))

        let ja = try openMaxMindTestDatabase(w, language: "ja")
        let j = try ja.geoIPRecord(atRecordOffset: at["city"]!)
        XCTAssertEqual(ja.string(of: j.cityName), "チューリッヒ")
        XCTAssertFalse(j.continentName.isPresent)
        XCTAssertNil(ja.string(of: j.countryName))
        XCTAssertEqual(ja.string(of: j.countryISOCode), "CH")
        let pt = try openMaxMindTestDatabase(w, language: "pt-BR")
        XCTAssertEqual(pt.string(of: try pt.geoIPRecord(atRecordOffset: at["city"]!).continentName), "Europa")

        XCTAssertEqual(try en.geoIP(ipv4: 0x0102_03FE), GeoIPLookup(prefixLength: 24, record: r))
        XCTAssertEqual(try en.geoIP(ipv6: (0, 0x0102_03FE)), GeoIPLookup(prefixLength: 120, record: r))
        XCTAssertEqual(try en.geoIP(ipv4: 0x0202_0202), GeoIPLookup(prefixLength: 7, record: nil))

        XCTAssertEqual(try en.geoIPRecord(atRecordOffset: at["asn16"]!).autonomousSystemNumber, 64512)
        XCTAssertEqual(try en.geoIPRecord(atRecordOffset: at["asn64"]!).autonomousSystemNumber, 4_200_000_000)
        XCTAssertNil(try en.geoIPRecord(atRecordOffset: at["asn64big"]!).autonomousSystemNumber)
        XCTAssertNil(try en.geoIPRecord(atRecordOffset: at["asnText"]!).autonomousSystemNumber)
        XCTAssertNil(try en.geoIPRecord(atRecordOffset: at["asnSigned"]!).autonomousSystemNumber)
        XCTAssertEqual(try en.geoIPRecord(atRecordOffset: at["string"]!), GeoIPRecord())
        // 5,000 values to step over: more headers than one record may cost.
        assertMaxMindError(.tooManyFields) { try en.geoIPRecord(atRecordOffset: at["wide"]!) }
        assertMaxMindError(.tooManyFields) { try en.geoIP(ipv6: (0x2001_0DB9_0000_0000, 1)) }
    }

    func testStringReferences() throws {
        let db = try openMaxMindTestDatabase(Self.cityDatabase().0)
        XCTAssertEqual(db.bytes(of: .absent).count, 0)
        XCTAssertNil(db.string(of: .absent))
        XCTAssertEqual(db.bytes(of: .init(offset: UInt32(db.bytes.count), length: 1)).count, 0)
        XCTAssertEqual(db.bytes(of: .init(offset: .max, length: .max)).count, 0)
        XCTAssertEqual(db.string(of: .init(offset: 1, length: 0)), "")
    }

    func testCache() throws {
        let (w, _) = Self.cityDatabase()
        let db = try openMaxMindTestDatabase(w)
        // One set of four slots at least.
        var cache = GeoIPLookupCache(database: db, slotCount: 1)
        XCTAssertEqual(cache.slotCount, 4)
        XCTAssertEqual(GeoIPLookupCache(database: db, slotCount: 0).slotCount, 4)
        XCTAssertEqual(GeoIPLookupCache(database: db, slotCount: 3).slotCount, 4)
        XCTAssertEqual(GeoIPLookupCache(database: db, slotCount: 5000).slotCount, 8192)
        XCTAssertEqual(GeoIPLookupCache(database: db, slotCount: .max).slotCount, 1 << 20)

        let v4 = try cache.lookup(ipv4: 0x0102_0304)
        XCTAssertEqual(v4.prefixLength, 24)
        XCTAssertEqual(try cache.lookup(ipv4: 0x0102_0304), v4)
        XCTAssertEqual([cache.hits, cache.misses], [1, 1])
        // ::1.2.3.4 is another key than 1.2.3.4, with the same record and another prefix length; both fit the set.
        let compatible = try cache.lookup(ipv6: (0, 0x0102_0304))
        XCTAssertEqual(compatible, GeoIPLookup(prefixLength: 120, record: v4.record))
        XCTAssertEqual(try cache.lookup(ipv4: 0x0102_0304), v4)
        XCTAssertEqual(try cache.lookup(ipv6: (0, 0x0102_0304)), compatible)
        XCTAssertEqual([cache.hits, cache.misses], [3, 2])
        // Four addresses share the one set; a fifth evicts one of them.
        for a: UInt32 in [0x0102_0305, 0x0102_0306] { _ = try cache.lookup(ipv4: a) }
        for a: UInt32 in [0x0102_0304, 0x0102_0305, 0x0102_0306] { XCTAssertEqual(try cache.lookup(ipv4: a), try db.geoIP(ipv4: a)) }
        XCTAssertEqual([cache.hits, cache.misses], [6, 4])
        _ = try cache.lookup(ipv4: 0x0102_0307)
        XCTAssertEqual(cache.misses, 5)
        cache.removeAll()
        XCTAssertEqual(try cache.lookup(ipv4: 0x0102_0304), v4)
        XCTAssertEqual([cache.hits, cache.misses], [6, 6])
        // A failed lookup is not cached.
        assertMaxMindError(.tooManyFields) { try cache.lookup(ipv6: (0x2001_0DB9_0000_0000, 1)) }
        assertMaxMindError(.tooManyFields) { try cache.lookup(ipv6: (0x2001_0DB9_0000_0000, 1)) }
        XCTAssertEqual(cache.misses, 8)

        var big = GeoIPLookupCache(database: db)
        var random = MaxMindTestRandom(seed: 3)
        let addresses = (0..<2000).map { _ in
            random.next() & 1 == 0 ? 0x0102_0300 | UInt32(random.next() & 0xFF) : UInt32(truncatingIfNeeded: random.next())
        }
        for address in addresses + addresses {
            XCTAssertEqual(try big.lookup(ipv4: address), try db.geoIP(ipv4: address))
        }
        XCTAssertGreaterThan(big.hits, 1500)
    }
}
