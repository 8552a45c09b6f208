public import SondeDNS
public import SondeDnstap
public import SondePacket

/// Where an event came from (the `input` field).
public enum InputKind: UInt8, Sendable, CaseIterable {
    case pcap, live, dnstap

    /// The event field value.
    public var name: StaticString {
        switch self {
        case .pcap: return "pcap"
        case .live: return "live"
        case .dnstap: return "dnstap"
        }
    }
}

/// The DNS transport of a message (the `protocol` field).
public enum TransportProtocol: UInt8, Sendable, CaseIterable {
    case udp, tcp, dot, doh, dnscryptUDP, dnscryptTCP, doq

    /// The event field value.
    public var name: StaticString {
        switch self {
        case .udp: return "UDP"
        case .tcp: return "TCP"
        case .dot: return "DOT"
        case .doh: return "DOH"
        case .dnscryptUDP: return "DNSCryptUDP"
        case .dnscryptTCP: return "DNSCryptTCP"
        case .doq: return "DOQ"
        }
    }
}

/// Facts about how a message was captured, beyond its own bytes.
public struct EventMarkers: OptionSet, Sendable, Hashable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The capture's snap length cut the message short.
    @inlinable public static var captureTruncated: EventMarkers { EventMarkers(rawValue: 1 << 0) }
    /// The message was put together from several TCP segments.
    @inlinable public static var tcpReassembled: EventMarkers { EventMarkers(rawValue: 1 << 1) }
    /// The message was put together from IP fragments.
    @inlinable public static var ipDefragmented: EventMarkers { EventMarkers(rawValue: 1 << 2) }
    /// The dnstap message carried no DNS message (the event has only the dnstap fields).
    @inlinable public static var noMessage: EventMarkers { EventMarkers(rawValue: 1 << 3) }
}

/// Where an event stands in a query/response transaction (set by matching).
public enum Transaction: UInt8, Sendable {
    /// Not a joined record.
    case none
    /// A response joined with its query (`--join`).
    case answered
    /// A query that got no answer, emitted when it expired (`--unanswered`, `--join`).
    case unanswered
    /// A response whose query was not seen (`--join`).
    case unmatched

    /// The event field value.
    public var name: StaticString {
        switch self {
        case .none: return ""
        case .answered: return "answered"
        case .unanswered: return "unanswered"
        case .unmatched: return "unmatched"
        }
    }
}

/// One DNS message seen by Sonde: the fixed-size part of an event.
///
/// The message bytes live in the ``EventBatch`` that carries the event (`messageOffset`, `messageLength`);
/// the decoded ``MessageLayout`` says where every section is, so formatters write names and RDATA straight from
/// those bytes. Nothing here is allocated per message.
@frozen
public struct DNSEvent: Sendable {
    /// Capture (or dnstap) time, nanoseconds since the Unix epoch, UTC.
    public var timestamp: Int64
    /// The kind of input.
    public var input: InputKind
    /// DNS transport.
    public var transport: TransportProtocol
    /// Capture facts.
    public var markers: EventMarkers
    /// Sender and receiver of this message.
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Where the DNS message is in the batch storage.
    public var messageOffset: Int32
    public var messageLength: Int32
    /// Response time in nanoseconds when the matching query was seen, else -1.
    public var latency: Int64
    /// For a joined record: the query's time (nanoseconds since the epoch) and size, else -1 and 0.
    public var queryTimestamp: Int64 = -1
    public var querySize: Int32 = 0
    /// Where the event stands in a transaction, when matching says.
    public var transaction: Transaction = .none
    /// The capture interface the packet came in on, as an index into ``InterfaceNames``; 0 when not
    /// known (files, dnstap).
    public var interface: UInt16 = 0
    /// The VLAN identifier (12 bits) of the innermost 802.1Q tag, when `markers` has ``EventMarkers/vlanTagged``.
    public var vlan: UInt16 = 0
    /// The decoded message.
    public var layout: MessageLayout
    /// For an event from dnstap: where its dnstap frame is in the batch storage (-1 otherwise) and the decoded
    /// frame, whose offsets are relative to the frame.
    public var recordOffset: Int32 = -1
    public var recordLength: Int32 = 0
    public var dnstap = DnstapLayout()

    /// Creates an event.
    @inlinable
    public init(
        timestamp: Int64, input: InputKind, transport: TransportProtocol, markers: EventMarkers = [],
        source: IPAddress, destination: IPAddress, sourcePort: UInt16, destinationPort: UInt16,
        latency: Int64 = -1, layout: MessageLayout = MessageLayout()
    ) {
        self.timestamp = timestamp
        self.input = input
        self.transport = transport
        self.markers = markers
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.messageOffset = 0
        self.messageLength = 0
        self.latency = latency
        self.layout = layout
    }

    /// Whether the message could not be decoded fully.
    public var isMalformed: Bool { layout.isMalformed }

    /// Whether the event came from a dnstap frame (its `dnstap` fields are set).
    @inlinable public var hasDnstap: Bool { recordOffset >= 0 }

    /// The dnstap frame of the event, given the message bytes the batch handed out with it.
    @inlinable
    public func dnstapFrame(_ message: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        // The batch keeps the message inside the frame (or, with no message, at the frame's start).
        UnsafeRawBufferPointer(start: message.baseAddress! - Int(messageOffset - recordOffset), count: Int(recordLength))
    }
}

extension EventMarkers {
    /// The frame carried an 802.1Q / 802.1ad tag (in the frame, or stripped by the kernel into the capture
    /// ring's metadata): its VLAN identifier is the event's `vlan`.
    @inlinable public static var vlanTagged: EventMarkers { EventMarkers(rawValue: 1 << 5) }
    /// A transform changed the event's addresses: writers that could copy the original bytes (dnstap frames) must
    /// write it anew.
    @inlinable public static var rewritten: EventMarkers { EventMarkers(rawValue: 1 << 4) }
}
