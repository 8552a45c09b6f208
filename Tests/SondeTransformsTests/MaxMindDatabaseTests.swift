import Foundation
import XCTest

#if canImport(SondeTransforms)
import SondeTransforms
#else
import GeoIP
#endif

/// Opening (metadata, layout, files) and the search-tree walk, on hand-built databases.
final class MaxMindDatabaseTests: XCTestCase {
    /// Networks at known depths in IPv4 and IPv6 trees of every record size.
    func testLookupsInEveryRecordSizeAndFamily() throws {
        for ipVersion in [4, 6] {
            for recordSize in [24, 28, 32] {
                var w = MaxMindTestWriter(ipVersion: ipVersion, recordSize: recordSize)
                var offsets: [Int] = []
                for text in ["a", "b", "c", "d", "e"] {
                    offsets.append(w.data.count)
                    w.data.string(text)
                }
                w.insert(ipv4: 0x0102_0300, prefix: 24, offset: offsets[0])
                w.insert(ipv4: 0x0A00_0000, prefix: 8, offset: offsets[1])
                w.insert(ipv4: 0xFFFF_FFFF, prefix: 32, offset: offsets[2])
                if ipVersion == 6 {
                    w.insert(ipv6: 0x2001_0DB8_0000_0000, 0, prefix: 32, offset: offsets[3])
                    w.insert(ipv6: 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFF_FFFF_FFFF, prefix: 128, offset: offsets[4])
                }
                let db = try openMaxMindTestDatabase(w)
                let label = "IPv\(ipVersion), \(recordSize)-bit records"
                XCTAssertEqual(db.metadata.recordSize, recordSize)
                XCTAssertEqual(db.metadata.nodeCount, w.nodes.count)
                func v4(_ address: UInt32, _ offset: Int?, _ prefix: Int, line: UInt = #line) throws {
                    XCTAssertEqual(try db.lookup(ipv4: address), MaxMindLookupResult(recordOffset: offset, prefixLength: prefix), label, line: line)
                }
                try v4(0x0102_0304, offsets[0], 24)
                try v4(0x0102_03FF, offsets[0], 24)
                try v4(0x0A12_3456, offsets[1], 8)
                try v4(0xFFFF_FFFF, offsets[2], 32)
                try v4(0xFFFF_FFFE, nil, 32)
                // 1.2.4.0 leaves 1.2.3.0/24's path at bit 21 (0-based): the empty record is the 22nd level.
                try v4(0x0102_0400, nil, 22)
                try v4(0x8000_0000, nil, 2)  // 255.255.255.255/32 makes the right half a node
                let v6 = try db.lookup(ipv6: (0x2001_0DB8_1234_5678, 9))
                let mapped = try db.lookup(ipv6: (0, 0xFFFF_0102_0304))
                let compatible = try db.lookup(ipv6: (0, 0x0102_0304))
                if ipVersion == 4 {
                    XCTAssertEqual(v6, MaxMindLookupResult(recordOffset: nil, prefixLength: 0), label)
                    XCTAssertEqual(compatible, MaxMindLookupResult(recordOffset: nil, prefixLength: 0), label)
                } else {
                    XCTAssertEqual(v6, MaxMindLookupResult(recordOffset: offsets[3], prefixLength: 32), label)
                    XCTAssertEqual(try db.lookup(ipv6: (.max, .max)), MaxMindLookupResult(recordOffset: offsets[4], prefixLength: 128), label)
                    XCTAssertEqual(compatible, MaxMindLookupResult(recordOffset: offsets[0], prefixLength: 120), label)
                    // This tree does not alias ::ffff:0:0/96 to the IPv4 subtree (MaxMind's do).
                    XCTAssertEqual(mapped.recordOffset, nil, label)
                }
            }
        }
    }

    /// Record values above node_count: the top 24-, 28- and 32-bit values, the separator, past the data.
    func testRecordsOutsideTheDataSection() throws {
        for recordSize in [24, 28, 32] {
            var w = MaxMindTestWriter(ipVersion: 4, recordSize: recordSize)
            w.data.string("x")
            w.insert(high: 0, low: 0, prefix: 1, child: .raw(1 + 5))  // node_count (1) + 5: in the separator
            w.insert(high: 1 << 63, low: 0, prefix: 1, child: .raw(UInt32((1 << UInt64(recordSize)) - 1)))
            let db = try openMaxMindTestDatabase(w)
            assertMaxMindError(.recordOutsideDataSection(record: 6), at: 0) { try db.lookup(ipv4: 1) }
            let top = UInt32((1 << UInt64(recordSize)) - 1)
            assertMaxMindError(.recordOutsideDataSection(record: top), at: 0) { try db.lookup(ipv4: 0x8000_0000) }
        }
        // A tree deeper than 32 levels for IPv4: after the last bit the walk still stands on a node.
        var w = MaxMindTestWriter(ipVersion: 4)
        w.insert(high: 0, low: 0, prefix: 32, child: .node(0))
        let db = try openMaxMindTestDatabase(w)
        assertMaxMindError(.treeDeeperThanAddress, at: 0) { try db.lookup(ipv4: 0) }
        XCTAssertEqual(try db.lookup(ipv4: 1), MaxMindLookupResult(recordOffset: nil, prefixLength: 32))
    }

    /// IPv4 in an IPv6 tree whose ::/8 is one network: the walk to ::/96 stops there, as MaxMind's readers do,
    /// and every IPv4 address gets that record with prefix 0.
    func testIPv4RootThatIsALeaf() throws {
        var w = MaxMindTestWriter(ipVersion: 6)
        w.data.string("low")
        w.insert(ipv6: 0, 0, prefix: 8, offset: 0)
        let db = try openMaxMindTestDatabase(w)
        XCTAssertEqual(try db.lookup(ipv4: 0x0808_0808), MaxMindLookupResult(recordOffset: 0, prefixLength: 0))
        XCTAssertEqual(try db.lookup(ipv6: (0, 0x0808_0808)), MaxMindLookupResult(recordOffset: 0, prefixLength: 8))
    }

    func testMetadata() throws {
        var w = MaxMindTestWriter(ipVersion: 6, recordSize: 28)
        w.data.string("x")
        w.insert(ipv4: 0, prefix: 1, offset: 0)
        let db = try openMaxMindTestDatabase(w, language: "de")
        let m = db.metadata
        XCTAssertEqual(m.nodeCount, 97)
        XCTAssertEqual(m.recordSize, 28)
        XCTAssertEqual(m.ipVersion, 6)
        XCTAssertEqual(m.databaseType, "Sonde-Test")
        XCTAssertEqual(m.languages, ["en", "de"])
        XCTAssertEqual(m.descriptions, ["en": "Sonde test database"])
        XCTAssertEqual(m.buildEpoch, 1_700_000_000)
        XCTAssertEqual(m.binaryFormatMajorVersion, 2)
        XCTAssertEqual(m.binaryFormatMinorVersion, 0)
        XCTAssertEqual(db.language, "de")
    }

    func testBadMetadataIsRefused() throws {
        func refuse(_ reason: MaxMindDBError.Reason, line: UInt = #line, _ change: (inout MaxMindTestWriter) -> Void) {
            var w = MaxMindTestWriter(ipVersion: 4)
            w.data.string("x")
            w.insert(ipv4: 0, prefix: 1, offset: 0)
            change(&w)
            assertMaxMindError(reason, { try openMaxMindTestDatabase(w) }, line: line)
        }
        refuse(.unsupportedRecordSize(26)) { $0.setMetadata("record_size") { $0.unsigned(5, 26) } }
        refuse(.unsupportedIPVersion(5)) { $0.setMetadata("ip_version") { $0.unsigned(5, 5) } }
        refuse(.unsupportedFormatVersion(3)) { $0.setMetadata("binary_format_major_version") { $0.unsigned(5, 3) } }
        for key in ["node_count", "record_size", "ip_version", "database_type", "binary_format_major_version",
                    "binary_format_minor_version", "build_epoch"] {
            refuse(.metadataKeyMissing(key)) { $0.setMetadata(key, nil) }
        }
        refuse(.metadataKeyInvalid("node_count")) { $0.setMetadata("node_count") { $0.string("many") } }
        refuse(.metadataKeyInvalid("node_count")) { $0.setMetadata("node_count") { $0.unsigned(9, 1 << 40) } }
        refuse(.metadataKeyInvalid("database_type")) { $0.setMetadata("database_type") { $0.unsigned(5, 1) } }
        refuse(.metadataKeyInvalid("languages")) { $0.setMetadata("languages") { $0.string("en") } }
        refuse(.metadataKeyInvalid("languages")) { $0.setMetadata("languages") { $0.array(1); $0.boolean(true) } }
        refuse(.metadataKeyInvalid("description")) { $0.setMetadata("description") { $0.map(1); $0.string("en"); $0.double(1) } }
        refuse(.searchTreeTooLarge(nodeCount: 1000)) { $0.setMetadata("node_count") { $0.unsigned(6, 1000) } }
        // Without languages and description the database still opens.
        var w = MaxMindTestWriter(ipVersion: 4)
        w.setMetadata("languages", nil)
        w.setMetadata("description", nil)
        XCTAssertEqual(try openMaxMindTestDatabase(w).metadata.languages, [])
    }

    func testMarkerSearch() throws {
        var w = MaxMindTestWriter(ipVersion: 4)
        // A marker inside the data section: the last one is the metadata's.
        w.data.blob([0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8) + [0xE0])
        w.insert(ipv4: 0, prefix: 1, offset: 0)
        XCTAssertEqual(try openMaxMindTestDatabase(w).metadata.databaseType, "Sonde-Test")

        let bytes = w.build()
        let markerAt = w.nodes.count * 6 + 16 + w.data.count
        assertMaxMindError(.metadataMarkerMissing, at: 5) { try ([1, 2, 3, 4, 5] as [UInt8]).withUnsafeBytes { try MaxMindDatabase(bytes: $0) } }
        assertMaxMindError(.metadataMarkerMissing, at: 0) { try MaxMindDatabase(bytes: UnsafeRawBufferPointer(start: nil, count: 0)) }
        // The metadata must start in the last 128 KiB.
        w.trailingBytes = [UInt8](repeating: 0, count: MaxMindLimits.maxMetadataSize)
        assertMaxMindError(.metadataMarkerMissing) { try openMaxMindTestDatabase(w) }
        // Metadata that is not a map, or is cut short.
        var cut = Array(bytes.prefix(markerAt + 14))
        assertMaxMindError(.fieldPastEnd, at: markerAt + 14) { try cut.withUnsafeBytes { try MaxMindDatabase(bytes: $0) } }
        cut.append(0x41)
        cut.append(0x78)
        assertMaxMindError(.metadataNotAMap, at: markerAt + 14) { try cut.withUnsafeBytes { try MaxMindDatabase(bytes: $0) } }
        assertMaxMindError(.fieldPastEnd) { try bytes.dropLast(3).withUnsafeBytes { try MaxMindDatabase(bytes: $0) } }
        assertMaxMindError(.invalidLanguage) { try openMaxMindTestDatabase(MaxMindTestWriter(), language: "") }
        assertMaxMindError(.invalidLanguage) { try openMaxMindTestDatabase(MaxMindTestWriter(), language: String(repeating: "x", count: 33)) }
    }

    func testFiles() throws {
        var w = MaxMindTestWriter(ipVersion: 6)
        w.data.string("from a file")
        w.insert(ipv4: 0x0808_0800, prefix: 24, offset: 0)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sonde-test-\(UUID().uuidString).mmdb")
        try Data(w.build()).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let db = try MaxMindDatabase(path: url.path)
        XCTAssertEqual(try db.decodeValue(atRecordOffset: try db.lookup(ipv4: 0x0808_0808).recordOffset!), .string("from a file"))
        XCTAssertEqual(db.bytes.count, w.build().count)

        assertMaxMindError(.cannotRead(errno: ENOENT), at: 0) { try MaxMindDatabase(path: url.path + ".missing") }
        assertMaxMindError(.notARegularFile) { try MaxMindDatabase(path: FileManager.default.temporaryDirectory.path) }
        do {
            _ = try MaxMindDatabase(path: url.path + ".missing")
        } catch {
            XCTAssertEqual(error.path, url.path + ".missing")
            XCTAssertTrue(error.description.hasPrefix(url.path + ".missing: offset 0: cannot read the file: "), error.description)
        }
        // A refused file's error names the path and the offset.
        let broken = url.appendingPathExtension("broken")
        try Data(w.build().dropLast(1)).write(to: broken)
        defer { try? FileManager.default.removeItem(at: broken) }
        do {
            _ = try MaxMindDatabase(path: broken.path)
            XCTFail("a truncated file opened")
        } catch {
            XCTAssertEqual(error.path, broken.path)
            XCTAssertTrue(error.description.hasPrefix("\(broken.path): offset "), error.description)
            XCTAssertTrue(error.description.hasSuffix("a field runs past the end of its section"), error.description)
        }
    }
}
