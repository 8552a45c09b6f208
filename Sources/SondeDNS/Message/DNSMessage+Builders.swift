extension DNSMessage {
    /// A query for `name` and `type`, recursion desired, with EDNS(0) unless `edns` is `nil`.
    public static func query(
        id: UInt16, name: DNSName, type: UInt16, class: UInt16 = 1, recursionDesired: Bool = true,
        edns: EDNS? = EDNS()
    ) -> DNSMessage {
        DNSMessage(
            header: DNSHeader(id: id, recursionDesired: recursionDesired),
            questions: [DNSQuestion(name: name, type: type, class: `class`)],
            edns: edns
        )
    }

    /// A response to `query`: same ID, opcode, RD and CD, the same questions, RA set, and EDNS when the query had
    /// it (same DO bit, no options). An `rcode` above 15 goes partly into EDNS (added if needed).
    public static func response(
        to query: DNSMessage, rcode: UInt16 = 0, isAuthoritative: Bool = false, answers: [DNSResourceRecord] = [],
        authority: [DNSResourceRecord] = [], additional: [DNSResourceRecord] = []
    ) -> DNSMessage {
        let header = DNSHeader(
            id: query.header.id, isResponse: true, opcode: query.header.opcode, isAuthoritative: isAuthoritative,
            recursionDesired: query.header.recursionDesired, recursionAvailable: true,
            checkingDisabled: query.header.checkingDisabled
        )
        let edns = query.edns.map { EDNS(dnssecOK: $0.dnssecOK) }
        var response = DNSMessage(
            header: header, questions: query.questions, answers: answers, authority: authority,
            additional: additional, edns: edns
        )
        response.extendedRcode = rcode
        response.updateCounts()
        return response
    }
}
