/// A cron expression that cannot be parsed: which field, which text, and why.
public struct CronScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The whole expression.
    public var expression: String
    /// The field at fault, or nil for the expression as a whole (wrong field count, unknown `@` word).
    public var field: Field?
    /// The text at fault: the list item, or the whole expression.
    public var text: String
    /// Why it is wrong.
    public var message: String

    /// The five fields, in order.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case minute
        case hour
        case dayOfMonth = "day-of-month"
        case month
        case dayOfWeek = "day-of-week"
    }

    /// Creates an error.
    public init(expression: String, field: Field?, text: String, message: String) {
        self.expression = expression
        self.field = field
        self.text = text
        self.message = message
    }

    /// One line naming the expression, the field and the bad text.
    public var description: String {
        if let field {
            return "invalid cron schedule \"\(expression)\": \(field.rawValue) field \"\(text)\": \(message)"
        }
        return "invalid cron schedule \"\(expression)\": \(message)"
    }
}
