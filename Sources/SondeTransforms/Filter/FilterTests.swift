import SondeCore
import SondeDNS
import SondeDnstap
import SondePacket

/// Turns one comparison of a filter expression into a compiled test.
enum FilterTests {
    /// Fields compared as numbers. Their `!=` is a comparison of its own, not `not =`, so that an event without the
    /// value (a query's latency, a message without a question) matches neither `=` nor `!=`.
    static let numbers: Set<String> = [
        "latency", "qname_length", "labels", "size", "id", "src_port", "dst_port", "client_port", "server_port", "suspicious",
    ]

    static func boolean(_ field: String, at position: Int, _ p: FilterParser) throws(SondeError) -> FilterNode {
        switch field {
        case "response": return .test(.response(true))
        case "query": return .test(.response(false))
        case "malformed": return .test(.malformed)
        case "aa": return .test(.flag(0x0400))
        case "tc": return .test(.flag(0x0200))
        case "rd": return .test(.flag(0x0100))
        case "ra": return .test(.flag(0x0080))
        case "ad": return .test(.flag(0x0020))
        case "cd": return .test(.flag(0x0010))
        default:
            if FilterExpression.fields.contains(field) { throw p.fail("\(field) needs a comparison (\(field) = ...)", at: position) }
            throw p.fail("unknown field \"\(field)\" (known: \(FilterExpression.fields.joined(separator: ", ")))", at: position)
        }
    }

    static func make(
        _ field: String, _ op: String, _ values: [String], fieldAt: Int, opAt: Int, _ p: FilterParser
    ) throws(SondeError) -> FilterNode {
        func onlyEquality() throws(SondeError) {
            guard op == "=" else { throw p.fail("\(field) is compared with = or != (a list of values)", at: opAt) }
        }
        // `tested`, not `field`: errors name the field as the user wrote it (`protocol`), not the case (`transport`).
        func codes(_ tested: FilterTest.CodeField, _ limit: Int, _ code: (String) -> Int?) throws(SondeError) -> FilterNode {
            try onlyEquality()
            var bits = [UInt64](repeating: 0, count: (limit + 63) / 64)
            for v in values {
                guard let c = code(v) ?? Int(v), c >= 0, c < limit else { throw p.fail("\(field): unknown value \"\(v)\"", at: opAt) }
                bits[c >> 6] |= 1 << UInt64(c & 63)
            }
            return .test(.code(tested, bits))
        }
        switch field {
        case "rcode": return try codes(.rcode, 4096) { DNSRcode.code(forMnemonic: $0.uppercased()).map(Int.init) }
        case "qtype": return try codes(.qtype, 65536) { DNSType.code(forMnemonic: $0.uppercased()).map(Int.init) }
        case "qclass": return try codes(.qclass, 65536) { DNSClass.code(forMnemonic: $0.uppercased()).map(Int.init) }
        case "opcode": return try codes(.opcode, 16) { DNSOpcode.code(forMnemonic: $0.uppercased()).map(Int.init) }
        case "protocol":
            return try codes(.transport, 8) { v in TransportProtocol.allCases.first { "\($0.name)".lowercased() == v.lowercased() }.map { Int($0.rawValue) } }
        case "family":
            return try codes(.family, 8) { v in
                switch v.lowercased() {
                case "inet", "ipv4", "4": return 4
                case "inet6", "ipv6", "6": return 6
                default: return nil
                }
            }
        case "input": return try codes(.input, 8) { v in InputKind.allCases.first { "\($0.name)" == v.lowercased() }.map { Int($0.rawValue) } }
        case "dnstap_type":
            return try codes(.dnstapType, 64) { v in (1...14).first { DnstapNames.messageType(UInt32($0)).map { "\($0)" } == v.uppercased() } }
        case "transaction":
            return try codes(.transaction, 8) { v in
                ["none": 0, "answered": 1, "unanswered": 2, "unmatched": 3][v.lowercased()]
            }
        case "client", "server", "src", "dst":
            try onlyEquality()
            let side: FilterTest.Side = field == "client" ? .client : field == "server" ? .server : field == "src" ? .source : .destination
            do { return .test(.networks(side, try NetworkSet(parsing: values))) } catch { throw p.fail("\(field): \(error.description)", at: opAt) }
        case "identity":
            if op == "~" { return .test(.identityRegex(try regex(values, opAt, p))) }
            try onlyEquality()
            return .test(.identity(values.map { Array($0.utf8) }))
        case "qname":
            if op == "~" { return .test(.qnameRegex(try regex(values, opAt, p))) }
            try onlyEquality()
            // Names as in a plain domain list: exact, or *.example.com for the names under a domain.
            let text = values.joined(separator: "\n")
            let parsed = Array(text.utf8).withUnsafeBytes { DomainListParser.parse($0) }
            if let (line, problem) = parsed.problems.first { throw p.fail("qname: \"\(values[line - 1])\": \(problem)", at: opAt) }
            return .test(.qname(DomainSet(parsed.rules)))
        case _ where numbers.contains(field):
            guard values.count == 1 else { throw p.fail("\(field) is compared with one number", at: opAt) }
            let metric: FilterTest.Metric
            switch field {
            case "latency": metric = .latency
            case "qname_length": metric = .qnameLength
            case "labels": metric = .labels
            case "size": metric = .size
            case "id": metric = .id
            case "src_port": metric = .sourcePort
            case "dst_port": metric = .destinationPort
            case "client_port": metric = .clientPort
            case "suspicious": metric = .suspicionScore
            default: metric = .serverPort
            }
            let value: Int64
            if metric == .latency {
                guard let seconds = SettingParsers.duration(values[0]) else { throw p.fail("latency: \"\(values[0])\" is not a duration (100ms, 0.5s)", at: opAt) }
                value = Int64((seconds * 1e9).rounded())
            } else {
                guard let n = Int64(values[0]) else { throw p.fail("\(field): \"\(values[0])\" is not a number", at: opAt) }
                value = n
            }
            let comparison: FilterTest.Comparison
            switch op {
            case "<": comparison = .less
            case "<=": comparison = .lessOrEqual
            case ">": comparison = .greater
            case ">=": comparison = .greaterOrEqual
            case "=": comparison = .equal
            case "!=": comparison = .notEqual
            default: throw p.fail("\(field) is compared with <, <=, >, >=, = or !=", at: opAt)
            }
            return .test(.compare(metric, comparison, value))
        default:
            // An unknown field is reported as such; a boolean one takes no operator (`rd = 0` is not `rd`).
            _ = try boolean(field, at: fieldAt, p)
            throw p.fail("\(field) stands alone: write \"\(field)\" or \"not \(field)\"", at: opAt)
        }
    }

    static func regex(_ values: [String], _ at: Int, _ p: FilterParser) throws(SondeError) -> ByteRegex {
        guard values.count == 1 else { throw p.fail("~ takes one regular expression (quote it)", at: at) }
        do { return try ByteRegex(values[0], caseInsensitive: false) } catch { throw p.fail("\(error)", at: at) }
    }
}
