public import SondeCore
import SondePacket
import SondeDNS
import SondeDnstap

/// `kind: geoip`: adds `geo: {continent, country, country_iso, city, latitude, longitude, asn, as_org}` for the
/// client's address (and `server_geo` for the server's when asked) from MaxMind DB files (GeoLite2 or GeoIP2 City,
/// Country and ASN).
///
/// Its settings, with their defaults, are in ``reference`` (and `sonde config reference`).
/// Databases are reloaded when their file changes and on SIGHUP. Each producer keeps a cache of recent addresses,
/// so a busy client costs one lookup, not one per query.
public final class GeoIPTransform: TransformComponent {
    public static let kind = "geoip"
    public static let reference = ComponentReference("""
        - kind: geoip            # geo: {continent, country, country_iso, city, latitude, longitude, asn, as_org}
          database: <none>       # a MaxMind City or Country database (.mmdb), reloaded when it changes
          asn_database: <none>   # a MaxMind ASN database
          addresses: client      # client | server (server_geo) | both
          language: en           # names in this language
          country_iso: false     # country as its ISO code (dnstap-receiver's country-iso)
        """)


    enum Which: String, CaseIterable { case client, server, both }

    let city: ReloadingResource<MaxMindDatabase>?
    let asn: ReloadingResource<MaxMindDatabase>?
    let which: Which
    let countryISO: Bool

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        which = s.choice("addresses") ?? .client
        countryISO = s.bool("country_iso") ?? false
        let language = s.string("language") ?? "en"
        func database(_ key: String) -> ReloadingResource<MaxMindDatabase>? {
            guard let path = s.string(key) else { return nil }
            do {
                return try ReloadingResource(name: "GeoIP database \(path)", sources: [path], refresh: 86_400, context: context) { contents in
                    let opened = contents[0].withUnsafeBytes { bytes in
                        Result { () throws(MaxMindDBError) in try MaxMindDatabase(bytes: bytes, language: language) }
                    }
                    do { return try opened.get() } catch { throw SondeError("\(path): \(error)") }
                }
            } catch {
                s.report(key, "\(error)")
                return nil
            }
        }
        city = database("database")
        asn = database("asn_database")
        if city == nil && asn == nil {
            if !s.has("database") && !s.has("asn_database") { s.report(nil, "geoip needs `database` (City or Country) or `asn_database`") }
            return nil
        }
    }

    public func makeStage() -> any EventStage { Stage(transform: self) }

    final class Stage: EventStage {
        let transform: GeoIPTransform
        /// This batch's answers, referenced by the events' enrichment until the next batch.
        var records: UnsafeMutableBufferPointer<GeoRecord> = .allocate(capacity: 0)
        var used = 0
        var cityCache: GeoIPLookupCache?
        var asnCache: GeoIPLookupCache?

        init(transform: GeoIPTransform) { self.transform = transform }

        deinit { records.deallocate() }

        func apply(_ rows: inout EventRows) {
            let city = transform.city?.current
            let asn = transform.asn?.current
            // A database reloaded since the last batch: start a cache over it.
            if let city, cityCache?.database !== city { cityCache = GeoIPLookupCache(database: city, slotCount: 1 << 14) }
            if let asn, asnCache?.database !== asn { asnCache = GeoIPLookupCache(database: asn, slotCount: 1 << 14) }
            let needed = rows.count * (transform.which == .both ? 2 : 1)
            if records.count < needed {
                records.deallocate()
                records = .allocate(capacity: max(needed, 512))
            }
            used = 0
            for i in 0..<rows.count {
                let e = rows.event(i)
                let response = e.pointee.markers.contains(.noMessage) ? !e.pointee.dnstap.isQuery : e.pointee.layout.isResponse
                let client = response ? e.pointee.destination : e.pointee.source
                let server = response ? e.pointee.source : e.pointee.destination
                var clientRecord: UnsafePointer<GeoRecord>?
                var serverRecord: UnsafePointer<GeoRecord>?
                if transform.which != .server { clientRecord = lookup(client, city, asn) }
                if transform.which != .client { serverRecord = lookup(server, city, asn) }
                guard clientRecord != nil || serverRecord != nil else { continue }
                let en = rows.mutableEnrichment(i)
                en.pointee.clientGeo = clientRecord
                en.pointee.serverGeo = serverRecord
            }
        }

        func lookup(_ a: IPAddress, _ city: MaxMindDatabase?, _ asn: MaxMindDatabase?) -> UnsafePointer<GeoRecord>? {
            var g = GeoRecord()
            if let city, cityCache != nil, let r = Self.find(a, &cityCache!)?.record {
                g.continent = Self.slice(city, r.continentCode)
                g.country = transform.countryISO ? Self.slice(city, r.countryISOCode) : Self.slice(city, r.countryName)
                g.countryISO = Self.slice(city, r.countryISOCode)
                g.city = Self.slice(city, r.cityName)
                g.latitude = r.latitude ?? .nan
                g.longitude = r.longitude ?? .nan
            }
            if let asn, asnCache != nil, let r = Self.find(a, &asnCache!)?.record {
                g.asn = r.autonomousSystemNumber ?? 0
                g.asOrganization = Self.slice(asn, r.autonomousSystemOrganization)
            }
            guard !g.isEmpty else { return nil }
            records[used] = g
            used += 1
            return UnsafePointer(records.baseAddress! + used - 1)
        }

        static func find(_ a: IPAddress, _ cache: inout GeoIPLookupCache) -> GeoIPLookup? {
            if a.family == .v4 { return try? cache.lookup(ipv4: UInt32(truncatingIfNeeded: a.low)) }
            return try? cache.lookup(ipv6: (a.high, a.low))
        }

        static func slice(_ db: MaxMindDatabase, _ ref: MaxMindDatabase.StringRef) -> ByteSlice {
            guard ref.isPresent else { return .none }
            let b = db.bytes(of: ref)
            return ByteSlice(start: b.baseAddress?.assumingMemoryBound(to: UInt8.self), count: Int32(b.count))
        }
    }
}
