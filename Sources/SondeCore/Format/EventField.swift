/// One field of an event, by the name it has in JSON (dotted for nested members: `flags.aa`, `geo.country`,
/// `tags.site`): what `fields:` selects, what a template's `{name}` writes and what a CSV column holds.
public struct EventField: Sendable, Equatable {
    /// The name as written in the configuration.
    public let name: String
    let id: FieldID
    /// For `tags.<key>`: the key.
    let tagKey: [UInt8]

    /// `time`, `src_ip`, `flags.aa`, `geo.country`, `tags.site`, ...; unknown names are an error that lists the known
    /// ones.
    public init(parsing text: String) throws(SondeError) {
        name = text
        if text.hasPrefix("tags.") && text.count > 5 {
            id = .tag
            tagKey = Array(text.utf8.dropFirst(5))
            return
        }
        guard let id = FieldID(rawValue: text), id != .tag else {
            throw SondeError("unknown field \"\(text)\" (known: \(FieldID.allCases.filter { $0 != .tag }.map(\.rawValue).joined(separator: ", ")), tags.<name>)")
        }
        self.id = id
        tagKey = []
    }

    /// Every field a template or a selection can name (`tags.<name>` aside).
    public static var names: [String] { FieldID.allCases.filter { $0 != .tag }.map(\.rawValue) }
}

/// The fields, by their JSON names.
enum FieldID: String, CaseIterable, Sendable {
    case time, identity, input, family
    case `protocol`
    case src_ip, src_port, dst_ip, dst_port
    /// The client's and the server's side (a query's source, a response's destination).
    case client_ip, client_port, server_ip, server_port
    case id, response, opcode, rcode
    case flags, aa = "flags.aa", tc = "flags.tc", rd = "flags.rd", ra = "flags.ra", ad = "flags.ad", cd = "flags.cd"
    case qname, qtype, qclass
    /// Octets and labels of the question's name.
    case qname_length, qname_labels
    case size, qd_count, an_count, ns_count, ar_count
    case answers, authority, additional
    case edns, edns_udp_size = "edns.udp_size", edns_version = "edns.version", edns_do = "edns.do"
    case edns_options = "edns.options"
    case latency, transaction, query_time, query_size, response_time
    case capture_truncated, tcp_reassembled, ip_defragmented
    /// The capture interface and the VLAN.
    case interface, vlan
    case dnstap_type, version, query_zone, http_protocol, extra, policy
    case malformed, error
    case qname_original, tld, etld_plus_one
    case geo, geo_continent = "geo.continent", geo_country = "geo.country", geo_country_iso = "geo.country_iso"
    case geo_city = "geo.city", geo_latitude = "geo.latitude", geo_longitude = "geo.longitude", geo_asn = "geo.asn"
    case geo_as_org = "geo.as_org"
    case server_geo
    case suspicious, suspicious_score = "suspicious.score", suspicious_reasons = "suspicious.reasons"
    case tags
    case tag = "tags.*"
}
