public import SondeCore
public import SondeDNS
public import SondeDnstap
public import SondePacket

/// A filter written as text: comparisons of event fields joined by `and`, `or`, `not` and parentheses.
///
/// ```
/// rcode = NXDOMAIN, SERVFAIL and not qtype = A
/// client = 10.0.0.0/8, 2001:db8::/32 or (response and latency > 100ms)
/// qname ~ '^(www|mail)\.' and identity != resolver-2
/// qname = *.example.com and qname_length > 50 and labels >= 6
/// ```
/// A list after `=` matches any of its values (`!=`: none); `~` and `!~` take a regular expression (Python's
/// syntax); `<`, `<=`, `>`, `>=` compare numbers (latency as a duration, `100ms`, `0.5`). Boolean fields stand
/// alone: `response`, `query`, `malformed`, `aa`, `tc`, `rd`, `ra`, `ad`, `cd`. The same syntax serves the event
/// tail of the API.
public struct FilterExpression: Sendable {
    @usableFromInline let root: FilterNode
    /// The expression as given.
    public let text: String

    /// Compiles `text`; errors say what and at which character.
    public init(parsing text: String) throws(SondeError) {
        self.text = text
        var parser = FilterParser(text)
        root = try parser.parse()
    }

    /// Whether the event passes.
    @inlinable
    public func matches(
        _ e: UnsafePointer<DNSEvent>, _ message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer,
        enrichment: UnsafePointer<EventEnrichment>? = nil
    ) -> Bool {
        root.evaluate(FilterInput(event: e, message: message, identity: identity, enrichment: enrichment))
    }

    /// The fields a filter can test.
    public static let fields = [
        "rcode", "qtype", "qclass", "opcode", "protocol", "family", "input", "dnstap_type", "transaction", "response", "query",
        "malformed", "aa", "tc", "rd", "ra", "ad", "cd", "client", "server", "src", "dst", "identity", "qname", "latency",
        "qname_length", "labels", "size", "id", "src_port", "dst_port", "client_port", "server_port", "suspicious",
    ]
}

/// The compiled expression.
@usableFromInline
indirect enum FilterNode: Sendable {
    case and([FilterNode])
    case or([FilterNode])
    case not(FilterNode)
    case test(FilterTest)

    @usableFromInline
    func evaluate(_ x: FilterInput) -> Bool {
        switch self {
        case .and(let list):
            for n in list where !n.evaluate(x) { return false }
            return true
        case .or(let list):
            for n in list where n.evaluate(x) { return true }
            return false
        case .not(let n): return !n.evaluate(x)
        case .test(let t): return t.evaluate(x)
        }
    }
}

/// One comparison.
@usableFromInline
enum FilterTest: Sendable {
    /// A small code (rcode, qtype, opcode, ...) in a set, as a bitmap.
    case code(CodeField, [UInt64])
    case flag(UInt16)
    case response(Bool)
    case malformed
    case networks(Side, NetworkSet)
    case identity([[UInt8]])
    case identityRegex(ByteRegex)
    case qname(DomainSet)
    case qnameRegex(ByteRegex)
    case compare(Metric, Comparison, Int64)

    @usableFromInline enum CodeField: Sendable { case rcode, qtype, qclass, opcode, transport, family, input, dnstapType, transaction }
    @usableFromInline enum Side: Sendable { case client, server, source, destination }
    @usableFromInline enum Metric: Sendable {
        case latency, qnameLength, labels, size, id, sourcePort, destinationPort, clientPort, serverPort, suspicionScore
    }
    @usableFromInline enum Comparison: Sendable { case less, lessOrEqual, greater, greaterOrEqual, equal, notEqual }

    @usableFromInline
    func evaluate(_ x: FilterInput) -> Bool {
        let e = x.event, m = x.message, batchIdentity = x.identity
        let l = e.pointee.layout
        let noMessage = e.pointee.markers.contains(.noMessage)
        let response = noMessage ? !e.pointee.dnstap.isQuery : l.isResponse
        switch self {
        case .code(let field, let bits):
            let v: Int
            switch field {
            case .rcode: v = noMessage ? -1 : Int(l.rcode)
            case .qtype: v = noMessage || !l.hasQuestion ? -1 : Int(l.qtype)
            case .qclass: v = noMessage || !l.hasQuestion ? -1 : Int(l.qclass)
            case .opcode: v = noMessage ? -1 : Int(l.opcode)
            case .transport: v = Int(e.pointee.transport.rawValue)
            case .family: v = e.pointee.source.family == .v6 ? 6 : 4
            case .input: v = Int(e.pointee.input.rawValue)
            case .dnstapType: v = e.pointee.hasDnstap ? Int(e.pointee.dnstap.messageType) : -1
            case .transaction: v = Int(e.pointee.transaction.rawValue)
            }
            return v >= 0 && v >> 6 < bits.count && bits[v >> 6] & (1 << UInt64(v & 63)) != 0
        case .flag(let mask): return !noMessage && l.flags & mask != 0
        case .response(let r): return response == r
        case .malformed: return l.isMalformed
        case .networks(let side, let set):
            let a: IPAddress
            switch side {
            case .source: a = e.pointee.source
            case .destination: a = e.pointee.destination
            case .client: a = response ? e.pointee.destination : e.pointee.source
            case .server: a = response ? e.pointee.source : e.pointee.destination
            }
            return set.contains(a)
        case .identity(let names):
            let id = FilterIdentity.bytes(e, m, batchIdentity)
            return names.contains { $0.elementsEqual(id) }
        case .identityRegex(let r): return r.matches(FilterIdentity.bytes(e, m, batchIdentity))
        case .qname(let set):
            guard !noMessage && l.hasQuestion else { return false }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
                guard let name = QuestionName.lowercased(m, at: Int(l.questionOffset), into: buffer) else { return false }
                return set.matches(name)
            }
        case .qnameRegex(let r):
            guard !noMessage && l.hasQuestion else { return false }
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 512) { buffer in
                guard let name = QuestionName.lowercased(m, at: Int(l.questionOffset), into: buffer) else { return false }
                return r.matches(UnsafeRawBufferPointer(name))
            }
        case .compare(let metric, let op, let value):
            let v: Int64
            switch metric {
            case .latency:
                guard e.pointee.latency >= 0 else { return false }
                v = e.pointee.latency
            case .qnameLength, .labels:
                guard !noMessage && l.hasQuestion else { return false }
                let (octets, labels) = QuestionName.size(m, at: Int(l.questionOffset))
                v = Int64(metric == .qnameLength ? octets : labels)
            case .size: v = Int64(m.count)
            case .id: v = noMessage ? -1 : Int64(l.id)
            case .sourcePort: v = Int64(e.pointee.sourcePort)
            case .destinationPort: v = Int64(e.pointee.destinationPort)
            case .clientPort: v = Int64(response ? e.pointee.destinationPort : e.pointee.sourcePort)
            case .serverPort: v = Int64(response ? e.pointee.sourcePort : e.pointee.destinationPort)
            case .suspicionScore: v = Int64(x.enrichment?.pointee.suspicionScore ?? 0)
            }
            switch op {
            case .less: return v < value
            case .lessOrEqual: return v <= value
            case .greater: return v > value
            case .greaterOrEqual: return v >= value
            case .equal: return v == value
            case .notEqual: return v != value
            }
        }
    }
}

/// What a filter looks at: the event, its message, the batch's identity and what transforms added.
@usableFromInline
struct FilterInput {
    let event: UnsafePointer<DNSEvent>
    let message: UnsafeRawBufferPointer
    let identity: UnsafeRawBufferPointer
    let enrichment: UnsafePointer<EventEnrichment>?

    @usableFromInline
    init(event: UnsafePointer<DNSEvent>, message: UnsafeRawBufferPointer, identity: UnsafeRawBufferPointer, enrichment: UnsafePointer<EventEnrichment>?) {
        self.event = event
        self.message = message
        self.identity = identity
        self.enrichment = enrichment
    }
}

/// The identity filters compare: the dnstap sender's, or the input's.
enum FilterIdentity {
    static func bytes(_ e: UnsafePointer<DNSEvent>, _ m: UnsafeRawBufferPointer, _ batch: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard e.pointee.hasDnstap && e.pointee.dnstap.identity.isPresent else { return batch }
        return e.pointee.dnstap.identity.bytes(in: e.pointee.dnstapFrame(m))
    }
}

/// The API's event tail takes the same expressions (`GET /api/v1/events?filter=`).
extension FilterExpression: EventPredicate {}
