public import SondeCore
import SondeDNS
import SondeDnstap
import SondePacket

/// `kind: filter`: keeps the events a condition holds for: a ``FilterExpression`` on any field, and the regular
/// expressions dnstap-receiver users know (`qname-regex`, `dnstap-identities`).
///
/// Its settings, with their defaults, are in ``reference`` (and `sonde config reference`).
/// All conditions given must hold.
public final class FilterTransform: TransformComponent {
    public static let kind = "filter"
    public static let reference = ComponentReference("""
        - kind: filter           # keep the events a condition holds for (all the conditions given)
          where: <none>          # "rcode = NXDOMAIN, SERVFAIL and not client = 10.0.0.0/8" (docs/transforms.md)
          qname_regex: <none>    # '^(www|mail)\\.': names (lowercased, final dot) matching are kept
          identity_regex: <none> # '^ns[0-9]+$': dnstap identities matching are kept
          drop: false            # true: leave out what matches instead
        """)


    let expression: FilterExpression?
    let qname: ByteRegex?
    let identity: ByteRegex?
    let drop: Bool

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        var expression: FilterExpression?
        if let text = s.string("where") {
            do { expression = try FilterExpression(parsing: text) } catch { s.report("where", error.description) }
        }
        func regex(_ key: String) -> ByteRegex? {
            guard let text = s.string(key) else { return nil }
            do { return try ByteRegex(text, caseInsensitive: false) } catch {
                s.report(key, "\(error)")
                return nil
            }
        }
        qname = regex("qname_regex")
        identity = regex("identity_regex")
        self.expression = expression
        drop = s.bool("drop") ?? false
        if !s.has("where") && !s.has("qname_regex") && !s.has("identity_regex") {
            s.report(nil, "a filter needs `where`, `qname_regex` or `identity_regex`")
            return nil
        }
    }

    public func makeStage() -> any EventStage { Stage(filter: self) }

    struct Stage: EventStage {
        let filter: FilterTransform

        mutating func apply(_ rows: inout EventRows) {
            let f = filter
            let identity = rows.identity
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
                rows.retain { e, m, enrichment in
                    var ok = true
                    if let x = f.expression { ok = x.matches(e, m, identity: identity, enrichment: enrichment) }
                    if ok, let r = f.identity { ok = r.matches(FilterIdentity.bytes(e, m, identity)) }
                    if ok, let r = f.qname {
                        let l = e.pointee.layout
                        if l.hasQuestion && !e.pointee.markers.contains(.noMessage),
                            let name = QuestionName.lowercased(m, at: Int(l.questionOffset), into: buffer)
                        {
                            ok = r.matches(UnsafeRawBufferPointer(name))
                        } else {
                            ok = false
                        }
                    }
                    return ok != f.drop
                }
            }
        }
    }
}
