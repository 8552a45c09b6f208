/// A configuration value as the user wrote it, with where: a scalar, a list or a mapping from the YAML file, or a
/// scalar from a URL's query (`--output 'file:///x.jsonl?format=json'`), an environment variable or a flag.
///
/// Components read their own keys from these (``ComponentSettings``), so adding a component never touches the
/// loader: the loader only knows the top-level keys.
public indirect enum SettingValue: Sendable, Equatable {
    case scalar(String, SettingMark)
    case list([SettingValue], SettingMark)
    case mapping([(key: String, keyMark: SettingMark, value: SettingValue)], SettingMark)

    /// Where the value is.
    public var mark: SettingMark {
        switch self {
        case .scalar(_, let m), .list(_, let m), .mapping(_, let m): return m
        }
    }

    /// The text of a scalar.
    public var scalar: String? {
        if case .scalar(let s, _) = self { return s }
        return nil
    }

    /// The entries of a mapping.
    public var entries: [(key: String, keyMark: SettingMark, value: SettingValue)]? {
        if case .mapping(let e, _) = self { return e }
        return nil
    }

    /// The value under `key` of a mapping.
    public subscript(key: String) -> SettingValue? {
        entries?.first { $0.key == key }?.value
    }

    public static func == (a: SettingValue, b: SettingValue) -> Bool {
        switch (a, b) {
        case (.scalar(let x, _), .scalar(let y, _)): return x == y
        case (.list(let x, _), .list(let y, _)): return x == y
        case (.mapping(let x, _), .mapping(let y, _)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A mapping of scalars made in code (flags, URLs, tests).
    public static func mapping(_ pairs: [(String, String)], source: String = "flags") -> SettingValue {
        let mark = SettingMark(source: source)
        return .mapping(pairs.map { (key: $0.0, keyMark: mark, value: .scalar($0.1, mark)) }, mark)
    }
}

/// Where a setting came from: a file with line and column, or `environment`, `flags`, `--output URL`.
public struct SettingMark: Sendable, Equatable {
    public var source: String
    public var line: Int?
    public var column: Int?

    public init(source: String, line: Int? = nil, column: Int? = nil) {
        self.source = source
        self.line = line
        self.column = column
    }
}
