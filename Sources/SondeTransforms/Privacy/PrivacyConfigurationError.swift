/// A key or a setting of the address pseudonymisers that cannot be used, with what was wrong and where.
public struct PrivacyConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The setting at fault, e.g. `"Crypto-PAn key"`.
    public var setting: String
    /// What is wrong with it.
    public var problem: String

    /// An error about `setting`.
    public init(setting: String, problem: String) {
        self.setting = setting
        self.problem = problem
    }

    /// `setting: problem`.
    public var description: String { "\(setting): \(problem)" }
}
