import Foundation
import SondeCore
import SondeDNS
import SondePacket
import XCTest

/// `interface` and `vlan`: written only when the capture knew them (so events from files without tags and from dnstap
/// are as before, byte for byte), the same by the hand-written JSON writer and the generic serializer, and
/// selectable as fields.
final class CapturePointFormatTests: XCTestCase {
    func corpusBatch(_ file: String, identity: String = "x", _ change: (Int, inout DNSEvent) -> Void) throws -> EventBatch {
        let (events, _) = try decodeFrames(try Corpus.pcap(file))
        var batch = EventBatch(identity: identity)
        for (i, f) in events.enumerated() {
            var e = f.event
            change(i, &e)
            f.message.withUnsafeBytes { batch.append(e, message: $0) }
        }
        return batch
    }

    func testHandWrittenJSONMatchesTheGenericSerializerWithInterfaceAndVLAN() throws {
        let names = ["eth0", "any-odd \"name\"\\", "veth1"].map { InterfaceNames.index(of: $0) }
        XCTAssertFalse(names.contains(0))
        let batch = try corpusBatch("lo-mixed.pcap") { i, e in
            if i % 3 != 2 { e.interface = names[i % 3] }
            if i % 4 == 0 {
                e.vlan = UInt16(i % 4096)
                e.markers.insert(.vlanTagged)
            }
            if i % 7 == 0 { e.latency = Int64(i) * 1000 }
        }
        let a = handWrittenJSON(batch).split(separator: "\n")
        let b = genericJSON(batch).split(separator: "\n")
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) where x != y {
            return XCTFail("\(x)\n\(y)")
        }
        let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(a[0].utf8)) as? [String: Any])
        XCTAssertEqual(first["interface"] as? String, "eth0")
        XCTAssertEqual(first["vlan"] as? Int, 0)
        let second = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(a[1].utf8)) as? [String: Any])
        XCTAssertEqual(second["interface"] as? String, "any-odd \"name\"\\")
        XCTAssertNil(second["vlan"])
        let third = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(a[2].utf8)) as? [String: Any])
        XCTAssertNil(third["interface"])
    }

    func testEventsWithoutACapturePointAreWrittenAsBefore() throws {
        let batch = try corpusBatch("gen-sample.pcap") { _, _ in }
        let text = handWrittenJSON(batch)
        XCTAssertFalse(text.contains("\"interface\""))
        XCTAssertFalse(text.contains("\"vlan\""))
    }

    func testTaggedFramesFromFilesCarryTheirVLAN() throws {
        let (events, _) = try decodeFrames(try Corpus.pcap("edge-vlan.pcap"))
        XCTAssertFalse(events.isEmpty)
        for f in events {
            XCTAssertTrue(f.event.markers.contains(.vlanTagged), "frame \(f.frame)")
            XCTAssertEqual(f.event.interface, 0, "a file says nothing of interfaces")
        }
        print("edge-vlan: VLAN IDs \(Set(events.map(\.event.vlan)).sorted())")
    }

    func testTheNewFieldsAreSelectable() throws {
        XCTAssertNoThrow(try EventField(parsing: "interface"))
        XCTAssertNoThrow(try EventField(parsing: "vlan"))
        XCTAssertTrue(EventField.names.contains("interface"))
        XCTAssertEqual(InterfaceNames.name(InterfaceNames.index(of: "eth0")), "eth0")
        XCTAssertEqual(InterfaceNames.index(of: "eth0"), InterfaceNames.index(of: "eth0"), "one index per name")
        XCTAssertNil(InterfaceNames.name(0))
    }
}
