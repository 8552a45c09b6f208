/// What query/response matching saw (see `QueryResponseMatcher`).
public struct MatchingCounters: Sendable, Hashable {
    /// Responses matched to a query (their latency is set).
    public var matched: UInt64 = 0
    /// Queries retired without an answer (timed out, or pushed out when the table was full).
    public var unanswered: UInt64 = 0
    /// Responses with no pending query.
    public var unmatchedResponses: UInt64 = 0
    /// Queries seen again while the first was pending (retransmissions); the first is kept.
    public var duplicateQueries: UInt64 = 0
    /// Messages without a question (cannot be matched).
    public var unmatchable: UInt64 = 0
    public init() {}

    public mutating func add(_ o: MatchingCounters) {
        matched += o.matched
        unanswered += o.unanswered
        unmatchedResponses += o.unmatchedResponses
        duplicateQueries += o.duplicateQueries
        unmatchable += o.unmatchable
    }
}
