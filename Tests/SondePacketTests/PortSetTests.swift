import SondePacket
import XCTest

final class PortSetTests: XCTestCase {
    func testMembership() {
        var ports: PortSet = [53, 5300, 0, 65535]
        XCTAssertTrue(ports.contains(53))
        XCTAssertTrue(ports.contains(0))
        XCTAssertTrue(ports.contains(65535))
        XCTAssertFalse(ports.contains(54))
        XCTAssertFalse(ports.contains(52))
        XCTAssertEqual(ports.count, 4)
        ports.remove(53)
        XCTAssertFalse(ports.contains(53))
        ports.insert(853)
        XCTAssertEqual(ports.sorted, [0, 853, 5300, 65535])
        XCTAssertFalse(ports.isEmpty)
        XCTAssertTrue(PortSet().isEmpty)
    }

    func testEveryPort() {
        let all = PortSet(0...UInt16.max)
        XCTAssertEqual(all.count, 65536)
        for port in stride(from: 0, through: 65535, by: 97) { XCTAssertTrue(all.contains(UInt16(port))) }
        XCTAssertEqual(PacketDecoder().ports, [53])
    }
}
