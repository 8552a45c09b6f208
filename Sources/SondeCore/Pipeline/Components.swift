public import SondeDNS

/// An output kind (`stdout`, `file`, `dnstap`, ...): it reads its settings and makes its two halves.
///
/// Encoding and delivery are apart so that formatting runs in parallel: every producer thread (a capture thread,
/// a dnstap connection, the file reader) has its own ``EventEncoder``, which turns events into bytes; one
/// ``ChunkWriter`` per output, on the output's own worker thread, delivers those bytes. Adding an output is one
/// type that conforms, in its own folder, and one line in the registry.
public protocol OutputComponent: AnyObject, Sendable {
    /// The kind: config key, metric label, folder name and documentation section.
    static var kind: String { get }
    /// URL schemes of `--output` that make this output (`file`, `dnstap+tcp`, ...).
    static var schemes: [String] { get }
    /// Its settings, for the configuration reference.
    static var reference: ComponentReference { get }
    /// The settings a URL stands for (by default its query items).
    static func settings(from url: ComponentURL) throws(SondeError) -> [(String, String)]
    /// Reads the settings; nil when they are invalid (the problems are in `settings.issues`). `finish()` is
    /// called by the builder afterwards, so unread keys are reported.
    init?(settings: inout ComponentSettings, context: ComponentContext)
    /// A short description for logs (`file /var/log/sonde/dns.jsonl`).
    var summary: String { get }
    /// An encoder for one producer thread.
    func makeEncoder() -> any EventEncoder
    /// The writer, on the output's worker thread.
    func makeWriter(context: ComponentContext) throws -> any ChunkWriter
    /// Problems worth knowing before the run starts (an unwritable directory): thrown as errors.
    func check() throws
    /// Whether the writer needs to know where each event ends in a chunk (to split chunks: file rotation by size,
    /// one message per event).
    var needsEventBoundaries: Bool { get }
    /// Whether it writes the DNS messages' bytes as they came (dnstap), so transforms that only change how the
    /// question's name is written (privacy's `qname: registered`) cannot apply to it.
    var writesMessageBytes: Bool { get }
}

extension OutputComponent {
    public static func settings(from url: ComponentURL) throws(SondeError) -> [(String, String)] { url.query }
    public func check() throws {}
    public var needsEventBoundaries: Bool { false }
    public var writesMessageBytes: Bool { false }
}

/// Encoded events on their way to a writer: whole events only.
public struct EncodedChunk {
    /// The bytes.
    public let bytes: UnsafeRawBufferPointer
    /// How many events they hold.
    public let events: Int
    /// Where each event ends in `bytes`, when the output asked for it (``OutputComponent/needsEventBoundaries``).
    public let ends: UnsafeBufferPointer<Int32>?

    public init(bytes: UnsafeRawBufferPointer, events: Int, ends: UnsafeBufferPointer<Int32>? = nil) {
        self.bytes = bytes
        self.events = events
        self.ends = ends
    }
}

/// Turns rows of events into bytes, on a producer's thread.
public protocol EventEncoder {
    /// Appends the rows to `out`, calling `sink.eventWritten(&out)` after each event (it may hand the bytes to the
    /// writer and give back an empty buffer, so a chunk stays small enough for the cache).
    mutating func encode(_ rows: borrowing EventRows, into out: inout OutputBuffer, sink: inout ChunkSink)
}

/// Delivers encoded bytes, on the output's worker thread.
public protocol ChunkWriter: AnyObject {
    /// Writes one chunk of whole events. Throwing counts the chunk's events as failed; the writer keeps going
    /// with the next chunk.
    func write(_ chunk: EncodedChunk) throws
    /// Called when the queue has emptied, and at least once per `tickInterval` while idle: writers that buffer
    /// write out (and rotate, reconnect) here.
    func idle() throws
    /// How often `idle()` is called while nothing arrives.
    var tickInterval: Double { get }
    /// SIGHUP: reopen files (after logrotate moved them), reload what can be.
    func reopen() throws
    /// The end of the run: write what is buffered, close.
    func close() throws
    /// Whether the output can take nothing more (its reader went away, as `| head` does).
    var isGone: Bool { get }
    /// Events that `write` took but that never reached their destination (a forwarder's buffer still full of
    /// frames when the run ended): counted as failed, not written.
    var undelivered: Int { get }
}

extension ChunkWriter {
    public func idle() throws {}
    public var tickInterval: Double { 1 }
    public func reopen() throws {}
    public var isGone: Bool { false }
    public var undelivered: Int { 0 }
}

/// What components are given when they are made.
public struct ComponentContext: Sendable {
    /// The default `identity` (the host name unless configured).
    public var identity: String
    /// Where components log (rate-limited by the logger).
    public var log: SondeLog
    /// Where components register what SIGHUP or a timer reloads.
    public var reloads: ReloadHub
    /// Fetches an http(s) URL (lists and databases given by URL); nil where the run cannot fetch.
    public var fetch: (@Sendable (String) throws -> [UInt8])?

    public init(identity: String, log: SondeLog, reloads: ReloadHub = ReloadHub(), fetch: (@Sendable (String) throws -> [UInt8])? = nil) {
        self.identity = identity
        self.log = log
        self.reloads = reloads
        self.fetch = fetch
    }

    /// The bytes of a file, or of an http(s) URL through ``fetch``.
    public func load(_ source: String) throws -> [UInt8] {
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            guard let fetch else { throw SondeError("\(source): URLs cannot be fetched here") }
            return try fetch(source)
        }
        return try FileBytes.read(source)
    }
}

/// A transform or filter kind (`filter`, `domains`, `privacy`, `geoip`, ...).
///
/// A transform works on batches, synchronously, on the producer's thread: it drops events from the rows (a
/// filter's verdict) or changes and enriches them. Nothing is awaited and nothing allocated per event.
public protocol TransformComponent: AnyObject, Sendable {
    /// The kind: config key, metric label, folder name and documentation section.
    static var kind: String { get }
    /// Its settings, for the configuration reference.
    static var reference: ComponentReference { get }
    /// Reads the settings; nil when they are invalid (the problems are in `settings.issues`).
    init?(settings: inout ComponentSettings, context: ComponentContext)
    /// A working instance for one producer thread (it may keep caches: it is used by that thread alone).
    func makeStage() -> any EventStage
    /// Whether it hides part of the question's name for privacy: outputs that write the message's bytes as they
    /// came cannot honour that, and the builder refuses the combination.
    var hidesQuestionName: Bool { get }
}

extension TransformComponent {
    public var hidesQuestionName: Bool { false }
}

/// One producer thread's instance of a transform.
public protocol EventStage {
    /// Filters, changes or enriches the rows in place.
    mutating func apply(_ rows: inout EventRows)
}
