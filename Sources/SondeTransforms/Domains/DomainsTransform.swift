public import SondeCore
import SondeDNS
import SondeDnstap
import SondePacket

/// `kind: domains`: keeps or skips events by their question's name, from lists in files or at http(s) URLs
/// (dnsmonster's allow and skip domain lists).
///
/// Its settings, with their defaults, are in ``reference`` (and `sonde config reference`).
public final class DomainsTransform: TransformComponent {
    public static let kind = "domains"
    public static let reference = ComponentReference("""
        - kind: domains          # allow and skip lists of names (dnsmonster's CSV, plain lists, hosts files)
          allow: []              # files or http(s) URLs: keep only names that match
          skip: []               # files or http(s) URLs: then leave out names that match
          refresh: 1m            # URLs are fetched again this often; files when they change; all on SIGHUP
        """)


    let allow: ReloadingResource<DomainSet>?
    let skip: ReloadingResource<DomainSet>?

    public init?(settings s: inout ComponentSettings, context: ComponentContext) {
        let refresh = s.duration("refresh", 1...86_400 * 7) ?? 60
        let allowSources = s.strings("allow") ?? []
        let skipSources = s.strings("skip") ?? []
        if allowSources.isEmpty && skipSources.isEmpty {
            s.report(nil, "a domains filter needs `allow`, `skip` or both (files or http(s) URLs)")
            return nil
        }
        func list(_ which: String, _ sources: [String]) -> ReloadingResource<DomainSet>? {
            guard !sources.isEmpty else { return nil }
            let log = context.log
            do {
                return try ReloadingResource(name: "\(s.path) \(which) list", sources: sources, refresh: refresh, context: context) { contents in
                    try Self.makeSet(contents, sources: sources, log: log)
                }
            } catch {
                s.report(which, "\(error)")
                return nil
            }
        }
        allow = list("allow", allowSources)
        skip = list("skip", skipSources)
        if (!allowSources.isEmpty && allow == nil) || (!skipSources.isEmpty && skip == nil) { return nil }
    }

    /// One set from the contents of every source; bad lines are logged (ten at most) and skipped.
    static func makeSet(_ contents: [[UInt8]], sources: [String], log: SondeLog) throws -> DomainSet {
        var rules: [(DomainSet.Rule, [UInt8])] = []
        for (i, bytes) in contents.enumerated() {
            let parsed = bytes.withUnsafeBytes { DomainListParser.parse($0) }
            for (line, problem) in parsed.problems { log.warning("\(sources[i]):\(line): \(problem); line skipped") }
            if parsed.badLines > parsed.problems.count {
                log.warning("\(sources[i]): \(parsed.badLines - parsed.problems.count) more lines skipped")
            }
            if parsed.rules.isEmpty && !bytes.isEmpty && parsed.badLines > 0 {
                throw SondeError("\(sources[i]): no line could be read as a domain")
            }
            rules += parsed.rules
        }
        return DomainSet(rules)
    }

    public func makeStage() -> any EventStage { Stage(allow: allow, skip: skip) }

    struct Stage: EventStage {
        let allow: ReloadingResource<DomainSet>?
        let skip: ReloadingResource<DomainSet>?

        mutating func apply(_ rows: inout EventRows) {
            let allowSet = allow?.current
            let skipSet = skip?.current
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
                rows.retain { e, message, _ in
                    guard e.pointee.layout.hasQuestion && !e.pointee.markers.contains(.noMessage),
                        let name = QuestionName.lowercased(message, at: Int(e.pointee.layout.questionOffset), into: buffer)
                    else { return allowSet == nil }
                    if let allowSet, !allowSet.matches(name) { return false }
                    if let skipSet, skipSet.matches(name) { return false }
                    return true
                }
            }
        }
    }
}

/// The question's name as the domain filters and the public suffix list see it.
enum QuestionName {
    /// Octets of the name in presentation form without the final dot, and its number of labels.
    static func size(_ message: UnsafeRawBufferPointer, at offset: Int) -> (Int, Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: DomainName.maxWireLength + 1) { buffer in
            let n = DomainName.copyWire(message, at: offset, into: buffer.baseAddress!, folding: false)
            guard n > 1 else { return (n == 1 ? 1 : 0, 0) }
            var labels = 0, p = 0
            while p < n && buffer[p] != 0 {
                labels += 1
                p += Int(buffer[p]) + 1
            }
            return (n - 2, labels)
        }
    }

    /// The name at `offset` lowercased, in presentation form with the trailing dot, written into `buffer` (512
    /// octets); nil when it is not a well-formed name. Octets inside labels are taken as they are (no escapes).
    static func lowercased(
        _ message: UnsafeRawBufferPointer, at offset: Int, into buffer: UnsafeMutableBufferPointer<UInt8>
    ) -> UnsafeBufferPointer<UInt8>? {
        let wire = buffer.baseAddress! + 256
        let n = DomainName.copyFoldedWire(message, at: offset, into: wire)
        guard n > 0 else { return nil }
        if n == 1 {
            buffer[0] = UInt8(ascii: ".")
            return UnsafeBufferPointer(rebasing: buffer[0..<1])
        }
        // 3www7example3com0 → www.example.com.: each length becomes the dot before its label.
        var p = 0
        var out = 0
        while p < n && wire[p] != 0 {
            let length = Int(wire[p])
            (buffer.baseAddress! + out).update(from: wire + p + 1, count: length)
            out += length
            buffer[out] = UInt8(ascii: ".")
            out += 1
            p += length + 1
        }
        return UnsafeBufferPointer(rebasing: buffer[0..<out])
    }
}
