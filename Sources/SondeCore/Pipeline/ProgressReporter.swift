#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress bar on standard error (bytes read, messages/s), redrawn at most five times a second.
///
/// ``make(enabled:)`` returns nil unless standard error is a terminal, so pipes and logs stay clean.
public final class ProgressReporter {
    private var total = 0
    private var knownTotal = false
    private var startTime = 0.0
    private var lastDraw = 0.0
    private var drawn = false

    /// A reporter when `enabled` and standard error is a terminal.
    public static func make(enabled: Bool = true) -> ProgressReporter? {
        enabled && isatty(2) == 1 ? ProgressReporter() : nil
    }

    private init() {}

    /// Monotonic seconds, for timing runs.
    public static func nowSeconds() -> Double { now() }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Starts timing; `totalBytes` is the input size when known.
    public func start(totalBytes: Int, knownTotal: Bool) {
        total = totalBytes
        self.knownTotal = knownTotal && totalBytes > 0
        startTime = Self.now()
        lastDraw = startTime
    }

    /// Reports progress; cheap enough to call once per batch.
    public func update(bytes: Int, messages: UInt64) {
        let t = Self.now()
        guard t - lastDraw >= 0.2 else { return }
        lastDraw = t
        let elapsed = max(t - startTime, 1e-9)
        let rate = Double(messages) / elapsed
        var line = "\r"
        if knownTotal {
            let fraction = min(1, Double(bytes) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            line += "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] "
            line += "\(Int(fraction * 100))% "
        }
        line += "\(bytes >> 20) MiB, \(Int(rate)) packets/s  "
        draw(line)
        drawn = true
    }

    /// Clears the line.
    public func finish() {
        if drawn { draw("\r\u{1B}[K") }
    }

    private func draw(_ s: String) {
        var s = s
        s.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
