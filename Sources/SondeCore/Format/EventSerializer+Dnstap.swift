public import SondeDNS
public import SondeDnstap
public import SondePacket

/// The fields an event from dnstap adds (README, "Events from dnstap"), written through a ``StructuredEmitter``
/// by both the hand-written JSON writer and the generic serializer.
public enum DnstapFieldsSerializer {
    /// `dnstap_type`, then whichever of `version`, `query_time`, `response_time`, `query_zone`, `http_protocol`,
    /// `extra` and `policy` the frame has.
    @inline(__always)
    public static func write<E: StructuredEmitter>(
        _ e: DNSEvent, frame: UnsafeRawBufferPointer, context: inout FormatContext, emitter: inout E,
        into out: inout OutputBuffer
    ) {
        let d = e.dnstap
        emitter.key("dnstap_type", into: &out)
        emitter.plain(into: &out) { DnstapNames.write(d.messageType, DnstapNames.messageType, into: &$0) }
        if d.version.isPresent {
            emitter.key("version", into: &out)
            emitter.beginScalar(into: &out)
            out.append(UInt8(ascii: "\""))
            context.version.append(d.version.bytes(in: frame), into: &out)
            out.append(UInt8(ascii: "\""))
        }
        if let t = d.queryTime {
            emitter.key("query_time", into: &out)
            emitter.plain(into: &out) { context.time.write(t, into: &$0) }
        }
        if let t = d.responseTime {
            emitter.key("response_time", into: &out)
            emitter.plain(into: &out) { context.time.write(t, into: &$0) }
        }
        if hasRareFields(d) { writeRareFields(d, frame: frame, context: &context, emitter: &emitter, into: &out) }
    }

    /// Whether the frame has any of the fields most senders leave out: `query_zone`, `http_protocol`, `extra`,
    /// `policy`.
    @inlinable @inline(__always)
    public static func hasRareFields(_ d: DnstapLayout) -> Bool {
        d.queryZone.isPresent || d.extra.isPresent || d.present.contains(.httpProtocol) || d.present.contains(.policy)
    }

    /// `query_zone`, `http_protocol`, `extra` and `policy`, whichever the frame has.
    public static func writeRareFields<E: StructuredEmitter>(
        _ d: DnstapLayout, frame: UnsafeRawBufferPointer, context: inout FormatContext, emitter: inout E,
        into out: inout OutputBuffer
    ) {
        if d.queryZone.isPresent {
            emitter.key("query_zone", into: &out)
            name(d.queryZone.bytes(in: frame), &emitter, &out)
        }
        if d.present.contains(.httpProtocol) {
            emitter.key("http_protocol", into: &out)
            emitter.plain(into: &out) { DnstapNames.write(d.httpProtocol, DnstapNames.httpProtocol, into: &$0) }
        }
        if d.extra.isPresent {
            emitter.key("extra", into: &out)
            escaped(d.extra.bytes(in: frame), &emitter, &out)
        }
        if d.present.contains(.policy) { writePolicy(d, frame, &emitter, &out) }
    }

    static func writePolicy<E: StructuredEmitter>(
        _ d: DnstapLayout, _ frame: UnsafeRawBufferPointer, _ emitter: inout E, _ out: inout OutputBuffer
    ) {
        emitter.key("policy", into: &out)
        emitter.beginObject(into: &out)
        if d.policyType.isPresent {
            emitter.key("type", into: &out)
            escaped(d.policyType.bytes(in: frame), &emitter, &out)
        }
        if d.policyRule.isPresent {
            // In an RPZ the rule is the owner name of the rule, in wire form.
            emitter.key("rule", into: &out)
            name(d.policyRule.bytes(in: frame), &emitter, &out)
        }
        if d.present.contains(.policyAction) {
            emitter.key("action", into: &out)
            emitter.plain(into: &out) { DnstapNames.write(d.policyAction, DnstapNames.policyAction, into: &$0) }
        }
        if d.present.contains(.policyMatch) {
            emitter.key("match", into: &out)
            emitter.plain(into: &out) { DnstapNames.write(d.policyMatch, DnstapNames.policyMatch, into: &$0) }
        }
        if d.policyValue.isPresent {
            emitter.key("value", into: &out)
            let value = d.policyValue.bytes(in: frame)
            // CLIENT_IP, RESPONSE_IP and NS_IP values of an address's length are addresses; QNAME and NS_NAME
            // values are names; anything else is text.
            let isAddress = value.count == 4 || value.count == 16
            switch d.policyMatch {
            case 2 where isAddress, 3 where isAddress, 5 where isAddress:
                let a = DnstapProcessor.address(value, v6: value.count == 16)
                emitter.plain(into: &out) { $0.append(address: a) }
            case 1, 4: name(value, &emitter, &out)
            default: escaped(value, &emitter, &out)
            }
        }
        emitter.endObject(into: &out)
    }

    /// Bytes as an escaped string.
    @inline(__always)
    static func escaped<E: StructuredEmitter>(_ b: UnsafeRawBufferPointer, _ emitter: inout E, _ out: inout OutputBuffer) {
        emitter.beginScalar(into: &out)
        out.append(UInt8(ascii: "\""))
        out.appendJSONEscaped(bytes: b)
        out.append(UInt8(ascii: "\""))
    }

    /// A wire-format name (uncompressed) in presentation form; bytes that are not a name as an escaped string.
    static func name<E: StructuredEmitter>(_ b: UnsafeRawBufferPointer, _ emitter: inout E, _ out: inout OutputBuffer) {
        if (try? DomainName.validate(b, at: 0)) == b.count {
            emitter.plain(into: &out) { DomainName.write(b, at: 0, into: &$0, quoted: true) }
        } else {
            escaped(b, &emitter, &out)
        }
    }
}
