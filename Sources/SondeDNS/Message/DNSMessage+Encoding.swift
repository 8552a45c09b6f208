extension DNSMessage {
    /// Encodes the message to wire form.
    ///
    /// The header's counts are taken from the sections (ARCOUNT includes the OPT record). With `compress`,
    /// owner names and the names inside the RDATA of the RFC 1035 types (NS, MD, MF, CNAME, SOA, MB, MG, MR,
    /// PTR, MINFO, MX) are compressed against earlier names with the same octets; names in other RDATA (SRV,
    /// NAPTR, RRSIG, NSEC, ...) are always written in full (RFC 3597 §4). The OPT record goes last in the
    /// additional section, or just before another OPT record kept there, so that it decodes back as ``edns``.
    ///
    /// - Precondition: no record's RDATA exceeds 65535 octets once written.
    public func encode(compress: Bool = true) -> [UInt8] {
        var writer = MessageWriter(compress: compress)
        var counted = self
        counted.updateCounts()
        counted.header.write(into: &writer.bytes)
        for question in questions { writer.write(question) }
        for record in answers { writer.write(record) }
        for record in authority { writer.write(record) }
        let optAt = edns == nil ? nil : (additional.firstIndex { $0.type == EDNS.optType } ?? additional.count)
        for (i, record) in additional.enumerated() {
            if i == optAt, let edns { writer.write(edns.record) }
            writer.write(record)
        }
        if optAt == additional.count, let edns { writer.write(edns.record) }
        return writer.bytes
    }
}
