import Foundation
import SondeCore
import SondeDNS
import SondePacket
import SondeTransforms
import XCTest

/// `kind: geoip` on the sample with its addresses rewritten to networks the databases know, compared member by
/// member with what MaxMind's Python reader finds for the same addresses.
final class GeoIPTransformTests: XCTestCase {
    /// Addresses with data of every kind in the small databases (see scripts/reference/maxminddb_reference.py),
    /// and some without any.
    static let clients4 = [
        "81.2.69.142", "89.160.20.115", "2.125.160.216", "175.16.199.7", "1.0.0.1", "2.1.2.3", "202.196.230.1",
        "100.64.1.1", "192.0.2.1", "203.0.113.5", "203.0.113.200", "8.8.8.8", "31.13.70.1",
    ]
    static let servers4 = ["216.160.83.58", "1.0.1.9", "31.13.70.1", "10.1.2.3"]
    static let clients6 = ["2001:db8:1::5", "2a02:ec0::9", "2c0f:ff40::1", "fd00::1", "2001:4860::8888", "2c0f:ff40:8000::1"]
    static let servers6 = ["2001:db8::53", "2a03:2880::1"]

    /// The sample with each pair's client and server taken from the lists above.
    static func batch(clients4: [String] = clients4, servers4: [String] = servers4, clients6: [String] = clients6, servers6: [String] = servers6) throws -> EventBatch {
        var batch = try TransformFixtures.sampleBatch()
        for (k, (q, r)) in VariedSample.pairs(batch).enumerated() {
            let v4 = batch[q].source.family == .v4
            let client = IPAddress(v4 ? clients4[k % clients4.count] : clients6[k % clients6.count])
            let server = IPAddress(v4 ? servers4[k % servers4.count] : servers6[k % servers6.count])
            batch[q].source = client
            batch[q].destination = server
            batch[r].source = server
            batch[r].destination = client
        }
        return batch
    }

    /// What the Python reader found for one address: the fields Sonde writes.
    struct Expected {
        var continentCode: String?, countryISO: String?, latitude: Double?, longitude: Double?, asn: Int?, asOrganization: String?
        /// Continent, country and city names per language (en, pt-BR), as the script writes them.
        var names: [String: [String?]] = [:]
    }

    static func text(_ hex: Substring) -> String? {
        guard hex != "-" else { return nil }
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            bytes.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func double(_ hex: Substring) -> Double? { hex == "-" ? nil : Double(bitPattern: UInt64(hex, radix: 16)!) }

    /// Looks `addresses` up with `maxminddb` in `database` (a path, or "geolite2").
    static func reference(_ database: String, _ addresses: [String]) throws -> [String: Expected] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-geoip-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: out) }
        try MaxMindReference.runScript(["lookup", database, out.path] + addresses)
        let lines = try MaxMindReferenceLine.lines(of: out).lines
        XCTAssertEqual(lines.count, addresses.count)
        var table: [String: Expected] = [:]
        for (address, l) in zip(addresses, lines) {
            var e = Expected()
            if l.found == "1" {
                let f = l.fields
                e.continentCode = text(f[0])
                e.countryISO = text(f[1])
                e.latitude = double(f[2])
                e.longitude = double(f[3])
                e.asn = f[4] == "-" ? nil : Int(f[4])
                e.asOrganization = text(f[5])
                e.names["en"] = [text(f[6]), text(f[7]), text(f[8])]
                e.names["pt-BR"] = [text(f[9]), text(f[10]), text(f[11])]
            }
            table[IPAddress(address).text] = e
        }
        return table
    }

    /// The `geo` member Sonde should write for an address, from the reader's answers (nil: no member).
    static func member(_ city: Expected?, _ asn: Expected?, language: String, countryISO: Bool) -> [String: Any]? {
        var m: [String: Any] = [:]
        if let c = city {
            let names = c.names[language] ?? [nil, nil, nil]
            m["continent"] = c.continentCode
            m["country"] = countryISO ? c.countryISO : names[1]
            m["country_iso"] = c.countryISO
            m["city"] = names[2]
            if let lat = c.latitude {
                m["latitude"] = lat
                m["longitude"] = c.longitude ?? .nan
            }
        }
        if let a = asn {
            if let n = a.asn, n != 0 { m["asn"] = n }
            m["as_org"] = a.asOrganization
        }
        return m.isEmpty ? nil : m
    }

    func compare(_ got: Any?, _ want: [String: Any]?, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let want else {
            XCTAssertNil(got, "\(what): no member expected", file: file, line: line)
            return
        }
        guard let got = got as? [String: Any] else {
            XCTFail("\(what): expected \(want), got \(String(describing: got))", file: file, line: line)
            return
        }
        XCTAssertEqual(Set(got.keys), Set(want.keys), what, file: file, line: line)
        for (key, value) in want {
            switch value {
            case let d as Double: XCTAssertEqual((got[key] as? NSNumber)?.doubleValue ?? .nan, d, accuracy: 0.000051, "\(what).\(key)", file: file, line: line)
            case let n as Int: XCTAssertEqual(got[key] as? Int, n, "\(what).\(key)", file: file, line: line)
            default: XCTAssertEqual(got[key] as? String, value as? String, "\(what).\(key)", file: file, line: line)
            }
        }
    }

    /// Runs the sample through `geoip` with `settings` and checks every event's `geo` and `server_geo`.
    func check(
        _ settings: [(String, Setting)], city: [String: Expected]?, asn: [String: Expected]?, which: String, language: String,
        countryISO: Bool, batch: consuming EventBatch, file: StaticString = #filePath, line: UInt = #line
    ) throws -> (geo: Int, serverGeo: Int) {
        let events = contents(batch).map(\.event)
        let t = try makeTransform(GeoIPTransform.self, settings, file: file, line: line)
        let objects = try runPipeline(outputs: [[t]], batch: batch)[0].objects()
        XCTAssertEqual(objects.count, events.count, file: file, line: line)
        var counts = (geo: 0, serverGeo: 0)
        for (e, o) in zip(events, objects) {
            let response = e.layout.isResponse
            let client = (response ? e.destination : e.source).text, server = (response ? e.source : e.destination).text
            XCTAssertEqual(o[response ? "dst_ip" : "src_ip"] as? String, client, file: file, line: line)
            let wantClient = which == "server" ? nil : Self.member(city?[client], asn?[client], language: language, countryISO: countryISO)
            let wantServer = which == "client" ? nil : Self.member(city?[server], asn?[server], language: language, countryISO: countryISO)
            compare(o["geo"], wantClient, "geo of \(client)", file: file, line: line)
            compare(o["server_geo"], wantServer, "server_geo of \(server)", file: file, line: line)
            if o["geo"] != nil { counts.geo += 1 }
            if o["server_geo"] != nil { counts.serverGeo += 1 }
        }
        return counts
    }

    static var allAddresses: [String] { clients4 + servers4 + clients6 + servers6 }

    func testSmallDatabasesClientServerBothLanguagesAndISOCodes() throws {
        let folder = try MaxMindReference.smallDatabases()
        let cityPath = folder.appendingPathComponent("ipv6-24.mmdb").path, asnPath = folder.appendingPathComponent("asn.mmdb").path
        let city = try Self.reference(cityPath, Self.allAddresses), asn = try Self.reference(asnPath, Self.allAddresses)
        for which in ["client", "server", "both"] {
            for (language, iso) in [("en", false), ("pt-BR", false), ("en", true)] {
                let counts = try check(
                    [("database", .scalar(cityPath)), ("asn_database", .scalar(asnPath)), ("addresses", .scalar(which)),
                     ("language", .scalar(language)), ("country_iso", iso ? "true" : "false")],
                    city: city, asn: asn, which: which, language: language, countryISO: iso, batch: try Self.batch())
                // Enough events have a member, and enough have none, for the comparison to mean something.
                if which != "server" { XCTAssertGreaterThan(counts.geo, 20) } else { XCTAssertEqual(counts.geo, 0) }
                if which != "client" { XCTAssertGreaterThan(counts.serverGeo, 20) } else { XCTAssertEqual(counts.serverGeo, 0) }
            }
        }
    }

    func testOnlyACityDatabaseOrOnlyAnASNDatabase() throws {
        let folder = try MaxMindReference.smallDatabases()
        let cityPath = folder.appendingPathComponent("ipv4-28.mmdb").path, asnPath = folder.appendingPathComponent("asn.mmdb").path
        let city = try Self.reference(cityPath, Self.allAddresses), asn = try Self.reference(asnPath, Self.allAddresses)
        // An IPv4-only database: the IPv6 events get nothing from it.
        let c = try check([("database", .scalar(cityPath))], city: city, asn: nil, which: "client", language: "en", countryISO: false, batch: try Self.batch())
        XCTAssertGreaterThan(c.geo, 10)
        let a = try check([("asn_database", .scalar(asnPath)), ("addresses", "both")], city: nil, asn: asn, which: "both", language: "en", countryISO: false, batch: try Self.batch())
        XCTAssertGreaterThan(a.geo + a.serverGeo, 10)
    }

    func testTheRealGeoLite2Database() throws {
        try MaxMindReference.requirePython()
        let (status, path) = MaxMindReference.run(["python3", "-c", "from geolite2 import geolite2; print(geolite2.filename, end='')"])
        guard status == 0, FileManager.default.fileExists(atPath: path) else {
            throw TransformFixtures.missing("GeoLite2-City.mmdb", install: "pip install maxminddb-geolite2")
        }
        let clients4 = ["81.2.69.142", "8.8.8.8", "1.1.1.1", "89.160.20.112", "216.160.83.56", "175.16.199.0", "193.0.14.129", "10.0.0.1"]
        let servers4 = ["192.0.2.1", "199.7.83.42", "202.12.27.33"]
        let clients6 = ["2001:4860:4860::8888", "2a02:ec0::1", "2001:db8::1", "2c0f:f248::1"]
        let servers6 = ["2001:500:2f::f", "::1"]
        let city = try Self.reference("geolite2", clients4 + servers4 + clients6 + servers6)
        for (language, iso) in [("en", false), ("pt-BR", true)] {
            let counts = try check(
                [("database", .scalar(path)), ("addresses", "both"), ("language", .scalar(language)), ("country_iso", iso ? "yes" : "no")],
                city: city, asn: nil, which: "both", language: language, countryISO: iso,
                batch: try Self.batch(clients4: clients4, servers4: servers4, clients6: clients6, servers6: servers6))
            XCTAssertGreaterThan(counts.geo, 20)
            XCTAssertGreaterThan(counts.serverGeo, 10)
        }
    }

    func testSettingsProblemsAreReported() throws {
        var (t, issues) = tryTransform(GeoIPTransform.self, [])
        XCTAssertNil(t)
        XCTAssertTrue(issues.joined().contains("geoip needs `database` (City or Country) or `asn_database`"), "\(issues)")
        (t, issues) = tryTransform(GeoIPTransform.self, [("database", "/nonexistent/GeoLite2-City.mmdb")])
        XCTAssertNil(t)
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].database") && $0.contains("/nonexistent/GeoLite2-City.mmdb") }, "\(issues)")
        let folder = try TransformFixtures.temporaryFolder(self)
        let junk = folder.appendingPathComponent("junk.mmdb")
        try Data("not a database at all".utf8).write(to: junk)
        (t, issues) = tryTransform(GeoIPTransform.self, [("asn_database", .scalar(junk.path))])
        XCTAssertNil(t)
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].asn_database") && $0.contains("junk.mmdb") }, "\(issues)")
        let db = try MaxMindReference.smallDatabases().appendingPathComponent("ipv4-24.mmdb").path
        (t, issues) = tryTransform(GeoIPTransform.self, [("database", .scalar(db)), ("addresses", "clients"), ("country_iso", "maybe")])
        XCTAssertTrue(issues.contains { $0.contains("unknown value \"clients\"") }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains("transforms[0].country_iso") }, "\(issues)")
    }

    /// GeoIP on one output only: the others have no `geo`.
    func testAnOutputsGeoIPLeavesTheOthersAlone() throws {
        let db = try MaxMindReference.smallDatabases().appendingPathComponent("ipv6-32.mmdb").path
        let t = try makeTransform(GeoIPTransform.self, [("database", .scalar(db))])
        let writers = try runPipeline(outputs: [[], [t]], batch: try Self.batch())
        XCTAssertFalse(writers[0].text.contains("\"geo\""))
        XCTAssertTrue(writers[1].text.contains("\"geo\":{\"continent\":\"EU\",\"country\":\"United Kingdom\",\"country_iso\":\"GB\",\"city\":\"London\",\"latitude\":51.5142,\"longitude\":-0.0931}"), writers[1].text)
    }
}
