public import SondeCore
import SondeDNS
import SondeDnstap
import SondePacket

/// `kind: tags`: static fields added to every event (`tags: {site: par1, role: resolver}`), written as the `tags`
/// member. An output's tags are added to the global ones (an output's value wins for the same name).
public final class TagsTransform: TransformComponent {
    public static let kind = "tags"
    public static let reference = ComponentReference("""
        - kind: tags             # static fields on every event (the tags member); an output's add to the global ones
          tags: <required>       # {site: par1, role: resolver}
        """)


    let tags: TagSet

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        guard let fields = s.stringMap("tags"), !fields.isEmpty else {
            s.report(nil, "tags needs `tags:`, a mapping of names to values ({site: par1})")
            return nil
        }
        tags = TagSet(fields)
    }

    public func makeStage() -> any EventStage { Stage(tags: tags) }

    struct Stage: EventStage {
        let tags: TagSet
        /// The last set these tags were merged into, and the result (events of a batch share their tags).
        var merged: (from: ObjectIdentifier, to: TagSet)?

        mutating func apply(_ rows: inout EventRows) {
            for i in 0..<rows.count {
                let en = rows.mutableEnrichment(i)
                guard let existing = en.pointee.tags?.takeUnretainedValue(), existing !== tags else {
                    en.pointee.tags = Unmanaged.passUnretained(tags)
                    continue
                }
                if merged?.from != ObjectIdentifier(existing) {
                    let own = Set(tags.fields.map(\.key))
                    merged = (ObjectIdentifier(existing), TagSet(existing.fields.filter { !own.contains($0.key) }.map { ($0.key, $0.value) } + tags.fields.map { ($0.key, $0.value) }))
                }
                en.pointee.tags = Unmanaged.passUnretained(merged!.to)
            }
        }
    }
}
