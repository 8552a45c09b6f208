public import SondeCore
import SondeDNS
import SondeDnstap
import SondePacket

/// `kind: normalize`: question names lowercased (the original kept as `qname_original` when asked), and `tld` and
/// `etld_plus_one` from the Public Suffix List.
///
/// Its settings, with their defaults, are in ``reference`` (and `sonde config reference`).
public final class NormalizeTransform: TransformComponent {
    public static let kind = "normalize"
    public static let reference = ComponentReference("""
        - kind: normalize        # question names lowercased; tld and etld_plus_one from the Public Suffix List
          lowercase: true
          keep_original: false   # also write the name as it came, as qname_original
          public_suffix: true
          public_suffix_list: /usr/share/publicsuffix/public_suffix_list.dat   # reloaded when it changes, and on SIGHUP
          private_domains: true  # the list's PRIVATE section too (github.io is then a public suffix)
        """)


    let options: QnameOptions
    let suffixes: ReloadingResource<PublicSuffixList>?

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        var options: QnameOptions = []
        if s.bool("lowercase") ?? true { options.insert(.lowercase) }
        if s.bool("keep_original") ?? false { options.insert(.keepOriginal) }
        self.options = options
        let path = s.string("public_suffix_list") ?? PublicSuffixList.debianPath
        let privateDomains = s.bool("private_domains") ?? true
        if s.bool("public_suffix") ?? true {
            do { suffixes = try PublicSuffixList.resource(path, privateDomains: privateDomains, context: context) } catch {
                s.report("public_suffix_list", "\(error)")
                return nil
            }
        } else {
            suffixes = nil
        }
    }

    public func makeStage() -> any EventStage { Stage(options: options, suffixes: suffixes) }

    struct Stage: EventStage {
        let options: QnameOptions
        let suffixes: ReloadingResource<PublicSuffixList>?

        mutating func apply(_ rows: inout EventRows) {
            let list = suffixes?.current
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
                for i in 0..<rows.count {
                    let e = rows.event(i)
                    let l = e.pointee.layout
                    guard l.hasQuestion && !e.pointee.markers.contains(.noMessage) else { continue }
                    var suffixLabels = 0, registered = 0
                    if let list, let name = QuestionName.lowercased(rows.message(i), at: Int(l.questionOffset), into: buffer),
                        let match = list.match(UnsafeRawBufferPointer(name))
                    {
                        suffixLabels = match.suffixLabels
                        registered = match.registrableLabels ?? 0
                    }
                    let en = rows.mutableEnrichment(i)
                    en.pointee.qnameOptions.formUnion(options)
                    en.pointee.publicSuffixLabels = UInt8(clamping: suffixLabels)
                    en.pointee.registeredLabels = UInt8(clamping: registered)
                }
            }
        }
    }
}

extension PublicSuffixList {
    /// The list at `path`, reloaded when the file changes and on SIGHUP.
    static func resource(_ path: String, privateDomains: Bool, context: ComponentContext) throws -> ReloadingResource<PublicSuffixList> {
        try ReloadingResource(name: "public suffix list \(path)", sources: [path], refresh: 86_400, context: context) { contents in
            do { return try PublicSuffixList.parse(contents[0], sections: privateDomains ? .all : .icannOnly, source: path) } catch {
                throw SondeError("\(error)")
            }
        }
    }
}
