import Foundation
import XCTest

import SondeTransforms

/// Random patterns from a small grammar and random byte strings: ByteRegex must answer as Python's `re.search`,
/// with every engine: literal shortcuts, forward and reverse DFA, NFA simulation.
final class ByteRegexPropertyTests: XCTestCase {
    static let literals: [String] = ["a", "b", "c", "A", "B", "0", "1", "-", "_", "\\.", "\\-", "x"]
    static let classes: [String] = [
        "[a-c]", "[^a.]", "[abc]", "[0-9a-f]", "[^-_]", "[.]", "[A-Z]", "[\\d.]", "[^\\w]", "[-a]", "[a-]", "[]a]",
        "[^]]", "[\\x00-\\x1f]", "[b-b]",
    ]
    static let escapes: [String] = ["\\d", "\\w", "\\s", "\\D", "\\W", "\\S", "\\x61", "\\x2e", "\\n", "\\xff", "\\t"]
    static let quantifiers: [String] = ["*", "+", "?", "{2}", "{1,}", "{0,2}", "{,2}", "{1,3}", "{0}", "{3,}"]

    static func pattern(_ random: inout RegexTestRandom, depth: Int = 0) -> String {
        var branches: [String] = []
        for _ in 0..<(Int.random(in: 0..<6, using: &random) == 0 ? 2 : 1) {
            var branch = ""
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                branch += piece(&random, depth: depth)
            }
            branches.append(branch)
        }
        return branches.joined(separator: "|")
    }

    static func piece(_ random: inout RegexTestRandom, depth: Int) -> String {
        let roll = Int.random(in: 0..<100, using: &random)
        var atom: String
        switch roll {
        case 0..<35: atom = literals.randomElement(using: &random)!
        case 35..<45: atom = "."
        case 45..<60: atom = classes.randomElement(using: &random)!
        case 60..<70: atom = escapes.randomElement(using: &random)!
        case 70..<85 where depth < 3:
            var open = ["(", "(?:", "(?i:", "(?P<g>"].randomElement(using: &random)!
            if open == "(?P<g>" { open = "(?P<g\(Int.random(in: 0..<1_000_000, using: &random))>" }
            atom = open + pattern(&random, depth: depth + 1) + ")"
        default:
            return ["^", "$", "\\A", "\\Z"].randomElement(using: &random)!  // anchors take no quantifier
        }
        if Int.random(in: 0..<3, using: &random) == 0 {
            atom += quantifiers.randomElement(using: &random)!
            if Int.random(in: 0..<5, using: &random) == 0 { atom += "?" }
        }
        return atom
    }

    static let inputAlphabet: [UInt8] = Array("abcABC019.-_x".utf8) + [0x00, 0x0A, 0xFF, 0x80, 0x20, 0x09]

    static func input(_ random: inout RegexTestRandom) -> [UInt8] {
        (0..<Int.random(in: 0...12, using: &random)).map { _ in inputAlphabet.randomElement(using: &random)! }
    }

    func testRandomPatternsAgreeWithPythonAndAcrossEngines() throws {
        var random = RegexTestRandom(state: 20_240_601)
        var patterns: [(String, Bool)] = []
        var inputs: [[UInt8]] = []
        for _ in 0..<4000 {
            var text = Self.pattern(&random)
            // Many filters end in `$`: make sure the reverse DFA gets its share.
            switch Int.random(in: 0..<10, using: &random) {
            case 0, 1: text += "$"
            case 2: text += "\\Z"
            case 3: text = "(?:" + text + ")$"
            default: break
            }
            switch Int.random(in: 0..<10, using: &random) {
            case 0: text = "(?i)" + text
            case 1: text = "(?s)" + text
            default: break
            }
            patterns.append((text, Int.random(in: 0..<8, using: &random) == 0))
        }
        for _ in 0..<40 { inputs.append(Self.input(&random)) }
        inputs += [[], [0x0A], Array("abc\n".utf8), Array("a.b-c_0".utf8)]
        let cases = patterns.map { RegexPythonReference.Case(pattern: Array($0.0.utf8), ignoreCase: $0.1, inputs: inputs) }
        let answers = try RegexPythonReference.answers(cases)
        XCTAssertEqual(answers.count, cases.count)
        var compared = 0
        var failures = 0
        var engineCounts: [String: Int] = [:]
        for ((text, ignoreCase), answer) in zip(patterns, answers) where failures < 20 {
            guard let expected = answer.results else {
                XCTFail("Python refused the generated pattern \(text): \(answer.error ?? "")")
                failures += 1
                continue
            }
            let engines: [ByteRegex]
            do {
                var options = ByteRegex.Options(caseInsensitive: ignoreCase)
                let main = try ByteRegex(text, options: options)
                options.literalShortcuts = false
                let automaton = try ByteRegex(text, options: options)
                options.reverseSearch = false
                let forward = try ByteRegex(text, options: options)
                options.maxDFAStates = 0
                let nfa = try ByteRegex(text, options: options)
                engines = [main, automaton, forward, nfa]
                engineCounts["\(main.engine)".prefix(while: { $0 != "(" }).description, default: 0] += 1
            } catch {
                XCTFail("refused \(text): \(error)")
                failures += 1
                continue
            }
            for (input, want) in zip(inputs, expected) {
                for (name, regex) in zip(["main", "automaton", "forward", "nfa"], engines) where regex.matches(bytes: input) != want {
                    XCTFail("\(name) \(regex.engine) /\(text)/\(ignoreCase ? "i" : "") on \(input): want \(want)")
                    failures += 1
                }
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 100_000)
        print("engines: \(engineCounts.sorted { $0.key < $1.key })")
        print("compared \(compared) searches of \(patterns.count) patterns with Python, 4 engine settings each")
    }

    /// Random strings of metacharacters: never a crash; what Python refuses we refuse as a syntax error at the
    /// same position; what both accept gives the same answers.
    func testRandomSyntaxAgreesWithPython() throws {
        var random = RegexTestRandom(state: 5)
        let alphabet = Array("ab.()[]{}|*+?^$\\-,0123:P<>=!#iswxdAZ".utf8)
        let patterns: [[UInt8]] = (0..<10000).map { _ in
            (0..<Int.random(in: 1...8, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        }
        let inputs = (0..<20).map { _ in Self.input(&random) }
        let answers = try RegexPythonReference.answers(
            patterns.map { RegexPythonReference.Case(pattern: $0, ignoreCase: false, inputs: inputs) })
        var counts = (accepted: 0, refusedAlike: 0, unsupported: 0)
        for (bytes, answer) in zip(patterns, answers) {
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let regex = try ByteRegex(text)
                guard let expected = answer.results else {
                    XCTFail("/\(text)/ accepted, Python says \(answer.error ?? "")")
                    continue
                }
                counts.accepted += 1
                for (input, want) in zip(inputs, expected) where regex.matches(bytes: input) != want {
                    XCTFail("/\(text)/ on \(input): want \(want)")
                }
            } catch {
                if error.kind == .syntax {
                    counts.refusedAlike += 1
                    XCTAssertEqual(error.position, answer.pos, "/\(text)/: \(error) vs Python \(answer.error ?? "accepted")")
                } else {
                    counts.unsupported += 1
                }
            }
        }
        print("random syntax: \(counts)")
        XCTAssertGreaterThan(counts.accepted, 500)
    }
}
