/// Something a transform loads from files or URLs (a domain list, the public suffix list, a GeoIP database) and
/// loads again when it changes: on SIGHUP, when a file's version changes (checked every second), and every
/// `refresh` seconds for URLs.
///
/// Loading runs on the reload hub's thread; the new value replaces the old at once, so the pipeline never
/// pauses, and a load that fails keeps the old value and says so in the log. Producers read ``current`` once
/// per batch.
public final class ReloadingResource<Value: Sendable>: @unchecked Sendable {
    private let lock = ConditionLock()
    private var value: Value
    private var versions: [FileBytes.Version?]
    private var lastFetch: Double
    /// What it is, for the log (`domain list allow`).
    public let name: String
    public let sources: [String]
    let refresh: Double
    let load: @Sendable ([[UInt8]]) throws -> Value
    let context: ComponentContext
    /// Loads so far, and the ones that failed.
    public private(set) var loads = 1
    public private(set) var failures = 0

    /// Loads `sources` now (an error here is the configuration's: the run does not start) and registers the
    /// reloads with the context's hub.
    public init(
        name: String, sources: [String], refresh: Double, context: ComponentContext,
        load: @escaping @Sendable ([[UInt8]]) throws -> Value
    ) throws {
        self.name = name
        self.sources = sources
        self.refresh = refresh
        self.load = load
        self.context = context
        versions = sources.map { Self.isURL($0) ? nil : FileBytes.version($0) }
        value = try load(try sources.map { try context.load($0) })
        lastFetch = SondeThread.now()
        context.reloads.onReload { [weak self] in self?.reload(reason: "SIGHUP") }
        context.reloads.onTimer { [weak self] now in self?.check(now) }
    }

    /// The value now.
    public var current: Value { lock.withLock { value } }

    static func isURL(_ s: String) -> Bool { s.hasPrefix("http://") || s.hasPrefix("https://") }

    func check(_ now: Double) {
        let changed = sources.indices.contains { i in
            !Self.isURL(sources[i]) && FileBytes.version(sources[i]) != lock.withLock({ versions[i] })
        }
        let due = sources.contains(where: Self.isURL) && now - lock.withLock({ lastFetch }) >= refresh
        if changed || due { reload(reason: changed ? "file changed" : "refresh") }
    }

    /// Loads again; keeps the old value when that fails.
    public func reload(reason: String) {
        let newVersions = sources.map { Self.isURL($0) ? nil : FileBytes.version($0) }
        do {
            let fresh = try load(try sources.map { try context.load($0) })
            lock.withLock {
                value = fresh
                versions = newVersions
                lastFetch = SondeThread.now()
                loads += 1
            }
            context.log.info("\(name): reloaded (\(reason))", key: "reload \(name)")
        } catch {
            lock.withLock {
                // Do not retry a broken file every second: wait for it to change again.
                versions = newVersions
                lastFetch = SondeThread.now()
                failures += 1
            }
            context.log.warning("\(name): cannot reload (\(reason)): \(error); keeping the list loaded before", key: "reload \(name)")
        }
    }
}
