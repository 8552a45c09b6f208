#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import SondeCore
import SondeDNS

/// Writes events to standard output in one of the formats (text, JSON, YAML, CSV, a template).
///
/// `--output stdout:json`, or `kind: stdout` with the format settings (``FormatSettings``). When the reader goes
/// away (a closed pipe, as with `| head`), the output stops quietly and says so (``ChunkWriter/isGone``) instead
/// of failing the run.
public final class StdoutOutput: OutputComponent {
    public static let kind = "stdout"
    public static let schemes = ["stdout"]
    public static let reference = ComponentReference("""
        - kind: stdout           # events on standard output                 --output stdout:json
          format: text           # text | json | yaml | csv | template          env SONDE_FORMAT  flag --format
          fields: <all>          # json, csv: only these fields, in this order: [time, src_ip, qname, qtype, rcode]
          flat: false            # json: one level, dotted keys (flags.aa, answers.0.rdata, geo.country)
          header: true           # csv: the header line first (each new file of a rotating output too)
          template: <none>       # "{time} {src_ip} {qname} {qtype} {rcode}": any field in braces, {{ }} for braces
          text_fields: <none>    # [time, identity, qname]: the fields separated by spaces, - when absent
        """)


    /// The format and its options.
    public let format: FormatSettings
    /// The descriptor written (1; tests may give another).
    public let fileDescriptor: Int32

    /// `stdout:json` is the format; query items are settings.
    public static func settings(from url: ComponentURL) throws(SondeError) -> [(String, String)] {
        (url.opaque.map { [("format", $0)] } ?? []) + url.query
    }

    public init?(settings: inout ComponentSettings, context: ComponentContext) {
        format = FormatSettings(settings: &settings)
        fileDescriptor = 1
    }

    public init(format: FormatSettings, fileDescriptor: Int32 = 1) {
        self.format = format
        self.fileDescriptor = fileDescriptor
    }

    public var summary: String { "standard output, \(format.description)" }
    public func makeEncoder() -> any EventEncoder { format.makeEncoder() }
    public func makeWriter(context: ComponentContext) throws -> any ChunkWriter {
        DescriptorWriter(fileDescriptor: fileDescriptor, name: "standard output", header: format.headerBytes)
    }
}

/// Writes chunks to an open descriptor (standard output), the header first.
public final class DescriptorWriter: ChunkWriter {
    let fd: Int32
    let name: String
    var header: [UInt8]
    public private(set) var isGone = false

    public init(fileDescriptor: Int32, name: String, header: [UInt8]) {
        fd = fileDescriptor
        self.name = name
        self.header = header
    }

    public func write(_ chunk: EncodedChunk) throws {
        let bytes = chunk.bytes
        try writeHeader()
        try put(bytes)
    }

    public func close() throws { try writeHeader() }

    private func writeHeader() throws {
        guard !header.isEmpty else { return }
        let h = header
        header = []
        try h.withUnsafeBytes { try put($0) }
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws {
        guard !isGone else { return }
        switch bytes.writeAll(to: fd) {
        case 0: break
        case EPIPE: isGone = true
        case let e: throw SondeError("cannot write to \(name): \(String(cString: strerror(e)))")
        }
    }
}
