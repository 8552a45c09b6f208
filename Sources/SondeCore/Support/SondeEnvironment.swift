#if canImport(Glibc)
import Glibc
#endif

/// The process environment, read without Foundation.
public enum SondeEnvironment {
    /// The value of the variable `name`, if set.
    public static func value(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        return String(cString: v)
    }
}
