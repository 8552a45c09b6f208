import Yams

/// Reads configuration from YAML text and from `SONDE_…` environment variables, collecting every problem with
/// its place instead of stopping at the first. Unknown keys are errors: a misspelt key must never be ignored.
public struct ConfigurationLoader {
    /// Problems found so far.
    public private(set) var issues: [ConfigurationIssue] = []
    private var source = ""

    public init() {}

    /// Applies a YAML document on top of `configuration`.
    public mutating func apply(yaml: String, source: String, to configuration: inout SondeConfiguration) {
        self.source = source
        let node: Node?
        do { node = try Yams.compose(yaml: yaml) } catch let error as YamlError {
            issues.append(ConfigurationIssue(source: source, path: "", message: "not valid YAML: \(error)"))
            return
        } catch {
            issues.append(ConfigurationIssue(source: source, path: "", message: "not valid YAML: \(error)"))
            return
        }
        guard let node else { return }  // an empty file changes nothing
        guard let mapping = node.mapping else {
            issue(node, "", "the top level must be a mapping of keys")
            return
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "identity":
                if let s = string(value, key) { configuration.identity = s }
            case "ports":
                if let p = ports(value, key) { configuration.ports = p }
            case "progress":
                if let b = bool(value, key) { configuration.progress = b }
            case "stats_interval":
                if let n = int(value, key, 0...86_400) { configuration.statsInterval = n }
            case "metrics_listen":
                if let t = string(value, key) {
                    do { configuration.metricsListen = try SocketEndpoint(metricsAddress: t) } catch { issue(value, key, error.description) }
                }
            case "api":
                applyAPI(value, &configuration.api)
            case "stats":
                applyStats(value, &configuration.stats)
            case "statsd":
                applyStatsd(value, &configuration.statsd)
            case "reassembly":
                if let b = bool(value, key) { configuration.reassembly = b }
            case "matching":
                if let b = bool(value, key) { configuration.matching = b }
            case "unanswered":
                if let b = bool(value, key) { configuration.unanswered = b }
            case "join":
                if let b = bool(value, key) { configuration.join = b }
            case "summary":
                applySummary(value, &configuration.summary)
            case "outputs":
                if let list = components(value, key) { configuration.outputs = list }
            case "transforms":
                if let list = components(value, key) { configuration.transforms = list }
            case "log_level":
                if let l: LogLevel = choice(value, key) { configuration.logLevel = l }
            case "log_format":
                if let f: LogFormat = choice(value, key) { configuration.logFormat = f }
            case "inputs":
                applyInputs(value, &configuration.inputs, &configuration.captures)
            default:
                issue(keyNode, key, "unknown key (expected identity, ports, progress, stats_interval, metrics_listen, api, stats, statsd, log_level, log_format, reassembly, matching, unanswered, join, summary, inputs, transforms, outputs)")
            }
        }
    }

    private mutating func applyAPI(_ node: Node, _ api: inout APIConfiguration) {
        guard let mapping = node.mapping else {
            issue(node, "api", "must be a mapping")
            return
        }
        func secret(_ value: Node, _ path: String, file: Bool) -> String? {
            guard let text = string(value, path) else { return nil }
            guard file else { return text }
            do {
                var bytes = try FileBytes.read(text, limit: 4096)
                while let last = bytes.last, last == 0x0a || last == 0x0d { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            } catch {
                issue(value, path, "cannot read \(text): \(error)")
                return nil
            }
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let path = "api.\(key)"
            switch key {
            case "listen":
                if let t = string(value, path) {
                    do { api.listen = try SocketEndpoint(metricsAddress: t) } catch { issue(value, path, error.description) }
                }
            case "api_key":
                if let list = value.sequence {
                    api.keys += list.compactMap { string($0, path) }
                } else if let k = secret(value, path, file: false) {
                    api.keys.append(k)
                }
            case "api_key_file":
                if let k = secret(value, path, file: true) { api.keys.append(k) }
            case "user":
                if let u = string(value, path) { api.user = u }
            case "password":
                if let p = secret(value, path, file: false) { api.password = p }
            case "password_file":
                if let p = secret(value, path, file: true) { api.password = p }
            case "demo":
                if let b = bool(value, path) { api.demo = b }
            case "tls_certificate", "tls_key", "tls_ca":
                guard let file = string(value, path) else { break }
                // Read now, so `sonde config check` says what is wrong before a run would.
                do { _ = try FileBytes.read(file, limit: 1 << 20) } catch { issue(value, path, "cannot read \(file): \(error)") }
                applyTLS(key, value, path, &api.tls)
            default:
                issue(keyNode, path, "unknown key (expected listen, api_key, api_key_file, user, password, password_file, demo, tls_certificate, tls_key, tls_ca)")
            }
        }
        if (api.tls.certificate == nil) != (api.tls.key == nil) {
            issue(node, "api", "HTTPS needs both tls_certificate and tls_key")
        } else if api.tls.ca != nil && api.tls.certificate == nil {
            issue(node, "api", "tls_ca (client certificates) needs tls_certificate and tls_key")
        }
    }

    private mutating func applyStats(_ node: Node, _ stats: inout StatsConfiguration) {
        guard let mapping = node.mapping else {
            issue(node, "stats", "must be a mapping")
            return
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let path = "stats.\(key)"
            switch key {
            case "enabled": if let b = bool(value, path) { stats.enabled = b }
            case "detail": if let b = bool(value, path) { stats.detail = b }
            case "top": if let n = int(value, path, 16...65536) { stats.top = n }
            case "stream_top": if let n = int(value, path, 0...65536) { stats.streamTop = n }
            case "max_streams": if let n = int(value, path, 0...4096) { stats.maxStreams = n }
            case "interval": if let n = int(value, path, 1...86_400) { stats.interval = n }
            case "intervals_kept": if let n = int(value, path, 1...1440) { stats.intervalsKept = n }
            case "log_file":
                if let s = string(value, path) {
                    if s.isEmpty { issue(value, path, "must be a file's path") } else { stats.logFile = s }
                }
            case "log_max_size": if let n = size(value, path, 4096...(1 << 40)) { stats.logMaxSize = n }
            case "log_keep": if let n = int(value, path, 0...100_000) { stats.logKeep = n }
            case "log_window": if let w: PeriodicLine.Window = choice(value, path) { stats.logWindow = w }
            default:
                issue(keyNode, path, "unknown key (expected enabled, detail, top, stream_top, max_streams, interval, intervals_kept, log_file, log_max_size, log_keep, log_window)")
            }
        }
    }

    private mutating func applyStatsd(_ node: Node, _ statsd: inout StatsdConfiguration) {
        guard let mapping = node.mapping else {
            issue(node, "statsd", "must be a mapping")
            return
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let path = "statsd.\(key)"
            switch key {
            case "address":
                if let t = string(value, path) {
                    do { statsd.address = try SocketEndpoint(metricsAddress: t) } catch { issue(value, path, error.description) }
                }
            case "prefix": if let p = string(value, path) { statsd.prefix = p }
            case "interval": if let n = int(value, path, 1...86_400) { statsd.interval = n }
            default: issue(keyNode, path, "unknown key (expected address, prefix, interval)")
            }
        }
    }

    private mutating func applySummary(_ node: Node, _ summary: inout SummaryConfiguration) {
        guard let mapping = node.mapping else {
            issue(node, "summary", "must be a mapping")
            return
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let path = "summary.\(key)"
            switch key {
            case "mode":
                if let m: SummaryConfiguration.Mode = choice(value, path) { summary.mode = m }
            case "format":
                if let f: SummaryFormat = choice(value, path) { summary.format = f }
            case "top":
                if let n = int(value, path, 0...1000) { summary.top = n }
            default:
                issue(keyNode, path, "unknown key (expected mode, format, top)")
            }
        }
    }

    /// A list of components (`outputs:`, `transforms:`), each a mapping with a `kind`; each component reads its
    /// own keys when the pipeline is built (``ComponentSettings``).
    private mutating func components(_ node: Node, _ key: String) -> [SettingValue]? {
        guard case .sequence(let seq) = node else {
            issue(node, key, "must be a list of mappings, each with a `kind`")
            return nil
        }
        var result: [SettingValue] = []
        for (i, item) in seq.enumerated() {
            guard let mapping = item.mapping else {
                issue(item, "\(key)[\(i)]", "must be a mapping with a `kind`")
                continue
            }
            if mapping["kind"]?.string == nil { issue(item, "\(key)[\(i)]", "missing `kind`") }
            result.append(settingValue(item))
        }
        return result
    }

    /// The YAML node as a ``SettingValue``, with its place.
    func settingValue(_ node: Node) -> SettingValue {
        let mark = SettingMark(source: source, line: node.mark?.line, column: node.mark?.column)
        switch node {
        case .scalar(let s): return .scalar(s.string, mark)
        case .sequence(let seq): return .list(seq.map(settingValue), mark)
        case .mapping(let m):
            return .mapping(
                m.map { (key: $0.key.string ?? "", keyMark: SettingMark(source: source, line: $0.key.mark?.line, column: $0.key.mark?.column), value: settingValue($0.value)) },
                mark)
        }
    }

    private mutating func applyInputs(
        _ node: Node, _ inputs: inout [DnstapInputConfiguration], _ captures: inout [CaptureConfiguration]
    ) {
        guard case .sequence(let seq) = node else {
            issue(node, "inputs", "must be a list of inputs")
            return
        }
        var result: [DnstapInputConfiguration] = []
        var captured: [CaptureConfiguration] = []
        defer { captures = captured }
        for (i, item) in seq.enumerated() {
            let base = "inputs[\(i)]"
            guard let mapping = item.mapping else {
                issue(item, base, "must be a mapping with a `kind`")
                continue
            }
            if mapping["kind"]?.string == "capture" {
                if let c = capture(mapping, base, item) { captured.append(c) }
                continue
            }
            var input = DnstapInputConfiguration()
            var sawKind = false
            var sawEndpoint = 0
            for (keyNode, value) in mapping {
                let key = keyNode.string ?? ""
                let path = "\(base).\(key)"
                switch key {
                case "kind":
                    sawKind = true
                    if let k = string(value, path), k != "dnstap" { issue(value, path, "unknown input kind \"\(k)\" (expected dnstap or capture)") }
                case "listen", "connect":
                    sawEndpoint += 1
                    input.mode = key == "listen" ? .listen : .connect
                    if let e = endpoint(value, path) { input.endpoint = e }
                case "unix_mode":
                    if let s = string(value, path) {
                        if let m = UInt16(s, radix: 8), m <= 0o777 { input.unixMode = m } else { issue(value, path, "must be an octal mode such as \"0660\"") }
                    }
                case "max_connections":
                    if let n = int(value, path, 1...1_000_000) { input.maxConnections = n }
                case "max_frame_size":
                    if let n = int(value, path, 64...(64 << 20)) { input.maxFrameSize = n }
                case "idle_timeout":
                    if let n = int(value, path, 0...86_400) { input.idleTimeout = n }
                case "allow":
                    if case .sequence(let nets) = value {
                        input.allow = nets.compactMap { string($0, path) }
                    } else if let s = string(value, path) {
                        input.allow = s.split(separator: ",").map { String($0).trimmingSpaces }
                    }
                case "tls_certificate", "tls_key", "tls_ca", "tls_verify":
                    applyTLS(key, value, path, &input.tls)
                default:
                    issue(keyNode, path, "unknown key (expected kind, listen, connect, unix_mode, max_connections, max_frame_size, idle_timeout, allow, tls_certificate, tls_key, tls_ca, tls_verify)")
                }
            }
            if !sawKind { issue(item, base, "missing `kind`") }
            if sawEndpoint != 1 { issue(item, base, "needs exactly one of `listen` and `connect`") }
            if case .tls = input.endpoint, input.mode == .listen, input.tls.certificate == nil || input.tls.key == nil {
                issue(item, base, "a tls:// listener needs tls_certificate and tls_key")
            }
            result.append(input)
        }
        inputs = result
    }

    private mutating func capture(_ mapping: Node.Mapping, _ base: String, _ item: Node) -> CaptureConfiguration? {
        var c = CaptureConfiguration(interface: "")
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let path = "\(base).\(key)"
            switch key {
            case "kind": break
            case "interface": if let s = string(value, path) { c.interface = s }
            case "filter": if let s = string(value, path) { c.filter = s.isEmpty ? nil : s }
            case "promiscuous": if let b = bool(value, path) { c.promiscuous = b }
            case "fanout": if let n = int(value, path, 1...64) { c.fanout = n }
            case "block_size": if let n = int(value, path, 4096...(1 << 30)) { c.blockSize = n }
            case "block_count": if let n = int(value, path, 2...65_536) { c.blockCount = n }
            case "block_timeout": if let n = int(value, path, 1...10_000) { c.blockTimeout = n }
            case "dedup_window": if let n = int(value, path, 0...3_600_000) { c.dedupWindow = n }
            case "sample":
                if let s = string(value, path) {
                    do { c.sample = try .init(parsing: s) } catch { issue(value, path, "\(error)") }
                }
            default:
                issue(keyNode, path, "unknown key (expected kind, interface, filter, promiscuous, fanout, block_size, block_count, block_timeout, sample, dedup_window)")
            }
        }
        if c.interface.isEmpty {
            issue(item, base, "a capture needs `interface`")
            return nil
        }
        for p in c.problems { issue(item, base, p) }
        return c
    }

    private mutating func applyTLS(_ key: String, _ value: Node, _ path: String, _ tls: inout SocketTLSConfiguration) {
        switch key {
        case "tls_certificate": tls.certificate = string(value, path)
        case "tls_key": tls.key = string(value, path)
        case "tls_ca": tls.ca = string(value, path)
        default: if let b = bool(value, path) { tls.verify = b }
        }
    }

    private mutating func endpoint(_ node: Node, _ path: String) -> SocketEndpoint? {
        guard let text = string(node, path) else { return nil }
        do { return try SocketEndpoint(parsing: text) } catch {
            issue(node, path, error.description)
            return nil
        }
    }

    /// Applies `SONDE_…` variables (see the README for the list).
    public mutating func apply(environment: [String: String], to configuration: inout SondeConfiguration) {
        source = "environment"
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("SONDE_") {
            let node = Node(value)
            switch name {
            case "SONDE_IDENTITY": configuration.identity = value
            case "SONDE_PORTS":
                if let p = ports(node, name) { configuration.ports = p }
            case "SONDE_FORMAT":
                if let f: OutputFormat = choice(node, name) { configuration.setStandardOutputFormat(f) }
            case "SONDE_SUMMARY":
                if let m: SummaryConfiguration.Mode = choice(node, name) { configuration.summary.mode = m }
            case "SONDE_SUMMARY_FORMAT":
                if let f: SummaryFormat = choice(node, name) { configuration.summary.format = f }
            case "SONDE_PROGRESS":
                if let b = bool(node, name) { configuration.progress = b }
            case "SONDE_LOG_LEVEL":
                if let l: LogLevel = choice(node, name) { configuration.logLevel = l }
            case "SONDE_LOG_FORMAT":
                if let f: LogFormat = choice(node, name) { configuration.logFormat = f }
            case "SONDE_API_KEY": configuration.api.keys = [value]
            case "SONDE_API_PASSWORD": configuration.api.password = value
            case "SONDE_CONFIG":
                break  // read by the command line before the file is loaded
            case "SONDE_NO_LIBPCAP":
                break  // read by the live capture: libpcap is never loaded
            default:
                issues.append(
                    ConfigurationIssue(
                        source: source, path: name,
                        message: "unknown variable (expected SONDE_CONFIG, SONDE_IDENTITY, SONDE_PORTS, SONDE_FORMAT, SONDE_SUMMARY, SONDE_SUMMARY_FORMAT, SONDE_PROGRESS, SONDE_LOG_LEVEL, SONDE_LOG_FORMAT, SONDE_API_KEY, SONDE_API_PASSWORD)"))
            }
        }
    }

    // MARK: Scalars

    private mutating func issue(_ node: Node, _ path: String, _ message: String) {
        issues.append(
            ConfigurationIssue(source: source, path: path, line: node.mark?.line, column: node.mark?.column, message: message))
    }

    private mutating func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let s) = node else {
            issue(node, path, "must be a string")
            return nil
        }
        return s.string
    }

    private mutating func bool(_ node: Node, _ path: String) -> Bool? {
        guard case .scalar(let s) = node else {
            issue(node, path, "must be true or false")
            return nil
        }
        switch s.string.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            issue(node, path, "must be true or false, not \"\(s.string)\"")
            return nil
        }
    }

    private mutating func int(_ node: Node, _ path: String, _ range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let s) = node, let v = Int(s.string), range.contains(v) else {
            let text: String
            if case .scalar(let s) = node { text = s.string } else { text = "a collection" }
            issue(node, path, "must be a whole number between \(range.lowerBound) and \(range.upperBound), not \(text)")
            return nil
        }
        return v
    }

    /// A size: `512K`, `100M`, `2G` or a number of octets.
    private mutating func size(_ node: Node, _ path: String, _ range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let s) = node, let v = SettingParsers.size(s.string), range.contains(v) else {
            let text: String
            if case .scalar(let s) = node { text = s.string } else { text = "a collection" }
            issue(node, path, "must be a size between \(range.lowerBound) and \(range.upperBound) octets (512K, 100M, 2G), not \(text)")
            return nil
        }
        return v
    }

    private mutating func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ path: String) -> T?
    where T.RawValue == String {
        guard case .scalar(let s) = node else {
            issue(node, path, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        guard let v = T(rawValue: s.string.lowercased()) else {
            issue(node, path, "unknown value \"\(s.string)\" (expected \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        return v
    }

    /// A list of ports, or a comma-separated string of them (`53,5353`).
    private mutating func ports(_ node: Node, _ path: String) -> [UInt16]? {
        var texts: [(String, Node)] = []
        switch node {
        case .scalar(let s):
            texts = s.string.split(separator: ",").map { (String($0).trimmingSpaces, node) }
        case .sequence(let seq):
            for item in seq {
                guard case .scalar(let s) = item else {
                    issue(item, path, "a port must be a number")
                    return nil
                }
                texts.append((s.string, item))
            }
        default:
            issue(node, path, "must be a list of ports")
            return nil
        }
        var result: [UInt16] = []
        for (text, item) in texts {
            guard let v = UInt16(text), v > 0 else {
                issue(item, path, "\"\(text)\" is not a port (1-65535)")
                return nil
            }
            result.append(v)
        }
        guard !result.isEmpty else {
            issue(node, path, "needs at least one port")
            return nil
        }
        return result
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

