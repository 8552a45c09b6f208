#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PublicSuffixList {
    /// Files larger than this are refused: the list is about 250 KB, and a file sixteen times larger is not it.
    public static let maxFileSize = 4 << 20

    /// Reads and parses a list file (``debianPath`` on Debian, from the `publicsuffix` package).
    ///
    /// A pure function of the file's bytes: the caller decides when to load again.
    public static func load(
        contentsOfFile path: String, sections: Sections = .all
    ) throws(PublicSuffixListError) -> PublicSuffixList {
        let bytes = try readFile(path)
        return try parse(bytes, sections: sections, source: path)
    }

    /// Parses a list from its bytes (UTF-8, in the publicsuffix.org format).
    ///
    /// - Parameter source: names the bytes in errors.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, sections: Sections = .all, source: String = "<bytes>"
    ) throws(PublicSuffixListError) -> PublicSuffixList {
        let rules = try PublicSuffixRule.parse(bytes, source: source)
        if sections == .icannOnly && !rules.contains(where: { $0.section == .icann }) {
            throw PublicSuffixListError(
                source: source,
                reason: "no rule between '// ===BEGIN ICANN DOMAINS===' and its end: ICANN rules cannot be told apart")
        }
        return try PublicSuffixList(rules: rules, sections: sections, source: source)
    }

    /// Parses a list held in an array or string's bytes.
    public static func parse(
        _ bytes: some Collection<UInt8>, sections: Sections = .all, source: String = "<bytes>"
    ) throws(PublicSuffixListError) -> PublicSuffixList {
        // `withUnsafeBytes` rethrows untyped errors, so the outcome travels as a `Result`.
        let result = Array(bytes).withUnsafeBytes { raw in
            Result { () throws(PublicSuffixListError) in try parse(raw, sections: sections, source: source) }
        }
        return try result.get()
    }

    /// The whole file, at most ``maxFileSize`` bytes; errors name the file and, when it is missing, the package.
    static func readFile(_ path: String) throws(PublicSuffixListError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            let hint =
                path == debianPath && errno == ENOENT
                ? " (install the Debian package publicsuffix: apt-get install publicsuffix)" : ""
            throw PublicSuffixListError(source: path, reason: "cannot open: \(reason)\(hint)")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw PublicSuffixListError(source: path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            guard bytes.count + n <= maxFileSize else {
                throw PublicSuffixListError(source: path, reason: "larger than \(maxFileSize) bytes: not the list")
            }
            bytes += chunk[0..<n]
        }
        return bytes
    }
}
