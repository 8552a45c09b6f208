extension CronSchedule {
    /// The fields of a parsed expression, as bit sets.
    struct ParsedFields {
        var minutes: UInt64 = 0
        var hours: UInt64 = 0
        var daysOfMonth: UInt64 = 0
        var months: UInt64 = 0
        var daysOfWeek: UInt64 = 0
        var eitherDay = false
    }

    /// What one field accepts.
    private struct Rule {
        let field: CronScheduleError.Field
        let low: Int
        /// The highest value `*` stands for.
        let high: Int
        /// The highest value accepted when written (7 for Sunday in the day-of-week field).
        let highestWritten: Int
        /// Lower-case names; a name's value is its index plus `low`.
        let names: [String]
    }

    private static let rules: [Rule] = [
        Rule(field: .minute, low: 0, high: 59, highestWritten: 59, names: []),
        Rule(field: .hour, low: 0, high: 23, highestWritten: 23, names: []),
        Rule(field: .dayOfMonth, low: 1, high: 31, highestWritten: 31, names: []),
        Rule(
            field: .month, low: 1, high: 12, highestWritten: 12,
            names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        Rule(
            field: .dayOfWeek, low: 0, high: 6, highestWritten: 7,
            names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ]

    /// The shorthands and what they stand for (crontab(5)); `@reboot` has no meaning for a file.
    static let shorthands: [(String, String)] = [
        ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@weekly", "0 0 * * 0"),
        ("@monthly", "0 0 1 * *"), ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"),
    ]

    static func parse(_ expression: String) throws(CronScheduleError) -> ParsedFields {
        var text = Substring(expression).trimmingWhitespace()
        if text.hasPrefix("@") {
            let word = text.lowercased()
            guard let expansion = shorthands.first(where: { $0.0 == word })?.1 else {
                let known = shorthands.map(\.0).joined(separator: ", ")
                throw CronScheduleError(
                    expression: expression, field: nil, text: String(text), message: "unknown shorthand \"\(text)\"; use one of \(known)")
            }
            text = Substring(expansion)
        }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 5 else {
            throw CronScheduleError(
                expression: expression, field: nil, text: expression,
                message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(parts.count)")
        }
        var fields = ParsedFields()
        fields.minutes = try parseField(parts[0], rules[0], expression)
        fields.hours = try parseField(parts[1], rules[1], expression)
        fields.daysOfMonth = try parseField(parts[2], rules[2], expression)
        fields.months = try parseField(parts[3], rules[3], expression)
        fields.daysOfWeek = try parseField(parts[4], rules[4], expression)
        // crontab(5): the day fields are "restricted" when they do not start with `*` (so `*/2` is not).
        fields.eitherDay = !parts[2].hasPrefix("*") && !parts[4].hasPrefix("*")
        return fields
    }

    private static func parseField(_ text: Substring, _ rule: Rule, _ expression: String) throws(CronScheduleError) -> UInt64 {
        func fail(_ item: Substring, _ message: String) -> CronScheduleError {
            CronScheduleError(expression: expression, field: rule.field, text: String(item), message: message)
        }
        var bits: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw fail(text, "empty item in the list") }
            let pieces = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            var step = 1
            if pieces.count == 2 {
                guard let value = decimal(pieces[1]), value > 0 else {
                    throw fail(item, "step \"\(pieces[1])\" is not a positive number")
                }
                step = value
            }
            let base = pieces[0]
            let low: Int
            let high: Int
            if base == "*" {
                (low, high) = (rule.low, rule.high)
            } else if let dash = base.firstIndex(of: "-") {
                low = try value(base[..<dash], rule, item, fail)
                high = try value(base[base.index(after: dash)...], rule, item, fail)
                guard low <= high else { throw fail(item, "range \(base) runs backwards") }
            } else {
                low = try value(base, rule, item, fail)
                // `5/15` is read as `5-59/15`, as many cron implementations do.
                high = pieces.count == 2 ? rule.high : low
            }
            for value in stride(from: low, through: high, by: step) {
                // Day of week 7 is Sunday, like 0.
                bits |= 1 << UInt64(rule.field == .dayOfWeek && value == 7 ? 0 : value)
            }
        }
        return bits
    }

    private static func value(
        _ text: Substring, _ rule: Rule, _ item: Substring, _ fail: (Substring, String) -> CronScheduleError
    ) throws(CronScheduleError) -> Int {
        if let number = decimal(text) {
            guard number >= rule.low && number <= rule.highestWritten else {
                throw fail(item, "\(text) is outside \(rule.low)-\(rule.highestWritten)")
            }
            return number
        }
        if let index = rule.names.firstIndex(of: text.lowercased()) { return rule.low + index }
        if text.isEmpty { throw fail(item, "a number is missing") }
        if rule.names.isEmpty { throw fail(item, "\"\(text)\" is not a number") }
        throw fail(item, "\"\(text)\" is not a number or a name (\(rule.names.joined(separator: " ")))")
    }

    /// A short run of ASCII digits as a number; nil for anything else (no sign, no overflow).
    private static func decimal(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 9 else { return nil }
        var result = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            result = result * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return result
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\n" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" || last == "\n" { result.removeLast() }
        return result
    }
}
