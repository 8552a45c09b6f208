public import SondeDNS

/// Writes what transforms added to an event (``EventEnrichment``) as members of its document, through a
/// ``StructuredEmitter``: the hand-written JSON writer and the YAML writer share it.
///
/// `qname_original`, `tld`, `etld_plus_one`, `geo`, `server_geo`, `suspicious`, `tags`, in that order, each only
/// when set.
public enum EnrichmentSerializer {
    /// Writes the members of `enrichment` for the event whose question is at `questionOffset` of `message` (-1: none).
    public static func write<E: StructuredEmitter>(
        _ enrichment: EventEnrichment, message: UnsafeRawBufferPointer, questionOffset: Int,
        emitter: inout E, into out: inout OutputBuffer
    ) {
        if questionOffset >= 0 {
            if enrichment.qnameOptions.contains(.keepOriginal) && enrichment.changesQname {
                emitter.key("qname_original", into: &out)
                emitter.plain(into: &out) { DomainName.write(message, at: questionOffset, into: &$0, quoted: true) }
            }
            if enrichment.publicSuffixLabels > 0 {
                emitter.key("tld", into: &out)
                emitter.plain(into: &out) {
                    QnameText.write(message, at: questionOffset, lastLabels: Int(enrichment.publicSuffixLabels), lowercase: true, trailingDot: false, into: &$0)
                }
                emitter.key("etld_plus_one", into: &out)
                if enrichment.registeredLabels > 0 {
                    emitter.plain(into: &out) {
                        QnameText.write(message, at: questionOffset, lastLabels: Int(enrichment.registeredLabels), lowercase: true, trailingDot: false, into: &$0)
                    }
                } else {
                    emitter.null(into: &out)
                }
            }
        }
        if let geo = enrichment.clientGeo { writeGeo("geo", geo.pointee, emitter: &emitter, into: &out) }
        if let geo = enrichment.serverGeo { writeGeo("server_geo", geo.pointee, emitter: &emitter, into: &out) }
        if enrichment.suspicionScore > 0 {
            emitter.key("suspicious", into: &out)
            emitter.beginObject(into: &out)
            emitter.key("score", into: &out)
            emitter.number(UInt64(enrichment.suspicionScore), into: &out)
            emitter.key("reasons", into: &out)
            emitter.beginArray(into: &out)
            for (reason, name) in SuspicionReasons.names where enrichment.suspicionReasons.contains(reason) {
                emitter.string(name, into: &out)
            }
            emitter.endArray(into: &out)
            emitter.endObject(into: &out)
        }
        if let tags = enrichment.tags?.takeUnretainedValue() {
            // JSON: the member was written once, when the tags were read; copy it whole.
            if E.self == JSONEmitter.self {
                var json = emitter as! JSONEmitter
                if json.needsComma { out.append(UInt8(ascii: ",")) }
                tags.json.withUnsafeBytes { out.append($0) }
                json.needsComma = true
                emitter = json as! E
                return
            }
            emitter.key("tags", into: &out)
            emitter.beginObject(into: &out)
            for f in tags.fields {
                var key = f.key, value = f.value
                key.withUTF8 { emitter.key(quoting: UnsafeRawBufferPointer($0), into: &out) }
                value.withUTF8 { emitter.escaped(UnsafeRawBufferPointer($0), into: &out) }
            }
            emitter.endObject(into: &out)
        }
    }

    static func writeGeo<E: StructuredEmitter>(
        _ key: StaticString, _ g: GeoRecord, emitter: inout E, into out: inout OutputBuffer
    ) {
        emitter.key(key, into: &out)
        emitter.beginObject(into: &out)
        if !g.continent.isEmpty { emitter.key("continent", into: &out); emitter.escaped(g.continent.bytes, into: &out) }
        if !g.country.isEmpty { emitter.key("country", into: &out); emitter.escaped(g.country.bytes, into: &out) }
        if !g.countryISO.isEmpty { emitter.key("country_iso", into: &out); emitter.escaped(g.countryISO.bytes, into: &out) }
        if !g.city.isEmpty { emitter.key("city", into: &out); emitter.escaped(g.city.bytes, into: &out) }
        if !g.latitude.isNaN {
            emitter.key("latitude", into: &out); emitter.fixed(g.latitude, decimals: 4, into: &out)
            emitter.key("longitude", into: &out); emitter.fixed(g.longitude, decimals: 4, into: &out)
        }
        if g.asn != 0 { emitter.key("asn", into: &out); emitter.number(UInt64(g.asn), into: &out) }
        if !g.asOrganization.isEmpty { emitter.key("as_org", into: &out); emitter.escaped(g.asOrganization.bytes, into: &out) }
        emitter.endObject(into: &out)
    }
}

/// The question's name written otherwise than as on the wire: lowercased, or only its last labels.
public enum QnameText {
    /// Writes the name at `offset` of `message` in presentation form, escaped for a JSON or YAML double-quoted
    /// string, keeping only its last `lastLabels` labels (0: all) and lowercasing ASCII letters when asked.
    public static func write(
        _ message: UnsafeRawBufferPointer, at offset: Int, lastLabels: Int, lowercase: Bool, quoted: Bool = true,
        trailingDot: Bool = true, into out: inout OutputBuffer
    ) {
        let before = out.count
        defer {
            // `co.uk`, not `co.uk.`: public suffixes are written as the list writes them.
            if !trailingDot && out.count > before + 1 && out[out.count - 1] == UInt8(ascii: ".") { out.truncate(to: out.count - 1) }
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DomainName.maxWireLength + 1) { buffer in
            let wire = buffer.baseAddress!
            let n = DomainName.copyWire(message, at: offset, into: wire, folding: lowercase)
            guard n > 0 else {
                DomainName.write(message, at: offset, into: &out, quoted: quoted)
                return
            }
            var start = 0
            if lastLabels > 0 {
                var labels = 0
                var p = 0
                while p < n && wire[p] != 0 {
                    labels += 1
                    p += Int(wire[p]) + 1
                }
                var skip = max(0, labels - lastLabels)
                while skip > 0 {
                    start += Int(wire[start]) + 1
                    skip -= 1
                }
            }
            DomainName.write(UnsafeRawBufferPointer(start: wire, count: n), at: start, into: &out, quoted: quoted)
        }
    }

    /// Writes the event's question name as the enrichment says (the JSON and YAML writers' `qname`).
    @inline(__always)
    public static func write(
        _ enrichment: EventEnrichment, _ message: UnsafeRawBufferPointer, at offset: Int, into out: inout OutputBuffer
    ) {
        write(
            message, at: offset, lastLabels: Int(enrichment.qnameKeptLabels),
            lowercase: enrichment.qnameOptions.contains(.lowercase), into: &out)
    }
}
