import SondeFrameStreams
import XCTest

final class FrameStreamReaderStateMachineTests: XCTestCase {
    let other: [UInt8] = Array("protobuf:other.Thing".utf8)
    let unknown = FrameStreamControl(.init(rawValue: 0x77), contentTypes: [Array("x".utf8)])

    func expectUnexpected(
        _ body: @autoclosure () throws -> FrameStreamReaderStateMachine.Action, _ text: String, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), line: line) { XCTAssertEqual($0 as? FrameStreamError, .unexpected(text), line: line) }
    }

    // MARK: Handshakes

    func testBidirectionalHandshake() throws {
        var session = FrameStreamReaderStateMachine()
        XCTAssertFalse(session.isStarted)
        let ready = FrameStreamControl(.ready, contentTypes: [other, dnstapType, Array("text/plain".utf8)])
        XCTAssertEqual(try session.receive(ready), .reply(FrameStreamControl(.accept, contentTypes: [dnstapType])))
        XCTAssertFalse(session.isStarted)
        XCTAssertEqual(try session.receive(FrameStreamControl(.start, contentTypes: [dnstapType])), .none)
        XCTAssertTrue(session.isStarted)
        for _ in 0..<3 { XCTAssertEqual(try session.receiveData(), .deliver) }
        XCTAssertEqual(try session.receive(FrameStreamControl(.stop)), .finished(reply: FrameStreamControl(.finish)))
        XCTAssertFalse(session.isStarted)
        XCTAssertTrue(session.isFinished)
    }

    func testBidirectionalHandshakeOverTheWire() throws {
        // READY → ACCEPT → START → data → STOP → FINISH, with every frame encoded and framed.
        let stream = FrameStreamControl(.ready, contentTypes: [other, dnstapType]).encoded()
            + FrameStreamControl(.start, contentTypes: [dnstapType]).encoded()
            + dataFrame([1, 2]) + dataFrame([3])
            + FrameStreamControl(.stop).encoded()
        let decoded = try frames(stream).frames
        var session = FrameStreamReaderStateMachine(mode: .bidirectional)
        var actions: [FrameStreamReaderStateMachine.Action] = []
        for frame in decoded {
            switch frame {
            case .control(let c): actions.append(try session.receive(c))
            case .data: actions.append(try session.receiveData())
            case .oversized: XCTFail("no oversized frame here")
            }
        }
        XCTAssertEqual(actions, [
            .reply(FrameStreamControl(.accept, contentTypes: [dnstapType])), .none, .deliver, .deliver,
            .finished(reply: FrameStreamControl(.finish)),
        ])
        // The replies decode as what they are.
        let accept = FrameStreamControl(.accept, contentTypes: [dnstapType]).encoded()
        XCTAssertEqual(try frames(accept).frames, [.control(FrameStreamControl(.accept, contentTypes: [dnstapType]))])
        XCTAssertEqual(FrameStreamControl(.finish).encoded(), be32(0) + be32(4) + be32(5))
    }

    func testStartWithoutContentTypeAfterAcceptIsAllowed() throws {
        var session = FrameStreamReaderStateMachine()
        _ = try session.receive(FrameStreamControl(.ready, contentTypes: [dnstapType]))
        XCTAssertEqual(try session.receive(FrameStreamControl(.start)), .none)
        XCTAssertTrue(session.isStarted)
    }

    func testUnidirectional() throws {
        for mode in [FrameStreamReaderStateMachine.Mode.either, .unidirectional] {
            var session = FrameStreamReaderStateMachine(mode: mode)
            XCTAssertEqual(try session.receive(FrameStreamControl(.start, contentTypes: [dnstapType])), .none)
            XCTAssertEqual(try session.receiveData(), .deliver)
            XCTAssertEqual(try session.receive(FrameStreamControl(.stop)), .finished(reply: nil), "\(mode)")
            XCTAssertTrue(session.isFinished)
        }
        // START naming no content type allows any.
        var bare = FrameStreamReaderStateMachine(mode: .unidirectional)
        XCTAssertEqual(try bare.receive(FrameStreamControl(.start)), .none)
    }

    func testStopRightAfterAcceptFinishes() throws {
        var session = FrameStreamReaderStateMachine()
        _ = try session.receive(FrameStreamControl(.ready, contentTypes: [dnstapType]))
        XCTAssertEqual(try session.receive(FrameStreamControl(.stop)), .finished(reply: FrameStreamControl(.finish)))
    }

    // MARK: Content types

    func testReadyWithoutDnstapIsAMismatch() {
        for types in [[], [other], [other, Array("protobuf:dnstap.Dnstap2".utf8)]] {
            var session = FrameStreamReaderStateMachine()
            XCTAssertThrowsError(try session.receive(FrameStreamControl(.ready, contentTypes: types))) {
                XCTAssertEqual($0 as? FrameStreamError, .contentTypeMismatch(types))
            }
        }
    }

    func testStartWithAnotherContentTypeIsAMismatch() {
        var session = FrameStreamReaderStateMachine()
        XCTAssertThrowsError(try session.receive(FrameStreamControl(.start, contentTypes: [other]))) {
            XCTAssertEqual($0 as? FrameStreamError, .contentTypeMismatch([other]))
        }
        XCTAssertEqual(
            FrameStreamError.contentTypeMismatch([other]).description,
            "content type protobuf:other.Thing is not protobuf:dnstap.Dnstap")
    }

    func testAnotherContentTypeCanBeRead() throws {
        var session = FrameStreamReaderStateMachine(contentType: other)
        XCTAssertEqual(try session.receive(FrameStreamControl(.ready, contentTypes: [dnstapType, other])),
                       .reply(FrameStreamControl(.accept, contentTypes: [other])))
    }

    // MARK: Out of place frames

    func testDataBeforeStartIsAnError() throws {
        let fresh = FrameStreamReaderStateMachine()
        expectUnexpected(try fresh.receiveData(), "data frame before READY or START")
        let unidirectional = FrameStreamReaderStateMachine(mode: .unidirectional)
        expectUnexpected(try unidirectional.receiveData(), "data frame before START")
        var accepted = FrameStreamReaderStateMachine()
        _ = try accepted.receive(FrameStreamControl(.ready, contentTypes: [dnstapType]))
        expectUnexpected(try accepted.receiveData(), "data frame after ACCEPT, before START")
    }

    func testDataAfterStopIsAnError() throws {
        var session = FrameStreamReaderStateMachine()
        _ = try session.receive(FrameStreamControl(.start))
        _ = try session.receive(FrameStreamControl(.stop))
        expectUnexpected(try session.receiveData(), "data frame after STOP")
        expectUnexpected(try session.receive(FrameStreamControl(.start)), "START frame after STOP")
        expectUnexpected(try session.receive(FrameStreamControl(.stop)), "STOP frame after STOP")
    }

    func testStartTwiceIsAnError() throws {
        var session = FrameStreamReaderStateMachine()
        _ = try session.receive(FrameStreamControl(.start, contentTypes: [dnstapType]))
        expectUnexpected(try session.receive(FrameStreamControl(.start, contentTypes: [dnstapType])), "START frame after START")
    }

    func testOtherOutOfPlaceControlFrames() throws {
        var fresh = FrameStreamReaderStateMachine()
        expectUnexpected(try fresh.receive(FrameStreamControl(.stop)), "STOP frame before READY or START")
        expectUnexpected(try fresh.receive(FrameStreamControl(.accept)), "ACCEPT frame before READY or START")
        expectUnexpected(try fresh.receive(FrameStreamControl(.finish)), "FINISH frame before READY or START")
        var accepted = FrameStreamReaderStateMachine()
        _ = try accepted.receive(FrameStreamControl(.ready, contentTypes: [dnstapType]))
        expectUnexpected(try accepted.receive(FrameStreamControl(.ready, contentTypes: [dnstapType])), "READY frame after ACCEPT, before START")
        var started = FrameStreamReaderStateMachine()
        _ = try started.receive(FrameStreamControl(.start))
        expectUnexpected(try started.receive(FrameStreamControl(.ready, contentTypes: [dnstapType])), "READY frame after START")
    }

    func testUnknownControlTypeIsIgnoredInEveryState() throws {
        for mode in [FrameStreamReaderStateMachine.Mode.either, .bidirectional, .unidirectional] {
            var session = FrameStreamReaderStateMachine(mode: mode)
            XCTAssertEqual(try session.receive(unknown), .none, "initial, \(mode)")
            if mode != .unidirectional {
                _ = try session.receive(FrameStreamControl(.ready, contentTypes: [dnstapType]))
                XCTAssertEqual(try session.receive(unknown), .none, "accepted, \(mode)")
            }
            _ = try session.receive(FrameStreamControl(.start))
            XCTAssertEqual(try session.receive(unknown), .none, "started, \(mode)")
            XCTAssertTrue(session.isStarted, "an unknown frame changes nothing, \(mode)")
            XCTAssertEqual(try session.receiveData(), .deliver)
            let end = try session.receive(FrameStreamControl(.stop))
            XCTAssertEqual(end, .finished(reply: mode == .unidirectional ? nil : FrameStreamControl(.finish)))
            XCTAssertEqual(try session.receive(unknown), .none, "stopped, \(mode)")
            XCTAssertTrue(session.isFinished)
        }
    }

    // MARK: Modes

    func testBidirectionalModeRejectsABareStart() {
        var session = FrameStreamReaderStateMachine(mode: .bidirectional)
        expectUnexpected(try session.receive(FrameStreamControl(.start, contentTypes: [dnstapType])), "START frame before READY or START")
        XCTAssertFalse(session.isStarted)
    }

    func testUnidirectionalModeRejectsReady() {
        var session = FrameStreamReaderStateMachine(mode: .unidirectional)
        expectUnexpected(try session.receive(FrameStreamControl(.ready, contentTypes: [dnstapType])), "READY frame before START")
    }

    // MARK: FrameStreamControl

    func testControlEncodeDecodeRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        var controls: [FrameStreamControl] = [
            FrameStreamControl(.accept), FrameStreamControl(.start, contentTypes: [dnstapType]), FrameStreamControl(.stop),
            FrameStreamControl(.ready, contentTypes: [dnstapType, other, []]), FrameStreamControl(.finish), unknown,
        ]
        for _ in 0..<200 {
            let types = (0..<(rng.next() % 5)).map { _ in (0..<(rng.next() % 60)).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
            controls.append(FrameStreamControl(.init(rawValue: UInt32(truncatingIfNeeded: rng.next() % 8)), contentTypes: types))
        }
        for control in controls {
            let wire = control.encoded()
            XCTAssertEqual(Array(wire[0..<4]), [0, 0, 0, 0], "the escape")
            XCTAssertEqual(Array(wire[4..<8]), be32(UInt32(wire.count - 8)), "the control length")
            // Through the framer, and straight from the body.
            let result = try frames(wire)
            XCTAssertEqual(result.frames, [.control(control)])
            XCTAssertEqual(result.offset, wire.count)
            let body = Array(wire[8...])
            XCTAssertEqual(try body.withUnsafeBytes { try FrameStreamControl(body: $0) }, control)
        }
    }

    func testControlEncodingIsTheSpecificationsLayout() {
        let start = FrameStreamControl(.start, contentTypes: [dnstapType]).encoded()
        XCTAssertEqual(start, be32(0) + be32(34) + be32(2) + be32(1) + be32(22) + dnstapType)
    }

    func testAllows() {
        XCTAssertTrue(FrameStreamControl(.start).allows(dnstapType))
        XCTAssertTrue(FrameStreamControl(.start, contentTypes: [other, dnstapType]).allows(dnstapType))
        XCTAssertFalse(FrameStreamControl(.start, contentTypes: [other]).allows(dnstapType))
    }

    func testDescriptions() {
        XCTAssertEqual(
            [FrameStreamControl.Kind.accept, .start, .stop, .ready, .finish].map(\.description),
            ["ACCEPT", "START", "STOP", "READY", "FINISH"])
        XCTAssertEqual(FrameStreamError.controlFrameTooLong(600).description, "control frame of 600 octets (at most 512)")
        XCTAssertEqual(FrameStreamError.contentTypeMismatch([]).description, "content type (none) is not protobuf:dnstap.Dnstap")
    }
}
