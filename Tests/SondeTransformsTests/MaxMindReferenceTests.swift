import Foundation
import XCTest

#if canImport(SondeTransforms)
import SondeTransforms
#else
import GeoIP
#endif

/// The reader against MaxMind's Python reader: the real GeoLite2-City database, and small databases written by
/// mmdb-writer (scripts/reference/maxminddb_reference.py makes both references).
final class MaxMindReferenceTests: XCTestCase {
    /// 100,000 seeded addresses (uniform IPv4 and IPv6, walks biased toward networks with data, IPv4-mapped,
    /// IPv4-compatible, 6to4, special ranges): the same found/not-found, the same prefix length, the same
    /// extracted fields in two languages, and for every 50th address the same whole record.
    func testGeoLite2CityAgreesWithPythonReader() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-geolite2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("geolite2.tsv")
        try MaxMindReference.runScript(["geolite2", output.path, "--count", "100000", "--seed", "20240601"])
        let (header, lines) = try MaxMindReferenceLine.lines(of: output)
        XCTAssertEqual(lines.count, 100_000)
        let path = String(header[1])
        let english = try MaxMindDatabase(path: path)
        let portuguese = try MaxMindDatabase(path: path, language: "pt-BR")
        XCTAssertEqual(english.metadata.databaseType, "GeoLite2-City")
        XCTAssertEqual(english.metadata.ipVersion, 6)
        let stats = try Self.check(english, portuguese, lines, name: "GeoLite2-City")
        // The sample must exercise both outcomes in both families, and the generic decoder.
        XCTAssertGreaterThan(stats.found4, 20_000)
        XCTAssertGreaterThan(stats.found6, 10_000)
        XCTAssertGreaterThan(stats.missing4, 1_000)
        XCTAssertGreaterThan(stats.missing6, 10_000)
        XCTAssertGreaterThan(stats.values, 500)
        XCTAssertGreaterThan(stats.cities, 10_000)
        try Self.checkCache(english, lines)
    }

    /// mmdb-writer's databases: IPv4 and IPv6 trees with 24-, 28- and 32-bit records, an ASN database, and one
    /// whose records sit past 2,048 and 526,336 bytes (2- and 3-byte pointers).
    func testSmallDatabasesAgreeWithPythonReader() throws {
        let folder = try MaxMindReference.smallDatabases()
        let names = ["ipv4-24", "ipv4-28", "ipv4-32", "ipv6-24", "ipv6-28", "ipv6-32", "asn", "pointers"]
        for name in names {
            let (header, lines) = try MaxMindReferenceLine.lines(of: folder.appendingPathComponent(name + ".tsv"))
            let path = folder.appendingPathComponent(name + ".mmdb").path
            let english = try MaxMindDatabase(path: path)
            let portuguese = try MaxMindDatabase(path: path, language: "pt-BR")
            let m = english.metadata
            let languages = m.languages.map { MaxMindCanonical.hex($0.utf8) }.joined(separator: ",")
            let description = MaxMindValue.map(m.descriptions.map { MaxMindValue.MapEntry(key: $0.key, value: .string($0.value)) })
            XCTAssertEqual(
                ["#metadata", String(m.nodeCount), String(m.recordSize), String(m.ipVersion), MaxMindCanonical.hex(m.databaseType.utf8),
                 languages.isEmpty ? "-" : languages, String(m.buildEpoch), String(m.binaryFormatMajorVersion),
                 String(m.binaryFormatMinorVersion), MaxMindCanonical.render(description)],
                header.map(String.init), name)
            let stats = try Self.check(english, portuguese, lines, name: name)
            XCTAssertGreaterThan(stats.found4, 5, name)
            XCTAssertGreaterThan(stats.values, 10, name)
            if m.ipVersion == 6 { XCTAssertGreaterThan(stats.found6, 5, name) }
            try Self.checkCache(english, lines)
        }
    }

    struct Stats {
        var found4 = 0, found6 = 0, missing4 = 0, missing6 = 0, values = 0, cities = 0
    }

    /// Compares every line; stops reporting after 20 differences.
    static func check(_ english: MaxMindDatabase, _ portuguese: MaxMindDatabase, _ lines: [MaxMindReferenceLine], name: String) throws -> Stats {
        var stats = Stats()
        var failures = 0
        func fail(_ message: String, _ line: MaxMindReferenceLine) {
            failures += 1
            if failures <= 20 { XCTFail("\(name): \(message)\n  reference: \(line.text.prefix(600))") }
        }
        for line in lines {
            let result = line.family == 4 ? try english.lookup(ipv4: line.ipv4) : try english.lookup(ipv6: line.ipv6)
            guard result.prefixLength == line.prefix || line.found == "e" else {
                fail("prefix length \(result.prefixLength)", line)
                continue
            }
            guard let offset = result.recordOffset else {
                if line.found == "1" { fail("not found", line) }
                if line.found == "e", result.prefixLength != 0 { fail("IPv6 in an IPv4 database: prefix \(result.prefixLength)", line) }
                if line.family == 4 { stats.missing4 += 1 } else { stats.missing6 += 1 }
                continue
            }
            guard line.found == "1" else {
                fail("found at data offset \(offset)", line)
                continue
            }
            if line.family == 4 { stats.found4 += 1 } else { stats.found6 += 1 }
            let r = try english.geoIPRecord(atRecordOffset: offset)
            let p = try portuguese.geoIPRecord(atRecordOffset: offset)
            var got = [english.referenceText(r.continentCode), english.referenceText(r.countryISOCode),
                       MaxMindCanonical.hex(r.latitude), MaxMindCanonical.hex(r.longitude),
                       r.autonomousSystemNumber.map { String($0) } ?? "-", english.referenceText(r.autonomousSystemOrganization)]
            got += [r.continentName, r.countryName, r.cityName].map(english.referenceText)
            got += [p.continentName, p.countryName, p.cityName].map(portuguese.referenceText)
            if got != line.fields.map(String.init) { fail("fields \(got)", line) }
            if r.cityName.isPresent { stats.cities += 1 }
            if line.value != "-" {
                stats.values += 1
                let rendered = MaxMindCanonical.render(try english.decodeValue(atRecordOffset: offset))
                if rendered != line.value { fail("value \(rendered.prefix(600))", line) }
            }
        }
        XCTAssertEqual(failures, 0, "\(name): \(failures) lines differ")
        return stats
    }

    /// A small cache (so that entries are evicted) answers as the database does uncached: each address twice in
    /// a row (the second time from the cache), then the first 5,000 again after others evicted some.
    static func checkCache(_ database: MaxMindDatabase, _ lines: [MaxMindReferenceLine]) throws {
        var cache = GeoIPLookupCache(database: database, slotCount: 64)
        var differences = 0
        var lookups = 0
        for (index, line) in (lines + lines.prefix(5000)).enumerated() {
            let direct = line.family == 4 ? try database.geoIP(ipv4: line.ipv4) : try database.geoIP(ipv6: line.ipv6)
            for _ in 0..<(index < lines.count ? 2 : 1) {
                let cached = line.family == 4 ? try cache.lookup(ipv4: line.ipv4) : try cache.lookup(ipv6: line.ipv6)
                if cached != direct { differences += 1 }
                lookups += 1
            }
        }
        XCTAssertEqual(differences, 0)
        XCTAssertEqual(cache.hits + cache.misses, lookups)
        XCTAssertGreaterThanOrEqual(cache.hits, lines.count)
    }
}
