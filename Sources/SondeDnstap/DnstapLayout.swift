/// Where one field's bytes are inside a dnstap frame.
@frozen
public struct DnstapField: Sendable, Equatable {
    /// Offset from the frame's first octet; -1 when the field is absent.
    public var offset: Int32
    public var length: Int32

    @inlinable public init(offset: Int32, length: Int32) {
        self.offset = offset
        self.length = length
    }

    /// An absent field.
    @inlinable public static var absent: DnstapField { DnstapField(offset: -1, length: 0) }
    @inlinable public var isPresent: Bool { offset >= 0 }

    /// The field's bytes in `frame` (empty when absent).
    @inlinable @inline(__always)
    public func bytes(in frame: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard offset >= 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: frame[Int(offset)..<Int(offset + length)])
    }
}

/// A decoded dnstap frame (`Dnstap` protobuf, with its `Message` and `Policy`), as offsets into the frame and
/// the scalar values: nothing is copied or allocated.
///
/// Field numbers are those of the published schema, `dnstap.proto` (proto2):
/// `Dnstap { identity 1, version 2, extra 3, message 14, type 15 }`,
/// `Message { type 1, socket_family 2, socket_protocol 3, query_address 4, response_address 5, query_port 6,
/// response_port 7, query_time_sec 8, query_time_nsec 9 (fixed32), query_message 10, query_zone 11,
/// response_time_sec 12, response_time_nsec 13 (fixed32), response_message 14, policy 15, http_protocol 16 }`,
/// `Policy { type 1, rule 2, action 3, match 4, value 5 }`. Enum values are kept as numbers: a value the
/// schema does not name is printed as its number, not rejected.
@frozen
public struct DnstapLayout: Sendable {
    /// Which optional scalars were present.
    @frozen
    public struct Presence: OptionSet, Sendable {
        public var rawValue: UInt16
        @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
        @inlinable public static var message: Presence { Presence(rawValue: 1 << 0) }
        @inlinable public static var queryPort: Presence { Presence(rawValue: 1 << 1) }
        @inlinable public static var responsePort: Presence { Presence(rawValue: 1 << 2) }
        @inlinable public static var queryTime: Presence { Presence(rawValue: 1 << 3) }
        @inlinable public static var responseTime: Presence { Presence(rawValue: 1 << 4) }
        @inlinable public static var policy: Presence { Presence(rawValue: 1 << 5) }
        @inlinable public static var policyAction: Presence { Presence(rawValue: 1 << 6) }
        @inlinable public static var policyMatch: Presence { Presence(rawValue: 1 << 7) }
        @inlinable public static var socketFamily: Presence { Presence(rawValue: 1 << 8) }
        @inlinable public static var socketProtocol: Presence { Presence(rawValue: 1 << 9) }
        @inlinable public static var httpProtocol: Presence { Presence(rawValue: 1 << 10) }
    }

    public var present: Presence = []
    /// `Dnstap.type` (1 = MESSAGE); 0 when absent.
    public var type: UInt32 = 0
    public var identity = DnstapField.absent
    public var version = DnstapField.absent
    public var extra = DnstapField.absent
    /// `Message.type` (``DnstapMessageType``); 0 when there is no message.
    public var messageType: UInt32 = 0
    public var socketFamily: UInt32 = 0
    public var socketProtocol: UInt32 = 0
    public var httpProtocol: UInt32 = 0
    public var queryAddress = DnstapField.absent
    public var responseAddress = DnstapField.absent
    public var queryPort: UInt32 = 0
    public var responsePort: UInt32 = 0
    public var queryTimeSeconds: UInt64 = 0
    public var queryTimeNanoseconds: UInt32 = 0
    public var responseTimeSeconds: UInt64 = 0
    public var responseTimeNanoseconds: UInt32 = 0
    public var queryMessage = DnstapField.absent
    public var queryZone = DnstapField.absent
    public var responseMessage = DnstapField.absent
    /// The whole `Message` and `Policy` sub-messages, for copying them verbatim.
    public var message = DnstapField.absent
    public var policy = DnstapField.absent
    public var policyType = DnstapField.absent
    public var policyRule = DnstapField.absent
    public var policyValue = DnstapField.absent
    public var policyAction: UInt32 = 0
    public var policyMatch: UInt32 = 0

    /// An empty layout (an event that did not come from dnstap).
    @inlinable public init() {}

    /// Whether `messageType` is one of the `*_QUERY` types (odd numbers in the schema).
    @inlinable public var isQuery: Bool { messageType & 1 == 1 }

    /// The DNS message the event is about: the response for `*_RESPONSE` types, the query for `*_QUERY`;
    /// absent when the sender left it out.
    @inlinable public var dnsMessage: DnstapField { isQuery ? queryMessage : responseMessage }

    /// Query time in nanoseconds since the epoch, or nil.
    @inlinable public var queryTime: Int64? {
        present.contains(.queryTime) ? Self.nanoseconds(queryTimeSeconds, queryTimeNanoseconds) : nil
    }

    /// Response time in nanoseconds since the epoch, or nil.
    @inlinable public var responseTime: Int64? {
        present.contains(.responseTime) ? Self.nanoseconds(responseTimeSeconds, responseTimeNanoseconds) : nil
    }

    @inlinable static func nanoseconds(_ s: UInt64, _ ns: UInt32) -> Int64 {
        // Seconds past year 2262 cannot be held in nanoseconds; clamp rather than trap on a hostile value.
        let seconds = Int64(truncatingIfNeeded: min(s, 9_000_000_000))
        return seconds &* 1_000_000_000 &+ Int64(min(ns, 999_999_999))
    }
}
