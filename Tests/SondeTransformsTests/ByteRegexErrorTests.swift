import XCTest

import SondeTransforms

/// Refusals name the construct and its position; syntax errors are those Python reports, at the same position.
final class ByteRegexErrorTests: XCTestCase {
    typealias Kind = ByteRegexError.Kind

    static let syntaxErrors: [(pattern: String, position: Int, message: String)] = [
        ("*a", 0, "nothing to repeat"),
        ("a|+", 2, "nothing to repeat"),
        ("(?:*)", 3, "nothing to repeat"),
        ("^*", 1, "nothing to repeat"),
        ("a{2,3}", -1, ""),  // valid, checked below as accepted
        ("a**", 2, "multiple repeat"),
        ("a{2}{3}", 4, "multiple repeat"),
        ("a*??", 3, "multiple repeat"),
        ("(ab", 0, "missing ), unterminated subpattern"),
        ("x(a(b)", 1, "missing ), unterminated subpattern"),
        ("ab)", 2, "unbalanced parenthesis"),
        ("[ab", 0, "unterminated character set"),
        ("x[^]", 1, "unterminated character set"),
        ("[z-a]", 1, "bad character range z-a"),
        ("[\\d-z]", 1, "bad character range \\d-z"),
        ("a{3,1}", 2, "min repeat greater than max repeat"),
        ("\\q", 0, "bad escape \\q"),
        ("ab\\", 2, "bad escape (end of pattern)"),
        ("\\x4", 0, "incomplete escape \\x4"),
        ("a(?i)b", 1, "global flags not at the start of the expression"),
        ("(?i", 3, "missing -, : or )"),
        ("(?-i)a", 4, "missing :"),
        ("(?q)", 1, "unknown extension ?q"),
        ("(?P<1>a)", 4, "bad character in group name"),
        ("(?P<n>a)(?P<n>b)", 12, "redefinition of group name 'n'"),
    ]

    static let unsupported: [(pattern: String, position: Int, message: String)] = [
        ("(a)\\1", 3, "backreference or octal escape \\1 is not supported"),
        ("\\0", 0, "backreference or octal escape \\0 is not supported"),
        ("(?P<n>a)(?P=n)", 8, "backreference (?P=...) is not supported"),
        ("foo(?=bar)", 3, "lookahead (?=...) is not supported"),
        ("foo(?!bar)", 3, "lookahead (?!...) is not supported"),
        ("x(?<!y)z", 1, "lookbehind is not supported"),
        ("a++", 2, "possessive quantifier is not supported"),
        ("a{2}+", 4, "possessive quantifier is not supported"),
        ("ab\\bword", 2, "word boundary \\b is not supported"),
        ("\\B", 0, "word boundary \\B is not supported"),
        ("(?>a)", 0, "atomic group (?>...) is not supported"),
        ("(a)(?(1)b|c)", 3, "conditional group (?(...)...) is not supported"),
        ("(?#note)a", 0, "comment group (?#...) is not supported"),
        ("(?m)^a", 2, "flag 'm' is not supported (only i, s, a)"),
        ("(?x:a)", 2, "flag 'x' is not supported (only i, s, a)"),
        ("[é]", 1, "non-ASCII character in a character class is not supported"),
    ]

    func expectError(_ pattern: String, _ kind: Kind, _ position: Int, _ message: String, line: UInt = #line) {
        XCTAssertThrowsError(try ByteRegex(pattern), "/\(pattern)/", line: line) { error in
            guard let error = error as? ByteRegexError else { return XCTFail("not a ByteRegexError", line: line) }
            XCTAssertEqual(error.kind, kind, "/\(pattern)/: \(error)", line: line)
            XCTAssertEqual(error.position, position, "/\(pattern)/: \(error)", line: line)
            XCTAssertEqual(error.message, message, "/\(pattern)/", line: line)
            XCTAssertEqual(error.description, "\(message) at position \(position)", line: line)
        }
    }

    func testSyntaxErrorsSayWhatAndWhere() {
        for (pattern, position, message) in Self.syntaxErrors where position >= 0 {
            expectError(pattern, .syntax, position, message)
        }
        XCTAssertNoThrow(try ByteRegex("a{2,3}"))
    }

    func testUnsupportedSyntaxIsRefusedByName() {
        for (pattern, position, message) in Self.unsupported { expectError(pattern, .unsupported, position, message) }
    }

    func testLimitsAreErrorsNotCrashes() {
        expectError("a{1001}", .tooLarge, 1, "repeat count above 1000")
        expectError("x{,5000}", .tooLarge, 1, "repeat count above 1000")
        expectError("(?:a{1000}){1000}", .tooLarge, 11, "pattern needs more than 20000 automaton nodes")
        expectError(String(repeating: "(", count: 300), .tooLarge, 200, "groups nested too deeply")
        XCTAssertNoThrow(try ByteRegex(String(repeating: "(", count: 150) + String(repeating: ")", count: 150)))
    }

    /// Python refuses each syntax error at the position we report, and accepts (3.11) every pattern we call
    /// unsupported: the two lists are honest.
    func testPythonAgreesOnSyntaxErrors() throws {
        let all = Self.syntaxErrors + Self.unsupported
        let answers = try RegexPythonReference.answers(
            all.map { RegexPythonReference.Case(pattern: Array($0.pattern.utf8), ignoreCase: false, inputs: []) })
        for ((pattern, position, _), answer) in zip(Self.syntaxErrors, answers) {
            if position < 0 {
                XCTAssertNil(answer.error, pattern)
            } else {
                XCTAssertEqual(answer.pos, position, "Python on /\(pattern)/: \(answer.error ?? "accepted")")
            }
        }
        for ((pattern, _, _), answer) in zip(Self.unsupported, answers.dropFirst(Self.syntaxErrors.count)) {
            XCTAssertNil(answer.error, "Python refuses /\(pattern)/ too: \(answer.error ?? "")")
        }
    }
}
