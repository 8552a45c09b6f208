// Array's `withUnsafeBytes` and `withUnsafeMutableBytes` rethrow as `any Error`; these keep `CompressionError`.

extension Array where Element == UInt8 {
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(CompressionError) -> R) throws(CompressionError) -> R {
        let result: Result<R, CompressionError> = withUnsafeBytes { bytes in
            do throws(CompressionError) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    mutating func withMutableBytes<R>(
        _ body: (UnsafeMutableRawBufferPointer) throws(CompressionError) -> R
    ) throws(CompressionError) -> R {
        let result: Result<R, CompressionError> = withUnsafeMutableBytes { bytes in
            do throws(CompressionError) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
