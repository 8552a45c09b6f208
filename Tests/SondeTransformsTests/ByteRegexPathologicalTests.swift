import Foundation
import XCTest

import SondeTransforms

/// Patterns that make a backtracking engine exponential stay linear here, with bounded automata.
final class ByteRegexPathologicalTests: XCTestCase {
    func seconds(_ body: () -> Void) -> Double {
        let start = Date()
        body()
        return Date().timeIntervalSince(start)
    }

    func testNestedAndOverlappingLoopsStayLinear() throws {
        let cases: [(String, [UInt8], Bool)] = [
            ("(a*)*b", [UInt8](repeating: UInt8(ascii: "a"), count: 200_000), false),
            ("(a|aa)*c", [UInt8](repeating: UInt8(ascii: "a"), count: 200_000), false),
            ("^(a|a?)+$", [UInt8](repeating: UInt8(ascii: "a"), count: 200_000) + [UInt8(ascii: "!")], false),
            ("^(a+)+$", [UInt8](repeating: UInt8(ascii: "a"), count: 200_000) + [UInt8(ascii: "!")], false),
            ("(a*)*b", [UInt8](repeating: UInt8(ascii: "a"), count: 200_000) + [UInt8(ascii: "b")], true),
        ]
        for (pattern, input, expected) in cases {
            for maxDFAStates in [10_000, 0] {
                let regex = try ByteRegex(pattern, options: ByteRegex.Options(maxDFAStates: maxDFAStates))
                if case .dfa(let states) = regex.engine { XCTAssertLessThan(states, 16, pattern) }
                if case .reverseDFA(let states) = regex.engine { XCTAssertLessThan(states, 16, pattern) }
                if case .nfa(let nodes) = regex.engine { XCTAssertLessThan(nodes, 16, pattern) }
                var answer = !expected
                let time = seconds { answer = regex.matches(bytes: input) }
                XCTAssertEqual(answer, expected, "/\(pattern)/ \(regex.engine)")
                XCTAssertLessThan(time, 2, "/\(pattern)/ \(regex.engine) took \(time) s on \(input.count) bytes")
            }
        }
    }

    func testCountedRepetitionIsBounded() throws {
        for reverseSearch in [true, false] {
            let regex = try ByteRegex("^a{0,200}$", options: ByteRegex.Options(reverseSearch: reverseSearch))
            switch regex.engine {
            case .dfa(let states), .reverseDFA(let states): XCTAssertLessThanOrEqual(states, 205)
            default: XCTFail("\(regex.engine)")
            }
            XCTAssertTrue(regex.matches(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 200)))
            XCTAssertFalse(regex.matches(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 201)))
        }
        // Unanchored, a{0,200} matches the empty string anywhere: decided before the first byte.
        XCTAssertTrue(try ByteRegex("a{0,200}").matches(bytes: Array("xyz".utf8)))
        let longRun = try ByteRegex("x{1000}$")
        XCTAssertTrue(longRun.matches(bytes: [UInt8](repeating: UInt8(ascii: "x"), count: 5000)))
    }

    /// The textbook DFA blow-up: an `a` followed by 20 more bytes, found anywhere, needs 2^21 DFA states. The
    /// cap sends it to NFA simulation: same answers, still linear, memory bounded by the NFA. (Anchored with `$`
    /// it would not blow up: the reversed pattern's DFA counts 20 bytes from the end.)
    func testExponentialDFAFallsBackToNFASimulation() throws {
        let regex = try ByteRegex("(a|b)*a(a|b){20}")
        guard case .nfa(let nodes) = regex.engine else { return XCTFail("\(regex.engine)") }
        XCTAssertLessThan(nodes, 200)
        var random = RegexTestRandom(state: 7)
        for _ in 0..<200 {
            let input = (0..<Int.random(in: 0..<60, using: &random)).map { _ in Bool.random(using: &random) ? UInt8(ascii: "a") : UInt8(ascii: "b") }
            let expected = input.count >= 21 && input[..<(input.count - 20)].contains(UInt8(ascii: "a"))
            XCTAssertEqual(regex.matches(bytes: input), expected, "\(input)")
        }
        guard case .reverseDFA(let states) = try ByteRegex("(a|b)*a(a|b){20}$").engine else { return XCTFail() }
        XCTAssertLessThan(states, 30)
        let long = [UInt8](repeating: UInt8(ascii: "b"), count: 100_000)
        XCTAssertLessThan(seconds { XCTAssertFalse(regex.matches(bytes: long)) }, 5)
    }

    func testLargeDFAStaysUnderTheCap() throws {
        let regex = try ByteRegex("(a|b)*a(a|b){8}", options: ByteRegex.Options(maxDFAStates: 1000))
        guard case .dfa(let states) = regex.engine else { return XCTFail("\(regex.engine)") }
        XCTAssertLessThanOrEqual(states, 1000)
        let capped = try ByteRegex("(a|b)*a(a|b){8}", options: ByteRegex.Options(maxDFAStates: 100))
        guard case .nfa = capped.engine else { return XCTFail("\(capped.engine)") }
    }

    /// The simulation's scratch sits on the stack in three sizes (1, 4 and 32 KiB); a pattern needing more, and
    /// a DFA past the cap, is refused rather than allocated for.
    func testSimulationScratchSizesAndTheLimit() throws {
        let options = ByteRegex.Options(maxDFAStates: 0)
        for (pattern, minimum, maximum) in [("x[a-z]{0,20}y", 20, 64), ("x[a-z]{0,100}y", 65, 256), ("x[a-z]{0,900}y", 257, 2048)] {
            let regex = try ByteRegex(pattern, options: options)
            guard case .nfa(let nodes) = regex.engine else { return XCTFail("\(regex.engine)") }
            XCTAssert((minimum...maximum).contains(nodes), "\(pattern): \(nodes) nodes")
            let inside = Array("--x".utf8) + [UInt8](repeating: UInt8(ascii: "q"), count: 15) + Array("y--".utf8)
            let outside = Array("--x".utf8) + [UInt8](repeating: UInt8(ascii: "q"), count: 15) + Array("Y--".utf8)
            XCTAssertTrue(regex.matches(bytes: inside), pattern)
            XCTAssertFalse(regex.matches(bytes: outside), pattern)
        }
        XCTAssertThrowsError(try ByteRegex("x[a-z]{0,600}[0-9]{0,600}y", options: ByteRegex.Options(maxDFAStates: 0))) { error in
            let error = error as? ByteRegexError
            XCTAssertEqual(error?.kind, .tooLarge)
            XCTAssertEqual(
                error?.message, "pattern needs a DFA of more than 0 states and an NFA of 2405 nodes, more than the 2048 simulated")
        }
    }
}
