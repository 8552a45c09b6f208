extension Codec {
    /// Compresses `bytes` into one member or frame (gzip and zstd only). For tests and small payloads; stream
    /// anything large through ``StreamCompressor``.
    public func compress(_ bytes: [UInt8], level: Int32? = nil) throws(CompressionError) -> [UInt8] {
        let compressor = try StreamCompressor(codec: self, level: level)
        var output: [UInt8] = []
        try compressor.compress(bytes, appendingTo: &output)
        try compressor.finish(appendingTo: &output)
        return output
    }

    /// Decompresses all of `bytes`, refusing to produce more than `maxOutputBytes`: a small input can expand to
    /// any size, so the caller states how much it is prepared to hold.
    public func decompress(
        _ bytes: [UInt8], maxOutputBytes: Int, memoryLimit: Int = StreamDecompressor.defaultMemoryLimit
    ) throws(CompressionError) -> [UInt8] {
        let decompressor = try StreamDecompressor(codec: self, memoryLimit: memoryLimit, inputCapacity: 16)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { buffer.deallocate() }
        var output: [UInt8] = []
        var offset = 0
        while !decompressor.isFinished {
            let (consumed, produced) = try bytes.withBytes { (input) throws(CompressionError) in
                try decompressor.decompress(UnsafeRawBufferPointer(rebasing: input[offset...]), into: buffer, endOfInput: true)
            }
            offset += consumed
            if output.count + produced > maxOutputBytes {
                throw CompressionError(.outputLimitExceeded(limit: maxOutputBytes), codec: self)
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<produced]))
        }
        return output
    }
}
