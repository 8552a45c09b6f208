import Foundation
#if SONDE_LIBFUZZER
import CLibFuzzer
#endif

/// The `main` of every fuzz target.
///
/// Built by run.sh (`-sanitize=fuzzer,address -DSONDE_LIBFUZZER`) it hands the command line to libFuzzer, which
/// then fuzzes a corpus folder or runs the files it is given (`FuzzDNSMessage crash-1234`). Built plainly it
/// runs each named file, or each file of a named folder, through the check, and exits 1 on the first failure.
public enum FuzzDriver {
    /// The C signature libFuzzer calls, once per input.
    public typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    public static func main(_ callback: Callback) -> Never {
        #if SONDE_LIBFUZZER
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, callback))
        #else
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("no such file: \(argument)\n".utf8))
                exit(2)
            }
            let files = isFolder.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []).sorted().map { argument + "/" + $0 }
                : [argument]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                print("running \(file) (\(data.count) bytes)")
                _ = Array(data).withUnsafeBufferPointer { callback($0.baseAddress, $0.count) }
                count += 1
            }
        }
        print("\(count) inputs passed")
        exit(0)
        #endif
    }
}
