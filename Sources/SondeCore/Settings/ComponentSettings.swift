/// The settings of one component (an output, a transform), read key by key by the component itself.
///
/// Every read records the key as known; ``finish()`` then reports every key that nobody read as unknown, with
/// the keys the component does know, so a misspelt key is an error, never ignored. Problems are collected with
/// their place (`sonde.yaml:12:7: outputs[1].max_size: ...`) instead of stopping at the first.
public struct ComponentSettings: Sendable {
    /// The key path of the component (`outputs[1]`, `outputs[0].transforms[2]`).
    public let path: String
    /// Where the component's mapping is.
    public let mark: SettingMark
    let entries: [(key: String, keyMark: SettingMark, value: SettingValue)]
    private var known: [String] = []
    /// Problems found so far.
    public private(set) var issues: [ConfigurationIssue] = []

    /// Settings from a mapping value (a non-mapping is reported).
    public init(_ value: SettingValue, path: String) {
        self.path = path
        mark = value.mark
        if let e = value.entries {
            entries = e
        } else {
            entries = []
            issues.append(Self.issue(value.mark, path, "must be a mapping of keys"))
        }
    }

    /// Settings from scalars made in code (URLs, flags).
    public init(_ pairs: [(String, String)], path: String, source: String) {
        self.init(SettingValue.mapping(pairs, source: source), path: path)
    }

    /// The component kind (`kind:`), read without marking it unknown.
    public var kind: String? { raw("kind")?.scalar }
    /// The component's name (`name:`), when given.
    public var name: String? { raw("name")?.scalar }

    /// Whether the key is present.
    public func has(_ key: String) -> Bool { entries.contains { $0.key == key } }

    /// The raw value of `key` (marks it known).
    public mutating func value(_ key: String) -> SettingValue? {
        known.append(key)
        return raw(key)
    }

    func raw(_ key: String) -> SettingValue? { entries.last { $0.key == key }?.value }

    /// Reports a problem with `key` (or with the component when `key` is nil).
    public mutating func report(_ key: String?, _ message: String) {
        let at = key.flatMap { raw($0)?.mark } ?? mark
        issues.append(Self.issue(at, key.map { "\(path).\($0)" } ?? path, message))
    }

    /// Adds problems found by a nested reader.
    public mutating func adopt(_ more: [ConfigurationIssue]) { issues += more }

    /// Reports every key not read (`kind` and `name` are always known).
    public mutating func finish() {
        let expected = ["kind", "name"] + known
        for e in entries where !expected.contains(e.key) {
            let list = Array(Set(known)).sorted().joined(separator: ", ")
            issues.append(Self.issue(e.keyMark, "\(path).\(e.key)", "unknown key (expected \(list.isEmpty ? "no other key" : list))"))
        }
    }

    static func issue(_ m: SettingMark, _ path: String, _ message: String) -> ConfigurationIssue {
        ConfigurationIssue(source: m.source, path: path, line: m.line, column: m.column, message: message)
    }

    // MARK: Typed reads

    /// A string.
    public mutating func string(_ key: String) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v.scalar else {
            report(key, "must be a string")
            return nil
        }
        return s
    }

    /// A boolean (`true/false`, `yes/no`, `on/off`, `1/0`).
    public mutating func bool(_ key: String) -> Bool? {
        guard let s = string(key) else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default:
            report(key, "must be true or false, not \"\(s)\"")
            return nil
        }
    }

    /// A whole number within `range`.
    public mutating func int(_ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let s = string(key) else { return nil }
        guard let n = Int(s), range.contains(n) else {
            report(key, "must be a whole number between \(range.lowerBound) and \(range.upperBound), not \"\(s)\"")
            return nil
        }
        return n
    }

    /// A decimal number within `range`.
    public mutating func double(_ key: String, _ range: ClosedRange<Double>) -> Double? {
        guard let s = string(key) else { return nil }
        guard let n = Double(s), range.contains(n) else {
            report(key, "must be a number between \(range.lowerBound) and \(range.upperBound), not \"\(s)\"")
            return nil
        }
        return n
    }

    /// A size in octets: `1048576`, `512K`, `100M`, `2G` (powers of 1024; `KB`, `MiB` and lowercase also read).
    public mutating func size(_ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let s = string(key) else { return nil }
        guard let n = SettingParsers.size(s), range.contains(n) else {
            report(key, "must be a size such as 512K, 100M or 2G between \(range.lowerBound) and \(range.upperBound) octets, not \"\(s)\"")
            return nil
        }
        return n
    }

    /// A duration in seconds: `30`, `500ms`, `10s`, `5m`, `1h`, `1d`.
    public mutating func duration(_ key: String, _ range: ClosedRange<Double>) -> Double? {
        guard let s = string(key) else { return nil }
        guard let n = SettingParsers.duration(s), range.contains(n) else {
            report(key, "must be a duration such as 500ms, 10s, 5m or 1h between \(range.lowerBound) and \(range.upperBound) s, not \"\(s)\"")
            return nil
        }
        return n
    }

    /// One of the cases of `T`.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String) -> T? where T.RawValue == String {
        guard let s = string(key) else { return nil }
        guard let v = T(rawValue: s.lowercased()) else {
            report(key, "unknown value \"\(s)\" (expected \(T.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        return v
    }

    /// A list of strings: a YAML list, or one string of comma-separated items.
    public mutating func strings(_ key: String) -> [String]? {
        guard let v = value(key) else { return nil }
        switch v {
        case .scalar(let s, _):
            return s.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        case .list(let items, _):
            var out: [String] = []
            for item in items {
                guard let s = item.scalar else {
                    report(key, "must be a list of strings")
                    return nil
                }
                out.append(s)
            }
            return out
        case .mapping:
            report(key, "must be a list of strings")
            return nil
        }
    }

    /// A mapping of strings to strings, in order (`tags: {site: par1}`).
    public mutating func stringMap(_ key: String) -> [(String, String)]? {
        guard let v = value(key) else { return nil }
        guard let entries = v.entries else {
            report(key, "must be a mapping of names to values")
            return nil
        }
        var out: [(String, String)] = []
        for e in entries {
            guard let s = e.value.scalar else {
                report(key, "\(e.key): must be a string")
                continue
            }
            out.append((e.key, s))
        }
        return out
    }

    /// A list of nested components (`transforms:`), each a mapping; their paths are `path.key[i]`.
    public mutating func components(_ key: String) -> [ComponentSettings]? {
        guard let v = value(key) else { return nil }
        guard case .list(let items, _) = v else {
            report(key, "must be a list")
            return nil
        }
        return items.enumerated().map { ComponentSettings($1, path: "\(path).\(key)[\($0)]") }
    }
}

/// Parsers shared by settings, flags and URLs.
public enum SettingParsers {
    /// `512K`, `100M`, `2G`, `1048576` (suffixes are powers of 1024).
    public static func size(_ text: String) -> Int? {
        var s = Substring(text.trimmingSpaces.lowercased())
        for suffix in ["ib", "b"] where s.hasSuffix(suffix) && s.count > suffix.count {
            s = s.dropLast(suffix.count)
            break
        }
        var factor = 1
        switch s.last {
        case "k": factor = 1 << 10
        case "m": factor = 1 << 20
        case "g": factor = 1 << 30
        case "t": factor = 1 << 40
        default: break
        }
        if factor > 1 { s = s.dropLast() }
        guard let n = Double(s), n >= 0, n * Double(factor) < Double(Int.max / 2) else { return nil }
        return Int(n * Double(factor))
    }

    /// `500ms`, `10s`, `5m`, `1h`, `1d`, or a number of seconds.
    public static func duration(_ text: String) -> Double? {
        let s = text.trimmingSpaces.lowercased()
        for (suffix, factor) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0), ("d", 86_400.0)] where s.hasSuffix(suffix) {
            guard let n = Double(s.dropLast(suffix.count)), n >= 0 else { return nil }
            return n * factor
        }
        guard let n = Double(s), n >= 0 else { return nil }
        return n
    }
}
